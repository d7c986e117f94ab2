using Reqnroll;

namespace Acceptance.ReqnrollNUnit.Tests.Bindings;

[Binding]
public sealed class Hooks(ScenarioContext scenario, FeatureContext feature)
{
    [BeforeTestRun] public static void BeforeTestRun() => Recorder.Add("BeforeTestRun");
    [AfterTestRun] public static void AfterTestRun() => Recorder.Add("AfterTestRun");

    [BeforeFeature]
    public static void BeforeFeature(FeatureContext fc) =>
        Recorder.Add("BeforeFeature", fc.FeatureInfo.Title, detail: $"folder={fc.FeatureInfo.FolderPath}|tags={string.Join(",", fc.FeatureInfo.Tags)}");

    [AfterFeature]
    public static void AfterFeature(FeatureContext fc) => Recorder.Add("AfterFeature", fc.FeatureInfo.Title);

    [BeforeScenario]
    public void BeforeScenario()
    {
        var info = scenario.ScenarioInfo;
        var args = string.Join(",", info.Arguments.Keys.Cast<object>().Select(k => $"{k}={info.Arguments[k]}"));
        var steps = scenario.TryGetValue(ScenarioContextKeys.Steps, out var s) ? string.Join(";", (string[])s) : "<missing>";
        Recorder.Add("BeforeScenario", feature.FeatureInfo.Title, info.Title,
            $"file={Get(ScenarioContextKeys.FeatureFile)}|line={Get(ScenarioContextKeys.ScenarioLine)}|pickle={Get(ScenarioContextKeys.PickleId)}" +
            $"|args={args}|tags={string.Join(",", info.Tags)}|combined={string.Join(",", info.CombinedTags)}|rule={scenario.RuleInfo?.Title}|steps={steps}");
    }

    [AfterScenario]
    public void AfterScenario() =>
        Recorder.Add("AfterScenario", feature.FeatureInfo.Title, scenario.ScenarioInfo.Title, scenario.ScenarioExecutionStatus.ToString());

    [BeforeStep]
    public void BeforeStep() =>
        Recorder.Add("BeforeStep", feature.FeatureInfo.Title, scenario.ScenarioInfo.Title, scenario.StepContext.StepInfo.Text);

    [AfterStep]
    public void AfterStep() =>
        Recorder.Add("AfterStep", feature.FeatureInfo.Title, scenario.ScenarioInfo.Title, scenario.StepContext.StepInfo.Text);

    private string Get(string key) => scenario.TryGetValue(key, out var v) ? (string)v : "<missing>";
}

using System.Reflection;
using NUnit.Framework;
using NUnit.Framework.Internal;
using Reqnroll;

namespace Acceptance.ReqnrollNUnit;

/// <summary>ScenarioContext keys the bridge fills for every scenario (for evidence writers that only know Reqnroll).</summary>
public static class ScenarioContextKeys
{
    /// <summary>Feature path relative to the features directory, forward slashes.</summary>
    public const string FeatureFile = "acceptance.feature.file";
    /// <summary>Line of the scenario (of the Examples row for an outline row), as a string.</summary>
    public const string ScenarioLine = "acceptance.scenario.line";
    public const string PickleId = "acceptance.pickle.id";
    /// <summary><c>string[]</c>, one entry per pickle step: <c>"Keyword text|line"</c>.</summary>
    public const string Steps = "acceptance.steps";
}

/// <summary>Drives Reqnroll's public runtime API for one pickle, in the order of Reqnroll's generated NUnit code.</summary>
internal static class ScenarioRunner
{
    public static async Task RunAsync(Assembly testAssembly, ScenarioDescriptor scenario)
    {
        var feature = scenario.Feature;
        if (feature.ParseError is not null)
            Assert.Fail($"Feature file could not be parsed: {feature.ParseError}");

        var runner = TestRunnerManager.GetTestRunnerForAssembly(testAssembly, featureHint: feature.FeatureInfo);
        Exception? failure = null;
        StepDescriptor? failedStep = null;
        var hookFailed = false;
        var initialized = false;
        ScenarioExecutionStatus status = ScenarioExecutionStatus.OK;
        try
        {
            try
            {
                if (runner.FeatureContext is not null && !ReferenceEquals(runner.FeatureContext.FeatureInfo, feature.FeatureInfo))
                    await runner.OnFeatureEndAsync();
            }
            finally
            {
                if (runner.FeatureContext is { BeforeFeatureHookFailed: true })
                    throw new ReqnrollException("Scenario skipped because of a previous [BeforeFeature] hook error", runner.FeatureContext.BeforeFeatureHookError);
                if (runner.FeatureContext is null)
                    await runner.OnFeatureStartAsync(feature.FeatureInfo);
            }

            var scenarioInfo = new ScenarioInfo(scenario.Title, scenario.Description, scenario.ScenarioTags, scenario.Arguments,
                scenario.InheritedTags, scenario.PickleIndex);
            runner.OnScenarioInitialize(scenarioInfo, scenario.Rule);
            initialized = true;
            var context = runner.ScenarioContext;
            context.ScenarioContainer.RegisterInstanceAs(TestContext.CurrentContext);
            context[ScenarioContextKeys.FeatureFile] = feature.RelativePath;
            context[ScenarioContextKeys.ScenarioLine] = scenario.Line.ToString(System.Globalization.CultureInfo.InvariantCulture);
            context[ScenarioContextKeys.PickleId] = scenario.PickleId;
            context[ScenarioContextKeys.Steps] = scenario.StepSummaries.ToArray();

            if (scenario.IsIgnored)
            {
                await runner.SkipScenarioAsync();
            }
            else
            {
                await runner.OnScenarioStartAsync();
                hookFailed = context.ScenarioExecutionStatus != ScenarioExecutionStatus.OK;
                foreach (var step in scenario.Steps)
                {
                    var table = step.CreateTable();
                    var keyword = step.Keyword + " ";
                    await (step.Kind switch
                    {
                        StepKind.Given => runner.GivenAsync(step.Text, step.DocString, table, keyword),
                        StepKind.When => runner.WhenAsync(step.Text, step.DocString, table, keyword),
                        StepKind.Then => runner.ThenAsync(step.Text, step.DocString, table, keyword),
                        StepKind.But => runner.ButAsync(step.Text, step.DocString, table, keyword),
                        _ => runner.AndAsync(step.Text, step.DocString, table, keyword),
                    });
                    if (failedStep is null && !hookFailed && context.ScenarioExecutionStatus != ScenarioExecutionStatus.OK)
                        failedStep = step;
                }
            }
            status = context.ScenarioExecutionStatus;
            try { await runner.CollectScenarioErrorsAsync(); }
            catch (Exception ex) { failure = ex; }
        }
        catch (Exception ex)
        {
            failure ??= ex;
        }
        finally
        {
            try
            {
                if (initialized) await runner.OnScenarioEndAsync();
            }
            catch (Exception ex)
            {
                failure ??= ex;
                hookFailed |= failedStep is null;
            }
            finally
            {
                if (runner.FeatureContext is { BeforeFeatureHookFailed: true })
                    await runner.OnFeatureEndAsync();
                TestRunnerManager.ReleaseTestRunner(runner);
            }
        }

        if (scenario.IsIgnored)
            Assert.Ignore($"Scenario '{scenario.Title}' is tagged @ignore ({scenario.Location})");
        if (failure is null && status == ScenarioExecutionStatus.OK)
            return;
        if (failure is not null && !hookFailed && NUnitRuntimeProvider.IsSkip(failure))
        {
            // A step said the scenario cannot be checked here (e.g. "not verified: no log endpoint"): skipped with its reason.
            ClearRecordedAssertions();
            Assert.Ignore($"{failure.Message} ({(failedStep is null ? scenario.Location : $"{scenario.Feature.RelativePath}:{failedStep.Line}")})");
        }
        Fail(scenario, failedStep, status, failure, hookFailed);
    }

    private static void Fail(ScenarioDescriptor scenario, StepDescriptor? step, ScenarioExecutionStatus status, Exception? failure, bool hookFailed)
    {
        var where = step is null ? scenario.Location : $"{scenario.Feature.RelativePath}:{step.Line}";
        var original = failure is null ? "" : failure is ResultStateException or ReqnrollException
            ? failure.Message : $"{failure.GetType().FullName}: {failure.Message}";
        string message = status switch
        {
            ScenarioExecutionStatus.UndefinedStep when step is not null =>
                $"Undefined step: {step} ({where})\nNo step definition matches it. Add a binding such as:\n{Snippets(original)}",
            ScenarioExecutionStatus.StepDefinitionPending when step is not null =>
                $"Pending step: {step} ({where})\n{original}",
            _ when step is not null => $"Step failed: {step} ({where})\n{original}",
            _ when hookFailed => $"Hook failed in scenario '{scenario.TestName}' ({where})\n{original}",
            _ => $"Scenario '{scenario.TestName}' failed ({where}) with status {status}\n{original}",
        };
        // NUnit 4 records a failed assertion before throwing; without this the message becomes "Multiple failures or warnings".
        ClearRecordedAssertions();
        throw new ScenarioFailedException(message.TrimEnd(), failure);
    }

    /// <summary>Only the step-definition methods of Reqnroll's suggested binding class, dedented.</summary>
    private static string Snippets(string reqnrollMessage)
    {
        var matches = System.Text.RegularExpressions.Regex.Matches(reqnrollMessage,
            @"^(?<indent>[ \t]*)\[(Given|When|Then|StepDefinition)\(.*?^\k<indent>\}", 
            System.Text.RegularExpressions.RegexOptions.Multiline | System.Text.RegularExpressions.RegexOptions.Singleline);
        if (matches.Count == 0) return reqnrollMessage;
        return string.Join("\n", matches.Select(m =>
        {
            var indent = m.Groups["indent"].Value.Length;
            return string.Join("\n", m.Value.Split('\n').Select(l => l.Length >= indent && string.IsNullOrWhiteSpace(l[..indent]) ? l[indent..] : l.TrimStart()));
        }));
    }

    // NUnit 4.6 exposes AssertionResults read-only; the list behind it is a private field (NUnit is pinned exactly).
    private static readonly FieldInfo? AssertionResultsField =
        typeof(TestResult).GetField("_assertionResults", BindingFlags.Instance | BindingFlags.NonPublic);

    private static void ClearRecordedAssertions()
    {
        var result = TestExecutionContext.CurrentContext.CurrentResult;
        if (AssertionResultsField?.GetValue(result) is System.Collections.IList list) list.Clear();
        else if (!result.AssertionResults.IsReadOnly) result.AssertionResults.Clear();
    }
}

/// <summary>
/// A failed scenario: the message names the step and its file:line, the original exception is the InnerException,
/// and the stack trace shown by NUnit starts with the original one (where the binding failed).
/// </summary>
public sealed class ScenarioFailedException(string message, Exception? inner) : AssertionException(message, inner!)
{
    public override string? StackTrace => InnerException?.StackTrace is { } original
        ? $"{original}\n--- {InnerException.GetType().FullName}, reported by the Reqnroll-on-NUnit bridge ---\n{base.StackTrace}"
        : base.StackTrace;
}

using NUnit.Framework;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;
using NUnit.Framework.Internal.Builders;
using Reqnroll;

namespace Acceptance.ReqnrollNUnit;

/// <summary>
/// Base class of the one fixture per feature. Derive once in the test assembly:
/// <c>[TestFixtureSource(typeof(FeatureSource), nameof(FeatureSource.All))] public sealed class Features(FeatureDescriptor f) : FeatureFixture(f);</c>
/// The derived class's assembly is the Reqnroll test assembly (bindings are found there).
/// </summary>
public abstract class FeatureFixture(FeatureDescriptor feature)
{
    protected FeatureDescriptor Feature { get; } = feature;

    /// <summary>One NUnit test per pickle (scenario or Examples row).</summary>
    [Scenarios]
    public Task Scenario(ScenarioDescriptor scenario) => ScenarioRunner.RunAsync(GetType().Assembly, scenario);

    [OneTimeTearDown]
    public async Task ReleaseFeatureAsync()
    {
        if (Feature.ParseError is null)
            await TestRunnerManager.ReleaseFeatureAsync(Feature.FeatureInfo, GetType().Assembly);
    }
}

/// <summary>
/// Base class of the run-wide [SetUpFixture]: fires BeforeTestRun/AfterTestRun. Derive once in the test assembly,
/// in the namespace of the feature fixture (or a parent / no namespace): <c>[SetUpFixture] public sealed class TestRun : ReqnrollTestRun;</c>
/// </summary>
public abstract class ReqnrollTestRun
{
    [OneTimeSetUp]
    public Task StartTestRunAsync() => TestRunnerManager.OnTestRunStartAsync(GetType().Assembly);

    [OneTimeTearDown]
    public Task EndTestRunAsync() => TestRunnerManager.OnTestRunEndAsync(GetType().Assembly);
}

/// <summary>Builds one test per pickle of the fixture's feature (a single failing test when the file did not parse).</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = true)]
public sealed class ScenariosAttribute : NUnitAttribute, ITestBuilder
{
    private readonly NUnitTestCaseBuilder _builder = new();

    public IEnumerable<TestMethod> BuildFrom(IMethodInfo method, Test? suite)
    {
        var feature = suite?.Arguments.OfType<FeatureDescriptor>().FirstOrDefault();
        if (feature is null)
        {
            var invalid = new TestCaseParameters([null]) { TestName = "Scenarios", RunState = RunState.NotRunnable };
            invalid.Properties.Set(PropertyNames.SkipReason, "the fixture must be built by [TestFixtureSource(typeof(FeatureSource), nameof(FeatureSource.All))]");
            yield return _builder.BuildTestMethod(method, suite, invalid);
            yield break;
        }
        if (feature.ParseError is not null)
        {
            var broken = new ScenarioDescriptor(feature) { TestName = "Feature file could not be parsed" };
            yield return _builder.BuildTestMethod(method, suite, new TestCaseParameters([broken]) { TestName = broken.TestName });
            yield break;
        }
        foreach (var scenario in feature.Scenarios)
        {
            var parms = new TestCaseParameters([scenario]) { TestName = scenario.TestName };
            foreach (var category in scenario.Categories) parms.Properties.Add(PropertyNames.Category, category);
            if (scenario.Description is not null) parms.Properties.Set(PropertyNames.Description, scenario.Description);
            yield return _builder.BuildTestMethod(method, suite, parms);
        }
    }
}

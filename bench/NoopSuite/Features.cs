using Acceptance.Reporting.Allure;
using Acceptance.ReqnrollNUnit;
using Acceptance.Support.Evidence;
using NUnit.Framework;
using Reqnroll;
using Reqnroll.Plugins;

// Consumed exactly as src/StepDefinitions/Infrastructure/Features.cs does.
[assembly: RuntimePlugin(typeof(Acceptance.Bench.NoopSuite.BenchRuntimePlugin))]
[assembly: Parallelizable(ParallelScope.Fixtures)]

namespace Acceptance.Bench.NoopSuite;

/// <summary>One NUnit fixture per .feature file of $ACCEPTANCE_FEATURES_DIR, one test per scenario.</summary>
[TestFixtureSource(typeof(FeatureSource), nameof(FeatureSource.All))]
public sealed class Features(FeatureDescriptor feature) : FeatureFixture(feature);

/// <summary>Installs the NUnit bridge and the Allure writer (results in $ACCEPTANCE_RESULTS_DIR).</summary>
public sealed class BenchRuntimePlugin : IRuntimePlugin
{
    public void Initialize(RuntimePluginEvents runtimePluginEvents, RuntimePluginParameters runtimePluginParameters,
        Reqnroll.UnitTestProvider.UnitTestProviderConfiguration unitTestProviderConfiguration)
    {
        new NUnitRuntimePlugin().Initialize(runtimePluginEvents, runtimePluginParameters, unitTestProviderConfiguration);
        new AllureRuntimePlugin().Initialize(runtimePluginEvents, runtimePluginParameters, unitTestProviderConfiguration);
    }
}

/// <summary>Fires Reqnroll's BeforeTestRun/AfterTestRun hooks once per run.</summary>
[SetUpFixture]
public sealed class TestRun : ReqnrollTestRun;

/// <summary>No-op steps; the run-level hook writes environment.properties and executor.json like the real suite.</summary>
[Binding]
public sealed class NoopSteps(EvidenceLog evidence)
{
    [StepDefinition(@"no-op step (\d+)")]
    public void Noop(int n) => _ = evidence;

    [AfterTestRun]
    public static void AfterTestRun()
    {
        RunFacts.Set("bench", "noop");
        AllureResultsWriter.Shared.WriteEnvironment(RunFacts.Snapshot());
        AllureResultsWriter.Shared.WriteExecutor("bench");
    }
}

using Acceptance.Reporting.Allure;
using Acceptance.ReqnrollNUnit;
using NUnit.Framework;
using Reqnroll.Plugins;

[assembly: RuntimePlugin(typeof(Acceptance.StepDefinitions.AcceptanceRuntimePlugin))]
[assembly: Parallelizable(ParallelScope.Fixtures)]
// Checks mostly wait on the network: four features at a time on two cores; an unreachable service costs one timeout, not one per feature.
[assembly: LevelOfParallelism(4)]

namespace Acceptance.StepDefinitions;

/// <summary>One NUnit fixture per .feature file of features/, one test per scenario (see src/ReqnrollNUnit).</summary>
[TestFixtureSource(typeof(FeatureSource), nameof(FeatureSource.All))]
public sealed class Features(FeatureDescriptor feature) : FeatureFixture(feature);

/// <summary>Reqnroll accepts one runtime plugin attribute per assembly: this one installs the NUnit bridge and the Allure writer.</summary>
public sealed class AcceptanceRuntimePlugin : IRuntimePlugin
{
    public void Initialize(RuntimePluginEvents runtimePluginEvents, RuntimePluginParameters runtimePluginParameters,
        Reqnroll.UnitTestProvider.UnitTestProviderConfiguration unitTestProviderConfiguration)
    {
        // "Not verified" (the target cannot show this line) is a skip with its reason, never a failure or a pass.
        NUnitRuntimeProvider.SkipWhen = e => e is Acceptance.Support.Outcomes.NotVerifiedException;
        // An answer of another shape than the suite reads is BROKEN naming the exchange (one place, every client).
        runtimePluginEvents.CustomizeGlobalDependencies += (_, args) =>
            args.ObjectContainer.RegisterTypeAs<Infrastructure.AnswerShapeBindingInvoker, Reqnroll.Bindings.IAsyncBindingInvoker>();
        new NUnitRuntimePlugin().Initialize(runtimePluginEvents, runtimePluginParameters, unitTestProviderConfiguration);
        new AllureRuntimePlugin().Initialize(runtimePluginEvents, runtimePluginParameters, unitTestProviderConfiguration);
    }
}

/// <summary>Fires Reqnroll's BeforeTestRun/AfterTestRun hooks once per run.</summary>
[SetUpFixture]
public sealed class TestRun : ReqnrollTestRun;

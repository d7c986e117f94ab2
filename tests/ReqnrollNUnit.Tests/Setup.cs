using Acceptance.ReqnrollNUnit;
using NUnit.Framework;

[assembly: Reqnroll.Plugins.RuntimePlugin(typeof(Acceptance.ReqnrollNUnit.Tests.Bindings.EventProbePlugin))]
[assembly: Parallelizable(ParallelScope.Fixtures)]
[assembly: LevelOfParallelism(4)]

namespace Acceptance.ReqnrollNUnit.Tests.Run
{
    /// <summary>The whole consumer side of the bridge: one fixture per feature, one SetUpFixture per run.</summary>
    [TestFixtureSource(typeof(FeatureSource), nameof(FeatureSource.All))]
    public sealed class Features(FeatureDescriptor feature) : FeatureFixture(feature);

    [SetUpFixture]
    public sealed class TestRun : ReqnrollTestRun;
}

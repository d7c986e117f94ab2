using Acceptance.Support.Docker;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Docker;

/// <summary>ROLLBACK-1's verdicts: a detected failure, and the known-good version back with its data.</summary>
public sealed class RollbackRulesTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static ContainerFacts Container(string image, string state = "running", string? health = "healthy") =>
        new("ml-platform-drill_pushgateway_1", "pushgateway", image, "sha256:1", state, 0, health, 0, null, "unless-stopped", 64 << 20, 500_000_000, 0,
            [new MountFacts("volume", "ml-platform-drill_pushgateway-data", "/data", false)], []);

    [Test]
    public void A_broken_deployment_that_shows_is_detected_and_one_that_stays_healthy_is_a_failure_of_the_drill()
    {
        var seen = new DrillMeasurement("1.5.1", "1.5.1-broken", TimeSpan.FromSeconds(1.2), null, "pushgateway on …:1.5.1-broken: restarting");
        RollbackRules.FailureDetected(seen, Deadline).Holds.Should().BeTrue();

        var unseen = seen with { TimeToDetect = null, Failure = null };
        var v = RollbackRules.FailureDetected(unseen, Deadline);
        v.Holds.Should().BeFalse();
        v.Shortfalls.Single().Should().Contain("was not detected as a failure");
    }

    [Test]
    public void The_known_good_version_back_healthy_with_its_data_holds_and_each_way_it_can_fall_short_is_named()
    {
        var m = new DrillMeasurement("1.5.1", "1.5.1-broken", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(7), "restarting");
        RollbackRules.Restored(m, Container("r/ml-platform/pushgateway:1.5.1"), "1.5.1", "marker", "marker").Holds.Should().BeTrue();

        RollbackRules.Restored(m, Container("r/ml-platform/pushgateway:1.5.1-broken", "restarting", "unhealthy"), "1.5.1", "marker", null).Shortfalls.Should().Equal(
            "it runs r/ml-platform/pushgateway:1.5.1-broken, not the known-good version 1.5.1",
            "it is restarting, unhealthy, not running and healthy",
            "the data written before the failed deployment is gone from the volume");
        RollbackRules.Restored(m with { TimeToRestore = null }, null, "1.5.1", "marker", null).Shortfalls
            .Should().Contain("the service has no container after the rollback");
    }
}

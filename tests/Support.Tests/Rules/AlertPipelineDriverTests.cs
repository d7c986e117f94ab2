using System.Diagnostics;
using Acceptance.Support.Alertmanager;
using Acceptance.Support.Evidence;
using Acceptance.Support.Prometheus;
using Acceptance.Support.Pushgateway;
using Acceptance.TestSupport;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Rules;

/// <summary>The live alert pipeline's stages stop at once on a terminal state instead of waiting out the deadline.</summary>
public sealed class AlertPipelineDriverTests
{
    [Test]
    public async Task A_silenced_alert_ends_the_routing_stage_at_once_naming_the_silence()
    {
        await using var server = new FixtureServer()
            .On("/metrics/job/*", "")
            .On("/api/v2/alerts", """
                [ { "labels": { "alertname": "MLTrainingJobFailed", "severity": "critical" }, "receivers": [ { "name": "oncall-critical" } ],
                    "status": { "state": "suppressed", "silencedBy": [ "7b8e1f2a-silence" ], "inhibitedBy": [] },
                    "startsAt": "2026-11-28T07:00:00Z", "fingerprint": "abc" } ]
                """);
        var target = TestTarget.With(new PrometheusOptions { Key = "prometheus", Address = server.Url },
            new PushgatewayOptions { Key = "pushgateway", Address = server.Url }, new AlertmanagerOptions { Key = "alertmanager", Address = server.Url });
        var evidence = new EvidenceLog();
        using var prometheus = new PrometheusClient(target, evidence);
        using var pushgateway = new PushgatewayDriver(target, evidence);
        using var alertmanager = new AlertmanagerClient(target, evidence);
        var driver = new AlertPipelineDriver(prometheus, pushgateway, alertmanager, null, evidence, TimeSpan.FromSeconds(60));
        await driver.PushAsync("unit");
        var sw = Stopwatch.StartNew();

        var (stage, alert) = await driver.AlertmanagerAsync("oncall-critical");

        sw.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "a silence is the answer: the stage does not wait out its 60 s");
        alert!.IsSuppressed.Should().BeTrue();
        var verdict = AlertmanagerRules.StageReached(stage, TimeSpan.FromSeconds(60));
        verdict.Holds.Should().BeFalse();
        verdict.Shortfalls.Should().ContainSingle().Which.Should().Contain("suppresses it").And.Contain("silenced by [7b8e1f2a-silence]").And.Contain("stopped at once");
    }
}

using System.Diagnostics;
using System.Text.RegularExpressions;
using Acceptance.TestSupport;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.EndToEnd.Tests;

/// <summary>
/// The monitoring domain (Prometheus, Pushgateway, Grafana, Alertmanager) wired end to end against the sandbox: red
/// on its faults with the verdict's own words, green without them, and the live alert pipeline's pushed group removed
/// even when a stage fails. Every rule's verdicts are proven by unit tests against the documented API bodies.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class MonitoringWiringTests : SandboxDomainFixture
{
    private static readonly string[] Ids = ["MON-MS-1", "MON-MS-2", "MON-MS-4", "NEXT-DASH-1"];

    protected override TargetCopy TargetForDomain() => TargetCopy.OfSandbox()
        .Set("thresholds.poll_timeout_seconds", "8")
        .Set("thresholds.alert_pipeline_timeout_seconds", "15");

    [Test, Order(1)]
    public async Task With_Pushgateway_down_and_a_panel_without_data_those_lines_fail_and_the_others_pass()
    {
        IReadOnlyList<ScenarioResult> results;
        await using (await SandboxFault.OnAsync("pushgateway.down"))
        await using (await SandboxFault.OnAsync("grafana.panel-no-data"))
            results = await Run(Ids);
        TestContext.Out.WriteLine(string.Join("\n", results));

        results.ShouldEnd("Prometheus scrapes all its configured targets successfully", "failed",
            "Rule: every Prometheus scrape target is up", "pushgateway/", "down");
        results.ShouldEnd("Grafana's expected dashboards show data in every panel", "failed",
            "dashboard 'ML Training Overview' panel 'Scrape targets up'", "NO DATA");
        results.ShouldEnd("Every panel of every Grafana dashboard queries metrics that exist", "failed", "panel 'Scrape targets up'");
        results.ShouldEnd("Metrics retention is configured appropriately", "passed");
    }

    [Test, Order(2)]
    public async Task With_the_faults_off_every_one_of_those_lines_passes()
    {
        var results = await Run(Ids);
        results.Should().HaveCountGreaterThanOrEqualTo(4);
        results.Should().OnlyContain(r => r.Status == "passed", string.Join("\n", results));
    }

    [Test, Order(3)]
    public async Task An_undelivered_notification_fails_the_alert_pipeline_and_nothing_is_left_behind()
    {
        var sw = Stopwatch.StartNew();
        IReadOnlyList<ScenarioResult> results;
        await using (await SandboxFault.OnAsync("webhook.down"))
            results = await Run("MON-AC-1");
        var pipeline = results.ShouldEnd("A synthetic critical alert travels from Pushgateway to the on-call receiver and resolves", "failed",
            "firing notification delivered", "connection refused");
        pipeline.StepNames.Should().Contain(s => s.Contains("Alertmanager receives the alert"));

        var pushgateway = Regex.Match(await File.ReadAllTextAsync(Repository.SandboxTarget), @"(?m)^  pushgateway:\s*\n\s+address:\s*(\S+)").Groups[1].Value;
        using var http = new HttpClient();
        var groups = await http.GetStringAsync(pushgateway.TrimEnd('/') + "/api/v1/metrics");
        Regex.Matches(groups, "\"job\":\"acceptance-selftest-[0-9a-f]{6}-").Should().BeEmpty("the pipeline's pushed group must be deleted even though a stage failed");
        TestContext.Out.WriteLine($"webhook.down proof took {sw.Elapsed.TotalSeconds:F0} s");
    }
}

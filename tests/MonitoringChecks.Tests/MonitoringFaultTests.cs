using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Acceptance.TestSupport;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.MonitoringChecks.Tests;

/// <summary>
/// The monitoring, alerting and Grafana checks (issue 6) pass against the healthy sandbox and FAIL, with a
/// message naming what is wrong, on each of their faults: sandbox switches (pushgateway.down,
/// grafana.datasource-unhealthy, grafana.panel-no-data, webhook.down) and, where the sandbox has no switch,
/// a private throwaway Prometheus (target down, missing critical rules, rule without runbook_url, dead
/// runbook, 1 day of retention, missing scrape job, no network metrics). Child runs use a copy of the
/// sandbox target with shorter deadlines and the fields the sandbox target does not state yet
/// (services.alertmanager.critical_receiver, thresholds.max_firing_alerts / max_flapping_alerts).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class MonitoringFaultTests
{
    private static readonly TimeSpan ChildDeadline = TimeSpan.FromMinutes(6);

    private static readonly string[] AllIds =
    [
        "MON-MS-1", "MON-MS-2", "MON-MS-3", "MON-MS-4", "MON-AC-1", "MON-AC-2", "MON-AC-3", "MON-AC-4", "MON-BV-4",
        "SEC-TSC-3", "DEPLOY-SD-3", "DEPLOY-SD-4", "DEPLOY-SD-5", "POSTVAL-FT-3", "POSTVAL-FT-4", "INFRA-NC-5",
        "NEXT-ALERT-1", "NEXT-DASH-1",
    ];

    private string _target = "";
    private string _pushgateway = "";

    [OneTimeSetUp]
    public async Task StartFromAHealthySandbox()
    {
        await SandboxFault.ResetAsync();
        _target = Path.Combine(Path.GetTempPath(), $"monitoring-checks-target-{Guid.NewGuid():N}.yaml");
        var yaml = File.ReadAllText(Repository.SandboxTarget);
        _pushgateway = Regex.Match(yaml, @"(?m)^  pushgateway:\s*\n\s+address:\s*(\S+)").Groups[1].Value;
        File.WriteAllText(_target, WithTestSettings(yaml));
    }

    [OneTimeTearDown]
    public async Task ResetFaults()
    {
        await SandboxFault.ResetAsync();
        if (File.Exists(_target)) File.Delete(_target);
    }

    [Test, Order(1)]
    public async Task Healthy_sandbox_passes_every_monitoring_check()
    {
        var results = await Run(AllIds);
        results.Where(r => r.Status != "passed").Select(r => r.ToString()).Should().BeEquivalentTo(
        [
            "skipped: Log aggregation returns recent log lines — " + NotVerifiedLogs(results),
        ], "only lines this target cannot show are not verified; got:\n{0}", string.Join("\n", results));
        results.Should().HaveCountGreaterThanOrEqualTo(23);
        Scenario(results, "Log aggregation returns recent log lines").Message.Should().Contain("declares no log aggregation endpoint");
    }

    [Test, Order(2)]
    public async Task Private_prometheus_with_a_down_target_missing_rules_no_runbook_and_short_retention_fails_each_check()
    {
        await using var prometheus = await PrivatePrometheus.StartAsync();
        var results = await SuiteRun.RunAsync(Filter("MON-MS-1", "MON-MS-4", "MON-AC-1", "MON-AC-3", "MON-AC-4", "MON-BV-4", "SEC-TSC-3",
            "DEPLOY-SD-3", "INFRA-NC-5", "NEXT-ALERT-1"), prometheus.TargetFile, timeout: ChildDeadline);
        ShouldFail(results, "False-positive alerts are minimised", "firing now", "AlwaysFiringFalsePositive");
        ShouldFail(results, "Prometheus scrapes all its configured targets successfully", "node/127.0.0.1:", "connection refused");
        ShouldFail(results, "Metrics retention is configured appropriately", "1d", "retention_min_days is 15");
        ShouldFail(results, "Critical alerts exist for instance down, certificate expiry, backup age, disk and memory",
            "MISSING a severity=critical alert for: certificate expiry, backup age");
        ShouldFail(results, "Every critical alert links an escalation runbook that resolves",
            "InstanceDown: no runbook_url annotation", "NodeDiskSpaceCritical: http://127.0.0.1:", "does not resolve");
        ShouldFail(results, "Backup age is monitored by a critical alert", "backup age");
        ShouldFail(results, "Certificate expiry is watched by a critical alert", "certificate expiry");
        ShouldFail(results, "Prometheus runs its configuration with every expected scrape job", "MISSING: [pushgateway]");
        ShouldFail(results, "Network metrics are collected and unreachable instances raise a critical alert", "node_network_receive_bytes_total");
        Scenario(results, "Prometheus alerting rules are valid and evaluated without errors").Status.Should().Be("passed");
        Scenario(results, "Prometheus alerting rules pass their unit tests").Status.Should().Be("passed");
        Scenario(results, "Prometheus is ready to serve queries").Status.Should().Be("passed");
    }

    [Test, Order(3)]
    public async Task Pushgateway_down_and_an_unhealthy_datasource_fail_their_checks()
    {
        await using (await SandboxFault.OnAsync("pushgateway.down"))
        await using (await SandboxFault.OnAsync("grafana.datasource-unhealthy"))
        {
            var results = await Run("MON-MS-1", "DEPLOY-SD-4");
            ShouldFail(results, "Prometheus scrapes all its configured targets successfully", "pushgateway/", "down");
            ShouldFail(results, "Grafana is deployed with healthy datasources", "status ERROR", "grafana.datasource-unhealthy");
        }
    }

    [Test, Order(4)]
    public async Task A_panel_without_data_fails_the_dashboard_checks_naming_dashboard_and_panel()
    {
        await using (await SandboxFault.OnAsync("grafana.panel-no-data"))
        {
            var results = await Run("MON-MS-2", "NEXT-DASH-1");
            ShouldFail(results, "Grafana's expected dashboards show data in every panel", "dashboard 'ML Training Overview' panel 'Scrape targets up'", "NO DATA");
            ShouldFail(results, "Every panel of every Grafana dashboard queries metrics that exist", "panel 'Scrape targets up'", "NO DATA");
        }
    }

    [Test, Order(5)]
    public async Task An_undelivered_notification_fails_the_alert_pipeline_and_nothing_is_left_behind()
    {
        var sw = Stopwatch.StartNew();
        await using (await SandboxFault.OnAsync("webhook.down"))
        {
            var results = await Run("MON-AC-1", "MON-AC-3");
            var pipeline = ShouldFail(results, "A synthetic critical alert travels from Pushgateway to the on-call receiver and resolves",
                "firing notification delivered", "connection refused");
            pipeline.StepNames.Should().Contain(s => s.Contains("Alertmanager receives the alert"));
            ShouldFail(results, "Every critical alert links an escalation runbook that resolves", "does not resolve");
        }
        using var http = new HttpClient();
        var groups = await http.GetStringAsync(_pushgateway.TrimEnd('/') + "/api/v1/metrics");
        Regex.Matches(groups, "\"job\":\"acceptance-selftest-[0-9a-f]{6}-").Should().BeEmpty("the pipeline's pushed group must be deleted even though a stage failed");
        TestContext.Out.WriteLine($"webhook.down proof took {sw.Elapsed.TotalSeconds:F0} s");
    }

    private Task<IReadOnlyList<ScenarioResult>> Run(params string[] ids) => SuiteRun.RunAsync(Filter(ids), _target, timeout: ChildDeadline);

    private static string Filter(params string[] ids) => string.Join("|", ids.Select(id => $"TestCategory=checklist:{id}"));

    private static string NotVerifiedLogs(IReadOnlyList<ScenarioResult> results) =>
        results.Single(r => r.Name == "Log aggregation returns recent log lines").Message ?? "";

    private static ScenarioResult Scenario(IReadOnlyList<ScenarioResult> results, string name) =>
        results.Should().ContainSingle(r => r.Name == name, "scenario '{0}' must run; got:\n{1}", name, string.Join("\n", results)).Subject;

    private static ScenarioResult ShouldFail(IReadOnlyList<ScenarioResult> results, string name, params string[] messageParts)
    {
        var r = Scenario(results, name);
        r.Status.Should().Be("failed", "'{0}' must FAIL on its fault: {1}", name, r);
        foreach (var part in messageParts) r.Message.Should().Contain(part, "the failure message must say what is wrong: {0}", r);
        return r;
    }

    /// <summary>The sandbox target plus the fields it does not state yet, with deadlines short enough for fault runs.</summary>
    private static string WithTestSettings(string yaml)
    {
        if (!yaml.Contains("critical_receiver:"))
            yaml = Regex.Replace(yaml, @"(?m)^(  alertmanager:\s*\n)", "$1    critical_receiver: oncall-critical\n");
        yaml = Regex.Replace(yaml, @"(?m)^  poll_timeout_seconds:.*$", "  poll_timeout_seconds: 20");
        yaml = Regex.Replace(yaml, @"(?m)^  alert_pipeline_timeout_seconds:.*$", "  alert_pipeline_timeout_seconds: 30");
        if (!yaml.Contains("max_firing_alerts:")) yaml = Regex.Replace(yaml, @"(?m)^thresholds:\s*\n", "$0  max_firing_alerts: 0\n");
        // A sandbox that serves everybody's fault proofs sees InstanceDown fire again and again: allow a few.
        yaml = yaml.Contains("max_flapping_alerts:")
            ? Regex.Replace(yaml, @"(?m)^  max_flapping_alerts:.*$", "  max_flapping_alerts: 10")
            : Regex.Replace(yaml, @"(?m)^thresholds:\s*\n", "$0  max_flapping_alerts: 10\n");
        return yaml;
    }
}

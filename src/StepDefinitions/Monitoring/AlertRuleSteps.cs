using Acceptance.StepDefinitions.Infrastructure;
using Acceptance.Support.Prometheus;
using FluentAssertions;
using Reqnroll;

namespace Acceptance.StepDefinitions.Monitoring;

/// <summary>Steps about Prometheus alerting rules: critical coverage, runbooks, noise.</summary>
[Binding]
public sealed class AlertRuleSteps(TargetServices services, MonitoringServices monitoring)
{
    /// <summary>{alertKind}: instance down, certificate expiry, backup age, disk space, memory.</summary>
    [StepArgumentTransformation(@"(instance down|certificate expiry|backup age|disk space|memory)", Name = "alertKind")]
    public AlertKind Kind(string title) => AlertRuleCatalog.All.First(k => k.Title == title);

    [Then("Prometheus has a critical alerting rule for each of instance down, certificate expiry, backup age, disk space and memory")]
    public Task ThenEveryCriticalKindIsCovered() => AssertCovered(AlertRuleCatalog.All);

    [Then("Prometheus has a critical alerting rule for {alertKind}")]
    public Task ThenTheKindIsCovered(AlertKind kind) => AssertCovered([kind]);

    [Then("every critical alert links a runbook that resolves")]
    public async Task ThenEveryCriticalAlertHasARunbook()
    {
        var critical = (await services.PrometheusProbe.RulesAsync()).Where(r => r.IsAlerting && r.Severity == "critical").ToList();
        critical.Should().NotBeEmpty("there must be severity=critical alerting rules whose runbooks can be checked");
        var checks = await monitoring.Runbooks.CheckAsync(critical);
        checks.Where(c => !c.Resolves).Should().BeEmpty("every critical alert needs a runbook_url annotation that answers GET with 2xx: {0}",
            string.Join("; ", checks.Where(c => !c.Resolves)));
    }

    [Then("the alerts firing now and the alerts that flapped in the last 24 hours are within the target's budget")]
    public async Task ThenAlertNoiseIsWithinBudget()
    {
        var noise = await services.PrometheusProbe.AlertNoiseAsync(TimeSpan.FromHours(24), (int)monitoring.Threshold("flap_episodes", 3));
        noise.FiringNow.Count.Should().BeLessThanOrEqualTo((int)monitoring.Threshold("max_firing_alerts", 0),
            "thresholds.max_firing_alerts bounds the alerts firing on a healthy deployment: {0}", noise);
        noise.Flapping.Count.Should().BeLessThanOrEqualTo((int)monitoring.Threshold("max_flapping_alerts", 0),
            "thresholds.max_flapping_alerts bounds the alerts that fire again and again: {0}", noise);
    }

    private async Task AssertCovered(IReadOnlyList<AlertKind> kinds)
    {
        var coverage = await services.PrometheusProbe.CriticalAlertCoverageAsync(kinds);
        coverage.Missing.Select(m => m.Title).Should().BeEmpty("each kind needs an alerting rule labelled severity=critical: {0}", coverage);
    }
}

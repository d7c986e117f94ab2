using Acceptance.StepDefinitions.Infrastructure;
using Acceptance.Support.Prometheus;
using Reqnroll;

namespace Acceptance.StepDefinitions.Monitoring;

/// <summary>Steps about Prometheus alerting rules: critical coverage, runbooks, noise.</summary>
[Binding]
public sealed class AlertRuleSteps(ScenarioServices services, Checks checks)
{
    /// <summary>{alertKind}: instance down, certificate expiry, backup age, disk space, memory.</summary>
    [StepArgumentTransformation(@"(instance down|certificate expiry|backup age|disk space|memory)", Name = "alertKind")]
    public AlertKind Kind(string title) => AlertRuleCatalog.All.First(k => k.Title == title);

    [Then("Prometheus has a critical alerting rule for each of instance down, certificate expiry, backup age, disk space and memory")]
    public async Task ThenEveryCriticalKindIsCovered() => checks.Assert(PrometheusRules.CriticalAlertsCover(await services.PrometheusProbe.RulesAsync(), AlertRuleCatalog.All));

    [Then("Prometheus has a critical alerting rule for {alertKind}")]
    public async Task ThenTheKindIsCovered(AlertKind kind) => checks.Assert(PrometheusRules.CriticalAlertsCover(await services.PrometheusProbe.RulesAsync(), [kind]));

    [Then("every critical alert links a runbook that resolves")]
    public async Task ThenEveryCriticalAlertHasARunbook() =>
        checks.Assert(PrometheusRules.RunbooksResolve(await services.Runbooks.CheckAsync((await services.PrometheusProbe.RulesAsync()).Where(r => r.IsAlerting && r.Severity == "critical"))));

    [Then("the alerts firing now and the alerts that flapped in the last 24 hours are within the target's budget")]
    public async Task ThenAlertNoiseIsWithinBudget() =>
        checks.Assert(PrometheusRules.AlertNoiseWithinBudget(await services.PrometheusProbe.AlertHistoryAsync(TimeSpan.FromHours(24)), services.Target.Thresholds.Prometheus));
}

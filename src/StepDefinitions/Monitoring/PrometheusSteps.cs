using Acceptance.StepDefinitions.Infrastructure;
using Acceptance.Support.Prometheus;
using Acceptance.Support.Promtool;
using Reqnroll;

namespace Acceptance.StepDefinitions.Monitoring;

/// <summary>Steps about Prometheus itself: readiness, scrape targets, retention, rules, ingestion.</summary>
[Binding]
public sealed class PrometheusSteps(ScenarioServices services, Checks checks)
{
    [Then("Prometheus reports ready")]
    public async Task ThenPrometheusReportsReady() => checks.Assert(PrometheusRules.Ready(await services.PrometheusProbe.ReadinessAsync()));

    [Then("every Prometheus target is up within the poll deadline")]
    public Task ThenEveryPrometheusTargetIsUp() => checks.EventuallyAsync("every Prometheus target up", services.PrometheusProbe.TargetsAsync, PrometheusRules.AllTargetsUp);

    [Then("Prometheus retains metrics for at least the target's minimum retention")]
    public async Task ThenPrometheusRetainsMetricsLongEnough() =>
        checks.Assert(PrometheusRules.RetentionLongEnough(await services.PrometheusProbe.RetentionAsync(), services.Target.Thresholds.Prometheus));

    [Then("Prometheus loaded its configuration successfully")]
    public async Task ThenPrometheusLoadedItsConfiguration() => checks.Assert(PrometheusRules.ConfigLoaded(await services.PrometheusProbe.ConfigStatusAsync()));

    [Then("Prometheus has an active target for every scrape job the target expects")]
    public Task ThenEveryExpectedScrapeJobIsPresent()
    {
        var jobs = services.Target.RequireListed(services.Target.Expect.ScrapeJobs, "expect.scrape_jobs");
        return checks.EventuallyAsync("every expected scrape job has an active target", services.PrometheusProbe.TargetsAsync, t => PrometheusRules.ExpectedJobsPresent(t, jobs));
    }

    [Then("every Prometheus rule is healthy")]
    public async Task ThenEveryRuleIsHealthy() => checks.Assert(PrometheusRules.RulesHealthy(await services.PrometheusProbe.RulesAsync()));

    [Then("promtool accepts the target's rule files")]
    public async Task ThenPromtoolAcceptsTheRuleFiles() =>
        checks.Assert(PromtoolRules.Accepts(await services.Promtool.CheckRulesAsync(PromtoolRunner.Expand(RuleFiles(services.Target.Prometheus.RuleFiles, "rule_files"))), "check rules accepts every rule file"));

    [Then("the target's rule unit tests pass under promtool")]
    public async Task ThenTheRuleUnitTestsPass() =>
        checks.Assert(PromtoolRules.Accepts(await services.Promtool.TestRulesAsync(PromtoolRunner.Expand(RuleFiles(services.Target.Prometheus.RuleTests, "rule_tests"))), "test rules passes every rule unit test"));

    [Then("the Prometheus web UI answers")]
    public async Task ThenTheWebUiAnswers() => checks.Assert(PrometheusRules.WebUiServes(await services.PrometheusProbe.WebUiAsync()));

    [Then("Prometheus has ingested samples within the last minute")]
    public async Task ThenPrometheusIngestsSamples() => checks.Assert(PrometheusRules.Ingesting(await services.PrometheusProbe.IngestionRateAsync()));

    [Then("Prometheus collects network metrics from the nodes")]
    public async Task ThenPrometheusCollectsNetworkMetrics() => checks.Assert(PrometheusRules.NetworkMetricsCollected(await services.PrometheusProbe.NetworkSeriesAsync()));

    private IReadOnlyList<string> RuleFiles(IReadOnlyList<string> files, string key) =>
        services.Target.RequireListed(files, $"services.prometheus.{key}", "nothing to give promtool");
}

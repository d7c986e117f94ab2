using Acceptance.StepDefinitions.Infrastructure;
using Acceptance.Support.Outcomes;
using Acceptance.Support.Promtool;
using FluentAssertions;
using Reqnroll;

namespace Acceptance.StepDefinitions.Monitoring;

/// <summary>Steps about Prometheus itself: readiness, scrape targets, retention.</summary>
[Binding]
public sealed class PrometheusSteps(TargetServices services, MonitoringServices monitoring)
{
    [Given("the target declares {service}")]
    public void GivenTheTargetDeclares(ServiceKey service)
    {
        if (services.Target.Service(service.Key) is null)
            throw new NotVerifiedException($"The target file {services.Target.SourceFile} declares no {service} (services.{service}).");
    }

    [Then("Prometheus reports ready")]
    public async Task ThenPrometheusReportsReady()
    {
        var readiness = await services.PrometheusProbe.ReadinessAsync();
        readiness.IsReady.Should().BeTrue("Prometheus at {0} must answer /-/ready with 200, but it is {1}",
            services.Prometheus.Http.Endpoint.Address, readiness);
    }

    [Then("every Prometheus target is up within the poll deadline")]
    public async Task ThenEveryPrometheusTargetIsUp()
    {
        var result = await services.PrometheusProbe.WaitForAllTargetsUpAsync(services.Target.Thresholds.PollTimeout);
        result.Converged.Should().BeTrue("every scrape target must be up: {0}", result);
    }

    [Then("Prometheus retains metrics for at least the target's minimum retention")]
    public async Task ThenPrometheusRetainsMetricsLongEnough()
    {
        var minimum = TimeSpan.FromDays(services.Target.Thresholds.RetentionMinDays);
        var retention = await services.PrometheusProbe.RetentionAsync();
        retention.Duration.Should().NotBeNull("a retention time must be configured explicitly ({0})", retention);
        retention.Duration!.Value.Should().BeGreaterThanOrEqualTo(minimum,
            "thresholds.retention_min_days is {0}; Prometheus retains {1}", minimum.TotalDays, retention);
    }

    [Then("Prometheus loaded its configuration successfully")]
    public async Task ThenPrometheusLoadedItsConfiguration()
    {
        var status = await services.PrometheusProbe.ConfigStatusAsync();
        status.ReloadSucceeded.Should().BeTrue("Prometheus must run the configuration it was given: {0}", status);
    }

    [Then("Prometheus has an active target for every scrape job the target expects")]
    public async Task ThenEveryExpectedScrapeJobIsPresent()
    {
        var expected = services.Target.Expect.ScrapeJobs.Count > 0 ? services.Target.Expect.ScrapeJobs
            : throw new NotVerifiedException($"The target file {services.Target.SourceFile} lists no expect.scrape_jobs.");
        var jobs = await services.PrometheusProbe.ScrapeJobsAsync(expected, services.Target.Thresholds.PollTimeout);
        jobs.Missing.Should().BeEmpty("every job of expect.scrape_jobs must have an active target: {0}", jobs);
    }

    [Then("every Prometheus rule is healthy")]
    public async Task ThenEveryRuleIsHealthy()
    {
        var rules = await services.PrometheusProbe.RulesAsync();
        rules.Should().NotBeEmpty("Prometheus must evaluate the platform's rules (GET /api/v1/rules lists none)");
        rules.Where(r => !r.IsHealthy).Should().BeEmpty("every rule must have health \"ok\" and no lastError; unhealthy: {0}",
            string.Join("; ", rules.Where(r => !r.IsHealthy)));
    }

    [Then("promtool accepts the target's rule files")]
    public async Task ThenPromtoolAcceptsTheRuleFiles()
    {
        var result = await monitoring.Promtool.CheckRulesAsync(PromtoolRunner.Expand(RuleList("rule_files")));
        result.Succeeded.Should().BeTrue("promtool check rules must accept every rule file: {0}", result);
    }

    [Then("the target's rule unit tests pass under promtool")]
    public async Task ThenTheRuleUnitTestsPass()
    {
        var result = await monitoring.Promtool.TestRulesAsync(PromtoolRunner.Expand(RuleList("rule_tests")));
        result.Succeeded.Should().BeTrue("promtool test rules must pass every rule unit test: {0}", result);
    }

    [Then("the Prometheus web UI answers")]
    public async Task ThenTheWebUiAnswers() =>
        (await services.PrometheusProbe.WebUiAsync()).Should().NotBeNull("{0} must serve its web UI at one of /{1}",
            services.Prometheus.Http.Endpoint.Address, string.Join(", /", Acceptance.Support.Prometheus.PrometheusProbe.WebUiPaths));

    [Then("Prometheus has ingested samples within the last minute")]
    public async Task ThenPrometheusIngestsSamples() =>
        (await services.PrometheusProbe.IngestionRateAsync()).Should().BePositive("rate(prometheus_tsdb_head_samples_appended_total[1m]) shows whether metrics arrive");

    [Then("Prometheus collects network metrics from the nodes")]
    public async Task ThenPrometheusCollectsNetworkMetrics() =>
        (await services.PrometheusProbe.NetworkSeriesAsync()).Should().NotBeEmpty(
            "a node exporter must expose node_network_receive_bytes_total to Prometheus (the query returned no instance)");

    private IReadOnlyList<string> RuleList(string key)
    {
        var endpoint = services.Target.Service("prometheus")!;
        return endpoint.Lists.TryGetValue(key, out var files) && files.Count > 0
            ? files
            : throw new NotVerifiedException($"The target file {services.Target.SourceFile} lists no services.prometheus.{key}: nothing to give promtool.");
    }
}

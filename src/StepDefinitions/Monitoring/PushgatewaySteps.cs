using System.Globalization;
using Acceptance.StepDefinitions.Infrastructure;
using Acceptance.Support.Lifecycle;
using Acceptance.Support.Pushgateway;
using FluentAssertions;
using Reqnroll;

namespace Acceptance.StepDefinitions.Monitoring;

/// <summary>Per-scenario state of the Pushgateway steps.</summary>
public sealed class PushedMetric
{
    public MetricGroup? Group { get; set; }
    public string Metric { get; } = "acceptance_probe_value";
    public double Value { get; } = Random.Shared.Next(1000, 9999);
}

/// <summary>Steps that push a run-scoped metric through Pushgateway into Prometheus (mutating).</summary>
[Binding]
public sealed class PushgatewaySteps(TargetServices services, CleanupStack cleanup, PushedMetric pushed)
{
    [When("a run-scoped metric is pushed to Pushgateway")]
    public async Task WhenARunScopedMetricIsPushed()
    {
        pushed.Group = new MetricGroup("acceptance", new Dictionary<string, string>
        {
            ["run_id"] = RunContext.RunId,
            ["probe"] = Guid.NewGuid().ToString("N")[..8],
        });
        var body = $"# TYPE {pushed.Metric} gauge\n{pushed.Metric} {pushed.Value.ToString(CultureInfo.InvariantCulture)}\n";
        cleanup.Push(await services.Pushgateway.PushAsync(pushed.Group, body));
        services.Evidence.Note($"pushed {pushed.Metric}={pushed.Value} to group {pushed.Group}");
    }

    [Then("Prometheus returns the pushed metric within the poll deadline")]
    public async Task ThenPrometheusReturnsThePushedMetric()
    {
        var query = $"{pushed.Metric}{{job=\"{pushed.Group!.Job}\",probe=\"{pushed.Group.GroupingKey["probe"]}\"}}";
        var result = await services.PrometheusProbe.WaitForSeriesAsync(query, services.Target.Thresholds.PollTimeout);
        result.Converged.Should().BeTrue("Prometheus must scrape the pushed metric from Pushgateway: {0}", result);
        result.Value!.Should().ContainSingle().Which.Value.Should().Be(pushed.Value);
    }

    [When("the pushed group is deleted")]
    public Task WhenThePushedGroupIsDeleted() => services.Pushgateway.DeleteAsync(pushed.Group!);

    [Then("Pushgateway no longer holds the group")]
    public async Task ThenPushgatewayNoLongerHoldsTheGroup() =>
        (await services.Pushgateway.HoldsAsync(pushed.Group!)).Should().BeFalse("the group {0} was deleted", pushed.Group);

    [Then("Pushgateway reports healthy")]
    public async Task ThenPushgatewayReportsHealthy()
    {
        var health = await services.Pushgateway.HealthAsync();
        health.StatusCode.Should().Be(200, "Pushgateway must answer /-/healthy with 200: {0} {1}", health, health.Body.Trim());
    }

    [Then("Prometheus scrapes Pushgateway successfully")]
    public async Task ThenPrometheusScrapesPushgateway()
    {
        var job = services.Target.Service("pushgateway")?.Setting("scrape_job") ?? "pushgateway";
        var targets = await services.PrometheusProbe.TargetsOfJobAsync(job);
        targets.Should().NotBeEmpty("Prometheus must have an active target for scrape job '{0}' (services.pushgateway.scrape_job)", job);
        targets.Should().OnlyContain(t => t.IsUp, "every '{0}' target must be up: {1}", job, string.Join("; ", targets));
    }
}

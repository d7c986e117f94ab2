using Acceptance.StepDefinitions.Infrastructure;
using Acceptance.Support.Lifecycle;
using Acceptance.Support.Prometheus;
using Acceptance.Support.Pushgateway;
using Reqnroll;

namespace Acceptance.StepDefinitions.Monitoring;

/// <summary>Per-scenario state of the Pushgateway steps: one run-scoped metric group.</summary>
public sealed class PushedMetric
{
    /// <summary>The group, run-scoped (job acceptance, labels run_id and a random probe id).</summary>
    public MetricGroup Group { get; } = new("acceptance", new Dictionary<string, string>
    {
        ["run_id"] = RunContext.RunId,
        ["probe"] = Guid.NewGuid().ToString("N")[..8],
    });

    /// <summary>The gauge pushed.</summary>
    public string Metric => "acceptance_probe_value";

    /// <summary>A random value, so a stale series cannot pass.</summary>
    public double Value { get; } = Random.Shared.Next(1000, 9999);

    /// <summary>The exposition pushed.</summary>
    public string Exposition => $"# TYPE {Metric} gauge\n{Metric} {Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}\n";

    /// <summary>The query that finds exactly this series.</summary>
    public string Query => $"{Metric}{{job=\"{Group.Job}\",probe=\"{Group.GroupingKey["probe"]}\"}}";
}

/// <summary>Steps that push a run-scoped metric through Pushgateway into Prometheus (mutating).</summary>
[Binding]
public sealed class PushgatewaySteps(ScenarioServices services, Checks checks, CleanupStack cleanup, PushedMetric pushed)
{
    [When("a run-scoped metric is pushed to Pushgateway")]
    public async Task WhenARunScopedMetricIsPushed() => cleanup.Push(await services.Pushgateway.PushAsync(pushed.Group, pushed.Exposition));

    [Then("Prometheus returns the pushed metric within the poll deadline")]
    public Task ThenPrometheusReturnsThePushedMetric() => checks.EventuallyAsync("Prometheus returns the pushed metric",
        ct => services.PrometheusProbe.QueryAsync(pushed.Query, ct), s => PrometheusRules.ReturnsValue(s, pushed.Query, pushed.Value));

    [When("the pushed group is deleted")]
    public Task WhenThePushedGroupIsDeleted() => services.Pushgateway.DeleteAsync(pushed.Group);

    [Then("Pushgateway no longer holds the group")]
    public async Task ThenPushgatewayNoLongerHoldsTheGroup() => checks.Assert(PushgatewayRules.GroupGone(pushed.Group, await services.Pushgateway.HoldsAsync(pushed.Group)));

    [Then("Pushgateway reports healthy")]
    public async Task ThenPushgatewayReportsHealthy() => checks.Assert(PushgatewayRules.Healthy(await services.Pushgateway.HealthAsync()));

    [Then("Prometheus scrapes Pushgateway successfully")]
    public Task ThenPrometheusScrapesPushgateway() => checks.EventuallyAsync("Prometheus scrapes Pushgateway", services.PrometheusProbe.TargetsAsync,
        t => PrometheusRules.JobsScrapedUp(t, [services.Target.Pushgateway.ScrapeJob], "services.pushgateway.scrape_job"));
}

using Acceptance.StepDefinitions.Infrastructure;
using Acceptance.Support.Grafana;
using Acceptance.Support.Prometheus;
using Reqnroll;

namespace Acceptance.StepDefinitions.Cluster;

/// <summary>Steps about services talking to each other: Prometheus scraping Consul and Nomad, Grafana querying Prometheus.</summary>
[Binding]
public sealed class InterServiceSteps(ScenarioServices services, Checks checks)
{
    [Then("Prometheus scrapes the Consul and Nomad metrics successfully")]
    public Task ThenPrometheusScrapesClusters() => checks.EventuallyAsync("Prometheus scrapes consul and nomad", services.PrometheusProbe.TargetsAsync,
        t => PrometheusRules.JobsScrapedUp(t, ["consul", "nomad"], "the cluster's own metrics"));

    [Then("Grafana's Prometheus datasource is healthy")]
    public Task ThenGrafanaDatasourceHealthy() => checks.EventuallyAsync("Grafana's Prometheus datasources healthy",
        ct => services.GrafanaProbe.DatasourceHealthAsync("prometheus", ct), h => GrafanaRules.DatasourcesHealthy(h, "prometheus "));
}

using Acceptance.StepDefinitions.Infrastructure;
using Acceptance.Support.Network;
using FluentAssertions;
using Reqnroll;

namespace Acceptance.StepDefinitions.Cluster;

/// <summary>Steps about services talking to each other: Prometheus scraping Consul and Nomad, Grafana querying Prometheus.</summary>
[Binding]
public sealed class InterServiceSteps(ClusterServices services, TargetServices target)
{
    [Then("Prometheus scrapes the Consul and Nomad metrics successfully")]
    public async Task ThenPrometheusScrapesClusters()
    {
        var result = await new InterServiceProbe(services.Evidence).ScrapedJobsUpAsync(target.Prometheus, ["consul", "nomad"], services.Deadline);
        services.Decide("Prometheus has >= 1 active target for jobs consul and nomad and every one is up", result, result.Converged);
        result.Converged.Should().BeTrue("Prometheus must scrape Consul and Nomad: {0}", result);
    }

    [Then("Grafana's Prometheus datasource is healthy")]
    public async Task ThenGrafanaDatasourceHealthy()
    {
        var result = await new InterServiceProbe(services.Evidence).PrometheusDatasourcesAsync(services.Grafana, services.Expect.Dashboards, services.Deadline);
        services.Decide("/api/datasources/uid/:uid/health answers 200 status OK for every prometheus datasource", result, result.Converged);
        result.Converged.Should().BeTrue("Grafana must reach Prometheus through its datasource: {0}", result);
    }
}

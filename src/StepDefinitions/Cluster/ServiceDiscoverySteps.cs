using Acceptance.Support.Network;
using FluentAssertions;
using Reqnroll;

namespace Acceptance.StepDefinitions.Cluster;

/// <summary>Steps about services in Consul: registration, health checks, catalog and DNS discovery.</summary>
[Binding]
public sealed class ServiceDiscoverySteps(ClusterServices services)
{
    [Then("every expected service is registered in Consul with all its health checks passing")]
    public async Task ThenExpectedServicesHealthy()
    {
        var result = await services.ConsulProbe.ServicesHealthAsync(services.ExpectedServices, services.Deadline);
        services.Decide("each expect.services entry has >= 1 instance in /v1/health/service/:name and every check of every instance is passing", result, result.Converged);
        result.Converged.Should().BeTrue("every expected service must be registered with all checks passing: {0}", result);
    }

    [Then("no health check in the Consul datacenter is failing")]
    public async Task ThenNoCheckFailing()
    {
        var result = await services.ConsulProbe.AllChecksAsync(services.Deadline);
        services.Decide("every check in /v1/health/state/any has Status passing (node and service checks)", result, result.Converged);
        result.Converged.Should().BeTrue("every service and node must report healthy: {0}", result);
    }

    [Then("every expected service is registered in the Consul catalog with an address and port")]
    public async Task ThenCatalogHasServices()
    {
        var problems = Discovery.CatalogProblems(await services.ConsulProbe.CatalogAsync(services.ExpectedServices));
        services.Decide("each expect.services entry is in /v1/catalog/services and every instance has an address and a port", string.Join("; ", problems), problems.Count == 0);
        problems.Should().BeEmpty("every expected service must be registered in the Consul catalog; observed: {0}", string.Join("; ", problems));
    }

    [Then("Consul DNS answers SRV and A records for every expected service")]
    public async Task ThenDnsAnswers()
    {
        var answers = await services.Dns.ResolveServicesAsync(services.ExpectedServices);
        services.Decide($"<service>.service.{services.Dns.Domain} has an SRV and an A answer at {services.Dns.Server}", string.Join("; ", answers), answers.All(a => a.Resolves));
        answers.Where(a => !a.Resolves).Should().BeEmpty("every expected service must resolve through Consul DNS (SRV and A); observed: {0}", string.Join("; ", answers.Where(a => !a.Resolves)));
    }

    [Then("every expected service resolves through Consul DNS to an address and port the catalog lists")]
    public async Task ThenDnsMatchesCatalog()
    {
        var problems = Discovery.Mismatches(await services.Dns.ResolveServicesAsync(services.ExpectedServices),
            await services.ConsulProbe.CatalogAsync(services.ExpectedServices));
        services.Decide("every service resolves, and each SRV port and A address belongs to an instance the Consul catalog lists for it", string.Join("; ", problems), problems.Count == 0);
        problems.Should().BeEmpty("service discovery through Consul DNS must agree with the catalog; observed: {0}", string.Join("; ", problems));
    }
}

using Acceptance.StepDefinitions.Infrastructure;
using Acceptance.Support.Consul;
using Acceptance.Support.Network;
using Reqnroll;

namespace Acceptance.StepDefinitions.Cluster;

/// <summary>Steps about services in Consul: registration, health checks, catalog and DNS discovery.</summary>
[Binding]
public sealed class ServiceDiscoverySteps(ScenarioServices services, Checks checks)
{
    [Then("every expected service is registered in Consul with all its health checks passing")]
    public Task ThenExpectedServicesHealthy() =>
        checks.EventuallyAsync("expected services healthy in Consul", ct => services.ConsulProbe.ServicesHealthAsync(Expected, ct), ConsulRules.ServicesHealthy);

    [Then("no health check in the Consul datacenter is failing")]
    public Task ThenNoCheckFailing() => checks.EventuallyAsync("every Consul check passing", services.ConsulProbe.AllChecksAsync, ConsulRules.AllChecksPassing);

    [Then("every expected service is registered in the Consul catalog with an address and port")]
    public async Task ThenCatalogHasServices() => checks.Assert(ConsulRules.CatalogComplete(await services.ConsulProbe.CatalogAsync(Expected)));

    [Then("Consul DNS answers SRV and A records for every expected service")]
    public async Task ThenDnsAnswers() => checks.Assert(DiscoveryRules.DnsResolves(await services.Dns.ResolveServicesAsync(Expected), services.Dns.Server));

    [Then("every expected service resolves through Consul DNS to an address and port the catalog lists")]
    public async Task ThenDnsMatchesCatalog() =>
        checks.Assert(DiscoveryRules.DnsMatchesCatalog(await services.Dns.ResolveServicesAsync(Expected), await services.ConsulProbe.CatalogAsync(Expected)));

    [Then("every expected service has A and SRV records at every resolver of the target, agreeing with the Consul catalog")]
    public async Task ThenDnsRecordsEverywhere() => checks.Assert(DiscoveryRules.RecordsForAllServices(
        await DnsProbe.ResolveEverywhereAsync(services.Target, services.Evidence, Expected), await services.ConsulProbe.CatalogAsync(Expected)));

    private IReadOnlyList<string> Expected => services.Target.RequireListed(services.Target.Expect.Services, "expect.services");
}

using Acceptance.StepDefinitions.Infrastructure;
using Acceptance.Support.Consul;
using Acceptance.Support.Nomad;
using Acceptance.Support.ServerCluster;
using Reqnroll;

namespace Acceptance.StepDefinitions.Cluster;

/// <summary>Steps about Consul and Nomad ACLs: anonymous callers denied, the configured token accepted and not over-privileged.</summary>
[Binding]
public sealed class AccessControlSteps(ScenarioServices services, Checks checks)
{
    [Then("an anonymous request to the Consul agent API is denied as the default-deny policy documents")]
    public async Task ThenConsulAnonymousDenied() => checks.Assert(ConsulRules.AnonymousDenied(await services.ConsulProbe.AnonymousAccessAsync()));

    [Then("an anonymous request to a protected Nomad endpoint is denied")]
    public async Task ThenNomadAnonymousDenied() => checks.Assert(NomadRules.AnonymousDenied(await services.NomadProbe.AnonymousAccessAsync()));

    [Then("the configured {service} token is accepted")]
    public async Task ThenTokenAccepted(ServiceKey service) =>
        checks.Assert(ServerClusterRules.TokenAccepted(await services.Cluster(service).TokenAsync(), service.Key));

    [Then("the configured {service} token is not a management token unless the target allows it")]
    public async Task ThenTokenNotManagement(ServiceKey service) =>
        checks.Assert(ServerClusterRules.TokenLeastPrivilege(await services.Cluster(service).TokenAsync(), service.Key,
            service.Key == "consul" ? services.Target.Consul.AllowManagementToken : services.Target.Nomad.AllowManagementToken));
}

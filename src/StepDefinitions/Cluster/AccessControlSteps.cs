using Acceptance.StepDefinitions.Infrastructure;
using FluentAssertions;
using Reqnroll;

namespace Acceptance.StepDefinitions.Cluster;

/// <summary>Steps about Consul and Nomad ACLs: anonymous callers denied, the configured token accepted and not over-privileged.</summary>
[Binding]
public sealed class AccessControlSteps(ClusterServices services)
{
    [Then("an anonymous request to the Consul agent API is denied as the default-deny policy documents")]
    public async Task ThenConsulAnonymousDenied()
    {
        var access = await services.ConsulProbe.AnonymousAccessAsync();
        services.Decide("default deny as documented: anonymous /v1/status/leader 200, anonymous /v1/agent/self 403, header X-Consul-Default-ACL-Policy: deny", access, access.IsDeniedAsDocumented);
        access.IsDeniedAsDocumented.Should().BeTrue("Consul ACLs must be enabled with default deny (X-Consul-Default-ACL-Policy: deny, anonymous /v1/agent/self 403); observed {0}", access);
    }

    [Then("an anonymous request to a protected Nomad endpoint is denied")]
    public async Task ThenNomadAnonymousDenied()
    {
        var access = await services.NomadProbe.AnonymousAccessAsync();
        services.Decide("ACLs enforced: every protected endpoint (/v1/jobs, /v1/nodes) answers an anonymous caller 403 (message text not judged)", string.Join("; ", access), access.All(a => a.IsDenied));
        access.Where(a => !a.IsDenied).Should().BeEmpty("Nomad ACLs must deny anonymous callers on protected endpoints; observed {0}", string.Join("; ", access));
    }

    [Then("the configured {service} token is accepted")]
    public async Task ThenTokenAccepted(ServiceKey service)
    {
        var token = await services.Cluster(service).TokenAsync();
        services.Decide($"the token in services.{service}.token is accepted by {service}", token, token.Accepted);
        token.Accepted.Should().BeTrue("the configured {0} token must work; observed {1}", service, token);
    }

    [Then("the configured {service} token is not a management token unless the target allows it")]
    public async Task ThenTokenNotManagement(ServiceKey service)
    {
        var token = await services.Cluster(service).TokenAsync();
        var allowed = services.AllowsManagementToken(service);
        services.Decide($"a management token is flagged unless services.{service}.allow_management_token is true (it is {allowed.ToString().ToLowerInvariant()})", token, !token.IsManagement || allowed);
        (token.IsManagement && !allowed).Should().BeFalse("the suite's {0} token must be least-privilege (set services.{0}.allow_management_token: true to accept a management token); observed {1}", service, token);
    }
}

using Acceptance.StepDefinitions.Infrastructure;
using Acceptance.Support.Network;
using Reqnroll;

namespace Acceptance.StepDefinitions.Cluster;

/// <summary>Steps about the firewall, seen from the runner.</summary>
[Binding]
public sealed class FirewallSteps(ScenarioServices services, Checks checks)
{
    [Then("every port the target lists answers or not as the firewall rules say")]
    public async Task ThenPortsAsListed() => checks.Assert(FirewallRules.PortsAsListed(await services.Ports.ScanAsync()));
}

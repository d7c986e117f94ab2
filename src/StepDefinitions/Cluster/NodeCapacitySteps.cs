using Acceptance.StepDefinitions.Infrastructure;
using Acceptance.Support.Capacity;
using Reqnroll;

namespace Acceptance.StepDefinitions.Cluster;

/// <summary>Steps about the Nomad client nodes' hardware, network placement and storage.</summary>
[Binding]
public sealed class NodeCapacitySteps(ScenarioServices services, Checks checks)
{
    [Then("every Nomad client node has at least the minimum CPU cores, memory and disk")]
    public async Task ThenNodeMinimums() =>
        checks.Assert(CapacityRules.NodeMinimums(await services.NomadProbe.NodesAsync(), services.Target.Expect.NodeMinimums));

    [Then("every Nomad client node's network speed is at least the target's minimum")]
    public async Task ThenNetworkSpeed() =>
        checks.Assert(CapacityRules.NetworkSpeed(await services.NomadProbe.NodesAsync(), services.Target.Thresholds.Network));

    [Then("the Nomad client nodes are placed on dedicated management and data network segments")]
    public async Task ThenSegments() => checks.Assert(CapacityRules.DedicatedSegments(await services.NomadProbe.NodesAsync()));

    [Then("every expected host volume is configured on a Nomad client node and writable")]
    public async Task ThenHostVolumes() =>
        checks.Assert(CapacityRules.HostVolumesConfigured(await services.NomadProbe.NodesAsync(), HostVolumes));

    [Then("the storage behind every expected host volume is mounted and accessible")]
    public async Task ThenStorageAccessible() =>
        checks.Assert(CapacityRules.StorageAccessible(await services.NomadProbe.NodesAsync(), HostVolumes));

    private IReadOnlyList<string> HostVolumes =>
        services.Target.RequireListed(services.Target.Expect.HostVolumes, "expect.host_volumes", "the Nomad host volumes the services need for persistent storage");
}

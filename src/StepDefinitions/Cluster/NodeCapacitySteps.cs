using Acceptance.Support.Capacity;
using FluentAssertions;
using Reqnroll;

namespace Acceptance.StepDefinitions.Cluster;

/// <summary>Steps about the Nomad client nodes' hardware, network placement and storage.</summary>
[Binding]
public sealed class NodeCapacitySteps(ClusterServices services)
{
    [Then("every Nomad client node has at least the minimum CPU cores, memory and disk")]
    public async Task ThenNodeMinimums()
    {
        var problems = NodeRequirements.CapacityShortfalls(await services.NomadProbe.NodesAsync(), services.Expect);
        services.Decide(NodeRequirements.CapacityRule(services.Expect), problems.Count == 0 ? "every node meets it" : string.Join("; ", problems), problems.Count == 0);
        problems.Should().BeEmpty("every node must meet {0}; observed: {1}", NodeRequirements.CapacityRule(services.Expect), string.Join("; ", problems));
    }

    [Then("every Nomad client node's network speed is at least the target's minimum")]
    public async Task ThenNetworkSpeed()
    {
        var minimum = NodeRequirements.NetworkMinMbps(services.Target.Thresholds);
        var problems = NodeRequirements.NetworkShortfalls(await services.NomadProbe.NodesAsync(), minimum);
        services.Decide($"each node's network speed >= {minimum} Mbit/s (thresholds.{NodeRequirements.NetworkMinMbpsKey}; checklist: 25 Gbit/s)", problems.Count == 0 ? "every node meets it" : string.Join("; ", problems), problems.Count == 0);
        problems.Should().BeEmpty("node connectivity must be at least {0} Mbit/s; observed: {1}", minimum, string.Join("; ", problems));
    }

    [Then("the Nomad client nodes are placed on dedicated management and data network segments")]
    public async Task ThenSegments()
    {
        var problems = NodeRequirements.SegmentProblems(await services.NomadProbe.NodesAsync());
        services.Decide("every node declares meta network_segment management or data, and both segments have nodes", problems.Count == 0 ? "holds" : string.Join("; ", problems), problems.Count == 0);
        problems.Should().BeEmpty("management and data traffic must run on dedicated segments; observed: {0}", string.Join("; ", problems));
    }

    [Then("every expected host volume is configured on a Nomad client node and writable")]
    public async Task ThenHostVolumes()
    {
        var problems = NodeRequirements.MissingVolumes(await services.NomadProbe.NodesAsync(), services.ExpectedHostVolumes);
        services.Decide($"each expect.host_volumes entry [{string.Join(", ", services.ExpectedHostVolumes)}] is a host volume of >= 1 node, not read-only everywhere", problems.Count == 0 ? "holds" : string.Join("; ", problems), problems.Count == 0);
        problems.Should().BeEmpty("every service that needs persistent storage must have its volume configured; observed: {0}", string.Join("; ", problems));
    }

    [Then("the storage behind every expected host volume is mounted and accessible")]
    public async Task ThenStorageAccessible()
    {
        var problems = NodeRequirements.InaccessibleStorage(await services.NomadProbe.NodesAsync(), services.ExpectedHostVolumes);
        services.Decide("each expected host volume is on >= 1 ready node, no node holding one is down, and holders report free storage", problems.Count == 0 ? "holds" : string.Join("; ", problems), problems.Count == 0);
        problems.Should().BeEmpty("storage must be mounted and accessible; observed: {0}", string.Join("; ", problems));
    }
}

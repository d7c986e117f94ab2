using Acceptance.StepDefinitions.Infrastructure;
using FluentAssertions;
using Reqnroll;

namespace Acceptance.StepDefinitions.Cluster;

/// <summary>Steps about the Consul and Nomad server clusters: leader, peers, autopilot, membership, client nodes.</summary>
[Binding]
public sealed class ClusterHealthSteps(ClusterServices services)
{
    [Then("{service} has an elected leader that every server agrees on")]
    public async Task ThenLeaderAgreed(ServiceKey service)
    {
        var leadership = await services.Cluster(service).LeadershipAsync(services.Deadline);
        services.Decide("a leader is elected (/v1/status/leader) and raft configuration, autopilot and every server follow that same leader", leadership, leadership.Disagreements().Count == 0);
        leadership.Disagreements().Should().BeEmpty("{0} must have one leader that every server agrees on; observed {1}", service, leadership);
    }

    [Then("{service} has at least the expected number of servers as raft peers")]
    public async Task ThenEnoughPeers(ServiceKey service)
    {
        var peers = await services.Cluster(service).PeersAsync();
        services.Decide($"raft peers >= expect.{service}_servers ({services.ExpectedServers(service)})", string.Join(", ", peers), peers.Count >= services.ExpectedServers(service));
        peers.Should().HaveCountGreaterThanOrEqualTo(services.ExpectedServers(service), "expect.{0}_servers is {1}; {0} has {2} raft peers [{3}]",
            service, services.ExpectedServers(service), peers.Count, string.Join(", ", peers));
    }

    [Then("{service} runs the recommended number of servers")]
    public async Task ThenRecommendedServers(ServiceKey service)
    {
        var peers = await services.Cluster(service).PeersAsync();
        services.Decide($"RECOMMENDATION (non-critical): raft peers >= expect.recommended_servers ({services.Expect.RecommendedServers})", string.Join(", ", peers), peers.Count >= services.Expect.RecommendedServers);
        peers.Should().HaveCountGreaterThanOrEqualTo(services.Expect.RecommendedServers, "RECOMMENDATION not met (non-critical, not a requirement): the checklist recommends {0} {1} servers, {1} has {2}",
            services.Expect.RecommendedServers, service, peers.Count);
    }

    [Then("{service} autopilot reports every server healthy with a failure tolerance of at least 1")]
    public async Task ThenAutopilotHealthy(ServiceKey service)
    {
        var result = await services.Cluster(service).AutopilotAsync(services.Deadline);
        services.Decide("autopilot Healthy=true and FailureTolerance >= 1", result, result.Converged);
        result.Converged.Should().BeTrue("{0} autopilot must be healthy with failure tolerance >= 1: {1}", service, result);
    }

    [Then("every Consul server and client agent is alive in the cluster membership")]
    public async Task ThenConsulMembersAlive()
    {
        var result = await services.ConsulProbe.MembersAsync(services.Deadline);
        services.Decide("every /v1/agent/members entry has Status 1 (alive)", result, result.Converged);
        result.Converged.Should().BeTrue("every Consul member must be alive (serf status 1): {0}", result);
    }

    [Then("every Nomad server is alive in the cluster membership")]
    public async Task ThenNomadServersAlive()
    {
        var result = await services.NomadProbe.ServersAsync(services.Deadline);
        services.Decide("every /v1/agent/members Members[] entry has Status \"alive\"", result, result.Converged);
        result.Converged.Should().BeTrue("every Nomad server must be alive: {0}", result);
    }

    [Then("every Nomad client node is ready and eligible with the expected drivers healthy")]
    public async Task ThenNomadNodesReady()
    {
        var result = await services.NomadProbe.SchedulableNodesAsync(services.Expect.NomadDrivers, services.Deadline);
        services.Decide($"every node Status ready, SchedulingEligibility eligible, drivers [{string.Join(", ", services.Expect.NomadDrivers)}] (expect.nomad_drivers) Detected and Healthy", result, result.Converged);
        result.Converged.Should().BeTrue("every Nomad client node must be ready, eligible, with healthy drivers: {0}", result);
    }
}

using Acceptance.StepDefinitions.Infrastructure;
using Acceptance.Support.Nomad;
using Acceptance.Support.ServerCluster;
using Reqnroll;

namespace Acceptance.StepDefinitions.Cluster;

/// <summary>Steps about the Consul and Nomad server clusters: leader, peers, autopilot, membership, client nodes.</summary>
[Binding]
public sealed class ClusterHealthSteps(ScenarioServices services, Checks checks)
{
    [Then("{service} has an elected leader that every server agrees on")]
    public Task ThenLeaderAgreed(ServiceKey service) =>
        checks.EventuallyAsync($"{service} leader agreed", services.Cluster(service).LeadershipAsync, ServerClusterRules.LeaderAgreed);

    [Then("{service} has at least the expected number of servers as raft peers")]
    public async Task ThenEnoughPeers(ServiceKey service) =>
        checks.Assert(ServerClusterRules.EnoughPeers(services.Cluster(service).Product, await services.Cluster(service).PeersAsync(),
            service.Key == "consul" ? services.Target.Expect.ConsulServers : services.Target.Expect.NomadServers, $"{service}_servers", services.Target.Expect));

    [Then("{service} runs the recommended number of servers")]
    public async Task ThenRecommendedServers(ServiceKey service) =>
        checks.Assert(ServerClusterRules.RecommendedPeers(services.Cluster(service).Product, await services.Cluster(service).PeersAsync(), services.Target.Expect));

    [Then("{service} autopilot reports every server healthy with a failure tolerance of at least 1")]
    public Task ThenAutopilotHealthy(ServiceKey service) =>
        checks.EventuallyAsync($"{service} autopilot healthy", services.Cluster(service).AutopilotAsync, ServerClusterRules.AutopilotHealthy);

    [Then("every Consul server and client agent is alive in the cluster membership")]
    public Task ThenConsulMembersAlive() =>
        checks.EventuallyAsync("every Consul member alive", services.ConsulProbe.Cluster.MembersAsync, m => ServerClusterRules.MembersAlive("Consul", m));

    [Then("every Nomad server is alive in the cluster membership")]
    public Task ThenNomadServersAlive() =>
        checks.EventuallyAsync("every Nomad server alive", services.NomadProbe.Cluster.MembersAsync, m => ServerClusterRules.MembersAlive("Nomad", m));

    [Then("every Nomad client node is ready and eligible with the expected drivers healthy")]
    public Task ThenNomadNodesReady() =>
        checks.EventuallyAsync("every Nomad client node schedulable", services.NomadProbe.NodesAsync, n => NomadRules.NodesSchedulable(n, services.Target.Expect.NomadDrivers));
}

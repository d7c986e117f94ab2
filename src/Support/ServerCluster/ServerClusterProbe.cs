using Acceptance.Support.Evidence;
using Acceptance.Support.Http;

namespace Acceptance.Support.ServerCluster;

/// <summary>The raft/serf/ACL endpoints Consul and Nomad both serve, with the same shapes.</summary>
public interface IServerClusterClient
{
    /// <summary>"Consul" or "Nomad".</summary>
    string Product { get; }

    /// <summary>/v1/status/leader ("" when there is none).</summary>
    Task<string> LeaderAsync(CancellationToken ct = default);

    /// <summary>/v1/status/peers.</summary>
    Task<IReadOnlyList<string>> PeersAsync(CancellationToken ct = default);

    /// <summary>/v1/operator/raft/configuration (null servers with the exchange when refused).</summary>
    Task<(IReadOnlyList<RaftServer>? Servers, HttpExchange Exchange)> RaftConfigurationAsync(CancellationToken ct = default);

    /// <summary>/v1/operator/autopilot/health.</summary>
    Task<AutopilotHealth> AutopilotHealthAsync(CancellationToken ct = default);

    /// <summary>/v1/agent/members.</summary>
    Task<IReadOnlyList<ClusterMember>> MembersAsync(CancellationToken ct = default);

    /// <summary>The configured token as the product describes it.</summary>
    Task<TokenFacts> TokenAsync(CancellationToken ct = default);

    /// <summary>Records the version the product reports in the run's facts (once per run; never throws).</summary>
    Task RecordVersionAsync(CancellationToken ct = default);
}

/// <summary>
/// Reads the facts of a raft server cluster (leadership, peers, autopilot, membership, the suite's token):
/// one implementation for Consul and Nomad, judged by the same <see cref="ServerClusterRules"/>. Each read is
/// one attempt; a step that needs convergence polls it with the rule.
/// </summary>
public sealed class ServerClusterProbe(IServerClusterClient client, EvidenceLog evidence)
{
    /// <summary>"Consul" or "Nomad".</summary>
    public string Product => client.Product;

    /// <summary>Who every view (status, peers, raft, autopilot) names leader; raft and autopilot are read only when a leader is elected.</summary>
    public async Task<Leadership> LeadershipAsync(CancellationToken ct = default)
    {
        await client.RecordVersionAsync(ct);
        var leader = await client.LeaderAsync(ct);
        var peers = await client.PeersAsync(ct);
        Leadership result;
        if (leader.Length == 0)
        {
            result = new Leadership(Product, "", peers, null, "not read: no leader", new AutopilotHealth(Product, false, 0, "", [], 0));
        }
        else
        {
            var (raft, x) = await client.RaftConfigurationAsync(ct);
            var autopilot = await client.AutopilotHealthAsync(ct);
            result = new Leadership(Product, leader, peers, raft, raft is null ? $"{x}: {HttpExchange.Truncate(x.Body.Trim(), 200)}" : null, autopilot);
        }
        evidence.Note($"{Product} leadership: {result}");
        return result;
    }

    /// <summary>The raft peers.</summary>
    public async Task<IReadOnlyList<string>> PeersAsync(CancellationToken ct = default)
    {
        var peers = await client.PeersAsync(ct);
        evidence.Note($"{Product} raft peers ({peers.Count}): {string.Join(", ", peers)}");
        return peers;
    }

    /// <summary>Autopilot's health.</summary>
    public Task<AutopilotHealth> AutopilotAsync(CancellationToken ct = default) => client.AutopilotHealthAsync(ct);

    /// <summary>Every member /v1/agent/members lists.</summary>
    public Task<IReadOnlyList<ClusterMember>> MembersAsync(CancellationToken ct = default) => client.MembersAsync(ct);

    /// <summary>The configured token as the product describes it.</summary>
    public async Task<TokenFacts> TokenAsync(CancellationToken ct = default)
    {
        await client.RecordVersionAsync(ct);
        var facts = await client.TokenAsync(ct);
        evidence.Note($"{Product} configured token: {facts}");
        return facts;
    }
}

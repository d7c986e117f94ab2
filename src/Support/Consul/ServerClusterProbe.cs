using Acceptance.Support.Evidence;
using Acceptance.Support.Http;
using Acceptance.Support.Polling;

namespace Acceptance.Support.Consul;

/// <summary>The raft/serf endpoints Consul and Nomad both serve, with the same shapes.</summary>
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
}

/// <summary>
/// Leadership, peers, autopilot and membership of a raft server cluster: one implementation for
/// Consul and Nomad, so both clusters are judged by exactly the same rules.
/// </summary>
public sealed class ServerClusterProbe(IServerClusterClient client, EvidenceLog evidence)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    /// <summary>Waits for an elected leader, then reads who every view (status, raft, autopilot) names.</summary>
    public async Task<Leadership> LeadershipAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        var product = client.Product;
        var leader = await Poll.TryUntilAsync($"{product} has an elected leader", timeout, Interval, async token =>
        {
            var l = await client.LeaderAsync(token);
            return l.Length > 0 ? PollCheck<string>.Satisfied(l, $"leader {l}") : PollCheck<string>.NotYet(l, "/v1/status/leader names no leader (\"\")");
        }, evidence, ct);
        var peers = await client.PeersAsync(ct);
        Leadership result;
        if (!leader.Converged)
        {
            result = new Leadership(product, "", peers, null, "not read: no leader", new AutopilotHealth(product, false, 0, "", [], 0));
        }
        else
        {
            var (raft, x) = await client.RaftConfigurationAsync(ct);
            var autopilot = await client.AutopilotHealthAsync(ct);
            result = new Leadership(product, leader.Value ?? "", peers, raft,
                raft is null ? $"{x}: {HttpExchange.Truncate(x.Body.Trim(), 200)}" : null, autopilot);
        }
        evidence.Note($"{product} leadership: {result}");
        return result;
    }

    /// <summary>Autopilot's health, polled until healthy with failure tolerance >= 1 or the deadline passes.</summary>
    public Task<PollResult<AutopilotHealth>> AutopilotAsync(TimeSpan timeout, CancellationToken ct = default) =>
        Poll.TryUntilAsync($"{client.Product} autopilot healthy", timeout, Interval, async token =>
        {
            var a = await client.AutopilotHealthAsync(token);
            return a.Healthy && a.FailureTolerance >= 1 ? PollCheck<AutopilotHealth>.Satisfied(a, a.ToString()) : PollCheck<AutopilotHealth>.NotYet(a, a.ToString());
        }, evidence, ct);

    /// <summary>The raft peers.</summary>
    public async Task<IReadOnlyList<string>> PeersAsync(CancellationToken ct = default)
    {
        var peers = await client.PeersAsync(ct);
        evidence.Note($"{client.Product} raft peers ({peers.Count}): {string.Join(", ", peers)}");
        return peers;
    }

    /// <summary>Every member /v1/agent/members lists, polled until all are alive or the deadline passes.</summary>
    public Task<PollResult<IReadOnlyList<ClusterMember>>> MembersAliveAsync(string description, TimeSpan timeout, CancellationToken ct = default) =>
        Poll.TryUntilAsync(description, timeout, Interval, async token =>
        {
            var members = await client.MembersAsync(token);
            var state = $"{members.Count(m => m.IsAlive)}/{members.Count} alive: " + string.Join("; ", members);
            return members.Count > 0 && members.All(m => m.IsAlive)
                ? PollCheck<IReadOnlyList<ClusterMember>>.Satisfied(members, state)
                : PollCheck<IReadOnlyList<ClusterMember>>.NotYet(members, state);
        }, evidence, ct);
}

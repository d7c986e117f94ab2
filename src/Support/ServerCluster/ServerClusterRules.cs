using Acceptance.Support.Checks;
using Acceptance.Support.Configuration;

namespace Acceptance.Support.ServerCluster;

/// <summary>
/// The rules for a raft server cluster (Consul or Nomad): pure functions of the facts
/// <see cref="ServerClusterProbe"/> reads and the target's expectations, each returning a <see cref="Verdict"/>.
/// </summary>
public static class ServerClusterRules
{
    /// <summary>
    /// A leader is elected (/v1/status/leader), it is a raft peer, and the raft configuration and autopilot name the
    /// same leader with every server following it. No leader at all is terminal: the product itself answers that the
    /// cluster has none (Consul and Nomad answer 500 "No cluster leader" elsewhere), so a poll stops at once.
    /// </summary>
    public static Verdict LeaderAgreed(Leadership l)
    {
        var shortfalls = new List<string>();
        if (!l.HasLeader)
        {
            shortfalls.Add("/v1/status/leader is empty: no leader elected");
        }
        else
        {
            if (l.Raft is null) shortfalls.Add($"raft configuration unreadable: {l.RaftError}");
            else
            {
                var raftLeaders = l.Raft.Where(r => r.Leader).ToList();
                if (raftLeaders.Count != 1) shortfalls.Add($"raft configuration names {raftLeaders.Count} leaders ({string.Join(", ", raftLeaders)})");
                else if (raftLeaders[0].Address != l.StatusLeader) shortfalls.Add($"raft configuration leader {raftLeaders[0]} is not {l.StatusLeader}");
            }
            var apLeader = l.Autopilot.LeaderServer;
            if (apLeader is null) shortfalls.Add("autopilot names no leader");
            else if (apLeader.Address != l.StatusLeader) shortfalls.Add($"autopilot leader {apLeader} is not {l.StatusLeader}");
            shortfalls.AddRange(l.Autopilot.Servers.Where(s => !s.Healthy || s.SerfStatus != "alive").Select(s => $"server {s.Name} does not follow the leader ({s})"));
            if (!l.Peers.Contains(l.StatusLeader)) shortfalls.Add($"leader {l.StatusLeader} is not among the raft peers [{string.Join(", ", l.Peers)}]");
        }
        return Verdict.From($"{l.System}: one leader that every server agrees on",
            "a leader in /v1/status/leader that is a raft peer, named by the raft configuration and by autopilot, every server healthy and alive",
            l.ToString(), shortfalls) with { IsTerminal = !l.HasLeader };
    }

    /// <summary>At least <paramref name="expected"/> raft peers (expect.consul_servers / expect.nomad_servers).</summary>
    public static Verdict EnoughPeers(string product, IReadOnlyList<string> peers, int expected, string key, Expectations expectations) =>
        Verdict.When(peers.Count >= expected, $"{product}: raft peers >= expect.{key}", $"at least {expected} raft peers",
            Peers(peers), $"{product} has {peers.Count} raft peers, fewer than expect.{key} ({expected})")
            with { ChecklistDifference = OptionsBinder.ChecklistDifference(expectations, key == "consul_servers" ? nameof(Expectations.ConsulServers) : nameof(Expectations.NomadServers), "expect") };

    /// <summary>The recommended server count (expect.recommended_servers): a recommendation, not a requirement.</summary>
    public static Verdict RecommendedPeers(string product, IReadOnlyList<string> peers, Expectations expectations) =>
        Verdict.When(peers.Count >= expectations.RecommendedServers, $"{product}: raft peers >= expect.recommended_servers",
            $"at least {expectations.RecommendedServers} servers (the checklist recommends {expectations.RecommendedServers} for HA)", Peers(peers),
            $"the checklist recommends {expectations.RecommendedServers} {product} servers, {product} has {peers.Count}")
            with { IsRecommendation = true, ChecklistDifference = OptionsBinder.ChecklistDifference(expectations, nameof(Expectations.RecommendedServers), "expect") };

    /// <summary>Autopilot reports the cluster healthy with a failure tolerance of at least 1.</summary>
    public static Verdict AutopilotHealthy(AutopilotHealth a)
    {
        var shortfalls = new List<string>();
        if (!a.Healthy) shortfalls.Add($"autopilot Healthy=false (HTTP {a.HttpStatus})" +
                                       (a.Servers.Any(s => !s.Healthy) ? ": unhealthy " + string.Join(", ", a.Servers.Where(s => !s.Healthy).Select(s => s.Name)) : ""));
        if (a.FailureTolerance < 1) shortfalls.Add($"failure tolerance {a.FailureTolerance}: losing one server loses quorum");
        return Verdict.From($"{a.System}: autopilot healthy with failure tolerance >= 1", "Healthy=true and FailureTolerance >= 1", a.ToString(), shortfalls);
    }

    /// <summary>Every member /v1/agent/members lists is alive (and there is at least one).</summary>
    public static Verdict MembersAlive(string product, IReadOnlyList<ClusterMember> members)
    {
        var shortfalls = members.Where(m => !m.IsAlive).Select(m => $"{m.Name} ({m.Role}) is {m.Status}").ToList();
        if (members.Count == 0) shortfalls.Add("/v1/agent/members lists no member");
        return Verdict.From($"{product}: every cluster member alive", product == "Consul" ? "every member Status 1 (alive)" : "every server Status \"alive\"",
            $"{members.Count(m => m.IsAlive)}/{members.Count} alive: " + string.Join("; ", members), shortfalls);
    }

    /// <summary>The suite's token is accepted. A refused token is terminal.</summary>
    public static Verdict TokenAccepted(TokenFacts token, string key) =>
        Verdict.When(token.Accepted, $"{token.System}: the token in services.{key}.token is accepted", "a 2xx answer to the configured token",
            token.ToString(), $"the configured {token.System} token is refused (HTTP {token.Status})") with { IsTerminal = true };

    /// <summary>
    /// The suite's token is not a management token unless services.&lt;key&gt;.allow_management_token is true; a token
    /// whose type cannot be read is not passed.
    /// </summary>
    public static Verdict TokenLeastPrivilege(TokenFacts token, string key, bool allowManagement)
    {
        var shortfalls = new List<string>();
        if (!token.Accepted) shortfalls.Add($"the token is refused (HTTP {token.Status}): its privileges cannot be judged");
        else if (!token.TypeKnown) shortfalls.Add($"the token's type cannot be read ({token.Description}): least privilege is not shown");
        else if (token.IsManagement && !allowManagement)
            shortfalls.Add($"the suite's {token.System} token is a management token (set services.{key}.allow_management_token: true to accept one)");
        return Verdict.From($"{token.System}: the suite's token is least-privilege",
            $"not a management token (services.{key}.allow_management_token is {(allowManagement ? "true" : "false")})", token.ToString(), shortfalls);
    }

    private static string Peers(IReadOnlyList<string> peers) => $"{peers.Count} raft peers [{string.Join(", ", peers)}]";
}

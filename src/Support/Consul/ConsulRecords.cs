using System.Text.Json;
using Acceptance.Support.Http;

namespace Acceptance.Support.Consul;

// Raft, autopilot and serf are shared HashiCorp machinery: Nomad's probe uses the same records.

/// <summary>One server of a raft configuration.</summary>
public sealed record RaftServer(string Id, string Node, string Address, bool Leader, bool Voter)
{
    /// <inheritdoc />
    public override string ToString() => $"{Node} {Address}{(Leader ? " (leader)" : "")}{(Voter ? "" : " non-voter")}";
}

/// <summary>One server in autopilot's health answer.</summary>
public sealed record AutopilotServer(string Id, string Name, string Address, string SerfStatus, bool Leader, bool Voter, bool Healthy, string LastContact)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Name} {Address} serf={SerfStatus} healthy={Healthy}{(Leader ? " leader" : "")}{(Voter ? "" : " non-voter")} last_contact={LastContact}";
}

/// <summary>Autopilot's health of the server cluster (200 healthy, 429 unhealthy).</summary>
public sealed record AutopilotHealth(string System, bool Healthy, int FailureTolerance, string LeaderId, IReadOnlyList<AutopilotServer> Servers, int HttpStatus)
{
    /// <summary>The server autopilot names leader, if any.</summary>
    public AutopilotServer? LeaderServer => Servers.FirstOrDefault(s => s.Leader) ?? Servers.FirstOrDefault(s => s.Id == LeaderId && LeaderId.Length > 0);

    /// <inheritdoc />
    public override string ToString() =>
        $"{System} autopilot: healthy={Healthy} (HTTP {HttpStatus}), failure tolerance {FailureTolerance}, leader {LeaderServer?.Name ?? "none"}; servers: " +
        string.Join("; ", Servers);
}

/// <summary>Parses autopilot health answers (same shape in Consul and Nomad).</summary>
public static class Autopilot
{
    /// <summary>Parses /v1/operator/autopilot/health.</summary>
    public static AutopilotHealth Parse(string system, HttpExchange x)
    {
        var j = x.Json();
        var servers = j.TryGetProperty("Servers", out var s) && s.ValueKind == JsonValueKind.Array
            ? s.EnumerateArray().Select(e => new AutopilotServer(Json.Str(e, "ID"), Json.Str(e, "Name"), Json.Str(e, "Address"),
                Json.Str(e, "SerfStatus"), Json.Bool(e, "Leader"), Json.Bool(e, "Voter"), Json.Bool(e, "Healthy"), Json.Str(e, "LastContact"))).ToList()
            : [];
        return new AutopilotHealth(system, Json.Bool(j, "Healthy"), (int)Json.Long(j, "FailureTolerance"), Json.Str(j, "Leader"), servers, x.StatusCode);
    }
}

/// <summary>A gossip (serf) member: a server or a client agent.</summary>
public sealed record ClusterMember(string Name, string Address, string Role, string Status, bool IsAlive)
{
    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Role}, {Address}): {Status}";
}

/// <summary>Who leads a cluster, seen from every place that names the leader.</summary>
/// <param name="System">Consul or Nomad.</param>
/// <param name="StatusLeader">/v1/status/leader ("" when none).</param>
/// <param name="Peers">/v1/status/peers.</param>
/// <param name="Raft">Raft configuration servers (null when it could not be read).</param>
/// <param name="RaftError">Why the raft configuration could not be read.</param>
/// <param name="Autopilot">Autopilot's health (per-server view).</param>
public sealed record Leadership(string System, string StatusLeader, IReadOnlyList<string> Peers, IReadOnlyList<RaftServer>? Raft,
    string? RaftError, AutopilotHealth Autopilot)
{
    /// <summary>True when a leader is elected.</summary>
    public bool HasLeader => StatusLeader.Length > 0;

    /// <summary>Servers that disagree about the leader: raft and autopilot must name the same leader, and every
    /// voter must follow it (healthy in autopilot means in contact with the current leader).</summary>
    public IReadOnlyList<string> Disagreements()
    {
        var problems = new List<string>();
        if (!HasLeader) { problems.Add("/v1/status/leader is empty: no leader elected"); return problems; }
        if (Raft is null) problems.Add($"raft configuration unreadable: {RaftError}");
        else
        {
            var raftLeaders = Raft.Where(r => r.Leader).ToList();
            if (raftLeaders.Count != 1) problems.Add($"raft configuration names {raftLeaders.Count} leaders ({string.Join(", ", raftLeaders)})");
            else if (raftLeaders[0].Address != StatusLeader) problems.Add($"raft configuration leader {raftLeaders[0]} is not {StatusLeader}");
        }
        var apLeader = Autopilot.LeaderServer;
        if (apLeader is null) problems.Add("autopilot names no leader");
        else if (apLeader.Address != StatusLeader) problems.Add($"autopilot leader {apLeader} is not {StatusLeader}");
        foreach (var s in Autopilot.Servers.Where(s => !s.Healthy || s.SerfStatus != "alive"))
            problems.Add($"server {s.Name} does not follow the leader ({s})");
        if (!Peers.Contains(StatusLeader)) problems.Add($"leader {StatusLeader} is not among the raft peers [{string.Join(", ", Peers)}]");
        return problems;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{System} leader '{StatusLeader}', peers [{string.Join(", ", Peers)}], raft [{(Raft is null ? RaftError : string.Join("; ", Raft))}], {Autopilot}";
}

/// <summary>One instance in the Consul catalog.</summary>
public sealed record CatalogInstance(string Service, string Node, string Address, int Port)
{
    /// <inheritdoc />
    public override string ToString() => $"{Service} on {Node} at {Address}:{Port}";
}

/// <summary>One Consul health check.</summary>
public sealed record HealthCheck(string Node, string CheckId, string Name, string ServiceName, string Status, string Output)
{
    /// <summary>True when passing.</summary>
    public bool IsPassing => Status == "passing";

    /// <inheritdoc />
    public override string ToString() =>
        $"{Node}/{CheckId} {Status}" + (IsPassing || Output.Length == 0 ? "" : $": {HttpExchange.Truncate(Output.Trim(), 200)}");
}

/// <summary>One instance of a service with all its checks (/v1/health/service/:name).</summary>
public sealed record ServiceInstanceHealth(string Service, string Id, string Node, string Address, int Port, IReadOnlyList<HealthCheck> Checks)
{
    /// <summary>True when every check passes.</summary>
    public bool IsHealthy => Checks.All(c => c.IsPassing);

    /// <inheritdoc />
    public override string ToString() => $"{Service} ({Id} on {Node} {Address}:{Port}): " + string.Join(", ", Checks);
}

/// <summary>The health of one expected service: its instances (none = not registered).</summary>
public sealed record ServiceHealth(string Service, IReadOnlyList<ServiceInstanceHealth> Instances)
{
    /// <summary>Registered with at least one instance and every check of every instance passing.</summary>
    public bool IsHealthy => Instances.Count > 0 && Instances.All(i => i.IsHealthy);

    /// <inheritdoc />
    public override string ToString() => Instances.Count == 0
        ? $"{Service}: not registered"
        : $"{Service}: {(IsHealthy ? "healthy" : "NOT healthy")} [{string.Join(" | ", Instances)}]";
}

/// <summary>What an anonymous caller gets from Consul.</summary>
/// <param name="StatusLeaderCode">/v1/status/leader status (documented: 200 even with default deny).</param>
/// <param name="AgentSelfCode">/v1/agent/self status (documented: 403 with default deny).</param>
/// <param name="AgentSelfBody">/v1/agent/self body (truncated).</param>
/// <param name="DefaultPolicy">X-Consul-Default-ACL-Policy header (null when absent).</param>
public sealed record ConsulAnonymousAccess(int StatusLeaderCode, int AgentSelfCode, string AgentSelfBody, string? DefaultPolicy)
{
    /// <summary>Default deny as documented: status endpoints open, agent API denied, header says deny.</summary>
    public bool IsDeniedAsDocumented => StatusLeaderCode == 200 && AgentSelfCode == 403 && DefaultPolicy == "deny";

    /// <inheritdoc />
    public override string ToString() =>
        $"anonymous GET /v1/status/leader → {StatusLeaderCode}; anonymous GET /v1/agent/self → {AgentSelfCode} " +
        $"({HttpExchange.Truncate(AgentSelfBody.Trim(), 120)}); X-Consul-Default-ACL-Policy: {DefaultPolicy ?? "(absent)"}";
}

/// <summary>The configured token as the product describes it (/v1/acl/token/self).</summary>
/// <param name="System">Consul or Nomad.</param>
/// <param name="Status">HTTP status of the token self-lookup.</param>
/// <param name="Accepted">The token was accepted.</param>
/// <param name="AccessorId">Accessor (public id) of the token.</param>
/// <param name="Description">Name or description.</param>
/// <param name="Policies">Policy names.</param>
/// <param name="IsManagement">Management (global-management policy, or Type management).</param>
/// <param name="Detail">Why it was not accepted (truncated body).</param>
public sealed record TokenFacts(string System, int Status, bool Accepted, string AccessorId, string Description,
    IReadOnlyList<string> Policies, bool IsManagement, string Detail)
{
    /// <inheritdoc />
    public override string ToString() => Accepted
        ? $"{System} token {AccessorId} '{Description}': policies [{string.Join(", ", Policies)}]{(IsManagement ? ", MANAGEMENT token" : "")}"
        : $"{System} token refused: HTTP {Status} {Detail}";
}

/// <summary>What Consul's and Nomad's probes both answer about their server cluster and ACL token.</summary>
public interface IServerClusterProbe
{
    /// <summary>Waits for an elected leader, then reads who every view names.</summary>
    Task<Leadership> LeadershipAsync(TimeSpan timeout, CancellationToken ct = default);

    /// <summary>The raft peers.</summary>
    Task<IReadOnlyList<string>> PeersAsync(CancellationToken ct = default);

    /// <summary>Autopilot's health, polled until healthy with failure tolerance >= 1 or the deadline passes.</summary>
    Task<Polling.PollResult<AutopilotHealth>> AutopilotAsync(TimeSpan timeout, CancellationToken ct = default);

    /// <summary>The configured token as the product describes it.</summary>
    Task<TokenFacts> TokenAsync(CancellationToken ct = default);
}

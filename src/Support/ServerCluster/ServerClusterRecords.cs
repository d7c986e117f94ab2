using System.Text.Json;
using Acceptance.Support.Http;

namespace Acceptance.Support.ServerCluster;

// Raft, autopilot and serf are shared HashiCorp machinery: Consul and Nomad answer with the same shapes.

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

/// <summary>Reads the raft and autopilot answers, which Consul and Nomad give in the same shape.</summary>
public static class Autopilot
{
    /// <summary>
    /// /v1/operator/raft/configuration: the servers, or null with the exchange when the product cannot answer it (no leader:
    /// 500); a refused token (401/403) is an environment problem.
    /// </summary>
    public static (IReadOnlyList<RaftServer>? Servers, HttpExchange Exchange) ParseRaft(HttpExchange x)
    {
        if (x.StatusCode is 401 or 403) throw ServiceResponseException.For(x);
        if (!x.IsSuccess) return (null, x);
        var servers = x.Json().GetProperty("Servers").EnumerateArray().Select(s => new RaftServer(
            Json.Str(s, "ID"), Json.Str(s, "Node"), Json.Str(s, "Address"), Json.Bool(s, "Leader"), Json.Bool(s, "Voter"))).ToList();
        return (servers, x);
    }

    /// <summary>/v1/operator/autopilot/health: 200 healthy or 429 unhealthy both carry the body; anything else is an environment problem.</summary>
    public static AutopilotHealth Parse(string system, HttpExchange x)
    {
        if (x.StatusCode is not (200 or 429)) throw ServiceResponseException.For(x);
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

    /// <inheritdoc />
    public override string ToString() =>
        $"{System} leader '{StatusLeader}', peers [{string.Join(", ", Peers)}], raft [{(Raft is null ? RaftError : string.Join("; ", Raft))}], {Autopilot}";
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
/// <param name="TypeKnown">The token's type and policies could be read (a self-lookup answered 2xx).</param>
public sealed record TokenFacts(string System, int Status, bool Accepted, string AccessorId, string Description,
    IReadOnlyList<string> Policies, bool IsManagement, string Detail, bool TypeKnown = true)
{
    /// <inheritdoc />
    public override string ToString() => !Accepted
        ? $"{System} token refused: HTTP {Status} {Detail}"
        : TypeKnown
            ? $"{System} token {AccessorId} '{Description}': policies [{string.Join(", ", Policies)}]{(IsManagement ? ", MANAGEMENT token" : "")}"
            : $"{System} token accepted, but its type is unknown: {Description}";
}

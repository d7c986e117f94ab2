using System.Text.Json;
using Acceptance.Support.Consul;
using Acceptance.Support.Evidence;
using Acceptance.Support.Http;
using Acceptance.Support.Outcomes;
using Acceptance.Support.Polling;

namespace Acceptance.Support.Nomad;

/// <summary>
/// Reads Nomad's state and returns facts (leadership, servers, client nodes, ACL behaviour); the
/// verdicts stay in the step definitions.
/// </summary>
public sealed class NomadProbe(NomadClient client, EvidenceLog evidence) : IServerClusterProbe
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private static int _versionRecorded;
    private readonly ServerClusterProbe _cluster = new(client, evidence);

    /// <summary>Waits for an elected leader, then reads who every view (status, raft, autopilot) names.</summary>
    public async Task<Leadership> LeadershipAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        await RecordVersionAsync(ct);
        return await _cluster.LeadershipAsync(timeout, ct);
    }

    /// <summary>The raft peers.</summary>
    public Task<IReadOnlyList<string>> PeersAsync(CancellationToken ct = default) => _cluster.PeersAsync(ct);

    /// <summary>Autopilot's health, polled until healthy with failure tolerance >= 1 or the deadline passes.</summary>
    public Task<PollResult<AutopilotHealth>> AutopilotAsync(TimeSpan timeout, CancellationToken ct = default) =>
        _cluster.AutopilotAsync(timeout, ct);

    /// <summary>Every server member, polled until all are alive or the deadline passes.</summary>
    public Task<PollResult<IReadOnlyList<ClusterMember>>> ServersAsync(TimeSpan timeout, CancellationToken ct = default) =>
        _cluster.MembersAliveAsync("every Nomad server member alive", timeout, ct);

    /// <summary>Every client node in full, read once.</summary>
    public async Task<IReadOnlyList<NomadNode>> NodesAsync(CancellationToken ct = default)
    {
        var nodes = new List<NomadNode>();
        foreach (var id in await client.NodeIdsAsync(ct)) nodes.Add(await client.NodeAsync(id, ct));
        evidence.Note($"Nomad client nodes ({nodes.Count}):\n  " + string.Join("\n  ", nodes));
        return nodes;
    }

    /// <summary>Client nodes, polled until every node is ready, eligible and has every named driver detected and healthy.</summary>
    public Task<PollResult<IReadOnlyList<NomadNode>>> SchedulableNodesAsync(IReadOnlyList<string> drivers, TimeSpan timeout, CancellationToken ct = default) =>
        Poll.TryUntilAsync($"every Nomad client ready, eligible, drivers [{string.Join(", ", drivers)}] healthy", timeout, Interval, async token =>
        {
            var nodes = new List<NomadNode>();
            foreach (var id in await client.NodeIdsAsync(token)) nodes.Add(await client.NodeAsync(id, token));
            var problems = NodeProblems(nodes, drivers);
            var state = problems.Count == 0
                ? string.Join("; ", nodes.Select(n => n.StatusLine + " drivers " + string.Join(", ", drivers.Select(d => n.Driver(d)?.ToString() ?? d))))
                : string.Join("; ", problems);
            return nodes.Count > 0 && problems.Count == 0
                ? PollCheck<IReadOnlyList<NomadNode>>.Satisfied(nodes, state)
                : PollCheck<IReadOnlyList<NomadNode>>.NotYet(nodes, nodes.Count == 0 ? "no client nodes registered" : state);
        }, evidence, ct);

    /// <summary>Why nodes are not usable: not ready/eligible, or a driver missing or unhealthy.</summary>
    public static IReadOnlyList<string> NodeProblems(IEnumerable<NomadNode> nodes, IReadOnlyList<string> drivers)
    {
        var problems = new List<string>();
        foreach (var n in nodes)
        {
            if (!n.IsSchedulable) problems.Add(n.StatusLine);
            foreach (var d in drivers)
            {
                var driver = n.Driver(d);
                if (driver is null) problems.Add($"{n.Name}: driver {d} not fingerprinted");
                else if (!driver.IsUsable) problems.Add($"{n.Name}: driver {driver}");
            }
        }
        return problems;
    }

    /// <summary>What an anonymous caller gets from a protected endpoint (/v1/jobs, /v1/nodes).</summary>
    public async Task<IReadOnlyList<NomadAnonymousAccess>> AnonymousAccessAsync(CancellationToken ct = default)
    {
        var result = new List<NomadAnonymousAccess>();
        foreach (var path in new[] { NomadClient.Paths.Jobs, NomadClient.Paths.Nodes })
        {
            var x = await client.AnonymousGetAsync(path, ct);
            result.Add(new NomadAnonymousAccess(path, x.StatusCode, x.Body));
        }
        evidence.Note("Nomad anonymous access: " + string.Join("; ", result));
        return result;
    }

    /// <summary>
    /// The configured token: accepted when a protected endpoint (/v1/jobs) answers it 2xx; its type and
    /// policies from /v1/acl/token/self (answers vary by release, so only a 2xx body is read).
    /// </summary>
    public async Task<TokenFacts> TokenAsync(CancellationToken ct = default)
    {
        await RecordVersionAsync(ct);
        var jobs = await client.GetAsync(NomadClient.Paths.Jobs, ct);
        var self = await client.GetAsync(NomadClient.Paths.TokenSelf, ct);
        TokenFacts facts;
        if (!jobs.IsSuccess)
            facts = new TokenFacts("Nomad", jobs.StatusCode, false, "", "", [], false, $"GET /{NomadClient.Paths.Jobs}: {HttpExchange.Truncate(jobs.Body.Trim(), 200)}");
        else if (!self.IsSuccess)
            facts = new TokenFacts("Nomad", self.StatusCode, true, "(unknown)", $"token self-lookup answered {self.StatusCode}", [], false, "");
        else
        {
            var j = self.Json();
            var type = Str(j, "Type");
            var accessor = Str(j, "AccessorID");
            var policies = j.TryGetProperty("Policies", out var p) && p.ValueKind == JsonValueKind.Array
                ? p.EnumerateArray().Select(e => e.GetString() ?? "").ToList() : [];
            facts = new TokenFacts("Nomad", self.StatusCode, true, accessor, $"{Str(j, "Name")} (type {type})", policies,
                type == "management" || accessor == "acls-disabled", "");
        }
        evidence.Note($"Nomad configured token: {facts}");
        return facts;
    }

    /// <summary>Records the version Nomad reports (a sandbox stand-in reports a "-standin" version).</summary>
    public async Task RecordVersionAsync(CancellationToken ct = default)
    {
        if (Interlocked.Exchange(ref _versionRecorded, 1) == 1) return;
        try
        {
            var x = await client.GetAsync(NomadClient.Paths.AgentSelf, ct);
            var config = x.IsSuccess && x.Json().TryGetProperty("config", out var c) ? c : default;
            // config.Version is a string in old releases and {Version, VersionPrerelease, ...} in current ones.
            var versionObject = config.ValueKind == JsonValueKind.Object && config.TryGetProperty("Version", out var v) && v.ValueKind == JsonValueKind.Object ? v : config;
            var version = Str(versionObject, "Version");
            var pre = Str(versionObject, "VersionPrerelease");
            if (pre.Length > 0 && !version.Contains(pre)) version += "-" + pre;
            if (version.Length > 0) RunFacts.Set("nomad.version", version);
            // nomad.kind (stand-in or real) is recorded by ServiceHttp from the X-Sandbox-Standin marker of every answer.
        }
        catch (EnvironmentProblemException)
        {
            // the check that follows names the unreachable endpoint
        }
    }

    private static string Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
}

using System.Text.Json;
using Acceptance.Support.Evidence;
using Acceptance.Support.Http;
using Acceptance.Support.Polling;

namespace Acceptance.Support.Consul;

/// <summary>
/// Reads Consul's state and returns facts (leadership, membership, service health, ACL behaviour);
/// the verdicts stay in the step definitions. Each fact is noted in the evidence with the rule it feeds.
/// </summary>
public sealed class ConsulProbe(ConsulClient client, EvidenceLog evidence) : IServerClusterProbe
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private readonly ServerClusterProbe _cluster = new(client, evidence);

    /// <summary>Waits for an elected leader, then reads who every view (status, raft, autopilot) names.</summary>
    public async Task<Leadership> LeadershipAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        await RecordVersionAsync(ct);
        return await _cluster.LeadershipAsync(timeout, ct);
    }

    /// <summary>Autopilot's health, polled until healthy or the deadline passes (the last view is returned).</summary>
    public Task<PollResult<AutopilotHealth>> AutopilotAsync(TimeSpan timeout, CancellationToken ct = default) =>
        _cluster.AutopilotAsync(timeout, ct);

    /// <summary>The raft peers.</summary>
    public Task<IReadOnlyList<string>> PeersAsync(CancellationToken ct = default) => _cluster.PeersAsync(ct);

    /// <summary>Every gossip member, polled until all are alive or the deadline passes.</summary>
    public Task<PollResult<IReadOnlyList<ClusterMember>>> MembersAsync(TimeSpan timeout, CancellationToken ct = default) =>
        _cluster.MembersAliveAsync("every Consul member alive", timeout, ct);

    /// <summary>The health of each named service, polled until every one is registered and passing.</summary>
    public Task<PollResult<IReadOnlyList<ServiceHealth>>> ServicesHealthAsync(IReadOnlyList<string> services, TimeSpan timeout, CancellationToken ct = default) =>
        Poll.TryUntilAsync($"Consul checks passing for {string.Join(", ", services)}", timeout, Interval, async token =>
        {
            var health = new List<ServiceHealth>();
            foreach (var s in services) health.Add(new ServiceHealth(s, await client.HealthServiceAsync(s, token)));
            var bad = health.Where(h => !h.IsHealthy).ToList();
            var state = bad.Count == 0 ? $"all {health.Count} healthy" : string.Join(" || ", bad);
            return bad.Count == 0
                ? PollCheck<IReadOnlyList<ServiceHealth>>.Satisfied(health, state)
                : PollCheck<IReadOnlyList<ServiceHealth>>.NotYet(health, state);
        }, evidence, ct);

    /// <summary>Every check in the datacenter, polled until none is non-passing.</summary>
    public Task<PollResult<IReadOnlyList<HealthCheck>>> AllChecksAsync(TimeSpan timeout, CancellationToken ct = default) =>
        Poll.TryUntilAsync("every Consul check passing", timeout, Interval, async token =>
        {
            var checks = await client.AllChecksAsync(token);
            var bad = checks.Where(c => !c.IsPassing).ToList();
            var state = $"{checks.Count - bad.Count}/{checks.Count} passing" + (bad.Count > 0 ? "; not passing: " + string.Join("; ", bad) : "");
            return checks.Count > 0 && bad.Count == 0
                ? PollCheck<IReadOnlyList<HealthCheck>>.Satisfied(checks, state)
                : PollCheck<IReadOnlyList<HealthCheck>>.NotYet(checks, state);
        }, evidence, ct);

    /// <summary>The catalog: which of the named services are registered, and their instances.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<CatalogInstance>>> CatalogAsync(IReadOnlyList<string> services, CancellationToken ct = default)
    {
        var names = await client.CatalogServicesAsync(ct);
        var result = new Dictionary<string, IReadOnlyList<CatalogInstance>>();
        foreach (var s in services)
            result[s] = names.Contains(s) ? await client.CatalogServiceAsync(s, ct) : [];
        evidence.Note($"Consul catalog lists {names.Count} services [{string.Join(", ", names)}]; expected: " +
                      string.Join("; ", result.Select(r => r.Value.Count == 0 ? $"{r.Key}: NOT registered" : string.Join(", ", r.Value))));
        return result;
    }

    /// <summary>What an anonymous caller gets (no token sent).</summary>
    public async Task<ConsulAnonymousAccess> AnonymousAccessAsync(CancellationToken ct = default)
    {
        var leader = await client.AnonymousGetAsync(ConsulClient.Paths.Leader, ct);
        var self = await client.AnonymousGetAsync(ConsulClient.Paths.AgentSelf, ct);
        var access = new ConsulAnonymousAccess(leader.StatusCode, self.StatusCode, self.IsSuccess ? "(agent configuration)" : self.Body,
            self.Header(ConsulClient.DefaultAclPolicyHeader) ?? leader.Header(ConsulClient.DefaultAclPolicyHeader));
        evidence.Note($"Consul anonymous access: {access}");
        return access;
    }

    /// <summary>The configured token as /v1/acl/token/self describes it.</summary>
    public async Task<TokenFacts> TokenAsync(CancellationToken ct = default)
    {
        await RecordVersionAsync(ct);
        var x = await client.GetAsync(ConsulClient.Paths.TokenSelf, ct);
        TokenFacts facts;
        if (!x.IsSuccess)
            facts = new TokenFacts("Consul", x.StatusCode, false, "", "", [], false, HttpExchange.Truncate(x.Body.Trim(), 200));
        else
        {
            var j = x.Json();
            var policies = j.TryGetProperty("Policies", out var p) && p.ValueKind == JsonValueKind.Array
                ? p.EnumerateArray().Select(e => Json.Str(e, "Name")).ToList() : [];
            var management = policies.Contains("global-management") ||
                             (j.TryGetProperty("Policies", out var p2) && p2.ValueKind == JsonValueKind.Array &&
                              p2.EnumerateArray().Any(e => Json.Str(e, "ID") == "00000000-0000-0000-0000-000000000001"));
            facts = new TokenFacts("Consul", x.StatusCode, true, Json.Str(j, "AccessorID"), Json.Str(j, "Description"), policies, management, "");
        }
        evidence.Note($"Consul configured token: {facts}");
        return facts;
    }

    /// <summary>Records the version Consul reports (a sandbox stand-in reports a "-standin" version).</summary>
    public async Task RecordVersionAsync(CancellationToken ct = default)
    {
        if (Interlocked.Exchange(ref _versionRecorded, 1) == 1) return;
        try
        {
            var x = await client.GetAsync(ConsulClient.Paths.AgentSelf, ct);
            var version = x.IsSuccess ? Json.Str(Json.Obj(x.Json(), "Config"), "Version") : "";
            if (version.Length > 0) RunFacts.Set("consul.version", version);
            // consul.kind (stand-in or real) is recorded by ServiceHttp from the X-Sandbox-Standin marker of every answer.
        }
        catch (Outcomes.EnvironmentProblemException)
        {
            // the check that follows names the unreachable endpoint
        }
    }

    private static int _versionRecorded;

}

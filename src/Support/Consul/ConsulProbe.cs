using Acceptance.Support.Evidence;
using Acceptance.Support.ServerCluster;

namespace Acceptance.Support.Consul;

/// <summary>
/// Reads Consul's own facts (service health, checks, catalog, ACL behaviour); the cluster facts Consul shares with
/// Nomad come from <see cref="ServerClusterProbe"/>. Each read is one attempt; <see cref="ConsulRules"/> judges.
/// </summary>
public sealed class ConsulProbe(ConsulClient client, EvidenceLog evidence)
{
    /// <summary>The server-cluster facts (leadership, peers, autopilot, members, token).</summary>
    public ServerClusterProbe Cluster { get; } = new(client, evidence);

    /// <summary>The health of each named service: its instances with all their checks (none: not registered).</summary>
    public async Task<IReadOnlyList<ServiceHealth>> ServicesHealthAsync(IReadOnlyList<string> services, CancellationToken ct = default)
    {
        var health = new List<ServiceHealth>();
        foreach (var s in services) health.Add(new ServiceHealth(s, await client.HealthServiceAsync(s, ct)));
        return health;
    }

    /// <summary>Every check in the datacenter (node and service checks).</summary>
    public Task<IReadOnlyList<HealthCheck>> AllChecksAsync(CancellationToken ct = default) => client.AllChecksAsync(ct);

    /// <summary>The catalog: for each named service, its instances (empty: not registered).</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<CatalogInstance>>> CatalogAsync(IReadOnlyList<string> services, CancellationToken ct = default)
    {
        var names = await client.CatalogServicesAsync(ct);
        var result = new Dictionary<string, IReadOnlyList<CatalogInstance>>();
        foreach (var s in services)
            result[s] = names.Contains(s) ? await client.CatalogServiceAsync(s, ct) : [];
        evidence.Note($"Consul catalog lists {names.Count} services [{string.Join(", ", names)}]");
        return result;
    }

    /// <summary>What an anonymous caller gets (no token sent).</summary>
    public async Task<ConsulAnonymousAccess> AnonymousAccessAsync(CancellationToken ct = default)
    {
        var leader = await client.AnonymousGetAsync(ConsulClient.Paths.Leader, ct);
        var self = await client.AnonymousGetAsync(ConsulClient.Paths.AgentSelf, ct);
        return new ConsulAnonymousAccess(leader.StatusCode, self.StatusCode, self.IsSuccess ? "(agent configuration)" : self.Body,
            self.Header(ConsulClient.DefaultAclPolicyHeader) ?? leader.Header(ConsulClient.DefaultAclPolicyHeader));
    }
}

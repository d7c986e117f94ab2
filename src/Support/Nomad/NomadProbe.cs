using Acceptance.Support.Evidence;
using Acceptance.Support.ServerCluster;

namespace Acceptance.Support.Nomad;

/// <summary>
/// Reads Nomad's own facts (client nodes, ACL behaviour); the cluster facts Nomad shares with Consul come from
/// <see cref="ServerClusterProbe"/>. Each read is one attempt; <see cref="NomadRules"/> judges.
/// </summary>
public sealed class NomadProbe(NomadClient client, EvidenceLog evidence)
{
    /// <summary>The server-cluster facts (leadership, peers, autopilot, members, token).</summary>
    public ServerClusterProbe Cluster { get; } = new(client, evidence);

    /// <summary>Every client node in full.</summary>
    public async Task<IReadOnlyList<NomadNode>> NodesAsync(CancellationToken ct = default)
    {
        var nodes = new List<NomadNode>();
        foreach (var id in await client.NodeIdsAsync(ct)) nodes.Add(await client.NodeAsync(id, ct));
        evidence.Note($"Nomad client nodes ({nodes.Count}):\n  " + string.Join("\n  ", nodes));
        return nodes;
    }

    /// <summary>What an anonymous caller gets from the protected endpoints /v1/jobs and /v1/nodes.</summary>
    public async Task<IReadOnlyList<NomadAnonymousAccess>> AnonymousAccessAsync(CancellationToken ct = default)
    {
        var result = new List<NomadAnonymousAccess>();
        foreach (var path in new[] { NomadClient.Paths.Jobs, NomadClient.Paths.Nodes })
        {
            var x = await client.AnonymousGetAsync(path, ct);
            result.Add(new NomadAnonymousAccess(path, x.StatusCode, x.Body));
        }
        return result;
    }
}

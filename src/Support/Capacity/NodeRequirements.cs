using System.Globalization;
using Acceptance.Support.Configuration;
using Acceptance.Support.Nomad;

namespace Acceptance.Support.Capacity;

/// <summary>
/// The hardware, network and storage rules of the checklist applied to Nomad client nodes. Each
/// method returns the violations as sentences naming the node and the rule (empty: the rule holds),
/// plus rule texts (e.g. <see cref="CapacityRule"/>) for the evidence.
/// </summary>
public static class NodeRequirements
{
    /// <summary>The checklist's connectivity between nodes (25 Gbit/s) when the target sets no thresholds.network_min_mbps.</summary>
    public const double DefaultNetworkMinMbps = 25_000;

    /// <summary>The threshold key for the minimum network speed.</summary>
    public const string NetworkMinMbpsKey = "network_min_mbps";

    /// <summary>Segments a node may declare in meta network_segment.</summary>
    public static readonly IReadOnlyList<string> Segments = ["management", "data"];

    /// <summary>Minimum network speed from the target (thresholds.network_min_mbps, else the checklist's 25 Gbit/s).</summary>
    public static double NetworkMinMbps(Thresholds t) => t.Other.TryGetValue(NetworkMinMbpsKey, out var v) ? v : DefaultNetworkMinMbps;

    /// <summary>The capacity rule in words.</summary>
    public static string CapacityRule(Expectations e) =>
        $"each node >= {e.NodeMinCpuCores} CPU cores, >= {Num(e.NodeMinMemoryGb)} GiB memory, >= {Num(e.NodeMinDiskGb)} GiB disk (expect.node_minimums)";

    /// <summary>Nodes below the CPU, memory or disk minimums.</summary>
    public static IReadOnlyList<string> CapacityShortfalls(IEnumerable<NomadNode> nodes, Expectations e)
    {
        var problems = new List<string>();
        foreach (var n in nodes)
        {
            if (n.CpuCores < e.NodeMinCpuCores) problems.Add($"{n.Name}: {n.CpuCores} CPU cores < {e.NodeMinCpuCores}");
            if (n.MemoryGb < e.NodeMinMemoryGb) problems.Add($"{n.Name}: {n.MemoryGb:F1} GiB memory < {Num(e.NodeMinMemoryGb)} GiB");
            if (n.DiskGb < e.NodeMinDiskGb) problems.Add($"{n.Name}: {n.DiskGb:F1} GiB disk < {Num(e.NodeMinDiskGb)} GiB");
        }
        return problems;
    }

    /// <summary>Nodes whose fastest network interface is slower than the minimum (or unknown).</summary>
    public static IReadOnlyList<string> NetworkShortfalls(IEnumerable<NomadNode> nodes, double minMbps) =>
        nodes.Where(n => n.NetworkSpeedMbits < minMbps)
            .Select(n => n.NetworkSpeedMbits == 0
                ? $"{n.Name}: network speed not reported (NodeResources.NodeNetworks / attribute network.speed)"
                : $"{n.Name}: {n.NetworkSpeedMbits} Mbit/s < {Num(minMbps)} Mbit/s").ToList();

    /// <summary>Nodes without a known segment, and segments no node is placed on.</summary>
    public static IReadOnlyList<string> SegmentProblems(IReadOnlyList<NomadNode> nodes)
    {
        var problems = nodes.Where(n => n.Segment is null || !Segments.Contains(n.Segment))
            .Select(n => $"{n.Name}: meta network_segment is '{n.Segment ?? "(absent)"}' (expected one of {string.Join(", ", Segments)})").ToList();
        foreach (var s in Segments.Where(s => nodes.All(n => n.Segment != s)))
            problems.Add($"no node is placed on the {s} segment");
        return problems;
    }

    /// <summary>Expected host volumes that no node offers, or that every node offers read-only.</summary>
    public static IReadOnlyList<string> MissingVolumes(IReadOnlyList<NomadNode> nodes, IReadOnlyList<string> expected)
    {
        var problems = new List<string>();
        foreach (var v in expected)
        {
            var offered = nodes.SelectMany(n => n.HostVolumes.Where(h => h.Name == v).Select(h => (n, h))).ToList();
            if (offered.Count == 0) problems.Add($"host volume {v}: configured on no client node");
            else if (offered.All(o => o.h.ReadOnly)) problems.Add($"host volume {v}: read-only on every node ({string.Join(", ", offered.Select(o => o.n.Name))})");
        }
        return problems;
    }

    /// <summary>
    /// Storage not accessible: an expected volume on no ready node, a node holding one that is not
    /// ready (its storage cannot be reached), or a node reporting no free storage.
    /// </summary>
    public static IReadOnlyList<string> InaccessibleStorage(IReadOnlyList<NomadNode> nodes, IReadOnlyList<string> expected)
    {
        var problems = new List<string>();
        foreach (var v in expected)
        {
            var holders = nodes.Where(n => n.HostVolumes.Any(h => h.Name == v)).ToList();
            if (holders.All(n => n.Status != "ready")) problems.Add($"host volume {v}: on no ready node");
            problems.AddRange(holders.Where(n => n.Status != "ready").Select(n => $"host volume {v} on {n.StatusLine}: storage not reachable"));
        }
        problems.AddRange(nodes.Where(n => n.HostVolumes.Count > 0 && n.DiskFreeBytes <= 0 && n.Status == "ready")
            .Select(n => $"{n.Name}: reports no free storage (unique.storage.bytesfree)"));
        return problems.Distinct().ToList();
    }

    private static string Num(double d) => d.ToString("0.##", CultureInfo.InvariantCulture);
}

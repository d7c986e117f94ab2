using System.Globalization;
using Acceptance.Support.Checks;
using Acceptance.Support.Configuration;
using Acceptance.Support.Nomad;

namespace Acceptance.Support.Capacity;

/// <summary>
/// The hardware, network and storage rules for the Nomad client nodes: pure functions of the nodes
/// (<see cref="NomadProbe.NodesAsync"/>) and the target's expectations.
/// </summary>
public static class CapacityRules
{
    /// <summary>Segments a node may declare in meta network_segment.</summary>
    public static readonly IReadOnlyList<string> Segments = ["management", "data"];

    /// <summary>Every node has at least the CPU cores, memory and disk of expect.node_minimums.</summary>
    public static Verdict NodeMinimums(IReadOnlyList<NomadNode> nodes, NodeMinimums min)
    {
        var shortfalls = new List<string>();
        if (nodes.Count == 0) shortfalls.Add("no client nodes registered");
        foreach (var n in nodes)
        {
            if (n.CpuCores < min.CpuCores) shortfalls.Add($"{n.Name}: {n.CpuCores} CPU cores < {min.CpuCores}");
            if (n.MemoryGb < min.MemoryGb) shortfalls.Add($"{n.Name}: {Below(n.MemoryGb, min.MemoryGb)} GiB memory < {Num(min.MemoryGb)} GiB");
            if (n.DiskGb < min.DiskGb) shortfalls.Add($"{n.Name}: {Below(n.DiskGb, min.DiskGb)} GiB disk < {Num(min.DiskGb)} GiB");
        }
        var differences = new[] { nameof(Capacity.NodeMinimums.CpuCores), nameof(Capacity.NodeMinimums.MemoryGb), nameof(Capacity.NodeMinimums.DiskGb) }
            .Select(p => OptionsBinder.ChecklistDifference(min, p, "expect.node_minimums")).OfType<string>().ToList();
        return Verdict.From("every Nomad client node meets expect.node_minimums",
            $"each node >= {min.CpuCores} CPU cores, >= {Num(min.MemoryGb)} GiB memory, >= {Num(min.DiskGb)} GiB disk",
            string.Join("; ", nodes.Select(n => n.CapacityLine)), shortfalls)
            with { ChecklistDifference = differences.Count > 0 ? string.Join("; ", differences) : null };
    }

    /// <summary>Every node's fastest network interface is at least thresholds.network_min_mbps (an unknown speed is a shortfall).</summary>
    public static Verdict NetworkSpeed(IReadOnlyList<NomadNode> nodes, NetworkThresholds t) => Verdict.From(
        "every Nomad client node's network speed >= thresholds.network_min_mbps",
        $"each node >= {Num(t.NetworkMinMbps)} Mbit/s",
        string.Join("; ", nodes.Select(n => $"{n.Name}: {n.NetworkSpeedMbits} Mbit/s")),
        (nodes.Count == 0 ? ["no client nodes registered"] : Array.Empty<string>()).Concat(nodes.Where(n => n.NetworkSpeedMbits < t.NetworkMinMbps)
            .Select(n => n.NetworkSpeedMbits == 0
                ? $"{n.Name}: network speed not reported (NodeResources.NodeNetworks / attribute network.speed)"
                : $"{n.Name}: {n.NetworkSpeedMbits} Mbit/s < {Num(t.NetworkMinMbps)} Mbit/s")))
        with { ChecklistDifference = OptionsBinder.ChecklistDifference(t, nameof(NetworkThresholds.NetworkMinMbps), "thresholds") };

    /// <summary>Every node declares meta network_segment management or data, and both segments have nodes.</summary>
    public static Verdict DedicatedSegments(IReadOnlyList<NomadNode> nodes)
    {
        var shortfalls = nodes.Where(n => n.Segment is null || !Segments.Contains(n.Segment))
            .Select(n => $"{n.Name}: meta network_segment is '{n.Segment ?? "(absent)"}' (expected one of {string.Join(", ", Segments)})").ToList();
        shortfalls.AddRange(Segments.Where(s => nodes.All(n => n.Segment != s)).Select(s => $"no node is placed on the {s} segment"));
        return Verdict.From("the Nomad client nodes are placed on dedicated management and data network segments",
            "every node declares meta network_segment management or data, and both segments have nodes",
            string.Join("; ", nodes.Select(n => $"{n.Name}: {n.Segment ?? "(no segment)"}")), shortfalls);
    }

    /// <summary>Each expected host volume is offered by at least one node, and not read-only everywhere.</summary>
    public static Verdict HostVolumesConfigured(IReadOnlyList<NomadNode> nodes, IReadOnlyList<string> expected)
    {
        var shortfalls = new List<string>();
        foreach (var v in expected)
        {
            var offered = nodes.SelectMany(n => n.HostVolumes.Where(h => h.Name == v).Select(h => (n, h))).ToList();
            if (offered.Count == 0) shortfalls.Add($"host volume {v}: configured on no client node");
            else if (offered.All(o => o.h.ReadOnly)) shortfalls.Add($"host volume {v}: read-only on every node ({string.Join(", ", offered.Select(o => o.n.Name))})");
        }
        return Verdict.From("every expect.host_volumes entry is a writable host volume of a Nomad client node",
            $"each of [{string.Join(", ", expected)}] offered by >= 1 node and writable on at least one", Volumes(nodes), shortfalls);
    }

    /// <summary>
    /// Storage accessible: each expected volume is on a ready node, no node holding one is down (its storage cannot be
    /// reached), and ready holders report free storage.
    /// </summary>
    public static Verdict StorageAccessible(IReadOnlyList<NomadNode> nodes, IReadOnlyList<string> expected)
    {
        var shortfalls = new List<string>();
        foreach (var v in expected)
        {
            var holders = nodes.Where(n => n.HostVolumes.Any(h => h.Name == v)).ToList();
            if (holders.All(n => n.Status != "ready")) shortfalls.Add($"host volume {v}: on no ready node");
            shortfalls.AddRange(holders.Where(n => n.Status != "ready").Select(n => $"host volume {v} on {n.StatusLine}: storage not reachable"));
        }
        shortfalls.AddRange(nodes.Where(n => n.HostVolumes.Count > 0 && n.DiskFreeBytes <= 0 && n.Status == "ready")
            .Select(n => $"{n.Name}: reports no free storage (unique.storage.bytesfree)"));
        return Verdict.From("the storage behind every expected host volume is mounted and accessible",
            "each expected host volume on >= 1 ready node, no holder down, holders report free storage", Volumes(nodes), shortfalls.Distinct());
    }

    private static string Volumes(IReadOnlyList<NomadNode> nodes) =>
        string.Join("; ", nodes.Select(n => $"{n.StatusLine} volumes [{string.Join(", ", n.HostVolumes)}]"));

    private static string Num(double d) => d.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>A value below its minimum, with enough digits that it never reads as the minimum itself ("63.999", not "64.0").</summary>
    private static string Below(double value, double minimum)
    {
        var text = value.ToString("F1", CultureInfo.InvariantCulture);
        return double.Parse(text, CultureInfo.InvariantCulture) < minimum ? text : value.ToString("0.######", CultureInfo.InvariantCulture);
    }
}

using Acceptance.Support.Http;

namespace Acceptance.Support.Nomad;

/// <summary>A task driver as a client node fingerprints it.</summary>
public sealed record NomadDriver(string Name, bool Detected, bool Healthy, string HealthDescription)
{
    /// <summary>Detected and healthy.</summary>
    public bool IsUsable => Detected && Healthy;

    /// <inheritdoc />
    public override string ToString() =>
        $"{Name}: {(IsUsable ? "detected, healthy" : $"detected={Detected} healthy={Healthy}")}" +
        (IsUsable || HealthDescription.Length == 0 ? "" : $" ({HealthDescription})");
}

/// <summary>A host volume a client node offers to jobs.</summary>
public sealed record HostVolume(string Name, string Path, bool ReadOnly)
{
    /// <inheritdoc />
    public override string ToString() => $"{Name} at {Path}{(ReadOnly ? " (read-only)" : "")}";
}

/// <summary>A Nomad client node as /v1/node/:id describes it.</summary>
public sealed record NomadNode(string Id, string Name, string Status, string StatusDescription, string SchedulingEligibility, bool Drain,
    IReadOnlyList<NomadDriver> Drivers, int CpuCores, long MemoryMb, long DiskMb, long DiskFreeBytes, long NetworkSpeedMbits,
    string HttpAddress, string IpAddress, IReadOnlyDictionary<string, string> Meta, IReadOnlyList<HostVolume> HostVolumes)
{
    /// <summary>Ready, eligible and not draining.</summary>
    public bool IsSchedulable => Status == "ready" && SchedulingEligibility == "eligible" && !Drain;

    /// <summary>Memory in GiB.</summary>
    public double MemoryGb => MemoryMb / 1024.0;

    /// <summary>Disk in GiB.</summary>
    public double DiskGb => DiskMb / 1024.0;

    /// <summary>The network segment the node declares (meta network_segment, else meta segment).</summary>
    public string? Segment => Meta.GetValueOrDefault("network_segment") ?? Meta.GetValueOrDefault("segment");

    /// <summary>The driver of that name, if fingerprinted.</summary>
    public NomadDriver? Driver(string name) => Drivers.FirstOrDefault(d => d.Name == name);

    /// <summary>Status line: "ml-worker-1: ready, eligible".</summary>
    public string StatusLine =>
        $"{Name}: {Status}, {SchedulingEligibility}{(Drain ? ", draining" : "")}{(StatusDescription.Length > 0 ? $" ({StatusDescription})" : "")}";

    /// <summary>Capacity line.</summary>
    public string CapacityLine => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{Name}: {CpuCores} cores, {MemoryGb:F1} GiB memory, {DiskGb:F1} GiB disk, network {NetworkSpeedMbits} Mbit/s");

    /// <inheritdoc />
    public override string ToString() => $"{StatusLine}; {CapacityLine}; segment {Segment ?? "(none)"}; volumes [{string.Join(", ", HostVolumes)}]";
}

/// <summary>What an anonymous caller gets from a protected Nomad endpoint.</summary>
/// <param name="Path">The protected endpoint.</param>
/// <param name="Status">The status it answered (ACLs enforced: 403).</param>
/// <param name="Body">The body (truncated).</param>
public sealed record NomadAnonymousAccess(string Path, int Status, string Body)
{
    /// <inheritdoc />
    public override string ToString() => $"anonymous GET /{Path} → {Status} ({HttpExchange.Truncate(Body.Trim(), 160)})";
}

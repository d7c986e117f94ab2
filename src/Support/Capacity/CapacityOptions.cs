using Acceptance.Support.Configuration;

namespace Acceptance.Support.Capacity;

/// <summary>expect.node_minimums: the hardware every Nomad client node must have (the checklist's numbers by default).</summary>
public sealed record NodeMinimums
{
    /// <summary>CPU cores.</summary>
    [Option("cpu_cores", "CPU cores per node", Min = 1, Checklist = 16, Lines = "INFRA-HR-2", Unit = "cores")]
    public int CpuCores { get; init; } = 16;

    /// <summary>Memory in GiB.</summary>
    [Option("memory_gb", "memory per node (GiB)", Min = 0, Checklist = 64, Lines = "INFRA-HR-2", Unit = "GiB RAM")]
    public double MemoryGb { get; init; } = 64;

    /// <summary>Disk in GiB.</summary>
    [Option("disk_gb", "disk per node (GiB)", Min = 0, Checklist = 2000, Lines = "INFRA-HR-2", Unit = "GiB disk")]
    public double DiskGb { get; init; } = 2000;
}

/// <summary>Thresholds of the node network checks (flat keys of <c>thresholds:</c>).</summary>
public sealed record NetworkThresholds
{
    /// <summary>Minimum network speed of every Nomad client node.</summary>
    [Option("network_min_mbps", "minimum network speed of every Nomad client node (Mbit/s)", Min = 1, Checklist = 25000, Lines = "INFRA-HR-3", Unit = "Mbit/s")]
    public double NetworkMinMbps { get; init; } = 25_000;
}

using Acceptance.Support.Configuration;

namespace Acceptance.Support.Load;

/// <summary>Thresholds of the performance checks (flat keys of <c>thresholds:</c>).</summary>
public sealed record LoadThresholds
{
    /// <summary>95th-percentile response time under load: the threshold of a load profile that lists none.</summary>
    [Option("response_time_p95_ms", "95th-percentile response time under load (milliseconds): a load profile without thresholds gets p(95)<this and rate<0.01", Min = 1)]
    public double ResponseTimeP95Ms { get; init; } = 500;

    /// <summary>Highest CPU use of a node during the load window.</summary>
    [Option("max_cpu_percent", "highest CPU use of any node during the load window (percent, averaged over the window)", Min = 1, Max = 100)]
    public double MaxCpuPercent { get; init; } = 80;

    /// <summary>Highest memory use of a node.</summary>
    [Option("max_memory_percent", "highest memory use of any node after the load window (percent of MemTotal not available)", Min = 1, Max = 100)]
    public double MaxMemoryPercent { get; init; } = 90;

    /// <summary>Highest use of a filesystem.</summary>
    [Option("max_disk_percent", "highest use of any node filesystem matched by performance.filesystems (percent)", Min = 1, Max = 100)]
    public double MaxDiskPercent { get; init; } = 85;

    /// <summary>Highest network traffic of a node.</summary>
    [Option("max_network_mbps", "highest network traffic (receive + transmit, every device but lo) of any node during the load window (Mbit/s)", Min = 0.001)]
    public double MaxNetworkMbps { get; init; } = 800;

    /// <summary>Largest memory growth of a service over the soak window.</summary>
    [Option("max_memory_growth_percent", "largest steady growth of a service's resident memory over the soak window (percent: the lowest sample of each third of the window must not rise in every third by more than this in all; one step or spike is not a leak; the window needs at least 2 scrapes a third)", Min = 0.1)]
    public double MaxMemoryGrowthPercent { get; init; } = 10;

    /// <summary>Largest share of the file-descriptor limit a service may hold.</summary>
    [Option("max_fd_percent", "largest share of its file-descriptor limit (process_open_fds / process_max_fds) a service may hold (percent)", Min = 1, Max = 100)]
    public double MaxFdPercent { get; init; } = 80;

    /// <summary>Horizon in which no disk may be predicted full.</summary>
    [Option("disk_full_horizon_hours", "no filesystem may be predicted full (predict_linear over the soak window) within this many hours", Min = 0.01)]
    public double DiskFullHorizonHours { get; init; } = 24;

    /// <summary>fio: least random-read IOPS.</summary>
    [Option("fio_min_read_iops", "storage benchmark: least random-read IOPS of each data volume (fio, 4 KiB)", Min = 0)]
    public double FioMinReadIops { get; init; } = 1000;

    /// <summary>fio: least random-write IOPS.</summary>
    [Option("fio_min_write_iops", "storage benchmark: least random-write IOPS of each data volume (fio, 4 KiB)", Min = 0)]
    public double FioMinWriteIops { get; init; } = 500;

    /// <summary>fio: least bandwidth (read and write each).</summary>
    [Option("fio_min_bandwidth_mbps", "storage benchmark: least random-read and random-write bandwidth of each data volume (MB/s)", Min = 0)]
    public double FioMinBandwidthMbps { get; init; } = 2;

    /// <summary>fio: largest p99 completion latency.</summary>
    [Option("fio_max_p99_ms", "storage benchmark: largest 99th-percentile completion latency of reads and writes (milliseconds)", Min = 0.001)]
    public double FioMaxP99Ms { get; init; } = 50;
}

using Acceptance.Support.Load;
using Acceptance.Support.Prometheus;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Load;

/// <summary>The utilisation, exhaustion and storage rules, and fio's JSON.</summary>
public sealed class ResourceAndFioTests
{
    private static Sample S(double v, string instance = "node-1:9100", string job = "node", string? mountpoint = null)
    {
        var l = new Dictionary<string, string> { ["instance"] = instance, ["job"] = job };
        if (mountpoint is not null) l["mountpoint"] = mountpoint;
        return new Sample(l, v);
    }

    private static IReadOnlyList<PromReading> Util(double cpu, double mem, double disk, double net) =>
    [
        new("CPU use %", "q1", [S(cpu)]), new("memory use %", "q2", [S(mem)]), new("filesystem use %", "q3", [S(disk, mountpoint: "/data")]), new("network", "q4", [S(net)]),
    ];

    [Test]
    public void Utilisation_within_ranges_holds() =>
        ResourceRules.UtilisationWithinRanges(Util(40, 50, 30, 10), new LoadThresholds()).Holds.Should().BeTrue();

    [Test]
    public void A_node_over_its_memory_range_is_named()
    {
        var v = ResourceRules.UtilisationWithinRanges(Util(40, 97, 30, 10), new LoadThresholds());
        v.Shortfalls.Should().ContainSingle().Which.Should().Contain("memory use %: job=node instance=node-1:9100 at 97 % > thresholds.max_memory_percent (90 %)");
    }

    private static IReadOnlyList<PromReading> Exhaustion(double growth, double fds, double predicted) =>
    [
        new("growth", "deriv", [S(growth, "127.0.0.1:18081", "backend")]), new("fds", "fds", [S(fds)]), new("predict", "predict_linear", [S(predicted, mountpoint: "/data")]),
    ];

    [Test]
    public void A_service_whose_memory_grows_over_the_soak_is_a_leak()
    {
        var v = ResourceRules.NoLeaksOrExhaustion(Exhaustion(340, 5, 1e9), new LoadThresholds());
        v.Shortfalls.Should().ContainSingle().Which.Should().Contain("job=backend instance=127.0.0.1:18081: resident memory grows 340 %").And.Contain("a leak");
    }

    [Test]
    public void A_disk_predicted_below_zero_is_predicted_full()
    {
        var v = ResourceRules.NoLeaksOrExhaustion(Exhaustion(1, 5, -3e9), new LoadThresholds());
        v.Shortfalls.Should().ContainSingle().Which.Should().Contain("mountpoint=/data: predicted full within thresholds.disk_full_horizon_hours (24 h)");
    }

    [Test]
    public void Fds_near_their_limit_are_exhaustion()
    {
        var v = ResourceRules.NoLeaksOrExhaustion(Exhaustion(1, 95, 1e9), new LoadThresholds());
        v.Shortfalls.Should().ContainSingle().Which.Should().Contain("95 % of its file-descriptor limit");
    }

    [Test]
    public void Healthy_soak_holds() => ResourceRules.NoLeaksOrExhaustion(Exhaustion(2, 5, 1e9), new LoadThresholds()).Holds.Should().BeTrue();

    [Test]
    public void The_memory_query_is_a_regression_slope_over_the_window_not_one_sample()
    {
        var q = ResourceProbe.ExhaustionQueries(TimeSpan.FromSeconds(20), "fstype!=\"tmpfs\"", 24);
        q[0].Query.Should().Be("100 * deriv(process_resident_memory_bytes[20s]) * 20 / avg_over_time(process_resident_memory_bytes[20s])");
        q[2].Query.Should().Be("predict_linear(node_filesystem_avail_bytes{fstype!=\"tmpfs\"}[20s], 86400)");
    }

    // fio 3.x --output-format=json, trimmed to the fields read (the project's own sample)
    private const string FioJson = """
        note: both iodepth >= 1 and synchronous I/O engine are selected, queue depth will be capped at 1
        {
          "fio version" : "fio-3.33",
          "jobs" : [
            { "jobname" : "randread", "read" : { "bw" : 40960, "iops" : 10240.5, "clat_ns" : { "percentile" : { "99.000000" : 1500000 } } },
              "write" : { "bw" : 0, "iops" : 0.0 } },
            { "jobname" : "randwrite", "read" : { "bw" : 0, "iops" : 0.0 },
              "write" : { "bw" : 20480, "iops" : 5120.0, "clat_ns" : { "percentile" : { "99.000000" : 3000000 } } } }
          ]
        }
        """;

    [Test]
    public void Fios_json_gives_iops_bandwidth_and_p99_per_direction()
    {
        var (read, write) = FioRunner.Parse(FioJson);
        read.Should().Be(new FioFigures("randread", 10240.5, 40960 * 1024 / 1e6, 1.5));
        write.Iops.Should().Be(5120);
        write.P99Ms.Should().Be(3);
    }

    [Test]
    public void A_slow_volume_fails_the_storage_thresholds()
    {
        var (read, write) = FioRunner.Parse(FioJson);
        var ok = FioRules.StorageMeetsThresholds([new FioBenchmark("/data", read, write)], new LoadThresholds());
        ok.Holds.Should().BeTrue(ok.Sentence);
        var v = FioRules.StorageMeetsThresholds([new FioBenchmark("/data", read, write)], new LoadThresholds { FioMinReadIops = 50000, FioMaxP99Ms = 2 });
        v.Shortfalls.Should().HaveCount(2);
        v.Shortfalls[0].Should().Contain("random read 10241 IOPS < thresholds.fio_min_read_iops (50000)");
        v.Shortfalls[1].Should().Contain("randwrite p99 3 ms > thresholds.fio_max_p99_ms (2)");
    }
}

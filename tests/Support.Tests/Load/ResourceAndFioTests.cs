using Acceptance.Support.Load;
using Acceptance.Support.Evidence;
using Acceptance.Support.Prometheus;
using Acceptance.Support.Promtool;
using Acceptance.TestSupport;
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
        v.Shortfalls.Should().ContainSingle().Which.Should().Contain("job=backend instance=127.0.0.1:18081: resident memory floor rises steadily, 340 %").And.Contain("a leak");
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
    public void The_memory_query_compares_the_floors_of_the_window_s_thirds_not_one_sample()
    {
        var q = ResourceProbe.ExhaustionQueries(TimeSpan.FromSeconds(20), "fstype!=\"tmpfs\"", 24);
        const string f1 = "min_over_time(process_resident_memory_bytes[7s] offset 14s)";
        const string f2 = "min_over_time(process_resident_memory_bytes[7s] offset 7s)";
        const string f3 = "min_over_time(process_resident_memory_bytes[7s])";
        q[0].Query.Should().Be($"100 * 3 * (((({f2} - {f1}) <= ({f3} - {f2})) or ({f3} - {f2}))) / {f1}");
        q[2].Query.Should().Be("predict_linear(node_filesystem_avail_bytes{fstype!=\"tmpfs\"}[20s], 86400)");
    }

    [Test]
    public async Task The_memory_query_evaluated_by_promtool_reads_a_leak_and_not_a_heap_step_or_spikes()
    {
        if (PromtoolRunner.Locate() is null) Assert.Ignore("promtool is not on PATH (nor named by $PROMTOOL)");
        using var dir = new TempDir();
        var query = ResourceProbe.MemoryGrowthQuery(TimeSpan.FromSeconds(20)).Replace("'", "''");
        // 2 s scrapes; at 40 s the 20 s window is 20..40 s: the leak rises 5 units a second from 200 (50 % over the
        // window), the step goes 100 -> 140 once at 24 s and stays (Prometheus's heap did that here), the spikes come back.
        var test = $$"""
            rule_files: []
            evaluation_interval: 2s
            tests:
              - interval: 2s
                input_series:
                  - series: 'process_resident_memory_bytes{job="leak"}'
                    values: '100+10x30'
                  - series: 'process_resident_memory_bytes{job="step"}'
                    values: '100x12 140x18'
                  - series: 'process_resident_memory_bytes{job="spikes"}'
                    values: '100 100 160 100 100 150 100 100 170 100 100 100 150 100 100 100 160 100 100 100 100 100 100 100'
                promql_expr_test:
                  - expr: '{{query}}'
                    eval_time: 40s
                    exp_samples:
                      - labels: '{job="leak"}'
                        value: 45
                      - labels: '{job="step"}'
                        value: 0
                      - labels: '{job="spikes"}'
                        value: 0
            """;

        var result = await new PromtoolRunner(new EvidenceLog(), TimeSpan.FromSeconds(60)).TestRulesAsync([dir.File("memory.yml", test)]);

        result.ExitCode.Should().Be(0, result.Output);
        ResourceRules.NoLeaksOrExhaustion([new PromReading("growth", "q", [S(45, job: "leak"), S(0, job: "step")])], new LoadThresholds { MaxMemoryGrowthPercent = 25 })
            .Shortfalls.Should().ContainSingle().Which.Should().Contain("job=leak").And.Contain("45 %");
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

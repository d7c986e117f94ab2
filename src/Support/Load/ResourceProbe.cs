using System.Globalization;
using Acceptance.Support.Checks;
using Acceptance.Support.Evidence;
using Acceptance.Support.Outcomes;
using Acceptance.Support.Prometheus;

namespace Acceptance.Support.Load;

/// <summary>One PromQL query and what Prometheus answered (attached as evidence as it is).</summary>
/// <param name="What">What it measures ("CPU use %").</param>
/// <param name="Query">The PromQL.</param>
/// <param name="Samples">The answer.</param>
public sealed record PromReading(string What, string Query, IReadOnlyList<Sample> Samples)
{
    /// <summary>Label set of a sample without __name__, as instance/job/mountpoint read.</summary>
    public static string Series(Sample s) => string.Join(" ", new[] { "job", "instance", "mountpoint" }
        .Where(s.Labels.ContainsKey).Select(k => $"{k}={s.Labels[k]}"));

    /// <inheritdoc />
    public override string ToString() =>
        $"{What}: {string.Join(", ", Samples.Select(s => $"{Series(s)} {s.Value.ToString("0.##", CultureInfo.InvariantCulture)}"))}";
}

/// <summary>
/// Reads node utilisation and service exhaustion from Prometheus over a load or soak window (PromQL, one instant query
/// each, at the end of the window): CPU, memory, disk and network per node (node exporter); resident-memory slope
/// (deriv, a regression over every sample of the window), open file descriptors and predicted filesystem fullness.
/// </summary>
public sealed class ResourceProbe(PrometheusClient prometheus, EvidenceLog evidence)
{
    /// <summary>The PromQL of the utilisation checks for a window of <paramref name="window"/>.</summary>
    public static IReadOnlyList<(string What, string Query)> UtilisationQueries(TimeSpan window, string filesystems)
    {
        var w = Range(window);
        return
        [
            ("CPU use % (mean over the window)", $"100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{{mode=\"idle\"}}[{w}])))"),
            ("memory use %", "100 * (1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes)"),
            ("filesystem use %", $"100 * (1 - node_filesystem_avail_bytes{{{filesystems}}} / node_filesystem_size_bytes{{{filesystems}}})"),
            ("network Mbit/s (receive + transmit, every device but lo)",
                $"sum by (instance) (rate(node_network_receive_bytes_total{{device!=\"lo\"}}[{w}]) + rate(node_network_transmit_bytes_total{{device!=\"lo\"}}[{w}])) * 8 / 1e6"),
        ];
    }

    /// <summary>The PromQL of the exhaustion checks over a soak window.</summary>
    public static IReadOnlyList<(string What, string Query)> ExhaustionQueries(TimeSpan window, string filesystems, double horizonHours)
    {
        var w = Range(window);
        return
        [
            (MemoryGrowthWhat, MemoryGrowthQuery(window)),
            ("open file descriptors % of the limit", "100 * process_open_fds / process_max_fds"),
            ($"filesystem bytes available in {horizonHours.ToString(CultureInfo.InvariantCulture)} h (predict_linear over the soak window)",
                $"predict_linear(node_filesystem_avail_bytes{{{filesystems}}}[{w}], {(horizonHours * 3600).ToString("0", CultureInfo.InvariantCulture)})"),
        ];
    }

    /// <summary>What the memory-growth reading is, as the evidence and the verdict name it.</summary>
    public const string MemoryGrowthWhat =
        "steady growth % of resident memory over the soak window (the floor, i.e. the lowest sample, of each third of the window; " +
        "the smaller of the two rises, times 3 for the whole window, over the first floor: a leak raises the floor in every third, " +
        "a GC cycle, a query spike or a one-off heap step does not)";

    /// <summary>
    /// The memory-growth PromQL: the window in thirds, f1..f3 the lowest resident memory in each, growth =
    /// 100 x 3 x min(f2 - f1, f3 - f2) / f1 (a third's rise, over the whole window). One regression slope over a short window reads a Go service's heap stepping
    /// up once (Prometheus measured here: 107 MiB, then 138 MiB for 70 s, then 113 MiB) as a 50 % leak; a leak is memory
    /// that rises all the time the load runs, so it raises every third's floor.
    /// </summary>
    public static string MemoryGrowthQuery(TimeSpan window)
    {
        var seconds = Math.Max(4, Math.Ceiling(window.TotalSeconds / 3));
        string Span(double s) => $"{s.ToString(CultureInfo.InvariantCulture)}s";
        string Floor(int thirdsAgo) => thirdsAgo == 0
            ? $"min_over_time(process_resident_memory_bytes[{Span(seconds)}])"
            : $"min_over_time(process_resident_memory_bytes[{Span(seconds)}] offset {Span(thirdsAgo * seconds)})";
        var (f1, f2, f3) = (Floor(2), Floor(1), Floor(0));
        return $"100 * 3 * (((({f2} - {f1}) <= ({f3} - {f2})) or ({f3} - {f2}))) / {f1}";
    }

    /// <summary>Runs each query; a query with no series makes the check NOT VERIFIED (the metric is not scraped).</summary>
    public async Task<IReadOnlyList<PromReading>> ReadAsync(IReadOnlyList<(string What, string Query)> queries, CancellationToken ct = default)
    {
        var readings = new List<PromReading>();
        foreach (var (what, query) in queries)
        {
            var samples = await prometheus.QueryAsync(query, ct);
            var reading = new PromReading(what, query, samples);
            evidence.AttachText($"PromQL: {what}", $"{query}\n\n{string.Join("\n", samples)}", "text/plain", "txt");
            if (samples.Count == 0)
                throw new NotVerifiedException($"Prometheus answers nothing for {what} ({query}): the metric is not scraped on this target.");
            readings.Add(reading);
        }
        return readings;
    }

    private static string Range(TimeSpan window) => $"{Math.Max(10, Math.Ceiling(window.TotalSeconds)).ToString(CultureInfo.InvariantCulture)}s";
}

/// <summary>Pure judgements of the utilisation and exhaustion readings.</summary>
public static class ResourceRules
{
    /// <summary>CPU, memory, disk and network of every node within the target's ranges (readings in the order of <see cref="ResourceProbe.UtilisationQueries"/>).</summary>
    public static Verdict UtilisationWithinRanges(IReadOnlyList<PromReading> readings, LoadThresholds t)
    {
        var limits = new[] { ("thresholds.max_cpu_percent", t.MaxCpuPercent, "%"), ("thresholds.max_memory_percent", t.MaxMemoryPercent, "%"),
            ("thresholds.max_disk_percent", t.MaxDiskPercent, "%"), ("thresholds.max_network_mbps", t.MaxNetworkMbps, "Mbit/s") };
        var shortfalls = new List<string>();
        for (var i = 0; i < readings.Count && i < limits.Length; i++)
        {
            var (key, max, unit) = limits[i];
            foreach (var s in readings[i].Samples.Where(s => !double.IsNaN(s.Value) && s.Value > max))
                shortfalls.Add($"{readings[i].What}: {PromReading.Series(s)} at {s.Value:0.#} {unit} > {key} ({max:0.#} {unit})");
        }
        return Verdict.From("every node's CPU, memory, disk and network stay within the target's ranges during and after the load window",
            string.Join(", ", limits.Select(l => $"{l.Item1} {l.Item2.ToString(CultureInfo.InvariantCulture)} {l.Item3}")),
            string.Join("\n", readings), shortfalls);
    }

    /// <summary>No service's memory grows beyond the threshold over the soak, file descriptors under their limit, no disk predicted full.</summary>
    public static Verdict NoLeaksOrExhaustion(IReadOnlyList<PromReading> readings, LoadThresholds t)
    {
        var shortfalls = new List<string>();
        if (readings.Count > 0)
            foreach (var s in readings[0].Samples.Where(s => s.Value > t.MaxMemoryGrowthPercent))
                shortfalls.Add($"{PromReading.Series(s)}: resident memory floor rises steadily, {s.Value:0.#} % over the soak window > thresholds.max_memory_growth_percent ({t.MaxMemoryGrowthPercent:0.#} %): a leak");
        if (readings.Count > 1)
            foreach (var s in readings[1].Samples.Where(s => s.Value > t.MaxFdPercent))
                shortfalls.Add($"{PromReading.Series(s)}: {s.Value:0.#} % of its file-descriptor limit in use > thresholds.max_fd_percent ({t.MaxFdPercent:0.#} %)");
        if (readings.Count > 2)
            foreach (var s in readings[2].Samples.Where(s => s.Value < 0))
                shortfalls.Add($"{PromReading.Series(s)}: predicted full within thresholds.disk_full_horizon_hours ({t.DiskFullHorizonHours:0.##} h) at the soak window's rate");
        return Verdict.From("no service leaks memory or exhausts file descriptors, and no disk is predicted full",
            $"steady memory growth <= thresholds.max_memory_growth_percent ({t.MaxMemoryGrowthPercent.ToString(CultureInfo.InvariantCulture)} %), open fds <= thresholds.max_fd_percent ({t.MaxFdPercent.ToString(CultureInfo.InvariantCulture)} %) of the limit, no filesystem full within {t.DiskFullHorizonHours.ToString(CultureInfo.InvariantCulture)} h",
            string.Join("\n", readings), shortfalls);
    }
}

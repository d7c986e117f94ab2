using System.Globalization;

namespace Acceptance.Support.Load;

/// <summary>
/// What one load run (or several runners, merged) measured: the exact latency distribution (microseconds → how many
/// responses took that long), status codes, transport errors and requests per second of the run. Merging adds the
/// distributions and counters, so percentiles of several runners are computed over all their samples (never averaged).
/// </summary>
public sealed class LoadResult
{
    private readonly SortedDictionary<long, long> _histogram = new();
    private readonly SortedDictionary<int, long> _statuses = new();
    private readonly SortedDictionary<string, long> _transportErrors = new(StringComparer.Ordinal);
    private readonly SortedDictionary<long, long> _perSecond = new();

    /// <summary>Wall time of the run (the longest runner's).</summary>
    public TimeSpan Duration { get; set; }

    /// <summary>Number of runners merged into this result.</summary>
    public int Runners { get; private set; } = 1;

    /// <summary>Latency microseconds → responses.</summary>
    public IReadOnlyDictionary<long, long> Histogram => _histogram;

    /// <summary>HTTP status → responses.</summary>
    public IReadOnlyDictionary<int, long> Statuses => _statuses;

    /// <summary>Transport error kind (connect, read, write, timeout) → count.</summary>
    public IReadOnlyDictionary<string, long> TransportErrors => _transportErrors;

    /// <summary>Second of the run (0-based) → responses completed in it.</summary>
    public IReadOnlyDictionary<long, long> PerSecond => _perSecond;

    /// <summary>Adds <paramref name="count"/> responses that took <paramref name="microseconds"/>.</summary>
    public void AddLatency(long microseconds, long count = 1)
    {
        if (count <= 0) return;
        _histogram[microseconds] = _histogram.GetValueOrDefault(microseconds) + count;
    }

    /// <summary>Adds responses with <paramref name="status"/>.</summary>
    public void AddStatus(int status, long count = 1) { if (count > 0) _statuses[status] = _statuses.GetValueOrDefault(status) + count; }

    /// <summary>Adds transport errors of a kind.</summary>
    public void AddTransportError(string kind, long count = 1) { if (count > 0) _transportErrors[kind] = _transportErrors.GetValueOrDefault(kind) + count; }

    /// <summary>Adds responses completed in second <paramref name="second"/> of the run.</summary>
    public void AddSecond(long second, long count = 1) { if (count > 0) _perSecond[second] = _perSecond.GetValueOrDefault(second) + count; }

    /// <summary>Responses with a latency.</summary>
    public long Responses => _histogram.Values.Sum();

    /// <summary>Responses and transport errors: every request that ended.</summary>
    public long Attempts => Math.Max(Responses, _statuses.Values.Sum()) + _transportErrors.Values.Sum();

    /// <summary>Responses with status >= 400 plus transport errors.</summary>
    public long Failures => _statuses.Where(s => s.Key >= 400 || s.Key < 100).Sum(s => s.Value) + _transportErrors.Values.Sum();

    /// <summary>Share of requests that failed (k6's http_req_failed); 1 when no request ended.</summary>
    public double ErrorRate => Attempts == 0 ? 1 : (double)Failures / Attempts;

    /// <summary>Requests per second over the run.</summary>
    public double Throughput => Duration.TotalSeconds <= 0 ? 0 : Attempts / Duration.TotalSeconds;

    /// <summary>Nearest-rank percentile (the smallest latency with at least p % of responses at or below it), ms; NaN without responses.</summary>
    public double PercentileMs(double p)
    {
        var n = Responses;
        if (n == 0) return double.NaN;
        var rank = Math.Max(1, (long)Math.Ceiling(p / 100.0 * n));
        long seen = 0;
        foreach (var (us, c) in _histogram)
        {
            seen += c;
            if (seen >= rank) return us / 1000.0;
        }
        return _histogram.Keys.Last() / 1000.0;
    }

    /// <summary>Slowest response, ms.</summary>
    public double MaxMs => _histogram.Count == 0 ? double.NaN : _histogram.Keys.Last() / 1000.0;

    /// <summary>Fastest response, ms.</summary>
    public double MinMs => _histogram.Count == 0 ? double.NaN : _histogram.Keys.First() / 1000.0;

    /// <summary>Mean response time, ms.</summary>
    public double MeanMs => Responses == 0 ? double.NaN : _histogram.Sum(h => (double)h.Key * h.Value) / Responses / 1000.0;

    /// <summary>Merges runners: distributions and counters added, duration the longest.</summary>
    public static LoadResult Merge(IReadOnlyList<LoadResult> runners)
    {
        var m = new LoadResult { Runners = runners.Sum(r => r.Runners) };
        foreach (var r in runners)
        {
            foreach (var (k, v) in r._histogram) m.AddLatency(k, v);
            foreach (var (k, v) in r._statuses) m.AddStatus(k, v);
            foreach (var (k, v) in r._transportErrors) m.AddTransportError(k, v);
            foreach (var (k, v) in r._perSecond) m.AddSecond(k, v);
            if (r.Duration > m.Duration) m.Duration = r.Duration;
        }
        return m;
    }

    /// <summary>The figures a performance engineer reads first, one line.</summary>
    public string Figures()
    {
        string Ms(double v) => double.IsNaN(v) ? "n/a" : v.ToString("0.##", CultureInfo.InvariantCulture) + " ms";
        var statuses = _statuses.Count == 0 ? "none" : string.Join(", ", _statuses.Select(s => $"{s.Key}: {s.Value}"));
        var transport = _transportErrors.Count == 0 ? "" : "; transport errors " + string.Join(", ", _transportErrors.Select(s => $"{s.Key}: {s.Value}"));
        return $"{Attempts} requests in {Duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s" +
               (Runners > 1 ? $" from {Runners} runners" : "") +
               $", {Throughput.ToString("0.0", CultureInfo.InvariantCulture)} req/s; p50 {Ms(PercentileMs(50))}, p90 {Ms(PercentileMs(90))}, " +
               $"p95 {Ms(PercentileMs(95))}, p99 {Ms(PercentileMs(99))}, max {Ms(MaxMs)}; error rate " +
               $"{(ErrorRate * 100).ToString("0.##", CultureInfo.InvariantCulture)} %; status codes {statuses}{transport}";
    }

    /// <inheritdoc />
    public override string ToString() => Figures();
}

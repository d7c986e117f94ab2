using System.Globalization;
using System.Text;
using System.Text.Json;
using Acceptance.Support.Evidence;
using Acceptance.Support.Outcomes;

namespace Acceptance.Support.Load;

/// <summary>One metric of a k6 end-of-test summary, in either shape.</summary>
/// <param name="Name">"http_req_duration", "http_reqs{expected_response:true}".</param>
/// <param name="Values">Aggregations ("p(95)", "avg", "count", "rate", "value", "passes", "fails").</param>
/// <param name="Thresholds">Threshold source → whether it PASSED.</param>
public sealed record K6Metric(string Name, IReadOnlyDictionary<string, double> Values, IReadOnlyDictionary<string, bool> Thresholds);

/// <summary>
/// k6's end-of-test summary JSON in its two shapes, with the threshold fields read the way k6 writes them
/// (grafana/k6 internal/js/summary_test.go):
/// <list type="bullet">
/// <item><c>--summary-export</c> (legacy): metrics flat (<c>"p(95)": 19.5</c>), <c>"thresholds": {"rate&lt;100": true}</c>
/// where the boolean is k6's <c>LastFailed</c>: <b>true means the threshold FAILED</b>.</item>
/// <item><c>handleSummary(data)</c> / JSON summary: <c>"values": {...}</c>, <c>"thresholds": {"rate&lt;100": {"ok": false}}</c>
/// where <c>ok</c> is true when the threshold PASSED.</item>
/// </list>
/// </summary>
public static class K6Summary
{
    /// <summary>Every metric of the summary, thresholds normalised to "passed".</summary>
    public static IReadOnlyList<K6Metric> Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        if (!doc.RootElement.TryGetProperty("metrics", out var metrics) || metrics.ValueKind != JsonValueKind.Object)
            throw new FormatException("not a k6 summary: no 'metrics' object");
        var list = new List<K6Metric>();
        foreach (var m in metrics.EnumerateObject())
        {
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            var thresholds = new Dictionary<string, bool>(StringComparer.Ordinal);
            var shaped = m.Value.TryGetProperty("values", out var v) && v.ValueKind == JsonValueKind.Object;
            foreach (var p in (shaped ? v : m.Value).EnumerateObject())
                if (p.Value.ValueKind == JsonValueKind.Number) values[p.Name] = p.Value.GetDouble();
            if (m.Value.TryGetProperty("thresholds", out var t) && t.ValueKind == JsonValueKind.Object)
                foreach (var th in t.EnumerateObject())
                    thresholds[th.Name] = th.Value.ValueKind switch
                    {
                        JsonValueKind.True => false,   // summary-export: true = LastFailed
                        JsonValueKind.False => true,
                        JsonValueKind.Object when th.Value.TryGetProperty("ok", out var ok) => ok.GetBoolean(),
                        _ => throw new FormatException($"k6 summary: threshold '{th.Name}' of {m.Name} is neither a boolean nor {{\"ok\": ...}}"),
                    };
            list.Add(new K6Metric(m.Name, values, thresholds));
        }
        return list;
    }

    /// <summary>The engine's own figures the report compares with the suite's (p95_ms, rps, ...), where k6 wrote them.</summary>
    public static IReadOnlyDictionary<string, double> Own(IReadOnlyList<K6Metric> metrics)
    {
        var own = new Dictionary<string, double>();
        if (metrics.FirstOrDefault(m => m.Name == "http_req_duration") is { } d)
            foreach (var (k, key) in new[] { ("p(50)", "p50_ms"), ("med", "p50_ms"), ("p(90)", "p90_ms"), ("p(95)", "p95_ms"), ("p(99)", "p99_ms"), ("max", "max_ms"), ("avg", "mean_ms") })
                if (d.Values.TryGetValue(k, out var x)) own[key] = x;
        if (metrics.FirstOrDefault(m => m.Name == "http_reqs") is { } r)
        {
            if (r.Values.TryGetValue("count", out var c)) own["requests"] = c;
            if (r.Values.TryGetValue("rate", out var rate)) own["rps"] = rate;
        }
        if (metrics.FirstOrDefault(m => m.Name == "http_req_failed") is { } f)
            if (f.Values.TryGetValue("rate", out var fr) || f.Values.TryGetValue("value", out fr)) own["error_rate"] = fr;
        return own;
    }

    /// <summary>Every threshold k6 judged, "metric: source" → passed.</summary>
    public static IReadOnlyDictionary<string, bool> Thresholds(IReadOnlyList<K6Metric> metrics) =>
        metrics.SelectMany(m => m.Thresholds.Select(t => (Key: $"{m.Name}: {t.Key}", t.Value))).ToDictionary(x => x.Key, x => x.Value);
}

/// <summary>
/// k6 (https://k6.io) when it is on PATH: a script rendered from the profile (constant-arrival-rate or constant-vus,
/// the profile's thresholds as k6 thresholds), <c>--summary-export</c> read by <see cref="K6Summary"/>, and
/// <c>--out csv</c> for the raw http_req_duration samples the suite judges itself. k6 exits 99 when a threshold failed:
/// that is a verdict, not an error.
/// </summary>
public sealed class K6Engine(string path, EvidenceLog evidence) : ILoadEngine
{
    /// <inheritdoc />
    public string Name => "k6";

    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The k6 script for <paramref name="plan"/>.</summary>
    public static string Script(LoadPlan plan, IReadOnlyList<LoadThreshold> thresholds)
    {
        var p = plan.Profile;
        string Str(string s) => JsonSerializer.Serialize(s, Readable);
        var inv = CultureInfo.InvariantCulture;
        var scenario = p.Rate > 0
            ? $"{{ executor: 'constant-arrival-rate', rate: {p.Rate.ToString(inv)}, timeUnit: '1s', duration: '{Math.Ceiling(p.DurationSeconds).ToString(inv)}s', preAllocatedVUs: {p.Vus}, maxVUs: {p.Vus} }}"
            : $"{{ executor: 'constant-vus', vus: {p.Vus}, duration: '{Math.Ceiling(p.DurationSeconds).ToString(inv)}s' }}";
        var th = string.Join(",\n    ", thresholds.GroupBy(t => t.K6Metric).Select(g => $"{Str(g.Key)}: [{string.Join(", ", g.Select(t => Str(t.K6Expression)))}]"));
        return new StringBuilder()
            .AppendLine("// Rendered by the acceptance suite (src/Support/Load/K6Engine.cs) from performance." + plan.Endpoint)
            .AppendLine("import http from 'k6/http';")
            .AppendLine("export const options = {")
            .AppendLine("  insecureSkipTLSVerify: true,")
            .AppendLine("  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'],")
            .AppendLine($"  scenarios: {{ load: {scenario} }},")
            .AppendLine($"  thresholds: {{\n    {th}\n  }},")
            .AppendLine("};")
            .AppendLine($"export default function () {{ http.get({Str(plan.Url)}, {{ timeout: '{Math.Ceiling(p.TimeoutSeconds).ToString(inv)}s' }}); }}")
            .ToString();
    }

    /// <summary>The thresholds the script carries (set by the caller before <see cref="RunAsync"/>).</summary>
    public IReadOnlyList<LoadThreshold> Thresholds { get; set; } = [];

    /// <inheritdoc />
    public async Task<LoadRun> RunAsync(LoadPlan plan, string workDir, CancellationToken ct = default)
    {
        Directory.CreateDirectory(workDir);
        var script = Path.Combine(workDir, $"k6-{plan.Endpoint}.js");
        var summary = Path.Combine(workDir, $"k6-{plan.Endpoint}-summary.json");
        var csv = Path.Combine(workDir, $"k6-{plan.Endpoint}.csv");
        await File.WriteAllTextAsync(script, Script(plan, Thresholds), ct);
        var (exit, stderr, elapsed) = await LoadEngines.ExecAsync(path, ["run", "--quiet", "--summary-export", summary, "--out", $"csv={csv}", script],
            Path.Combine(workDir, $"k6-{plan.Endpoint}.out"), plan, evidence, null, ct);
        if (exit is not (0 or 99) || !File.Exists(summary)) throw new EnvironmentProblemException($"k6 could not load {plan.Url} (exit {exit}): {stderr}");
        var metrics = K6Summary.Parse(await File.ReadAllTextAsync(summary, ct));
        var result = ParseCsv(await File.ReadAllTextAsync(csv, ct), plan.Profile.Duration);
        return new LoadRun(Name, plan, result, K6Summary.Own(metrics), K6Summary.Thresholds(metrics), summary, elapsed);
    }

    /// <summary>Reads k6's CSV output (metric_name,timestamp,metric_value,...,status,...): http_req_duration rows are the raw latencies.</summary>
    public static LoadResult ParseCsv(string csv, TimeSpan duration)
    {
        var r = new LoadResult { Duration = duration };
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length == 0) return r;
        var h = lines[0].Split(',');
        int name = Array.IndexOf(h, "metric_name"), ts = Array.IndexOf(h, "timestamp"), value = Array.IndexOf(h, "metric_value"), status = Array.IndexOf(h, "status");
        if (name < 0 || value < 0 || ts < 0) throw new FormatException($"not k6's CSV output: {lines[0]}");
        long? first = null;
        foreach (var line in lines.Skip(1))
        {
            var f = line.Split(',');
            if (f.Length <= Math.Max(name, value) || f[name] != "http_req_duration") continue;
            r.AddLatency((long)Math.Round(double.Parse(f[value], CultureInfo.InvariantCulture) * 1000));
            if (status >= 0 && int.TryParse(f[status], NumberStyles.Integer, CultureInfo.InvariantCulture, out var s)) r.AddStatus(s);
            var t = long.Parse(f[ts], CultureInfo.InvariantCulture);
            first ??= t;
            r.AddSecond(t - first.Value);
        }
        return r;
    }
}

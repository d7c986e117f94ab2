using System.Globalization;
using System.Text.Json;
using Acceptance.Support.Configuration;
using Acceptance.Support.Evidence;
using Acceptance.Support.Http;
using Acceptance.Support.Outcomes;

namespace Acceptance.Support.Prometheus;

/// <summary>
/// Typed wrapper of Prometheus's HTTP API (https://prometheus.io/docs/prometheus/latest/querying/api/).
/// Every call is recorded as evidence; an API answer other than {status: "success"} is an
/// environment problem naming the URL.
/// </summary>
public sealed class PrometheusClient : IDisposable
{
    /// <summary>Endpoint paths.</summary>
    public static class Paths
    {
        public const string Ready = "-/ready";
        public const string Healthy = "-/healthy";
        public const string Targets = "api/v1/targets?state=active";
        public const string RuntimeInfo = "api/v1/status/runtimeinfo";
        public const string BuildInfo = "api/v1/status/buildinfo";
        public const string Flags = "api/v1/status/flags";
        public const string Query = "api/v1/query";
        public const string QueryRange = "api/v1/query_range";
        public const string Rules = "api/v1/rules";
        public const string Alerts = "api/v1/alerts";
    }

    private readonly ServiceHttp _http;

    /// <summary>Creates a client for the target's Prometheus.</summary>
    public PrometheusClient(TargetEnvironment target, EvidenceLog evidence)
    {
        var endpoint = target.Prometheus;
        _http = new ServiceHttp("Prometheus", endpoint, target.CaFile, evidence, Credentials.Basic(endpoint));
    }

    /// <summary>The transport (for checks on status codes and auth).</summary>
    public ServiceHttp Http => _http;

    /// <summary>GET /-/ready (any status).</summary>
    public Task<HttpExchange> ReadyAsync(CancellationToken ct = default) => _http.SendAsync(HttpMethod.Get, Paths.Ready, ct: ct);

    /// <summary>The active scrape targets.</summary>
    public async Task<IReadOnlyList<ScrapeTarget>> TargetsAsync(CancellationToken ct = default)
    {
        var data = await DataAsync(Paths.Targets, ct);
        return data.GetProperty("activeTargets").EnumerateArray().Select(t => new ScrapeTarget(
            Str(t.GetProperty("labels"), "job"),
            Str(t.GetProperty("labels"), "instance"),
            Str(t, "scrapeUrl"),
            Str(t, "health"),
            Str(t, "lastError"),
            t.TryGetProperty("lastScrapeDuration", out var d) && d.ValueKind == JsonValueKind.Number ? d.GetDouble() : 0)).ToList();
    }

    /// <summary>/api/v1/status/runtimeinfo as a JSON object.</summary>
    public Task<JsonElement> RuntimeInfoAsync(CancellationToken ct = default) => DataAsync(Paths.RuntimeInfo, ct);

    /// <summary>/api/v1/status/flags as a map.</summary>
    public async Task<IReadOnlyDictionary<string, string>> FlagsAsync(CancellationToken ct = default)
    {
        var data = await DataAsync(Paths.Flags, ct);
        return data.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");
    }

    /// <summary>The version Prometheus reports.</summary>
    public async Task<string> VersionAsync(CancellationToken ct = default) =>
        Str(await DataAsync(Paths.BuildInfo, ct), "version");

    /// <summary>Runs an instant query; returns the vector's samples (a scalar becomes one sample).</summary>
    public async Task<IReadOnlyList<Sample>> QueryAsync(string promql, CancellationToken ct = default)
    {
        var data = await DataAsync($"{Paths.Query}?query={Uri.EscapeDataString(promql)}", ct);
        var type = Str(data, "resultType");
        var result = data.GetProperty("result");
        if (type == "scalar")
            return [new Sample(new Dictionary<string, string>(), ParseValue(result))];
        return result.EnumerateArray().Select(s => new Sample(
            s.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? ""),
            ParseValue(s.GetProperty("value")))).ToList();
    }

    /// <summary>Runs a range query; returns one series per label set with its (time, value) points.</summary>
    public async Task<IReadOnlyList<RangeSeries>> QueryRangeAsync(string promql, DateTimeOffset start, DateTimeOffset end,
        TimeSpan step, CancellationToken ct = default)
    {
        var path = $"{Paths.QueryRange}?query={Uri.EscapeDataString(promql)}&start={start.ToUnixTimeSeconds()}&end={end.ToUnixTimeSeconds()}" +
                   $"&step={step.TotalSeconds.ToString(CultureInfo.InvariantCulture)}";
        var data = await DataAsync(path, ct);
        return data.GetProperty("result").EnumerateArray().Select(s => new RangeSeries(
            s.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? ""),
            s.GetProperty("values").EnumerateArray()
                .Select(v => (DateTimeOffset.FromUnixTimeMilliseconds((long)(v[0].GetDouble() * 1000)), ParseValue(v))).ToList())).ToList();
    }

    /// <summary>Every recording and alerting rule Prometheus evaluates (/api/v1/rules), with its health.</summary>
    public async Task<IReadOnlyList<PrometheusRule>> RulesAsync(CancellationToken ct = default)
    {
        var data = await DataAsync(Paths.Rules, ct);
        var rules = new List<PrometheusRule>();
        foreach (var g in data.GetProperty("groups").EnumerateArray())
        foreach (var r in g.GetProperty("rules").EnumerateArray())
            rules.Add(new PrometheusRule(Str(g, "name"), Str(g, "file"), Str(r, "name"), Str(r, "type"), Str(r, "query"),
                Str(r, "health"), Str(r, "lastError"), Map(r, "labels"), Map(r, "annotations"),
                r.TryGetProperty("duration", out var d) && d.ValueKind == JsonValueKind.Number ? d.GetDouble() : 0));
        return rules;
    }

    /// <summary>The alerts Prometheus holds now (/api/v1/alerts): pending and firing.</summary>
    public async Task<IReadOnlyList<PrometheusAlert>> AlertsAsync(CancellationToken ct = default)
    {
        var data = await DataAsync(Paths.Alerts, ct);
        return data.GetProperty("alerts").EnumerateArray().Select(a => new PrometheusAlert(
            Map(a, "labels"), Map(a, "annotations"), Str(a, "state"), Str(a, "activeAt"), Str(a, "value"))).ToList();
    }

    private static IReadOnlyDictionary<string, string> Map(JsonElement e, string name) =>
        e.TryGetProperty(name, out var m) && m.ValueKind == JsonValueKind.Object
            ? m.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() ?? "" : p.Value.ToString())
            : new Dictionary<string, string>();

    private async Task<JsonElement> DataAsync(string path, CancellationToken ct)
    {
        var exchange = await _http.GetOkAsync(path, ct);
        var json = exchange.Json();
        if (Str(json, "status") != "success")
            throw new EnvironmentProblemException($"{exchange}: API status '{Str(json, "status")}': {Str(json, "error")}");
        return json.GetProperty("data");
    }

    private static double ParseValue(JsonElement pair) =>
        double.Parse(pair[1].GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static string Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}

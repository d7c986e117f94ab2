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
    }

    private readonly ServiceHttp _http;

    /// <summary>Creates a client for the target's Prometheus.</summary>
    public PrometheusClient(TargetEnvironment target, EvidenceLog evidence)
    {
        var endpoint = target.Service("prometheus") ?? throw new NotVerifiedException("The target file declares no Prometheus (services.prometheus).");
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

using System.Text.Json;
using Acceptance.Support.Configuration;
using Acceptance.Support.Evidence;
using Acceptance.Support.Http;
using Acceptance.Support.Outcomes;

namespace Acceptance.Support.Grafana;

/// <summary>A Grafana datasource (/api/datasources).</summary>
public sealed record GrafanaDatasource(string Uid, string Name, string Type, string Url, bool IsDefault)
{
    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Type}, uid {Uid}) → {Url}";
}

/// <summary>A datasource's health as Grafana tests it (/api/datasources/uid/:uid/health).</summary>
public sealed record DatasourceHealth(GrafanaDatasource Datasource, int HttpStatus, string Status, string Message)
{
    /// <summary>200 with status OK.</summary>
    public bool IsHealthy => HttpStatus == 200 && Status.Equals("OK", StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public override string ToString() => $"{Datasource}: HTTP {HttpStatus} status {Status} '{Message}'";
}

/// <summary>
/// Minimal typed wrapper of Grafana's HTTP API (https://grafana.com/docs/grafana/latest/developers/http_api/):
/// the service-account token goes in Authorization: Bearer; every exchange is recorded as evidence.
/// </summary>
public sealed class GrafanaClient : IDisposable
{
    /// <summary>Endpoint paths.</summary>
    public static class Paths
    {
        public const string Health = "api/health";
        public const string Datasources = "api/datasources";
        public const string DatasourceHealth = "api/datasources/uid/{0}/health";
        public const string DashboardByUid = "api/dashboards/uid/";
        public const string Search = "api/search?type=dash-db&limit=5000";
        public const string DsQuery = "api/ds/query";
    }

    private readonly ServiceHttp _http;

    /// <summary>Creates a client for the target's Grafana (not verified when the target declares none).</summary>
    public GrafanaClient(TargetEnvironment target, EvidenceLog evidence)
    {
        var endpoint = target.Grafana;
        _http = new ServiceHttp("Grafana", endpoint, target.CaFile, evidence, Credentials.Bearer(endpoint));
    }

    /// <summary>The transport.</summary>
    public ServiceHttp Http => _http;

    /// <summary>GET /api/health (no auth needed), any status.</summary>
    public async Task<HttpExchange> HealthAsync(CancellationToken ct = default)
    {
        var x = await _http.SendAsync(HttpMethod.Get, Paths.Health, ct: ct);
        if (x.IsSuccess && x.Body.TrimStart().StartsWith('{') &&
            x.Json().TryGetProperty("version", out var v) && v.GetString() is { Length: > 0 } version)
            RunFacts.Set("grafana.version", version);
        return x;
    }

    /// <summary>Every datasource the token can see.</summary>
    public async Task<IReadOnlyList<GrafanaDatasource>> DatasourcesAsync(CancellationToken ct = default) =>
        (await _http.GetOkAsync(Paths.Datasources, ct)).Json().EnumerateArray().Select(d => new GrafanaDatasource(
            Str(d, "uid"), Str(d, "name"), Str(d, "type"), Str(d, "url"),
            d.TryGetProperty("isDefault", out var v) && v.ValueKind == JsonValueKind.True)).ToList();

    /// <summary>
    /// Datasources a dashboard's panels and templating reference (uid and type), for tokens that may
    /// query but not list datasources (datasources:read is an Admin permission).
    /// </summary>
    public async Task<IReadOnlyList<GrafanaDatasource>> DashboardDatasourcesAsync(string dashboardUid, CancellationToken ct = default)
    {
        var json = await DashboardAsync(dashboardUid, ct);
        var variables = DashboardVariables.From(json, TimeSpan.FromMinutes(5));
        var found = new Dictionary<string, GrafanaDatasource>();
        void Walk(JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in e.EnumerateObject())
                {
                    // A datasource variable ($datasource, ${DS_PROMETHEUS}) stands for the datasource it currently selects.
                    var raw = p.Name == "datasource" && p.Value.ValueKind == JsonValueKind.Object ? Str(p.Value, "uid") : "";
                    var uid = raw.StartsWith('$') ? variables.DatasourceOf(raw) ?? "" : raw;
                    if (uid.Length > 0 && !uid.StartsWith("-- "))
                        found.TryAdd(uid, new GrafanaDatasource(uid, $"referenced by dashboard {dashboardUid}", Str(p.Value, "type"), "", false));
                    else Walk(p.Value);
                }
            }
            else if (e.ValueKind == JsonValueKind.Array) foreach (var i in e.EnumerateArray()) Walk(i);
        }
        Walk(json);
        return found.Values.ToList();
    }

    /// <summary>Grafana's own test of a datasource (200 OK or 400 with a message).</summary>
    public async Task<DatasourceHealth> DatasourceHealthAsync(GrafanaDatasource datasource, CancellationToken ct = default)
    {
        var x = await _http.SendAsync(HttpMethod.Get, string.Format(Paths.DatasourceHealth, Uri.EscapeDataString(datasource.Uid)), ct: ct);
        if (x.StatusCode is 401 or 403 or 404) throw ServiceResponseException.For(x);
        // 400 (and 500 "plugin health check failed" in some releases) carry the failure in the body.
        JsonElement j = default;
        try { j = JsonDocument.Parse(x.Body).RootElement.Clone(); } catch (JsonException) { }
        var message = Str(j, "message");
        return new DatasourceHealth(datasource, x.StatusCode, Str(j, "status"), message.Length > 0 ? message : HttpExchange.Truncate(x.Body.Trim(), 200));
    }

    /// <summary>Every dashboard the token can see (/api/search?type=dash-db).</summary>
    public async Task<IReadOnlyList<DashboardRef>> DashboardsAsync(CancellationToken ct = default) =>
        (await _http.GetOkAsync(Paths.Search, ct)).Json().EnumerateArray()
            .Where(d => Str(d, "type") is "dash-db" or "")
            .Select(d => new DashboardRef(Str(d, "uid"), Str(d, "title"), Str(d, "url"))).ToList();

    /// <summary>The dashboard model (/api/dashboards/uid/:uid → dashboard).</summary>
    public async Task<JsonElement> DashboardAsync(string uid, CancellationToken ct = default) =>
        (await _http.GetOkAsync(Paths.DashboardByUid + Uri.EscapeDataString(uid), ct)).Json().GetProperty("dashboard");

    /// <summary>
    /// The values of <paramref name="label"/> among the series of <paramref name="selector"/>, through the datasource (what a
    /// dashboard's <c>label_values(selector, label)</c> variable offers): an instant <c>group by (label) (selector)</c>.
    /// </summary>
    public async Task<IReadOnlyList<string>> LabelValuesAsync(GrafanaDatasource datasource, string selector, string label, CancellationToken ct = default)
    {
        var body = new Dictionary<string, object?>
        {
            ["from"] = "now-5m", ["to"] = "now",
            ["queries"] = new object[]
            {
                new Dictionary<string, object?>
                {
                    ["refId"] = "V", ["datasource"] = new Dictionary<string, string> { ["uid"] = datasource.Uid, ["type"] = datasource.Type },
                    ["expr"] = $"group by ({label}) ({selector})", ["instant"] = true, ["range"] = false,
                },
            },
        };
        var x = await _http.SendAsync(HttpMethod.Post, Paths.DsQuery,
            new StringContent(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json"), ct: ct);
        if (!x.IsSuccess) throw ServiceResponseException.For(x);
        var values = new List<string>();
        if (x.Json().TryGetProperty("results", out var results) && results.TryGetProperty("V", out var v) && v.TryGetProperty("frames", out var frames))
            foreach (var frame in frames.EnumerateArray())
                if (frame.TryGetProperty("schema", out var schema) && schema.TryGetProperty("fields", out var fields))
                    foreach (var field in fields.EnumerateArray())
                        if (field.TryGetProperty("labels", out var labels) && labels.ValueKind == JsonValueKind.Object && Str(labels, label) is { Length: > 0 } value)
                            values.Add(value);
        return values.Distinct().Order(StringComparer.Ordinal).ToList();
    }

    public async Task<QueryOutcome> QueryAsync(PanelQuery query, TimeSpan range, CancellationToken ct = default)
    {
        var body = new Dictionary<string, object?>
        {
            ["from"] = $"now-{(long)range.TotalSeconds}s",
            ["to"] = "now",
            ["queries"] = new object[]
            {
                new Dictionary<string, object?>
                {
                    ["refId"] = query.RefId,
                    ["datasource"] = new Dictionary<string, string> { ["uid"] = query.DatasourceUid, ["type"] = query.DatasourceType },
                    ["expr"] = query.Expression,
                    ["range"] = !query.Instant,
                    ["instant"] = query.Instant,
                    ["intervalMs"] = 15000,
                    ["maxDataPoints"] = 500,
                },
            },
        };
        var x = await _http.SendAsync(HttpMethod.Post, Paths.DsQuery,
            new StringContent(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json"), ct: ct);
        if (x.StatusCode is 401 or 403 or 404 or >= 500 && !x.Body.Contains("\"results\"")) throw ServiceResponseException.For(x);
        var json = x.Json();
        if (!json.TryGetProperty("results", out var results) || !results.TryGetProperty(query.RefId, out var result))
            return new QueryOutcome(query, x.StatusCode, 0, 0, Str(json, "message") is { Length: > 0 } m ? m : "no result for refId " + query.RefId);
        var error = Str(result, "error");
        int frames = 0, values = 0;
        var series = new List<IReadOnlyDictionary<string, string>>();
        if (result.TryGetProperty("frames", out var fs) && fs.ValueKind == JsonValueKind.Array)
            foreach (var frame in fs.EnumerateArray())
            {
                frames++;
                if (!frame.TryGetProperty("data", out var data) || !data.TryGetProperty("values", out var columns)) continue;
                var fields = frame.TryGetProperty("schema", out var schema) && schema.TryGetProperty("fields", out var f) ? f.EnumerateArray().ToList() : [];
                var i = 0;
                foreach (var column in columns.EnumerateArray())
                {
                    var isTime = i < fields.Count && Str(fields[i], "type") == "time";
                    if (!isTime && i < fields.Count && fields[i].TryGetProperty("labels", out var labels) && labels.ValueKind == JsonValueKind.Object)
                        series.Add(labels.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.ToString()));
                    if (!isTime && column.ValueKind == JsonValueKind.Array)
                        values += column.EnumerateArray().Count(v => v.ValueKind != JsonValueKind.Null);
                    i++;
                }
            }
        return new QueryOutcome(query, x.StatusCode, frames, values, error.Length > 0 ? error : null) { Series = series };
    }

    private static string Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}

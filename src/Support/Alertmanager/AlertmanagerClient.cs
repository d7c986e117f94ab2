using System.Text.Json;
using Acceptance.Support.Configuration;
using Acceptance.Support.Evidence;
using Acceptance.Support.Http;
using Acceptance.Support.Outcomes;

namespace Acceptance.Support.Alertmanager;

/// <summary>An alert as Alertmanager holds it (/api/v2/alerts), with the receivers it was routed to.</summary>
public sealed record AlertmanagerAlert(IReadOnlyDictionary<string, string> Labels, IReadOnlyList<string> Receivers, string State,
    string StartsAt, string Fingerprint, IReadOnlyList<string>? SilencedBy = null, IReadOnlyList<string>? InhibitedBy = null)
{
    /// <summary>Silenced or inhibited: Alertmanager will not notify anybody of it while that lasts.</summary>
    public bool IsSuppressed => State == "suppressed" || SilencedBy is { Count: > 0 } || InhibitedBy is { Count: > 0 };

    /// <summary>The alertname label.</summary>
    public string Name => Labels.GetValueOrDefault("alertname") ?? "";

    /// <inheritdoc />
    public override string ToString() =>
        $"{Name}{{{string.Join(",", Labels.Where(l => l.Key != "alertname").OrderBy(l => l.Key).Select(l => $"{l.Key}=\"{l.Value}\""))}}} " +
        $"{State} → receivers [{string.Join(", ", Receivers)}]" +
        (SilencedBy is { Count: > 0 } ? $" silenced by [{string.Join(", ", SilencedBy)}]" : "") +
        (InhibitedBy is { Count: > 0 } ? $" inhibited by [{string.Join(", ", InhibitedBy)}]" : "");
}

/// <summary>
/// Typed wrapper of Alertmanager's v2 API (https://github.com/prometheus/alertmanager/blob/main/api/v2/openapi.yaml).
/// Every call is recorded as evidence.
/// </summary>
public sealed class AlertmanagerClient : IDisposable
{
    /// <summary>Endpoint paths.</summary>
    public static class Paths
    {
        public const string Ready = "-/ready";
        public const string Status = "api/v2/status";
        public const string Alerts = "api/v2/alerts";
        public const string Receivers = "api/v2/receivers";
    }

    private readonly ServiceHttp _http;

    /// <summary>Creates a client for the target's Alertmanager.</summary>
    public AlertmanagerClient(TargetEnvironment target, EvidenceLog evidence)
    {
        var endpoint = target.Alertmanager;
        Endpoint = endpoint;
        _http = new ServiceHttp("Alertmanager", endpoint, target.CaFile, evidence, Credentials.Basic(endpoint));
    }

    /// <summary>The endpoint with its settings (critical_receiver, webhook_receiver).</summary>
    public AlertmanagerOptions Endpoint { get; }

    /// <summary>The configuration Alertmanager runs with (config.original of /api/v2/status) and its version.</summary>
    public async Task<(string ConfigYaml, string Version)> StatusAsync(CancellationToken ct = default)
    {
        var json = (await _http.GetOkAsync(Paths.Status, ct)).Json();
        var config = json.TryGetProperty("config", out var c) && c.TryGetProperty("original", out var o) ? o.GetString() ?? "" : "";
        var version = json.TryGetProperty("versionInfo", out var v) && v.TryGetProperty("version", out var ver) ? ver.GetString() ?? "" : "";
        if (version.Length > 0) RunFacts.Set("alertmanager.version", version);
        return (config, version);
    }

    /// <summary>The alerts Alertmanager holds (active, silenced and inhibited).</summary>
    public async Task<IReadOnlyList<AlertmanagerAlert>> AlertsAsync(string? filter = null, CancellationToken ct = default)
    {
        var path = Paths.Alerts + (filter is null ? "" : "?filter=" + Uri.EscapeDataString(filter));
        var json = (await _http.GetOkAsync(path, ct)).Json();
        return json.EnumerateArray().Select(a => new AlertmanagerAlert(
            a.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? ""),
            a.TryGetProperty("receivers", out var r) ? r.EnumerateArray().Select(x => x.GetProperty("name").GetString() ?? "").ToList() : [],
            a.TryGetProperty("status", out var s) && s.TryGetProperty("state", out var st) ? st.GetString() ?? "" : "",
            a.TryGetProperty("startsAt", out var sa) ? sa.GetString() ?? "" : "",
            a.TryGetProperty("fingerprint", out var f) ? f.GetString() ?? "" : "",
            Ids(a, "silencedBy"), Ids(a, "inhibitedBy"))).ToList();
    }

    private static IReadOnlyList<string> Ids(JsonElement alert, string field) =>
        alert.TryGetProperty("status", out var s) && s.TryGetProperty(field, out var ids) && ids.ValueKind == JsonValueKind.Array
            ? ids.EnumerateArray().Select(i => i.GetString() ?? "").Where(i => i.Length > 0).ToList()
            : [];

    /// <summary>Receiver names (/api/v2/receivers).</summary>
    public async Task<IReadOnlyList<string>> ReceiversAsync(CancellationToken ct = default) =>
        (await _http.GetOkAsync(Paths.Receivers, ct)).Json().EnumerateArray()
            .Select(r => r.GetProperty("name").GetString() ?? "").ToList();

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}

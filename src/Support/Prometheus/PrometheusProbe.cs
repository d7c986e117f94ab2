using System.Text.Json;
using Acceptance.Support.Evidence;

namespace Acceptance.Support.Prometheus;

/// <summary>Whether Prometheus is ready, as it says itself.</summary>
public sealed record Readiness(bool IsReady, int Status, string Body)
{
    /// <inheritdoc />
    public override string ToString() => IsReady ? "ready" : $"not ready (HTTP {Status}: {Body.Trim()})";
}

/// <summary>The retention Prometheus runs with, and where it was read.</summary>
public sealed record Retention(TimeSpan? Duration, string Raw, string Source)
{
    /// <inheritdoc />
    public override string ToString() => Duration is { } d ? $"{Raw} ({d.TotalDays:F1} days, from {Source})" : $"not set ({Source}: '{Raw}')";
}

/// <summary>Whether the last configuration (re)load succeeded, as /api/v1/status/runtimeinfo says.</summary>
public sealed record ConfigStatus(bool? ReloadSucceeded, string LastConfigTime)
{
    /// <inheritdoc />
    public override string ToString() => ReloadSucceeded switch
    {
        true => $"configuration loaded successfully (reloadConfigSuccess=true, lastConfigTime {LastConfigTime})",
        false => $"the last configuration reload FAILED (reloadConfigSuccess=false, last good config {LastConfigTime})",
        null => "runtimeinfo does not report reloadConfigSuccess",
    };
}

/// <summary>Alerts firing now and alert series with their firing episodes within a window.</summary>
/// <param name="FiringNow">Alerts in state firing (GET /api/v1/alerts).</param>
/// <param name="Episodes">Each ALERTS series (labels formatted) with how many separate times it started firing.</param>
/// <param name="Window">The window of the range query.</param>
/// <param name="Step">The range query's step (a gap over 1.5 steps starts a new episode).</param>
public sealed record AlertHistory(IReadOnlyList<PrometheusAlert> FiringNow, IReadOnlyList<(string Series, int Episodes)> Episodes, TimeSpan Window, TimeSpan Step)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{FiringNow.Count} alert(s) firing now{(FiringNow.Count > 0 ? ": " + string.Join("; ", FiringNow) : "")}; " +
        $"{Episodes.Count} series fired in the last {Window.TotalHours:F0} h" +
        (Episodes.Count > 0 ? ": " + string.Join("; ", Episodes.Select(e => $"{e.Series} x{e.Episodes}")) : "");
}

/// <summary>A Prometheus web UI page: which paths were tried and the one that served HTML (null: none).</summary>
public sealed record WebUi(string? Url, IReadOnlyList<string> Tried)
{
    /// <inheritdoc />
    public override string ToString() => (Url is null ? "no page served HTML" : $"served at {Url}") + $" (tried: {string.Join("; ", Tried)})";
}

/// <summary>
/// Reads Prometheus's state and returns facts, one attempt per call; <see cref="PrometheusRules"/> judges them.
/// </summary>
public sealed class PrometheusProbe(PrometheusClient client, EvidenceLog evidence)
{
    /// <summary>Label value prefix of the suite's own synthetic alerts (job=acceptance-...), excluded from noise budgets.</summary>
    public const string SyntheticJobPrefix = "acceptance";

    /// <summary>Paths of the web UI across releases: the React UI of 2.x, 3.x's query page, the classic UI (Debian's build).</summary>
    public static readonly IReadOnlyList<string> WebUiPaths = ["graph", "query", "classic/graph"];

    /// <summary>Readiness as /-/ready answers it (records the version).</summary>
    public async Task<Readiness> ReadinessAsync(CancellationToken ct = default)
    {
        var exchange = await client.ReadyAsync(ct);
        RunFacts.Set("prometheus.version", await client.VersionAsync(ct));
        return new Readiness(exchange.StatusCode == 200, exchange.StatusCode, exchange.Body);
    }

    /// <summary>Whether the configuration loaded successfully (runtimeinfo reloadConfigSuccess).</summary>
    public async Task<ConfigStatus> ConfigStatusAsync(CancellationToken ct = default)
    {
        var info = await client.RuntimeInfoAsync(ct);
        bool? ok = info.TryGetProperty("reloadConfigSuccess", out var r) && r.ValueKind is JsonValueKind.True or JsonValueKind.False ? r.GetBoolean() : null;
        return new ConfigStatus(ok, info.TryGetProperty("lastConfigTime", out var t) ? t.ToString() : "");
    }

    /// <summary>The active scrape targets.</summary>
    public Task<IReadOnlyList<ScrapeTarget>> TargetsAsync(CancellationToken ct = default) => client.TargetsAsync(ct);

    /// <summary>Every rule Prometheus evaluates.</summary>
    public async Task<IReadOnlyList<PrometheusRule>> RulesAsync(CancellationToken ct = default)
    {
        var rules = await client.RulesAsync(ct);
        evidence.Note($"{rules.Count} rule(s) loaded:\n  " + string.Join("\n  ", rules));
        return rules;
    }

    /// <summary>
    /// Alerts firing now, and every ALERTS{alertstate="firing"} series of the window with its number of separate firing
    /// episodes (a gap longer than 1.5 steps starts a new one); the suite's own synthetic alerts (job acceptance*) excluded.
    /// </summary>
    public async Task<AlertHistory> AlertHistoryAsync(TimeSpan window, CancellationToken ct = default)
    {
        var firing = (await client.AlertsAsync(ct)).Where(a => a.IsFiring && !IsSynthetic(a.Labels)).ToList();
        var end = DateTimeOffset.UtcNow;
        var step = TimeSpan.FromSeconds(Math.Max(10, Math.Ceiling(window.TotalSeconds / 10_000)));
        var series = await client.QueryRangeAsync("ALERTS{alertstate=\"firing\"}", end - window, end, step, ct);
        var episodes = new List<(string, int)>();
        foreach (var s in series.Where(s => !IsSynthetic(s.Labels)))
        {
            var count = 0;
            DateTimeOffset? previous = null;
            foreach (var (time, _) in s.Points)
            {
                if (previous is null || time - previous.Value > step * 1.5) count++;
                previous = time;
            }
            episodes.Add((LabelSet.Format(s.Labels.Where(l => l.Key is not ("__name__" or "alertstate"))), count));
        }
        return new AlertHistory(firing, episodes, window, step);
    }

    /// <summary>The alerts Prometheus reports now.</summary>
    public Task<IReadOnlyList<PrometheusAlert>> AlertsAsync(CancellationToken ct = default) => client.AlertsAsync(ct);

    /// <summary>The result of an instant query.</summary>
    public Task<IReadOnlyList<Sample>> QueryAsync(string promql, CancellationToken ct = default) => client.QueryAsync(promql, ct);

    /// <summary>Node exporter network series per instance (node_network_receive_bytes_total).</summary>
    public Task<IReadOnlyList<Sample>> NetworkSeriesAsync(CancellationToken ct = default) =>
        client.QueryAsync("count by (job, instance) (node_network_receive_bytes_total)", ct);

    /// <summary>Samples appended per second over the last minute (prometheus_tsdb_head_samples_appended_total).</summary>
    public async Task<double> IngestionRateAsync(CancellationToken ct = default)
    {
        var samples = await client.QueryAsync("sum(rate(prometheus_tsdb_head_samples_appended_total[1m]))", ct);
        return samples.Count == 0 ? 0 : samples[0].Value;
    }

    /// <summary>
    /// The web UI with the target's credentials: the first of <see cref="WebUiPaths"/> that answers 200 with HTML (each is
    /// tried directly, since following a redirect would drop the credentials).
    /// </summary>
    public async Task<WebUi> WebUiAsync(CancellationToken ct = default)
    {
        var seen = new List<string>();
        var refused = new List<Http.HttpExchange?>();
        foreach (var path in WebUiPaths)
        {
            var exchange = await client.Http.SendAsync(HttpMethod.Get, path, record: false, ct: ct);
            refused.Add(exchange.StatusCode is 401 or 403 ? exchange : null);
            seen.Add($"{exchange} ({exchange.Header("Content-Type")}, {exchange.Body.Length} bytes)");
            if (exchange.StatusCode == 200 && exchange.Body.Contains("<html", StringComparison.OrdinalIgnoreCase))
                return new WebUi(exchange.Url.ToString(), seen);
        }
        // Every page refused the suite's own credential: it cannot look (BROKEN), which says nothing about the UI.
        if (refused.All(r => r is not null)) throw new Http.ServiceResponseException(refused[^1]!);
        return new WebUi(null, seen);
    }

    /// <summary>The storage retention: runtimeinfo's storageRetention, else the storage.tsdb.retention.time flag.</summary>
    public async Task<Retention> RetentionAsync(CancellationToken ct = default)
    {
        var info = await client.RuntimeInfoAsync(ct);
        if (info.TryGetProperty("storageRetention", out var r) && r.GetString() is { Length: > 0 } raw)
            return new Retention(PrometheusDuration.ParseRetention(raw), raw, "/api/v1/status/runtimeinfo storageRetention");
        var flags = await client.FlagsAsync(ct);
        var flag = flags.GetValueOrDefault("storage.tsdb.retention.time") ?? "";
        return new Retention(PrometheusDuration.ParseRetention(flag), flag, "flag storage.tsdb.retention.time");
    }

    private static bool IsSynthetic(IReadOnlyDictionary<string, string> labels) =>
        labels.GetValueOrDefault("job")?.StartsWith(SyntheticJobPrefix, StringComparison.Ordinal) == true;
}

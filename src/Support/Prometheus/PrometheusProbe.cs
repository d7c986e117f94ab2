using System.Text.Json;
using Acceptance.Support.Evidence;
using Acceptance.Support.Polling;

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

/// <summary>The scrape jobs Prometheus has active targets for, against the expected ones.</summary>
public sealed record ScrapeJobs(IReadOnlyList<string> Expected, IReadOnlyList<string> Present)
{
    /// <summary>Expected jobs without an active target.</summary>
    public IReadOnlyList<string> Missing => Expected.Where(e => !Present.Contains(e, StringComparer.Ordinal)).ToList();

    /// <inheritdoc />
    public override string ToString() => $"present: [{string.Join(", ", Present)}]; expected: [{string.Join(", ", Expected)}]" +
                                         (Missing.Count > 0 ? $"; MISSING: [{string.Join(", ", Missing)}]" : "");
}

/// <summary>Alerts firing now and alerts that flapped within the window, excluding the suite's own synthetic ones.</summary>
public sealed record AlertNoise(IReadOnlyList<PrometheusAlert> FiringNow, IReadOnlyList<string> Flapping, TimeSpan Window,
    int FlapEpisodes)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{FiringNow.Count} alert(s) firing now{(FiringNow.Count > 0 ? ": " + string.Join("; ", FiringNow) : "")}; " +
        $"{Flapping.Count} alert series fired {FlapEpisodes}+ separate times in the last {Window.TotalHours:F0} h" +
        (Flapping.Count > 0 ? ": " + string.Join("; ", Flapping) : "");
}

/// <summary>
/// Reads Prometheus's state and returns facts; the checks (matchers) stay in the step definitions.
/// </summary>
public sealed class PrometheusProbe(PrometheusClient client, EvidenceLog evidence)
{
    /// <summary>Label value prefix of the suite's own synthetic alerts (job=acceptance-...), excluded from noise budgets.</summary>
    public const string SyntheticJobPrefix = "acceptance";

    /// <summary>Whether the configuration loaded successfully (runtimeinfo reloadConfigSuccess).</summary>
    public async Task<ConfigStatus> ConfigStatusAsync(CancellationToken ct = default)
    {
        var info = await client.RuntimeInfoAsync(ct);
        bool? ok = info.TryGetProperty("reloadConfigSuccess", out var r) && r.ValueKind is JsonValueKind.True or JsonValueKind.False ? r.GetBoolean() : null;
        var status = new ConfigStatus(ok, info.TryGetProperty("lastConfigTime", out var t) ? t.ToString() : "");
        evidence.Note($"rule: runtimeinfo reloadConfigSuccess must be true; observed: {status}");
        return status;
    }

    /// <summary>
    /// The jobs of the active targets against <paramref name="expected"/>, polled until none is missing or the
    /// deadline passes (a freshly started or reloaded Prometheus lists its targets only after a few seconds).
    /// </summary>
    public async Task<ScrapeJobs> ScrapeJobsAsync(IReadOnlyList<string> expected, TimeSpan timeout, CancellationToken ct = default)
    {
        var result = await Poll.TryUntilAsync("every expected scrape job has an active target", timeout, TimeSpan.FromSeconds(1), async token =>
        {
            var targets = await client.TargetsAsync(token);
            var jobs = new ScrapeJobs(expected, targets.Select(t => t.Job).Distinct().Order(StringComparer.Ordinal).ToList());
            return jobs.Missing.Count == 0 ? PollCheck<ScrapeJobs>.Satisfied(jobs, jobs.ToString()) : PollCheck<ScrapeJobs>.NotYet(jobs, jobs.ToString());
        }, evidence, ct);
        evidence.Note($"rule: every job of expect.scrape_jobs has an active target; observed: {result.Value}");
        return result.Value!;
    }

    /// <summary>Every rule Prometheus evaluates; the unhealthy ones are noted.</summary>
    public async Task<IReadOnlyList<PrometheusRule>> RulesAsync(CancellationToken ct = default)
    {
        var rules = await client.RulesAsync(ct);
        evidence.Note($"{rules.Count} rule(s) loaded:\n  " + string.Join("\n  ", rules));
        return rules;
    }

    /// <summary>Which of <paramref name="kinds"/> have an alerting rule with severity=critical.</summary>
    public async Task<AlertCoverage> CriticalAlertCoverageAsync(IReadOnlyList<AlertKind> kinds, CancellationToken ct = default)
    {
        var critical = (await RulesAsync(ct)).Where(r => r.IsAlerting && r.Severity.Equals("critical", StringComparison.OrdinalIgnoreCase)).ToList();
        var covered = new Dictionary<AlertKind, IReadOnlyList<PrometheusRule>>();
        var missing = new List<AlertKind>();
        foreach (var kind in kinds)
        {
            var rules = critical.Where(kind.Covers).ToList();
            if (rules.Count > 0) covered[kind] = rules; else missing.Add(kind);
        }
        var coverage = new AlertCoverage(covered, missing, critical.Count);
        evidence.Note("rule: for each kind, an alerting rule with label severity=critical whose " +
                      string.Join("; ", kinds.Select(k => k.Decision)) + $"\nobserved ({critical.Count} critical rule(s)): {coverage}");
        return coverage;
    }

    /// <summary>
    /// Alerts firing now, and alert series that started firing <paramref name="flapEpisodes"/> or more separate
    /// times within <paramref name="window"/> (from a range query of the ALERTS series), both without the suite's
    /// own synthetic alerts (job label starting with "acceptance").
    /// </summary>
    public async Task<AlertNoise> AlertNoiseAsync(TimeSpan window, int flapEpisodes = 3, CancellationToken ct = default)
    {
        var firing = (await client.AlertsAsync(ct)).Where(a => a.IsFiring && !IsSynthetic(a.Labels)).ToList();
        var end = DateTimeOffset.UtcNow;
        var step = TimeSpan.FromSeconds(Math.Max(10, Math.Ceiling(window.TotalSeconds / 10_000)));
        var series = await client.QueryRangeAsync("ALERTS{alertstate=\"firing\"}", end - window, end, step, ct);
        var flapping = new List<string>();
        foreach (var s in series.Where(s => !IsSynthetic(s.Labels)))
        {
            var episodes = 0;
            DateTimeOffset? previous = null;
            foreach (var (time, _) in s.Points)
            {
                if (previous is null || time - previous.Value > step * 1.5) episodes++;
                previous = time;
            }
            if (episodes >= flapEpisodes) flapping.Add($"{LabelSet.Format(s.Labels.Where(l => l.Key is not ("__name__" or "alertstate")))} fired {episodes} times");
        }
        var noise = new AlertNoise(firing, flapping, window, flapEpisodes);
        evidence.Note($"rule: firing alerts now (GET /api/v1/alerts, state firing) and flapping series (range query of ALERTS{{alertstate=\"firing\"}} " +
                      $"over {window.TotalHours:F0} h, step {step.TotalSeconds:F0} s; a gap longer than 1.5 steps starts a new episode; {flapEpisodes}+ episodes = flapping), " +
                      $"excluding job={SyntheticJobPrefix}*; observed: {noise}");
        return noise;
    }

    /// <summary>Polls /api/v1/alerts until an alert named <paramref name="alertName"/> with the given labels is firing.</summary>
    public Task<PollResult<PrometheusAlert?>> WaitForAlertAsync(string alertName, IReadOnlyDictionary<string, string> labels,
        bool firing, TimeSpan timeout, CancellationToken ct = default) =>
        Poll.TryUntilAsync($"Prometheus alert {alertName} {(firing ? "firing" : "gone")}", timeout, TimeSpan.FromMilliseconds(500), async token =>
        {
            var alerts = await client.AlertsAsync(token);
            var alert = alerts.FirstOrDefault(a => a.Name == alertName && labels.All(l => a.Labels.GetValueOrDefault(l.Key) == l.Value));
            var state = alert?.ToString() ?? "no such alert";
            var done = firing ? alert is { IsFiring: true } : alert is null;
            return done ? PollCheck<PrometheusAlert?>.Satisfied(alert, state) : PollCheck<PrometheusAlert?>.NotYet(alert, state);
        }, evidence, ct);

    /// <summary>Node exporter network series per instance (node_network_receive_bytes_total).</summary>
    public async Task<IReadOnlyList<Sample>> NetworkSeriesAsync(CancellationToken ct = default)
    {
        var samples = await client.QueryAsync("count by (job, instance) (node_network_receive_bytes_total)", ct);
        evidence.Note($"rule: at least one instance exports node_network_receive_bytes_total; observed: {(samples.Count == 0 ? "none" : string.Join("; ", samples))}");
        return samples;
    }

    /// <summary>Paths of the web UI across releases: the React UI of 2.x, 3.x's query page, the classic UI (Debian's build).</summary>
    public static readonly IReadOnlyList<string> WebUiPaths = ["graph", "query", "classic/graph"];

    /// <summary>
    /// The web UI with the target's credentials: the first of <see cref="WebUiPaths"/> that answers 200 (each is
    /// tried directly, since following a redirect would drop the credentials); null when none does.
    /// </summary>
    public async Task<string?> WebUiAsync(CancellationToken ct = default)
    {
        var seen = new List<string>();
        foreach (var path in WebUiPaths)
        {
            var exchange = await client.Http.SendAsync(HttpMethod.Get, path, record: false, ct: ct);
            seen.Add($"{exchange} ({exchange.Header("Content-Type")}, {exchange.Body.Length} bytes)");
            if (exchange.StatusCode == 200 && exchange.Body.Contains("<html", StringComparison.OrdinalIgnoreCase))
            {
                evidence.Note($"rule: a Prometheus web UI page ({string.Join(", ", WebUiPaths)}) answers 200 with HTML; observed: {string.Join("; ", seen)}");
                return exchange.Url.ToString();
            }
        }
        evidence.Note($"rule: a Prometheus web UI page ({string.Join(", ", WebUiPaths)}) answers 200 with HTML; observed: {string.Join("; ", seen)}");
        return null;
    }

    /// <summary>Samples appended per second over the last minute (prometheus_tsdb_head_samples_appended_total).</summary>
    public async Task<double> IngestionRateAsync(CancellationToken ct = default)
    {
        var samples = await client.QueryAsync("sum(rate(prometheus_tsdb_head_samples_appended_total[1m]))", ct);
        var rate = samples.Count == 0 ? 0 : samples[0].Value;
        evidence.Note($"rule: Prometheus appended samples in the last minute (rate > 0); observed: {rate:F1} samples/s");
        return rate;
    }

    /// <summary>The active targets of one scrape job.</summary>
    public async Task<IReadOnlyList<ScrapeTarget>> TargetsOfJobAsync(string job, CancellationToken ct = default)
    {
        var targets = (await client.TargetsAsync(ct)).Where(t => t.Job == job).ToList();
        evidence.Note($"rule: job '{job}' has at least one active target and every one is up; observed: " +
                      (targets.Count == 0 ? "no active target" : string.Join("; ", targets)));
        return targets;
    }

    private static bool IsSynthetic(IReadOnlyDictionary<string, string> labels) =>
        labels.GetValueOrDefault("job")?.StartsWith(SyntheticJobPrefix, StringComparison.Ordinal) == true;

    /// <summary>Readiness as /-/ready answers it.</summary>
    public async Task<Readiness> ReadinessAsync(CancellationToken ct = default)
    {
        var exchange = await client.ReadyAsync(ct);
        var readiness = new Readiness(exchange.StatusCode == 200, exchange.StatusCode, exchange.Body);
        evidence.Note($"Prometheus readiness: {readiness}");
        RunFacts.Set("prometheus.version", await client.VersionAsync(ct));
        return readiness;
    }

    /// <summary>Polls the active targets until every one is up or the deadline passes.</summary>
    public Task<PollResult<IReadOnlyList<ScrapeTarget>>> WaitForAllTargetsUpAsync(TimeSpan timeout, CancellationToken ct = default) =>
        Poll.TryUntilAsync("every Prometheus target up", timeout, TimeSpan.FromSeconds(2), async token =>
        {
            var targets = await client.TargetsAsync(token);
            var down = targets.Where(t => !t.IsUp).ToList();
            var state = $"{targets.Count - down.Count}/{targets.Count} up" +
                        (down.Count > 0 ? "; not up: " + string.Join("; ", down) : "");
            return targets.Count > 0 && down.Count == 0
                ? PollCheck<IReadOnlyList<ScrapeTarget>>.Satisfied(targets, state)
                : PollCheck<IReadOnlyList<ScrapeTarget>>.NotYet(targets, targets.Count == 0 ? "no active targets" : state);
        }, evidence, ct);

    /// <summary>The storage retention: runtimeinfo's storageRetention, else the storage.tsdb.retention.time flag.</summary>
    public async Task<Retention> RetentionAsync(CancellationToken ct = default)
    {
        var info = await client.RuntimeInfoAsync(ct);
        Retention retention;
        if (info.TryGetProperty("storageRetention", out var r) && r.GetString() is { Length: > 0 } raw)
        {
            retention = new Retention(PrometheusDuration.ParseRetention(raw), raw, "/api/v1/status/runtimeinfo storageRetention");
        }
        else
        {
            var flags = await client.FlagsAsync(ct);
            var flag = flags.GetValueOrDefault("storage.tsdb.retention.time") ?? "";
            retention = new Retention(PrometheusDuration.ParseRetention(flag), flag, "flag storage.tsdb.retention.time");
        }
        evidence.Note($"Prometheus retention: {retention}");
        return retention;
    }

    /// <summary>Polls a query until it returns at least one sample, or the deadline passes.</summary>
    public Task<PollResult<IReadOnlyList<Sample>>> WaitForSeriesAsync(string promql, TimeSpan timeout, CancellationToken ct = default) =>
        Poll.TryUntilAsync($"Prometheus returns {promql}", timeout, TimeSpan.FromSeconds(1), async token =>
        {
            var samples = await client.QueryAsync(promql, token);
            var state = samples.Count == 0 ? "no series yet" : string.Join("; ", samples);
            return samples.Count > 0
                ? PollCheck<IReadOnlyList<Sample>>.Satisfied(samples, state)
                : PollCheck<IReadOnlyList<Sample>>.NotYet(samples, state);
        }, evidence, ct);
}

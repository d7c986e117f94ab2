using Acceptance.Support.Checks;
using Acceptance.Support.Configuration;

namespace Acceptance.Support.Prometheus;

/// <summary>The Prometheus rules: pure functions of <see cref="PrometheusProbe"/>'s facts and the target's expectations.</summary>
public static class PrometheusRules
{
    /// <summary>/-/ready answers 200.</summary>
    public static Verdict Ready(Readiness r) =>
        Verdict.When(r.IsReady, "Prometheus reports ready", "/-/ready answers 200", r.ToString(), $"Prometheus is {r}");

    /// <summary>Every active target is up, and there is at least one.</summary>
    public static Verdict AllTargetsUp(IReadOnlyList<ScrapeTarget> targets)
    {
        var shortfalls = targets.Where(t => !t.IsUp).Select(t => t.ToString()).ToList();
        if (targets.Count == 0) shortfalls.Add("Prometheus has no active targets");
        return Verdict.From("every Prometheus scrape target is up", "every active target of /api/v1/targets has health up",
            $"{targets.Count(t => t.IsUp)}/{targets.Count} up", shortfalls);
    }

    /// <summary>Each of <paramref name="jobs"/> has at least one active target and every one of them is up.</summary>
    public static Verdict JobsScrapedUp(IReadOnlyList<ScrapeTarget> targets, IReadOnlyList<string> jobs, string because)
    {
        var mine = targets.Where(t => jobs.Contains(t.Job)).ToList();
        var shortfalls = jobs.Where(j => mine.All(t => t.Job != j)).Select(j => $"job {j}: no active target")
            .Concat(mine.Where(t => !t.IsUp).Select(t => t.ToString()));
        return Verdict.From($"Prometheus scrapes [{string.Join(", ", jobs)}] successfully ({because})",
            $">= 1 active target per job [{string.Join(", ", jobs)}], every one up", mine.Count == 0 ? "no active target of these jobs" : string.Join("; ", mine), shortfalls);
    }

    /// <summary>Every job of expect.scrape_jobs has an active target.</summary>
    public static Verdict ExpectedJobsPresent(IReadOnlyList<ScrapeTarget> targets, IReadOnlyList<string> expected)
    {
        var present = targets.Select(t => t.Job).Distinct().Order(StringComparer.Ordinal).ToList();
        return Verdict.From("every job of expect.scrape_jobs has an active target", $"active targets for [{string.Join(", ", expected)}]",
            $"jobs with active targets: [{string.Join(", ", present)}]", expected.Where(e => !present.Contains(e)).Select(e => $"job {e}: no active target"));
    }

    /// <summary>An explicit retention of at least thresholds.retention_min_days.</summary>
    public static Verdict RetentionLongEnough(Retention r, PrometheusThresholds t)
    {
        var minimum = TimeSpan.FromDays(t.RetentionMinDays);
        var shortfall = r.Duration is null ? "no retention time is configured explicitly"
            : r.Duration < minimum ? $"Prometheus retains {r.Duration.Value.TotalDays:0.#} days, less than {t.RetentionMinDays:0.#}" : null;
        return Verdict.When(shortfall is null, "Prometheus retains metrics for at least thresholds.retention_min_days",
            $"retention >= {t.RetentionMinDays:0.#} days", r.ToString(), shortfall ?? "");
    }

    /// <summary>The last configuration (re)load succeeded.</summary>
    public static Verdict ConfigLoaded(ConfigStatus s) => Verdict.When(s.ReloadSucceeded == true,
        "Prometheus runs the configuration it was given", "runtimeinfo reloadConfigSuccess=true", s.ToString(), s.ToString());

    /// <summary>Prometheus evaluates rules, and every one has health ok and no lastError.</summary>
    public static Verdict RulesHealthy(IReadOnlyList<PrometheusRule> rules)
    {
        var shortfalls = rules.Where(r => !r.IsHealthy).Select(r => r.ToString()).ToList();
        if (rules.Count == 0) shortfalls.Add("GET /api/v1/rules lists no rule: Prometheus evaluates none of the platform's rules");
        return Verdict.From("every Prometheus rule is healthy", "at least one rule; every rule health ok with no lastError",
            $"{rules.Count(r => r.IsHealthy)}/{rules.Count} healthy", shortfalls);
    }

    /// <summary>Each of <paramref name="kinds"/> has an alerting rule labelled severity=critical (recognised by name or expression).</summary>
    public static Verdict CriticalAlertsCover(IReadOnlyList<PrometheusRule> rules, IReadOnlyList<AlertKind> kinds)
    {
        var critical = rules.Where(r => r.IsAlerting && r.Severity.Equals("critical", StringComparison.OrdinalIgnoreCase)).ToList();
        var covered = kinds.Select(k => (Kind: k, Rules: critical.Where(k.Covers).ToList())).ToList();
        return Verdict.From("a severity=critical alerting rule exists for each kind",
            string.Join("; ", kinds.Select(k => k.Decision)),
            $"{critical.Count} critical rule(s); " + string.Join("; ", covered.Select(c => $"{c.Kind.Title}: {(c.Rules.Count == 0 ? "none" : string.Join(", ", c.Rules.Select(r => r.Name)))}")),
            covered.Where(c => c.Rules.Count == 0).Select(c => $"no severity=critical alert for {c.Kind.Title}"));
    }

    /// <summary>There are critical alerting rules, and each one's runbook_url answers GET with 2xx.</summary>
    public static Verdict RunbooksResolve(IReadOnlyList<RunbookCheck> checks)
    {
        var shortfalls = checks.Where(c => !c.Resolves).Select(c => c.ToString()).ToList();
        if (checks.Count == 0) shortfalls.Add("there is no severity=critical alerting rule whose runbook could be checked");
        return Verdict.From("every critical alert links a runbook that resolves", "each severity=critical alerting rule has a runbook_url answering GET with 2xx",
            string.Join("; ", checks), shortfalls);
    }

    /// <summary>
    /// The noise budget: alerts firing now within thresholds.max_firing_alerts, and series that fired flap_episodes or more
    /// separate times in the window within thresholds.max_flapping_alerts.
    /// </summary>
    public static Verdict AlertNoiseWithinBudget(AlertHistory h, PrometheusThresholds t)
    {
        var firing = h.FiringNow.Where(a => !t.HeartbeatAlerts.Contains(a.Name)).ToList();
        var flapping = h.Episodes.Where(e => e.Episodes >= t.FlapEpisodes && !t.HeartbeatAlerts.Contains(AlertName(e.Series))).ToList();
        var shortfalls = new List<string>();
        if (firing.Count > t.MaxFiringAlerts)
            shortfalls.Add($"{firing.Count} alert(s) firing on a healthy deployment, budget thresholds.max_firing_alerts {t.MaxFiringAlerts}: {string.Join("; ", firing)}");
        if (flapping.Count > t.MaxFlappingAlerts)
            shortfalls.Add($"{flapping.Count} alert series fired {t.FlapEpisodes}+ separate times in {h.Window.TotalHours:F0} h, budget thresholds.max_flapping_alerts {t.MaxFlappingAlerts}: " +
                           string.Join("; ", flapping.Select(f => $"{f.Series} fired {f.Episodes} times")));
        return Verdict.From("the alerts firing now and the alerts that flapped are within the target's budget",
            $"<= {t.MaxFiringAlerts} firing now (thresholds.max_firing_alerts); <= {t.MaxFlappingAlerts} series with {t.FlapEpisodes}+ firing episodes in {h.Window.TotalHours:F0} h " +
            $"(thresholds.max_flapping_alerts, flap_episodes; range query of ALERTS{{alertstate=\"firing\"}}, step {h.Step.TotalSeconds:F0} s); the suite's own alerts (job={PrometheusProbe.SyntheticJobPrefix}*) " +
            $"and the heartbeat alerts [{string.Join(", ", t.HeartbeatAlerts)}] (thresholds.heartbeat_alerts) excluded",
            h.ToString(), shortfalls);
    }

    private static string AlertName(string series) =>
        System.Text.RegularExpressions.Regex.Match(series, "alertname=\"([^\"]*)\"") is { Success: true } m ? m.Groups[1].Value : "";

    /// <summary>A web UI page answers 200 with HTML.</summary>
    public static Verdict WebUiServes(WebUi ui) => Verdict.When(ui.Url is not null, "the Prometheus web UI answers",
        $"one of /{string.Join(", /", PrometheusProbe.WebUiPaths)} answers 200 with HTML", ui.ToString(), "no web UI page answered 200 with HTML");

    /// <summary>Samples were appended in the last minute.</summary>
    public static Verdict Ingesting(double samplesPerSecond) => Verdict.When(samplesPerSecond > 0, "Prometheus has ingested samples within the last minute",
        "rate(prometheus_tsdb_head_samples_appended_total[1m]) > 0", $"{samplesPerSecond:F1} samples/s", "Prometheus appended no sample in the last minute");

    /// <summary>At least one instance exports node network metrics.</summary>
    public static Verdict NetworkMetricsCollected(IReadOnlyList<Sample> perInstance) => Verdict.When(perInstance.Count > 0,
        "Prometheus collects network metrics from the nodes", "count by (job, instance) (node_network_receive_bytes_total) returns >= 1 instance",
        perInstance.Count == 0 ? "no instance" : string.Join("; ", perInstance), "no node exporter exposes node_network_receive_bytes_total to Prometheus");

    /// <summary>An instant query returns exactly the pushed value.</summary>
    public static Verdict ReturnsValue(IReadOnlyList<Sample> samples, string query, double expected) => Verdict.When(
        samples.Count == 1 && samples[0].Value.Equals(expected), "Prometheus returns the pushed metric", $"{query} = {expected}",
        samples.Count == 0 ? "no series" : string.Join("; ", samples), samples.Count == 0 ? "the pushed series is not (yet) in Prometheus" : $"expected exactly one sample of value {expected}");
}

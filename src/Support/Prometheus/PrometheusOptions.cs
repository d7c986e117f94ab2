using Acceptance.Support.Configuration;

namespace Acceptance.Support.Prometheus;

/// <summary>services.prometheus: the Prometheus HTTP API and the rule files it loads.</summary>
public sealed record PrometheusOptions : ServiceEndpoint
{
    /// <summary>Rule files for `promtool check rules` (globs, relative to the target file).</summary>
    [Option("rule_files", "rule files checked with `promtool check rules` (globs; relative to the target file)", IsPath = true)]
    public IReadOnlyList<string> RuleFiles { get; init; } = [];

    /// <summary>Rule unit-test files for `promtool test rules`.</summary>
    [Option("rule_tests", "rule unit-test files run with `promtool test rules` (globs; relative to the target file)", IsPath = true)]
    public IReadOnlyList<string> RuleTests { get; init; } = [];

    /// <summary>Console errors of the Prometheus UI known and accepted (substrings): the browser check names them as tolerated.</summary>
    [Option("ui_known_console_errors", "console errors of the Prometheus web UI that are known and accepted (substrings; each tolerated error is named in the verdict)")]
    public IReadOnlyList<string> UiKnownConsoleErrors { get; init; } = [];
}

/// <summary>Thresholds of the Prometheus checks (flat keys of <c>thresholds:</c>).</summary>
public sealed record PrometheusThresholds
{
    /// <summary>Minimum metrics retention in days.</summary>
    [Option("retention_min_days", "minimum metrics retention Prometheus must run with (days)", Min = 0)]
    public double RetentionMinDays { get; init; } = 15;

    /// <summary>Deadline of one promtool run.</summary>
    [Option("promtool_timeout_seconds", "deadline of one promtool run (seconds)", Min = 1, Max = 3600)]
    public double PromtoolTimeoutSeconds { get; init; } = 120;

    /// <summary>Alerts allowed to fire on a healthy deployment.</summary>
    [Option("max_firing_alerts", "alerts allowed to be firing on a healthy deployment (the suite's own synthetic alerts excluded)", Min = 0)]
    public int MaxFiringAlerts { get; init; }

    /// <summary>Alert series allowed to flap within the window.</summary>
    [Option("max_flapping_alerts", "alert series allowed to have fired flap_episodes or more separate times in the last 24 h", Min = 0)]
    public int MaxFlappingAlerts { get; init; }

    /// <summary>Separate firing episodes that make a series flapping.</summary>
    [Option("flap_episodes", "separate firing episodes within 24 h that make an alert series count as flapping", Min = 2)]
    public int FlapEpisodes { get; init; } = 3;

    /// <summary>Alerts that fire all the time by design (dead man's switches), never counted as noise.</summary>
    [Option("heartbeat_alerts", "alerts that fire all the time by design (dead man's switches, Watchdog): never counted as firing or flapping noise")]
    public IReadOnlyList<string> HeartbeatAlerts { get; init; } = ["Watchdog", "DeadMansSwitch"];

    /// <summary>Promtool deadline as a TimeSpan.</summary>
    public TimeSpan PromtoolTimeout => TimeSpan.FromSeconds(PromtoolTimeoutSeconds);
}

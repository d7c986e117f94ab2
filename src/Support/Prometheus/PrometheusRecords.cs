using System.Globalization;
using System.Text.RegularExpressions;

namespace Acceptance.Support.Prometheus;

/// <summary>One active scrape target as Prometheus reports it.</summary>
public sealed record ScrapeTarget(string Job, string Instance, string ScrapeUrl, string Health, string LastError,
    double LastScrapeDurationSeconds)
{
    /// <summary>True when the last scrape succeeded.</summary>
    public bool IsUp => Health == "up";

    /// <inheritdoc />
    public override string ToString() =>
        IsUp ? $"{Job}/{Instance} up" : $"{Job}/{Instance} {Health}: {(LastError.Length > 0 ? LastError : "not scraped yet")}";
}

/// <summary>One sample of an instant vector.</summary>
public sealed record Sample(IReadOnlyDictionary<string, string> Labels, double Value)
{
    /// <inheritdoc />
    public override string ToString() =>
        "{" + string.Join(",", Labels.OrderBy(l => l.Key).Select(l => $"{l.Key}=\"{l.Value}\"")) + "} " +
        Value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Formats label sets the way PromQL writes them.</summary>
public static class LabelSet
{
    /// <summary>{a="1",b="2"} (sorted by name).</summary>
    public static string Format(IEnumerable<KeyValuePair<string, string>> labels) =>
        "{" + string.Join(",", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}=\"{l.Value}\"")) + "}";
}

/// <summary>One series of a range query: labels and (time, value) points in time order.</summary>
public sealed record RangeSeries(IReadOnlyDictionary<string, string> Labels, IReadOnlyList<(DateTimeOffset Time, double Value)> Points)
{
    /// <inheritdoc />
    public override string ToString() =>
        "{" + string.Join(",", Labels.OrderBy(l => l.Key).Select(l => $"{l.Key}=\"{l.Value}\"")) + "}" + $" {Points.Count} point(s)";
}

/// <summary>A recording or alerting rule as /api/v1/rules reports it.</summary>
public sealed record PrometheusRule(string Group, string File, string Name, string Type, string Query, string Health,
    string LastError, IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Annotations,
    double ForSeconds)
{
    /// <summary>True for an alerting rule.</summary>
    public bool IsAlerting => Type == "alerting";

    /// <summary>The severity label ("" when absent).</summary>
    public string Severity => Labels.GetValueOrDefault("severity") ?? "";

    /// <summary>The runbook_url annotation (null when absent or empty).</summary>
    public string? RunbookUrl => Annotations.GetValueOrDefault("runbook_url") is { Length: > 0 } u ? u : null;

    /// <summary>Health "ok" and no last error.</summary>
    public bool IsHealthy => Health == "ok" && LastError.Length == 0;

    /// <inheritdoc />
    public override string ToString() =>
        $"{(IsAlerting ? "alert" : "record")} {Name} (group {Group}{(Severity.Length > 0 ? ", severity " + Severity : "")}): {Query}" +
        (IsHealthy ? "" : $" — health {(Health.Length > 0 ? Health : "unknown")}{(LastError.Length > 0 ? ": " + LastError : "")}");
}

/// <summary>An alert Prometheus holds now (pending or firing).</summary>
public sealed record PrometheusAlert(IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Annotations,
    string State, string ActiveAt, string Value)
{
    /// <summary>The alertname label.</summary>
    public string Name => Labels.GetValueOrDefault("alertname") ?? "";

    /// <summary>True when firing (not pending).</summary>
    public bool IsFiring => State == "firing";

    /// <inheritdoc />
    public override string ToString() =>
        $"{Name}{{{string.Join(",", Labels.Where(l => l.Key != "alertname").OrderBy(l => l.Key).Select(l => $"{l.Key}=\"{l.Value}\""))}}} {State} since {ActiveAt}";
}

/// <summary>Prometheus durations ("15d", "2h30m", "1y") and retention strings ("15d or 10GiB").</summary>
public static partial class PrometheusDuration
{
    /// <summary>Parses the first duration in <paramref name="text"/>; null when there is none.</summary>
    public static TimeSpan? ParseRetention(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var m = DurationPattern().Match(text);
        if (!m.Success) return null;
        var total = TimeSpan.Zero;
        foreach (Match part in PartPattern().Matches(m.Value))
        {
            var n = double.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture);
            total += part.Groups[2].Value switch
            {
                "y" => TimeSpan.FromDays(365 * n),
                "w" => TimeSpan.FromDays(7 * n),
                "d" => TimeSpan.FromDays(n),
                "h" => TimeSpan.FromHours(n),
                "m" => TimeSpan.FromMinutes(n),
                "s" => TimeSpan.FromSeconds(n),
                _ => TimeSpan.FromMilliseconds(n),
            };
        }
        return total;
    }

    [GeneratedRegex(@"(\d+(?:y|w|d|h|ms|m|s))+")]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"(\d+)(y|w|d|h|ms|m|s)")]
    private static partial Regex PartPattern();
}

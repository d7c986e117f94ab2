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

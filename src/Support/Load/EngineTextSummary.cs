using System.Globalization;
using System.Text.RegularExpressions;

namespace Acceptance.Support.Load;

/// <summary>
/// An engine's own human-readable summary (wrk's text, hey's text), read for what it states: requests, duration,
/// throughput, the percentiles it printed, status codes and errors. What the text does not state stays absent.
/// </summary>
/// <param name="Engine">wrk | hey.</param>
/// <param name="Requests">Responses the engine counted.</param>
/// <param name="Seconds">Duration of the run.</param>
/// <param name="RequestsPerSecond">The engine's Requests/sec.</param>
/// <param name="PercentilesMs">Percentile → ms, as printed (hey's "0% in 0.0000 secs" placeholder rows are left out).</param>
/// <param name="MaxMs">Slowest response (ms), when printed.</param>
/// <param name="Statuses">Status → responses (hey's Status code distribution).</param>
/// <param name="Errors">Error kind or message → count (wrk's Socket errors, Non-2xx; hey's Error distribution).</param>
public sealed partial record EngineTextSummary(string Engine, long Requests, double Seconds, double RequestsPerSecond, IReadOnlyDictionary<double, double> PercentilesMs,
    double? MaxMs, IReadOnlyDictionary<int, long> Statuses, IReadOnlyDictionary<string, long> Errors)
{
    /// <summary>Failed requests: errors plus statuses >= 400.</summary>
    public long Failures => Errors.Values.Sum() + Statuses.Where(s => s.Key >= 400).Sum(s => s.Value);

    /// <summary>Failed share of every request that ended (1 when none ended).</summary>
    public double ErrorRate => Requests + Errors.Where(e => e.Key != "non-2xx/3xx").Sum(e => e.Value) is var total and > 0 ? (double)Failures / total : 1;

    /// <summary>wrk's text output (with --latency).</summary>
    public static EngineTextSummary ParseWrk(string text)
    {
        var pct = new Dictionary<double, double>();
        foreach (Match m in WrkPercentile().Matches(text))
            pct[double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)] = Ms(m.Groups[2].Value, m.Groups[3].Value);
        var req = WrkRequests().Match(text);
        if (!req.Success) throw new FormatException("not wrk's output: no 'N requests in Ts' line");
        var errors = new Dictionary<string, long>();
        if (WrkSocketErrors().Match(text) is { Success: true } se)
            for (var i = 0; i < 4; i++)
                if (long.Parse(se.Groups[i + 1].Value, CultureInfo.InvariantCulture) is var n and > 0) errors[new[] { "connect", "read", "write", "timeout" }[i]] = n;
        if (WrkNon2xx().Match(text) is { Success: true } nx) errors["non-2xx/3xx"] = long.Parse(nx.Groups[1].Value, CultureInfo.InvariantCulture);
        var rps = WrkRps().Match(text);
        var max = WrkLatencyLine().Match(text);
        return new EngineTextSummary("wrk", long.Parse(req.Groups[1].Value, CultureInfo.InvariantCulture), ToSeconds(req.Groups[2].Value, req.Groups[3].Value),
            rps.Success ? double.Parse(rps.Groups[1].Value, CultureInfo.InvariantCulture) : double.NaN, pct,
            max.Success ? Ms(max.Groups[1].Value, max.Groups[2].Value) : null, new Dictionary<int, long>(), errors);
    }

    /// <summary>hey's text output (its default summary).</summary>
    public static EngineTextSummary ParseHey(string text)
    {
        double Secs(Regex r) => r.Match(text) is { Success: true } m ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : double.NaN;
        var total = Secs(HeyTotal());
        if (double.IsNaN(total)) throw new FormatException("not hey's output: no 'Total: N secs' line");
        var pct = new Dictionary<double, double>();
        foreach (Match m in HeyPercentile().Matches(text))
        {
            var p = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            if (p == 0) continue; // hey prints "0% in 0.0000 secs" for percentiles it could not compute (few requests)
            pct[p] = double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) * 1000;
        }
        var statuses = HeyStatus().Matches(text).ToDictionary(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), m => long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        var errors = new Dictionary<string, long>();
        var errorSection = text.IndexOf("Error distribution:", StringComparison.Ordinal);
        if (errorSection >= 0)
            foreach (Match m in HeyError().Matches(text[errorSection..])) errors[m.Groups[2].Value.Trim()] = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        var rps = Secs(HeyRps());
        var slowest = Secs(HeySlowest());
        return new EngineTextSummary("hey", statuses.Values.Sum(), total, rps, pct, double.IsNaN(slowest) ? null : slowest * 1000, statuses, errors);
    }

    private static double Ms(string value, string unit) => double.Parse(value, CultureInfo.InvariantCulture) * unit switch
    {
        "us" => 0.001,
        "ms" => 1,
        "s" => 1000,
        "m" => 60_000,
        _ => throw new FormatException($"unknown time unit '{unit}'"),
    };

    private static double ToSeconds(string value, string unit) => Ms(value, unit) / 1000;

    [GeneratedRegex(@"^\s+(\d+(?:\.\d+)?)%\s+(\d+(?:\.\d+)?)(us|ms|s|m)\s*$", RegexOptions.Multiline)]
    private static partial Regex WrkPercentile();

    [GeneratedRegex(@"(\d+) requests in (\d+(?:\.\d+)?)(us|ms|s|m)")]
    private static partial Regex WrkRequests();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex WrkSocketErrors();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex WrkNon2xx();

    [GeneratedRegex(@"Requests/sec:\s+(\d+(?:\.\d+)?)")]
    private static partial Regex WrkRps();

    [GeneratedRegex(@"Latency\s+\S+\s+\S+\s+(\d+(?:\.\d+)?)(us|ms|s|m)")]
    private static partial Regex WrkLatencyLine();

    [GeneratedRegex(@"Total:\s+(\d+(?:\.\d+)?) secs", RegexOptions.IgnoreCase)]
    private static partial Regex HeyTotal();

    [GeneratedRegex(@"Slowest:\s+(\d+(?:\.\d+)?) secs")]
    private static partial Regex HeySlowest();

    [GeneratedRegex(@"Requests/sec:\s+(\d+(?:\.\d+)?)")]
    private static partial Regex HeyRps();

    [GeneratedRegex(@"^\s+(\d+(?:\.\d+)?)%+ in (\d+(?:\.\d+)?) secs", RegexOptions.Multiline)]
    private static partial Regex HeyPercentile();

    [GeneratedRegex(@"^\s+\[(\d{3})\]\s+(\d+) responses", RegexOptions.Multiline)]
    private static partial Regex HeyStatus();

    [GeneratedRegex(@"^\s+\[(\d+)\]\s+(.+)$", RegexOptions.Multiline)]
    private static partial Regex HeyError();
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace Acceptance.Support.Load;

/// <summary>What a threshold aggregates, named as k6 names it.</summary>
public enum LoadMetric
{
    /// <summary>http_req_duration (milliseconds): p(N), avg, med, min, max.</summary>
    Duration,

    /// <summary>http_req_failed: rate is the share of failed requests (transport error or status >= 400).</summary>
    Failed,

    /// <summary>http_reqs: count is the number of requests, rate the requests per second.</summary>
    Requests,
}

/// <summary>
/// One threshold in k6's language (https://grafana.com/docs/k6/latest/using-k6/thresholds/): <c>p(95)&lt;300</c>,
/// <c>rate&lt;0.01</c>, <c>count&gt;=100</c>, optionally with the k6 metric before a colon (<c>http_reqs: rate&gt;50</c>).
/// Without a metric, p()/avg/med/min/max are http_req_duration, rate is http_req_failed and count is http_reqs.
/// </summary>
public sealed partial record LoadThreshold(LoadMetric Metric, string Aggregation, string Operator, double Value, string Source)
{
    /// <summary>k6's metric name.</summary>
    public string K6Metric => Metric switch
    {
        LoadMetric.Duration => "http_req_duration",
        LoadMetric.Failed => "http_req_failed",
        _ => "http_reqs",
    };

    /// <summary>The expression k6 takes for the metric ("p(95)&lt;300").</summary>
    public string K6Expression => $"{Aggregation}{Operator}{Value.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Parses one threshold; <see cref="FormatException"/> saying why when it is not one.</summary>
    public static LoadThreshold Parse(string text) =>
        TryParse(text, out var t, out var why) ? t! : throw new FormatException($"threshold '{text}': {why}");

    /// <summary>Parses one threshold.</summary>
    public static bool TryParse(string text, out LoadThreshold? threshold, out string why)
    {
        threshold = null;
        var m = Grammar().Match(text);
        if (!m.Success)
        {
            why = "not a threshold: write p(95)<300, avg<200, med<150, min>0, max<2000, rate<0.01 or count>=100 (optionally 'http_reqs: rate>50')";
            return false;
        }
        var agg = m.Groups["agg"].Value;
        var metricName = m.Groups["metric"].Success ? m.Groups["metric"].Value : null;
        LoadMetric metric;
        switch (metricName)
        {
            case null:
                metric = agg.StartsWith("p(", StringComparison.Ordinal) || agg is "avg" or "med" or "min" or "max" ? LoadMetric.Duration
                    : agg == "rate" ? LoadMetric.Failed : LoadMetric.Requests;
                break;
            case "http_req_duration": metric = LoadMetric.Duration; break;
            case "http_req_failed": metric = LoadMetric.Failed; break;
            case "http_reqs": metric = LoadMetric.Requests; break;
            default:
                why = $"metric '{metricName}' is not one of http_req_duration, http_req_failed, http_reqs";
                return false;
        }
        var allowed = metric switch
        {
            LoadMetric.Duration => agg.StartsWith("p(", StringComparison.Ordinal) || agg is "avg" or "med" or "min" or "max",
            LoadMetric.Failed => agg == "rate",
            _ => agg is "count" or "rate",
        };
        if (!allowed)
        {
            why = $"{metricName ?? "the default metric"} has no aggregation '{agg}'";
            return false;
        }
        if (agg.StartsWith("p(", StringComparison.Ordinal))
        {
            var p = double.Parse(agg[2..^1], CultureInfo.InvariantCulture);
            if (p is <= 0 or > 100) { why = $"percentile {p} is not between 0 and 100"; return false; }
        }
        var op = m.Groups["op"].Value == "=" ? "==" : m.Groups["op"].Value;
        threshold = new LoadThreshold(metric, agg, op, double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture), text.Trim());
        why = "";
        return true;
    }

    /// <summary>The value this threshold reads from <paramref name="result"/> (ms, a share, a count or requests/s).</summary>
    public double Observe(LoadResult result) => (Metric, Aggregation) switch
    {
        (LoadMetric.Duration, "avg") => result.MeanMs,
        (LoadMetric.Duration, "med") => result.PercentileMs(50),
        (LoadMetric.Duration, "min") => result.MinMs,
        (LoadMetric.Duration, "max") => result.MaxMs,
        (LoadMetric.Duration, var a) => result.PercentileMs(double.Parse(a[2..^1], CultureInfo.InvariantCulture)),
        (LoadMetric.Failed, _) => result.ErrorRate,
        (LoadMetric.Requests, "count") => result.Attempts,
        _ => result.Throughput,
    };

    /// <summary>True when <paramref name="observed"/> satisfies the threshold.</summary>
    public bool Holds(double observed) => Operator switch
    {
        "<" => observed < Value,
        "<=" => observed <= Value,
        ">" => observed > Value,
        ">=" => observed >= Value,
        "==" => observed.Equals(Value),
        _ => !observed.Equals(Value),
    };

    /// <summary>How an observed value reads ("412.3 ms", "2.10 %", "1500 requests", "250.0 req/s").</summary>
    public string Format(double observed) => (Metric, Aggregation) switch
    {
        (LoadMetric.Duration, _) => $"{observed.ToString("0.##", CultureInfo.InvariantCulture)} ms",
        (LoadMetric.Failed, _) => $"{observed.ToString("0.####", CultureInfo.InvariantCulture)} ({(observed * 100).ToString("0.##", CultureInfo.InvariantCulture)} % of requests failed)",
        (_, "count") => $"{observed.ToString("0", CultureInfo.InvariantCulture)} requests",
        _ => $"{observed.ToString("0.#", CultureInfo.InvariantCulture)} req/s",
    };

    /// <inheritdoc />
    public override string ToString() => Source;

    [GeneratedRegex(@"^\s*(?:(?<metric>[a-z_]+)\s*:\s*)?(?<agg>p\(\d+(?:\.\d+)?\)|avg|med|min|max|rate|count)\s*(?<op><=|>=|==|!=|<|>|=)\s*(?<value>-?\d+(?:\.\d+)?)\s*$")]
    private static partial Regex Grammar();
}

namespace Acceptance.Support.Load;

/// <summary>PNG charts of load runs (ScottPlot): the latency-percentile curve and the throughput over time, one series per endpoint.</summary>
public static class LoadCharts
{
    private static readonly double[] Percentiles = [.. Enumerable.Range(1, 99).Select(i => (double)i), 99.5, 99.9, 100];

    /// <summary>Latency (ms) at each percentile, per endpoint; the thresholds' p() limits as horizontal lines.</summary>
    public static byte[] LatencyPercentilesPng(IReadOnlyList<JudgedLoad> loads)
    {
        var plot = new ScottPlot.Plot();
        foreach (var l in loads)
        {
            var r = l.Run.Result;
            if (r.Responses == 0) continue;
            var ys = Percentiles.Select(p => p >= 100 ? r.MaxMs : r.PercentileMs(p)).ToArray();
            var s = plot.Add.Scatter(Percentiles, ys);
            s.LegendText = $"{l.Run.Plan.Endpoint} ({l.Run.Engine})";
            s.MarkerSize = 0;
            foreach (var t in l.Thresholds.Where(t => t.Metric == LoadMetric.Duration && t.Aggregation.StartsWith("p(", StringComparison.Ordinal)))
            {
                var line = plot.Add.HorizontalLine(t.Value);
                line.LineColor = s.Color;
                line.LinePattern = ScottPlot.LinePattern.Dashed;
                line.LabelText = $"{l.Run.Plan.Endpoint} {t.Source}";
            }
        }
        plot.Title("Response time by percentile (dashed: thresholds)");
        plot.XLabel("percentile");
        plot.YLabel("ms");
        plot.ShowLegend();
        return plot.GetImageBytes(900, 480, ScottPlot.ImageFormat.Png);
    }

    /// <summary>Requests completed per second of the run, per endpoint.</summary>
    public static byte[] ThroughputPng(IReadOnlyList<JudgedLoad> loads)
    {
        var plot = new ScottPlot.Plot();
        foreach (var l in loads)
        {
            var ps = l.Run.Result.PerSecond;
            if (ps.Count == 0) continue;
            var xs = ps.Keys.Select(k => (double)k).ToArray();
            var s = plot.Add.Scatter(xs, ps.Values.Select(v => (double)v).ToArray());
            s.LegendText = $"{l.Run.Plan.Endpoint} ({l.Run.Engine})";
        }
        plot.Title("Throughput over time");
        plot.XLabel("second of the run");
        plot.YLabel("responses per second");
        plot.ShowLegend();
        return plot.GetImageBytes(900, 420, ScottPlot.ImageFormat.Png);
    }
}

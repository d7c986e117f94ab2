namespace Acceptance.Support.Nomad;

/// <summary>A PNG timeline of the allocations of concurrent jobs (ScottPlot): one bar per job, from placement to finish, coloured by outcome.</summary>
public static class TrainingTimeline
{
    /// <summary>The PNG bytes.</summary>
    public static byte[] Png(IReadOnlyList<JobOutcome> outcomes)
    {
        var plot = new ScottPlot.Plot();
        for (var i = 0; i < outcomes.Count; i++)
        {
            var o = outcomes[i];
            var start = (o.Stages.Placed ?? o.Stages.Evaluated ?? TimeSpan.Zero).TotalSeconds;
            var end = (o.Stages.Finished ?? o.Stages.Running ?? o.Stages.Placed ?? TimeSpan.Zero).TotalSeconds;
            var bar = new ScottPlot.Bar
            {
                Position = i + 1, ValueBase = start, Value = Math.Max(end, start + 0.05),
                FillColor = o.Succeeded ? ScottPlot.Colors.SeaGreen : ScottPlot.Colors.Crimson,
                Orientation = ScottPlot.Orientation.Horizontal,
            };
            plot.Add.Bar(bar);
        }
        var ticks = outcomes.Select((o, i) => new ScottPlot.Tick(i + 1, $"{o.JobId[^8..]} {NodesOf(o)}")).ToArray();
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        plot.Title($"{outcomes.Count} concurrent training jobs: placed → finished (s after submission)");
        plot.XLabel("seconds after submission");
        return plot.GetImageBytes(900, Math.Max(240, 60 + 28 * outcomes.Count), ScottPlot.ImageFormat.Png);
    }

    private static string NodesOf(JobOutcome o) => string.Join(",", o.Allocations.Select(a => a.NodeName).Distinct());
}

using Acceptance.Support.Checks;

namespace Acceptance.Support.Docker;

/// <summary>ROLLBACK-1 rules: pure functions of what <see cref="ComposeRollbackDrill"/> observed.</summary>
public static class RollbackRules
{
    /// <summary>The broken deployment is seen as failed (the deploy fails, or the service is not healthy on it) within the deadline.</summary>
    public static Verdict FailureDetected(DrillMeasurement m, TimeSpan deadline) => Verdict.When(m.Failure is not null,
        "a failed deployment is detected (ROLLBACK-1: the procedure starts from a detected failure)",
        $"deploying {m.Broken} fails visibly within {deadline.TotalSeconds:F0} s (thresholds.poll_timeout_seconds)",
        m.Failure is { } f ? $"detected after {m.TimeToDetect?.TotalSeconds:F1} s: {f}" : $"the service stayed healthy on {m.Broken}",
        $"deploying the broken version {m.Broken} was not detected as a failure: a broken deployment would go unnoticed");

    /// <summary>
    /// After the procedure the known-good version runs, healthy, and the marker written into its data volume before the failed
    /// deployment is still there (a rollback without -v keeps the data).
    /// </summary>
    public static Verdict Restored(DrillMeasurement m, ContainerFacts? container, string knownGoodImageSuffix, string? markerExpected, string? markerRead)
    {
        var shortfalls = new List<string>();
        if (container is null) shortfalls.Add("the service has no container after the rollback");
        else
        {
            if (!container.Image.EndsWith(":" + knownGoodImageSuffix, StringComparison.Ordinal))
                shortfalls.Add($"it runs {container.Image}, not the known-good version {m.KnownGood}");
            if (container.State != "running" || container.Health is not (null or "healthy"))
                shortfalls.Add($"it is {container.State}{(container.Health is { } h ? $", {h}" : "")}, not running and healthy");
            if (m.TimeToRestore is null) shortfalls.Add("it did not become healthy within the deadline");
        }
        if (markerExpected is not null && markerRead != markerExpected)
            shortfalls.Add(markerRead is null ? "the data written before the failed deployment is gone from the volume" : "the data in the volume changed");
        var observed = container is null ? "no container" :
            $"{container.Name} runs {container.Image}, {container.State}{(container.Health is { } hh ? $" ({hh})" : "")}; " +
            $"data marker {(markerRead == markerExpected ? "survived" : "lost")}; time to detect {Seconds(m.TimeToDetect)}, time to restore {Seconds(m.TimeToRestore)}";
        return Verdict.From("the rollback procedure (down; prune; up with the last known-good version) restores the known-good deployment with its data",
            $"{m.KnownGood} running and healthy again, the data in its volume kept", observed, shortfalls);
    }

    private static string Seconds(TimeSpan? t) => t is { } x ? $"{x.TotalSeconds:F1} s" : "not reached";
}

using Acceptance.Support.Checks;

namespace Acceptance.Support.Logs;

/// <summary>Log aggregation rules.</summary>
public static class LogRules
{
    /// <summary>The aggregator returns at least one line received within the window.</summary>
    public static Verdict RecentLines(RecentLogs logs) => Verdict.When(logs.Lines > 0, "logs of the platform reach the aggregator",
        $"at least one line for {logs.Query} in the last {logs.Window.TotalMinutes:F0} min", logs.ToString(), "no log line received in the window");
}

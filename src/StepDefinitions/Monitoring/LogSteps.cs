using FluentAssertions;
using Reqnroll;

namespace Acceptance.StepDefinitions.Monitoring;

/// <summary>Steps about log aggregation (not verified when the target declares no log endpoint).</summary>
[Binding]
public sealed class LogSteps(MonitoringServices monitoring)
{
    [Then("the log aggregator returns log lines received in the last 15 minutes")]
    public async Task ThenRecentLogLinesCanBeQueried()
    {
        var logs = await monitoring.Loki.RecentAsync(TimeSpan.FromMinutes(15));
        monitoring.Evidence.Note($"rule: the log aggregator returns at least one line from the last 15 min; observed: {logs}");
        logs.Lines.Should().BePositive("logs of the platform must reach the aggregator: {0}", logs);
    }
}

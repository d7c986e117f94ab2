using Acceptance.StepDefinitions.Infrastructure;
using Acceptance.Support.Logs;
using Reqnroll;

namespace Acceptance.StepDefinitions.Monitoring;

/// <summary>Steps about log aggregation (not verified when the target declares no log endpoint).</summary>
[Binding]
public sealed class LogSteps(ScenarioServices services, Checks checks)
{
    [Then("the log aggregator returns log lines received in the last 15 minutes")]
    public async Task ThenRecentLogLinesCanBeQueried() => checks.Assert(LogRules.RecentLines(await services.Loki.RecentAsync(TimeSpan.FromMinutes(15))));
}

using Acceptance.Reporting.Allure;
using Acceptance.Support.Evidence;
using Acceptance.Support.Lifecycle;
using Reqnroll;

namespace Acceptance.StepDefinitions.Infrastructure;

/// <summary>Run- and scenario-level hooks: evidence metadata and cleanup.</summary>
[Binding]
public sealed class Hooks
{
    /// <summary>Records the run's identity before any scenario.</summary>
    [BeforeTestRun]
    public static void BeforeTestRun()
    {
        RunFacts.Set("run.id", RunContext.RunId);
        RunFacts.Set("suite.git_sha", Environment.GetEnvironmentVariable("ACCEPTANCE_GIT_SHA") ?? "unknown");
        RunFacts.Set("run.started_utc", DateTime.UtcNow.ToString("u"));
        RunFacts.Set("run.read_only", Environment.GetEnvironmentVariable("ACCEPTANCE_READ_ONLY") == "1" ? "yes" : "no");
    }

    /// <summary>Writes environment.properties and executor.json after the last scenario.</summary>
    [AfterTestRun]
    public static void AfterTestRun()
    {
        RunFacts.Set("run.finished_utc", DateTime.UtcNow.ToString("u"));
        var writer = AllureResultsWriter.Shared;
        writer.WriteEnvironment(RunFacts.Snapshot());
        writer.WriteExecutor(RunContext.RunId);
    }

    /// <summary>Undoes what the scenario created, most recent first, even when it failed.</summary>
    [AfterScenario(Order = int.MaxValue)]
    public static Task CleanUp(CleanupStack cleanup) => cleanup.RunAsync();
}

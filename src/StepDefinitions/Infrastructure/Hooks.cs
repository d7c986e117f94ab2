using Acceptance.Reporting.Allure;
using System.Runtime.InteropServices;
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
        // The change ticket (--change, else the target's change.ticket) is in every report: the Allure environment too.
        var change = Environment.GetEnvironmentVariable("ACCEPTANCE_CHANGE") is { Length: > 0 } c ? c : RunContext.TryTarget?.Change.Ticket;
        RunFacts.Set("change.ticket", change ?? "(none)");
        Signals.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, OnInterrupt));
        Signals.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnInterrupt));
    }

    private static readonly List<PosixSignalRegistration> Signals = [];
    private static int _interrupted;

    /// <summary>
    /// SIGINT/SIGTERM (run-tests.sh forwards Ctrl-C to the test host): undo what every running scenario created, write those
    /// scenarios BROKEN ("interrupted") with their evidence so far, write the run's facts, and exit 130/143. Nothing the run
    /// created is left behind and nothing already collected is lost.
    /// </summary>
    private static void OnInterrupt(PosixSignalContext context)
    {
        context.Cancel = true;
        if (Interlocked.Exchange(ref _interrupted, 1) == 1) return;
        var signal = context.Signal == PosixSignal.SIGTERM ? "SIGTERM" : "SIGINT";
        Console.Error.WriteLine($"[interrupted] {signal}: undoing what the running scenarios created");
        foreach (var failure in CleanupStack.RunAllLive(TimeSpan.FromSeconds(60))) Console.Error.WriteLine($"[interrupted] cleanup: {failure}");
        var cut = AllureReqnrollListener.WriteInterrupted("interrupted: the run was stopped (Ctrl-C, SIGINT or SIGTERM) before this check finished; what it had created was removed");
        Console.Error.WriteLine($"[interrupted] {cut} running scenario(s) written as broken");
        RunFacts.Set("run.interrupted", signal);
        AfterTestRun();
        Environment.Exit(context.Signal == PosixSignal.SIGTERM ? 143 : 130);
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

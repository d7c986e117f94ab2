using Acceptance.StepDefinitions.Infrastructure;
using Acceptance.Support.Load;
using Reqnroll;

namespace Acceptance.StepDefinitions.Performance;

/// <summary>Per-scenario state of the performance steps.</summary>
public sealed class PerformanceState
{
    /// <summary>The judged load runs (after the load step).</summary>
    public IReadOnlyList<JudgedLoad>? Loads { get; set; }

    /// <summary>The load or soak window.</summary>
    public TimeSpan Window { get; set; }

    /// <summary>The judged runs, or why there are none.</summary>
    public IReadOnlyList<JudgedLoad> Judged => Loads ?? throw new InvalidOperationException("no load was run in this scenario");
}

/// <summary>Load tests, utilisation and exhaustion under load, and the storage benchmark (performance: in the target file).</summary>
[Binding]
public sealed class PerformanceSteps(ScenarioServices services, Checks checks, PerformanceState state)
{
    private LoadThresholds Thresholds => services.Target.Thresholds.Load;

    [Given("the target lists load profiles")]
    public void GivenLoadProfiles() => services.LoadTests.Plans();

    [When("each endpoint's load profile is run")]
    public async Task WhenTheLoadRuns() => (state.Loads, state.Window) = await services.LoadTests.RunAllTimedAsync();

    [When("the soak load runs for the soak window")]
    public async Task WhenTheSoakRuns() => state.Window = (await services.LoadTests.SoakAsync()).Window;

    [Then("every endpoint meets its load thresholds")]
    public void ThenThresholdsHold() => checks.Assert(LoadRules.ThresholdsHold(state.Judged));

    [Then("every node's CPU, memory, disk and network stay within the target's ranges")]
    public async Task ThenUtilisationWithinRanges() => checks.Assert(ResourceRules.UtilisationWithinRanges(
        await services.Resources.ReadAsync(ResourceProbe.UtilisationQueries(state.Window, services.Target.Performance.Filesystems)), Thresholds));

    [Then("no service's memory grows beyond the threshold, file descriptors stay under their limit and no disk is predicted full")]
    public async Task ThenNoLeaks() => checks.Assert(ResourceRules.NoLeaksOrExhaustion(
        await services.Resources.ReadAsync(ResourceProbe.ExhaustionQueries(state.Window, services.Target.Performance.Filesystems, Thresholds.DiskFullHorizonHours)), Thresholds));

    [Then("every data volume meets the storage thresholds in a bounded fio benchmark")]
    public async Task ThenStorageMeetsThresholds() => checks.Assert(FioRules.StorageMeetsThresholds(await services.Fio.RunAllAsync(), Thresholds));
}

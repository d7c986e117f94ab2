using Acceptance.StepDefinitions.Infrastructure;
using Acceptance.Support.Docker;
using Acceptance.Support.Lifecycle;
using Reqnroll;

namespace Acceptance.StepDefinitions.Deployment;

/// <summary>Per-scenario state of the rollback drill.</summary>
public sealed class RollbackDrillState
{
    /// <summary>The drill (created by its first step, removed by the cleanup stack).</summary>
    public ComposeRollbackDrill? Drill { get; set; }

    /// <summary>The drill, once started.</summary>
    public ComposeRollbackDrill Started => Drill ?? throw new InvalidOperationException("the rollback drill has not deployed its known-good version");
}

/// <summary>ROLLBACK-1: the seed's Emergency Rollback Procedure, run for real on a scratch copy of the compose project.</summary>
[Binding]
public sealed class RollbackSteps(ScenarioServices services, Checks checks, CleanupStack cleanup, RollbackDrillState state)
{
    [When("the rollback drill deploys the known-good version as a scratch copy of the compose project")]
    public async Task WhenTheDrillDeploysTheKnownGoodVersion() =>
        await (state.Drill = cleanup.Push(new ComposeRollbackDrill(services.Target.Docker, services.Docker, services.Evidence, services.Target.Thresholds.PollTimeout))).DeployKnownGoodAsync();

    [When("the rollback drill deploys a broken version of its service")]
    public Task WhenTheDrillDeploysABrokenVersion() => state.Started.DeployBrokenAsync();

    [Then("the failed deployment is detected within the poll deadline")]
    public void ThenTheFailedDeploymentIsDetected() => checks.Assert(RollbackRules.FailureDetected(state.Started.Measurement, services.Target.Thresholds.PollTimeout));

    [When("the rollback procedure runs: down, system prune, up with the last known-good version")]
    public Task WhenTheRollbackProcedureRuns() => state.Started.RollBackAsync();

    [Then("the known-good version is running and healthy again with the data in its volume")]
    public async Task ThenTheKnownGoodVersionIsBack() => checks.Assert(await state.Started.RestoredVerdictAsync());
}

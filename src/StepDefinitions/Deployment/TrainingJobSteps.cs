using Acceptance.StepDefinitions.Infrastructure;
using Acceptance.Support.Lifecycle;
using Acceptance.Support.Nomad;
using Reqnroll;

namespace Acceptance.StepDefinitions.Deployment;

/// <summary>Per-scenario state of the ML training job steps.</summary>
public sealed class TrainingJobState
{
    /// <summary>The submitted training job.</summary>
    public SubmittedJob? Job { get; set; }

    /// <summary>The concurrent run.</summary>
    public ConcurrentRun? Concurrent { get; set; }

    /// <summary>The outcome of the broken version (job rollback).</summary>
    public JobOutcome? Broken { get; set; }

    /// <summary>The good version (job rollback).</summary>
    public long GoodVersion { get; set; }

    /// <summary>Time to detect the broken version, and to restore the good one.</summary>
    public TimeSpan Detect { get; set; }

    /// <summary>Time from the revert until the good version completed.</summary>
    public TimeSpan Restore { get; set; }

    /// <summary>The submitted job (after the submitting step).</summary>
    public SubmittedJob Submitted => Job ?? throw new InvalidOperationException("no training job was submitted in this scenario");
}

/// <summary>Steps that run real ML training jobs through Nomad (mutating: every job is run-scoped and purged afterwards).</summary>
[Binding]
public sealed class TrainingJobSteps(ScenarioServices services, Checks checks, CleanupStack cleanup, TrainingJobState state)
{
    private TrainingRun Run => new(services.Nomad, services.Target.Service("pushgateway") is null ? null : services.Pushgateway, cleanup, services.Evidence,
        services.Target.Thresholds.Training);

    private JobOutcome Outcome => state.Submitted.Outcome ?? throw new InvalidOperationException("the training job was not followed");

    [Then("every job template renders with the target's variables")]
    public async Task ThenEveryTemplateRenders() => checks.Assert(TrainingRules.TemplatesRender(await services.JobTemplatesProbe.RenderAllAsync()));

    [Then("every job template validates and plans without placement failures")]
    public async Task ThenEveryTemplateValidates() => checks.Assert(TrainingRules.TemplatesValid(await services.JobTemplatesProbe.CheckAllAsync()));

    [Then("every expected job is registered with the spec its template renders")]
    public async Task ThenEveryExpectedJobIsDeployed() =>
        checks.Assert(TrainingRules.JobsDeployed(services.Target.RequireListed(services.Target.Nomad.ExpectJobs, "services.nomad.expect_jobs"), await services.JobTemplatesProbe.DriftAllAsync()));

    [When("an ML training job is submitted with a run-scoped id")]
    public async Task WhenATrainingJobIsSubmitted() => state.Job = await Run.SubmitAndFollowAsync();

    [Then("the job appears in Nomad's allocations on a client node")]
    public void ThenTheJobIsAllocated() => checks.Assert(TrainingRules.JobAllocated(Outcome));

    [Then("the job runs to completion with exit code 0")]
    public void ThenTheJobCompletes() => checks.Assert(TrainingRules.JobCompleted(Outcome, services.Target.Thresholds.Training.JobTimeout));

    [Then("the run's epoch metrics reach Prometheus with the loss decreasing and the final accuracy reaching the threshold")]
    public Task ThenTheTrainingConverges() => checks.EventuallyAsync("the run's epoch metrics reach Prometheus",
        ct => TrainingRun.EpochsAsync(services.PrometheusProbe, state.Submitted, ct),
        e => TrainingRules.TrainingConverged(e, TrainingRun.EpochsOf(state.Submitted), services.Target.Thresholds.Training.MinAccuracy));

    [Then("the model artifact is written and its SHA-256 recorded")]
    public async Task ThenTheArtifactIsRecorded()
    {
        var (reported, local, sha) = await Run.ArtifactAsync(state.Submitted, services.NomadProbe);
        checks.Assert(TrainingRules.ArtifactRecorded(reported, local, sha));
    }

    [Then("the Grafana training panel shows the run's loss")]
    public Task ThenGrafanaShowsTheRun() => checks.EventuallyAsync("the Grafana training panel shows the run",
        ct => services.GrafanaProbe.PanelsReadingAsync(services.Target.RequireListed(services.Target.Expect.Dashboards, "expect.dashboards"), "ml_training_epoch_loss", TimeSpan.FromMinutes(5), ct),
        p => TrainingRules.GrafanaShowsRun(p, state.Submitted.RunId, "ml_training_epoch_loss"));

    [When("the target's number of concurrent ML training jobs is submitted at once")]
    public async Task WhenConcurrentJobsAreSubmitted() =>
        state.Concurrent = await Run.ConcurrentAsync(services.Target.Scale.ConcurrentJobs, services.Target.Scale.Deadline, services.NomadProbe);

    [Then("every concurrent job completes within the scale deadline, spread over the client nodes")]
    public void ThenEveryConcurrentJobCompletes() => checks.Assert(TrainingRules.ConcurrentJobsComplete(state.Concurrent!, services.Target.Scale));

    [When("a good version of an ML training job runs to completion")]
    public async Task WhenAGoodVersionRuns() => state.GoodVersion = (state.Job = await Run.SubmitAndFollowAsync()).Outcome!.Succeeded
        ? state.Submitted.Version : throw new Support.Outcomes.DeploymentDefectException($"the good version does not complete: {string.Join("; ", TrainingRules.Failures(Outcome, services.Target.Thresholds.Training.JobTimeout))}");

    [When("a broken version of the job is registered and its failed allocation is seen")]
    public async Task WhenABrokenVersionFails() => (state.Broken, state.Detect) = await Run.RegisterBrokenAsync(state.Submitted);

    [When("the job is reverted to the good version")]
    public async Task WhenTheJobIsReverted() => state.Restore = await Run.RevertAsync(state.Submitted, state.GoodVersion);

    [Then("the good version runs to completion again")]
    public void ThenTheGoodVersionRunsAgain() =>
        checks.Assert(TrainingRules.JobRolledBack(state.Broken!, Outcome, state.GoodVersion, state.Detect, state.Restore));
}

using System.Diagnostics;
using Acceptance.Support.Configuration;
using Acceptance.Support.Evidence;
using Acceptance.Support.Lifecycle;
using Acceptance.Support.Nomad;
using Acceptance.Support.Prometheus;
using Acceptance.Support.Pushgateway;
using FluentAssertions;

namespace Acceptance.TrainingJobs.Tests;

/// <summary>
/// Real ML training jobs on the sandbox's Nomad (the stand-in's docker driver on the real engine, or raw_exec), each proving
/// that its check turns red on its fault and holds without it: a diverging run (exit 1, loss rising), a missing image (driver
/// failure named), not enough resources (the dimension named, not a timeout), metrics never pushed, a node going down during
/// the run (allocation lost), a template with a syntax error (file:line) and a registered spec that drifted. Every job is
/// run-scoped and purged, its metric group and artifact removed, even when an assertion fails.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class TrainingJobFaultTests
{
    private TargetEnvironment _target = null!;
    private EvidenceLog _evidence = null!;
    private CleanupStack _cleanup = null!;
    private NomadClient _nomad = null!;
    private PushgatewayDriver _pushgateway = null!;
    private PrometheusClient _prometheus = null!;

    [SetUp]
    public void Connect()
    {
        if (!File.Exists(Repository.SandboxTarget)) Assert.Ignore("the sandbox is not up (no target file)");
        _target = TargetFileLoader.Load(Repository.SandboxTarget);
        if (_target.Service("nomad") is not NomadOptions { TrainingTemplate: not null }) Assert.Ignore("the sandbox's target names no training template");
        _evidence = new EvidenceLog();
        _cleanup = new CleanupStack(_evidence);
        _nomad = new NomadClient(_target, _evidence);
        _pushgateway = new PushgatewayDriver(_target, _evidence);
        _prometheus = new PrometheusClient(_target, _evidence);
    }

    [TearDown]
    public async Task CleanUp()
    {
        if (_cleanup is null) return;
        await _cleanup.RunAsync();
        await SandboxFault.ResetAsync();
        _nomad.Dispose();
        _pushgateway.Dispose();
        _prometheus.Dispose();
    }

    private TrainingRun Run => new(_nomad, _pushgateway, _cleanup, _evidence, _target.Thresholds.Training);

    private static TimeSpan Deadline => TimeSpan.FromSeconds(120);

    private Task<IReadOnlyList<EpochMetrics>> Epochs(SubmittedJob job) => TrainingRun.EpochsAsync(new PrometheusProbe(_prometheus, _evidence), job);

    private async Task<IReadOnlyList<EpochMetrics>> EpochsOnceScraped(SubmittedJob job)
    {
        // Prometheus scrapes Pushgateway every 2 s: wait (with a deadline) until the run's epochs are there.
        var sw = Stopwatch.StartNew();
        IReadOnlyList<EpochMetrics> epochs = [];
        while (sw.Elapsed < TimeSpan.FromSeconds(30) && (epochs = await Epochs(job)).Count < TrainingRun.EpochsOf(job)) await Task.Delay(1000);
        return epochs;
    }

    [Test]
    public async Task A_healthy_run_completes_trains_and_records_its_artifact()
    {
        var job = await Run.SubmitAndFollowAsync();

        TrainingRules.JobCompleted(job.Outcome!, Deadline).Holds.Should().BeTrue(TrainingRules.JobCompleted(job.Outcome!, Deadline).Sentence);
        TrainingRules.TrainingConverged(await EpochsOnceScraped(job), TrainingRun.EpochsOf(job), 0.8).Holds.Should().BeTrue();
        var (reported, local, sha) = await Run.ArtifactAsync(job, new NomadProbe(_nomad, _evidence));
        TrainingRules.ArtifactRecorded(reported, local, sha).Holds.Should().BeTrue();
    }

    [Test]
    public async Task A_diverging_run_exits_1_and_its_loss_does_not_decrease()
    {
        var job = await Run.SubmitAndFollowAsync(new Dictionary<string, string> { ["learning_rate"] = "-0.5" });

        var completed = TrainingRules.JobCompleted(job.Outcome!, Deadline);
        completed.Holds.Should().BeFalse();
        completed.Shortfalls.Single().Should().Contain("exit code 1");
        var converged = TrainingRules.TrainingConverged(await EpochsOnceScraped(job), TrainingRun.EpochsOf(job), 0.8);
        converged.Shortfalls.Should().Contain(s => s.StartsWith("the loss does not decrease"));
    }

    [Test]
    public async Task A_missing_image_is_a_driver_failure_that_names_the_image()
    {
        if (!File.ReadAllText(_target.Nomad.TrainingTemplate!).Contains("driver = \"docker\"")) Assert.Ignore("the training template runs raw_exec here (no engine)");
        var job = await Run.SubmitAndFollowAsync(new Dictionary<string, string> { ["trainer_version"] = "0.0.0-missing" });

        var v = TrainingRules.JobCompleted(job.Outcome!, Deadline);
        v.Shortfalls.Single().Should().Contain("Driver Failure").And.Contain("trainer:0.0.0-missing");
    }

    [Test]
    public async Task Not_enough_resources_names_the_exhausted_dimension_within_seconds_not_after_a_timeout()
    {
        var sw = Stopwatch.StartNew();
        var job = await Run.SubmitAndFollowAsync(new Dictionary<string, string> { ["memory"] = "999999" });

        sw.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30), "a placement failure is terminal for a single job");
        TrainingRules.JobCompleted(job.Outcome!, Deadline).Shortfalls.Single().Should().StartWith("not placed: group").And.Contain("memory exhausted");
        TrainingRules.JobAllocated(job.Outcome!).Holds.Should().BeFalse();
    }

    [Test]
    public async Task Metrics_never_pushed_fail_the_training_check_naming_it()
    {
        var job = await Run.SubmitAndFollowAsync(new Dictionary<string, string> { ["pushgateway"] = "http://127.0.0.1:9" });

        TrainingRules.JobCompleted(job.Outcome!, Deadline).Holds.Should().BeFalse("the job cannot report its run");
        await Task.Delay(TimeSpan.FromSeconds(4)); // two scrapes: nothing can arrive
        TrainingRules.TrainingConverged(await Epochs(job), TrainingRun.EpochsOf(job), 0.8).Shortfalls
            .Should().Equal("no epoch metric reached Prometheus: the training job never pushed its metrics");
    }

    [Test]
    public async Task A_node_going_down_during_the_run_loses_the_allocation()
    {
        var job = _cleanup.Push(await SubmittedJob.SubmitAsync(_nomad, _pushgateway, _evidence, _target.Nomad.TrainingTemplate!,
            new Dictionary<string, string> { ["epoch_delay"] = "0.5" }));
        var running = await job.FollowAsync(TimeSpan.FromSeconds(3));
        var node = running.Allocations.Should().ContainSingle().Which.NodeName;

        await using (await SandboxFault.OnAsync("nomad.node-down", node))
        {
            var outcome = await job.FollowAsync(TimeSpan.FromSeconds(60));
            TrainingRules.JobCompleted(outcome, Deadline).Shortfalls.Should().Contain(s => s.Contains($"on {node} lost"));
        }
    }

    [Test]
    public async Task A_template_with_a_syntax_error_is_named_with_its_file_and_line()
    {
        using var dir = new TempDir("templates");
        var broken = dir.File("broken.nomad.hcl", "job \"x\" {\n  type = \"batch\"\n  group \"g\" {\n    task \"t\" {\n      driver = \"raw_exec\"\n      config { command = \"/bin/true\" \n    }\n  }\n");

        var rendered = await new JobTemplates(_nomad, _evidence).RenderAsync(broken);

        rendered.Job.Should().BeNull();
        rendered.Error.Should().MatchRegex($@"^{System.Text.RegularExpressions.Regex.Escape(broken)}:\d+,\d+");
        TrainingRules.TemplatesRender([rendered]).Holds.Should().BeFalse();
    }

    [Test]
    public async Task A_registered_job_that_drifted_from_its_template_is_named_field_by_field()
    {
        var templates = new JobTemplates(_nomad, _evidence);
        var nightly = _target.Nomad.JobTemplates.FirstOrDefault(t => t.EndsWith("nightly.nomad.hcl", StringComparison.Ordinal));
        if (nightly is null || _target.Nomad.ExpectJobs.Count == 0) Assert.Ignore("the sandbox registers no nightly job here");

        (await templates.DriftAsync(await templates.RenderAsync(nightly))).Differences.Should().BeEmpty("the sandbox registered it from this template");
        var drifted = await templates.DriftAsync(await templates.RenderAsync(nightly, new Dictionary<string, string> { ["memory"] = "777" }));

        drifted.Differences.Should().ContainSingle(d => d.Contains("Resources.MemoryMB: template 777, registered"));
        TrainingRules.JobsDeployed([drifted.JobId], [drifted]).Holds.Should().BeFalse();
    }
}

using System.Text.Json.Nodes;
using Acceptance.Support.Nomad;
using Acceptance.TestSupport;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Nomad;

/// <summary>The ML training job rules: templates, drift, a job's end, training convergence, the artifact, scale and job rollback.</summary>
public sealed class TrainingRulesTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    private static AllocationFacts Alloc(string status, string node = "ml-worker-1", params TaskEventFacts[] events) =>
        new("a1", "acceptance-train-1.train[0]", "n1", node, status, "", events, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

    private static JobOutcome Outcome(params AllocationFacts[] allocs) =>
        new("acceptance-train-1", "complete", [], allocs, new JobStages(TimeSpan.FromSeconds(0.1), TimeSpan.FromSeconds(0.2), TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(3)), false, 1);

    [Test]
    public void A_completed_job_holds_and_each_way_a_job_fails_is_named_with_its_cause()
    {
        TrainingRules.JobCompleted(Outcome(Alloc("complete")), Deadline).Holds.Should().BeTrue();

        TrainingRules.JobCompleted(Outcome(Alloc("failed", events: new TaskEventFacts("trainer", "Terminated", "Exit Code: 1", 1, false))), Deadline)
            .Shortfalls.Single().Should().Contain("failed: trainer: Terminated (Exit Code: 1)").And.Contain("exit code 1");
        TrainingRules.JobCompleted(Outcome(Alloc("failed", events: new TaskEventFacts("trainer", "Driver Failure", "image 127.0.0.1:15443/ml-platform/trainer:0.0.0 not found: manifest unknown", null, true))), Deadline)
            .Shortfalls.Single().Should().Contain("Driver Failure").And.Contain("manifest unknown");
        TrainingRules.JobCompleted(Outcome(Alloc("lost", "ml-mgmt-1")), Deadline).Shortfalls.Single().Should().Contain("on ml-mgmt-1 lost");

        var unplaced = Outcome() with { PlacementFailures = ["group train: 2 nodes evaluated, memory exhausted on 2"] };
        var v = TrainingRules.JobCompleted(unplaced, Deadline);
        v.Shortfalls.Single().Should().Be("not placed: group train: 2 nodes evaluated, memory exhausted on 2", "not enough resources names the dimension, not a timeout");
        TrainingRules.JobAllocated(unplaced).Holds.Should().BeFalse();
        TrainingRules.JobAllocated(Outcome(Alloc("running"))).Holds.Should().BeTrue();
    }

    [Test]
    public void Placement_failures_name_the_exhausted_dimension_and_filtering_constraints()
    {
        var failed = JsonNode.Parse("""
            {"train":{"NodesEvaluated":2,"NodesFiltered":0,"NodesExhausted":2,"DimensionExhausted":{"memory":2},"ConstraintFiltered":null,"ClassExhausted":null},
             "gpu":{"NodesEvaluated":2,"NodesFiltered":2,"ConstraintFiltered":{"${attr.kernel.name} = windows":2},"DimensionExhausted":null}}
            """)!.AsObject();

        JobTemplates.PlacementFailures(failed).Should().Equal(
            "group train: 2 nodes evaluated, memory exhausted on 2",
            "group gpu: 2 nodes evaluated, constraint ${attr.kernel.name} = windows filtered 2");
        JobTemplates.PlacementFailures(null).Should().BeEmpty();
    }

    [Test]
    public void Training_that_converges_holds_and_divergence_missing_metrics_and_low_accuracy_fail()
    {
        var good = Enumerable.Range(1, 30).Select(e => new EpochMetrics(e, 0.7 / e, 0.5 + e * 0.015)).ToList();
        TrainingRules.TrainingConverged(good, 30, 0.8).Holds.Should().BeTrue();

        var diverging = Enumerable.Range(1, 30).Select(e => new EpochMetrics(e, 0.69 + e * 0.1, 0.3)).ToList();
        TrainingRules.TrainingConverged(diverging, 30, 0.8).Shortfalls.Should().Contain(s => s.StartsWith("the loss does not decrease"));
        TrainingRules.TrainingConverged([], 30, 0.8).Shortfalls.Should().Equal("no epoch metric reached Prometheus: the training job never pushed its metrics");
        TrainingRules.TrainingConverged(good.Take(10).ToList(), 30, 0.8).Shortfalls.Should().Contain("10 of 30 epochs reported");
        TrainingRules.TrainingConverged(good, 30, 0.99).Shortfalls.Should().Contain(s => s.Contains("< thresholds.training_min_accuracy (0.99)"));
    }

    [Test]
    public void The_artifact_holds_with_a_matching_hash_and_fails_when_missing_or_different()
    {
        var sha = new string('a', 64);
        TrainingRules.ArtifactRecorded(("/srv/training-data/r/model.json", sha), "/state/volumes/training-data/r/model.json", sha).Holds.Should().BeTrue();
        TrainingRules.ArtifactRecorded(("/srv/training-data/r/model.json", sha), null, null).Holds.Should().BeTrue("a remote volume: the job's own hash is recorded");
        TrainingRules.ArtifactRecorded(null, null, null).Holds.Should().BeFalse();
        TrainingRules.ArtifactRecorded(("/srv/r/model.json", sha), "/local/model.json", new string('b', 64)).Shortfalls.Single().Should().Contain("not the reported");
        SubmittedJob.ArtifactLine($"epoch 30/30 loss 0.1\nartifact: /srv/training-data/x/model.json sha256={sha}\n").Should().Be(("/srv/training-data/x/model.json", sha));
    }

    [Test]
    public void Concurrent_jobs_hold_when_all_complete_in_time_on_two_nodes_and_fail_naming_what_fell_short()
    {
        var scale = new ScaleOptions { ConcurrentJobs = 2, DeadlineSeconds = 30, MinNodes = 2 };
        var a = Outcome(Alloc("complete", "ml-worker-1"));
        var b = Outcome(Alloc("complete", "ml-mgmt-1")) with { JobId = "acceptance-train-2" };
        var run = new ConcurrentRun([a, b], TimeSpan.FromSeconds(8), [TimeSpan.FromSeconds(0.2), TimeSpan.FromSeconds(1.4)], 2);
        TrainingRules.ConcurrentJobsComplete(run, scale).Holds.Should().BeTrue();
        run.Percentile(95).Should().Be(TimeSpan.FromSeconds(1.4));

        var oneNode = run with { Outcomes = [a, a with { JobId = "acceptance-train-3" }] };
        TrainingRules.ConcurrentJobsComplete(oneNode, scale).Shortfalls.Should().ContainSingle(s => s.Contains("fewer than 2"));
        var slowAndOom = run with { Elapsed = TimeSpan.FromSeconds(45), Outcomes = [a, Outcome(Alloc("failed", events: new TaskEventFacts("trainer", "Terminated", "OOM Killed", 137, true)))] };
        TrainingRules.ConcurrentJobsComplete(slowAndOom, scale).Shortfalls.Should().Contain(s => s.Contains("OOM Killed")).And.Contain(s => s.Contains("> scale.deadline_seconds (30)"));
        TrainingRules.ConcurrentJobsComplete(run with { EligibleNodes = 1, Outcomes = [a, a] }, scale).Holds.Should().BeTrue("a one-node cluster cannot spread");
    }

    [Test]
    public void The_Grafana_training_panel_holds_when_it_returns_the_runs_series_and_fails_naming_the_panels_otherwise()
    {
        var query = new Acceptance.Support.Grafana.PanelQuery("ML Training Overview", 9, "Training loss per epoch (by run)", "A", "prometheus", "prometheus", "ml_training_epoch_loss", false);
        var withRun = new Acceptance.Support.Grafana.QueryOutcome(query, 200, 2, 40, null)
            { Series = [new Dictionary<string, string> { ["run_id"] = "acceptance-train-1", ["epoch"] = "1" }] };
        TrainingRules.GrafanaShowsRun([withRun], "acceptance-train-1", "ml_training_epoch_loss").Holds.Should().BeTrue();

        TrainingRules.GrafanaShowsRun([withRun with { Series = [] }], "acceptance-train-1", "ml_training_epoch_loss").Shortfalls.Single()
            .Should().Be("no panel returned a series with run_id=acceptance-train-1: panel 'Training loss per epoch (by run)' 0 series");
        TrainingRules.GrafanaShowsRun([], "acceptance-train-1", "ml_training_epoch_loss").Shortfalls.Single().Should().Contain("no panel of expect.dashboards reads");
    }

    [Test]
    public void A_job_rollback_holds_when_the_broken_version_failed_and_the_good_one_completes_again()
    {
        var broken = Outcome(Alloc("failed", events: new TaskEventFacts("trainer", "Driver Failure", "manifest unknown", null, true)));
        var good = Outcome(Alloc("complete"));
        TrainingRules.JobRolledBack(broken, good, 0, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)).Holds.Should().BeTrue();
        TrainingRules.JobRolledBack(good, good, 0, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)).Shortfalls.Should().Contain("the broken version completed: its failure could not be detected");
        TrainingRules.JobRolledBack(broken, broken, 0, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)).Shortfalls.Single().Should().StartWith("after the revert to version 0:");
    }

    [Test]
    public void Drift_names_each_field_that_differs_and_ignores_what_the_server_adds()
    {
        var template = JsonNode.Parse("""
            {"ID":"ml-training-nightly","Type":"batch","Datacenters":["dc1"],"Periodic":{"Spec":"0 2 * * *"},
             "TaskGroups":[{"Name":"train","Count":1,"Tasks":[{"Name":"trainer","Driver":"docker","Config":{"image":"r/ml-platform/trainer:1.1.0"},
               "Resources":{"CPU":200,"MemoryMB":128},"Env":{"A":"1"}}]}]}
            """)!.AsObject();
        var registered = template.DeepClone().AsObject();
        registered["ModifyIndex"] = 42;
        registered["Status"] = "running";
        JobSpecComparison.Differences(template, registered).Should().BeEmpty();

        registered["TaskGroups"]![0]!["Count"] = 3;
        registered["TaskGroups"]![0]!["Tasks"]![0]!["Config"]!["image"] = "r/ml-platform/trainer:1.0.0";
        registered["TaskGroups"]![0]!["Tasks"]![0]!["Resources"]!["MemoryMB"] = 64;
        JobSpecComparison.Differences(template, registered).Should().Equal(
            "TaskGroups[train].Count: template 1, registered 3",
            "TaskGroups[train].Tasks[trainer].Config.image: template \"r/ml-platform/trainer:1.1.0\", registered \"r/ml-platform/trainer:1.0.0\"",
            "TaskGroups[train].Tasks[trainer].Resources.MemoryMB: template 128, registered 64");
    }

    [Test]
    public void Templates_that_do_not_render_or_cannot_be_placed_are_named_with_their_file()
    {
        TrainingRules.TemplatesRender([new RenderedJob("/jobs/a.nomad.hcl", new JsonObject { ["ID"] = "a" }, null)]).Holds.Should().BeTrue();
        TrainingRules.TemplatesRender([new RenderedJob("/jobs/b.nomad.hcl", null, "/jobs/b.nomad.hcl:12,3-4: Unset variable \"image\"")])
            .Shortfalls.Single().Should().Be("b.nomad.hcl: /jobs/b.nomad.hcl:12,3-4: Unset variable \"image\"");
        TrainingRules.TemplatesValid([new JobCheck("/jobs/a.nomad.hcl", "a", [], ["group train: 2 nodes evaluated, cpu exhausted on 2"])])
            .Shortfalls.Single().Should().Be("a.nomad.hcl: cannot be placed: group train: 2 nodes evaluated, cpu exhausted on 2");
        TrainingRules.JobsDeployed(["ml-training-nightly", "ml-training-dispatch"], [new JobDrift("ml-training-nightly", true, []), new JobDrift("ml-training-dispatch", false, [])])
            .Shortfalls.Should().Equal("ml-training-dispatch: not registered in Nomad");
    }

    [Test]
    public void The_real_alloc_status_captures_read_as_failures_with_their_cause()
    {
        // fixtures-real nomad/: a dead task after a Driver Failure, and a Terminated event with exit code 137
        var driverFailure = SharedFixtures.RealText("nomad/alloc-status-cli-task-dead-driver-failure-1.1.3.txt");
        driverFailure.Should().Contain("Driver Failure");
        var o = Outcome(Alloc("failed", events: new TaskEventFacts("collector_api", "Driver Failure", "'port_map' cannot map group network ports, use 'ports' instead", null, true)));
        TrainingRules.JobCompleted(o, Deadline).Shortfalls.Single().Should().Contain("'port_map' cannot map group network ports");
    }
}

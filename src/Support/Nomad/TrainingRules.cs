using System.Globalization;
using Acceptance.Support.Checks;

namespace Acceptance.Support.Nomad;

/// <summary>One epoch's metrics as Prometheus returns them (from the run's Pushgateway group).</summary>
public sealed record EpochMetrics(int Epoch, double Loss, double? Accuracy);

/// <summary>What N concurrent training jobs did.</summary>
/// <param name="Outcomes">Each job's outcome.</param>
/// <param name="Elapsed">From the first submission until the last job finished (or the deadline).</param>
/// <param name="PlacementLatencies">Per job: submission until its allocation was placed.</param>
/// <param name="EligibleNodes">Client nodes that are ready and eligible.</param>
public sealed record ConcurrentRun(IReadOnlyList<JobOutcome> Outcomes, TimeSpan Elapsed, IReadOnlyList<TimeSpan> PlacementLatencies, int EligibleNodes)
{
    /// <summary>Jobs per minute completed.</summary>
    public double JobsPerMinute => Elapsed.TotalMinutes > 0 ? Outcomes.Count(o => o.Succeeded) / Elapsed.TotalMinutes : 0;

    /// <summary>The <paramref name="p"/>-th percentile of placement latency (nearest rank).</summary>
    public TimeSpan? Percentile(double p)
    {
        if (PlacementLatencies.Count == 0) return null;
        var sorted = PlacementLatencies.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}

/// <summary>Rules of the ML training job checks: pure functions of what the job driver, Nomad and Prometheus returned.</summary>
public static class TrainingRules
{
    /// <summary>APP-CM-2: every job template renders (parses) with the target's variables.</summary>
    public static Verdict TemplatesRender(IReadOnlyList<RenderedJob> rendered) => Verdict.From(
        "APP-CM-2: every job template (services.nomad.job_templates) renders with the target's variables (services.nomad.job_variables) through /v1/jobs/parse",
        $"{rendered.Count} templates render to a job", string.Join("; ", rendered.Select(r => r.Job is null ? $"{r.Name}: does not render" : $"{r.Name} → job {r.Id}")),
        rendered.Count == 0 ? ["no template was given: nothing to judge"] : rendered.Where(r => r.Job is null).Select(r => $"{r.Name}: {r.Error}"));

    /// <summary>APP-CM-4: every rendered template validates and plans without placement failures.</summary>
    public static Verdict TemplatesValid(IReadOnlyList<JobCheck> checks) => Verdict.From(
        "APP-CM-4: every job template validates (/v1/validate/job) and plans without placement failures (/v1/job/:id/plan)",
        "no validation error and no failed task-group allocation in the plan",
        string.Join("; ", checks.Select(c => $"{Path.GetFileName(c.Template)} ({c.JobId}): " +
            (c.ValidationErrors.Count + c.PlacementFailures.Count == 0 ? "valid, plans" : "problems"))),
        checks.Count == 0 ? ["no template was given: nothing to judge"]
            : checks.SelectMany(c => c.ValidationErrors.Select(e => $"{Path.GetFileName(c.Template)}: invalid: {e}")
                .Concat(c.PlacementFailures.Select(f => $"{Path.GetFileName(c.Template)}: cannot be placed: {f}"))));

    /// <summary>DEPLOY-AD-2: every expected job is registered and its spec equals its rendered template.</summary>
    public static Verdict JobsDeployed(IReadOnlyList<string> expected, IReadOnlyList<JobDrift> drifts)
    {
        var shortfalls = new List<string>();
        foreach (var id in expected)
        {
            var d = drifts.FirstOrDefault(x => x.JobId == id);
            if (d is null) shortfalls.Add($"{id}: no template in services.nomad.job_templates renders this job");
            else if (!d.Registered) shortfalls.Add($"{id}: not registered in Nomad");
            else shortfalls.AddRange(d.Differences.Select(diff => $"{id} drifted from its template: {diff}"));
        }
        return Verdict.From("DEPLOY-AD-2: the job templates are deployed: every job of services.nomad.expect_jobs is registered and equals its rendered template",
            $"[{string.Join(", ", expected)}] registered, spec equal to the template (image, count, resources, env, driver, schedule)",
            string.Join("; ", drifts.Where(d => expected.Contains(d.JobId)).Select(d => $"{d.JobId}: {(!d.Registered ? "not registered" : d.Differences.Count == 0 ? "registered, equal" : $"{d.Differences.Count} differences")}")),
            expected.Count == 0 ? ["services.nomad.expect_jobs is empty: nothing to judge"] : shortfalls);
    }

    /// <summary>DEPLOY-AD-3: the submitted test job was evaluated, placed, ran and completed with exit code 0.</summary>
    public static Verdict JobCompleted(JobOutcome o, TimeSpan deadline) => new(
        "DEPLOY-AD-3: a test job submitted to Nomad is evaluated, placed and runs to completion with exit code 0",
        $"{o.Expected} allocation(s) complete within {deadline.TotalSeconds:F0} s (thresholds.training_job_timeout_seconds)",
        $"job {o.JobId}: evaluation {o.EvalStatus}; {Describe(o)}; {o.Stages}", Failures(o, deadline)) { IsTerminal = true };

    /// <summary>PREVAL-MV-5: the job appears in Nomad's allocations, on a named node.</summary>
    public static Verdict JobAllocated(JobOutcome o) => Verdict.From(
        "PREVAL-MV-5: the submitted job appears in Nomad's allocations (GET /v1/job/:id/allocations), placed on a client node",
        "at least one allocation with a node", Describe(o),
        o.Allocations.Any(a => a.NodeName.Length > 0) ? []
            : [o.PlacementFailures.Count > 0 ? $"no allocation: {string.Join("; ", o.PlacementFailures)}" : $"no allocation after {o.Stages}"]);

    /// <summary>
    /// POSTVAL-FT-5: the training run reported every epoch; the loss decreased (last epoch below the first, and never rising
    /// above the first); the final accuracy reaches thresholds.training_min_accuracy.
    /// </summary>
    public static Verdict TrainingConverged(IReadOnlyList<EpochMetrics> epochs, int expectedEpochs, double minAccuracy)
    {
        var shortfalls = new List<string>();
        var ordered = epochs.OrderBy(e => e.Epoch).ToList();
        if (ordered.Count == 0) shortfalls.Add("no epoch metric reached Prometheus: the training job never pushed its metrics");
        else
        {
            if (ordered.Count < expectedEpochs) shortfalls.Add($"{ordered.Count} of {expectedEpochs} epochs reported");
            var first = ordered[0].Loss;
            var last = ordered[^1].Loss;
            if (!(last < first)) shortfalls.Add($"the loss does not decrease: epoch {ordered[0].Epoch} {F(first)}, epoch {ordered[^1].Epoch} {F(last)} (training diverges)");
            else if (ordered.FirstOrDefault(e => e.Loss > first * 1.5) is { } spike) shortfalls.Add($"the loss rises to {F(spike.Loss)} at epoch {spike.Epoch}, above the first epoch's {F(first)}");
            var acc = ordered[^1].Accuracy;
            if (acc is null) shortfalls.Add("no accuracy reported for the last epoch");
            else if (acc < minAccuracy) shortfalls.Add($"final accuracy {F(acc.Value)} < thresholds.training_min_accuracy ({F(minAccuracy)})");
        }
        var observed = ordered.Count == 0 ? "no epochs" :
            $"{ordered.Count} epochs; loss {F(ordered[0].Loss)} → {F(ordered[^1].Loss)}; final accuracy {(ordered[^1].Accuracy is { } a ? F(a) : "none")}";
        return Verdict.From("POSTVAL-FT-5: the ML training job trains: every epoch's metrics reach Prometheus, the loss decreases and the final accuracy reaches the threshold",
            $"{expectedEpochs} epochs, loss decreasing, final accuracy >= {F(minAccuracy)}", observed, shortfalls);
    }

    /// <summary>POSTVAL-FT-5: the model artifact was written and its SHA-256 is recorded (and matches the file when it can be read here).</summary>
    public static Verdict ArtifactRecorded((string Path, string Sha256)? reported, string? localPath, string? localSha256)
    {
        var shortfalls = new List<string>();
        if (reported is null) shortfalls.Add("the job reported no model artifact (no 'artifact: PATH sha256=HEX' line in its output)");
        else if (localSha256 is not null && localSha256 != reported.Value.Sha256)
            shortfalls.Add($"{localPath} hashes to {localSha256}, not the reported {reported.Value.Sha256}");
        var observed = reported is null ? "no artifact reported"
            : $"{reported.Value.Path} sha256={reported.Value.Sha256}" + (localSha256 is null ? " (the volume is not readable from here: the job's own hash is recorded)" : $"; {localPath} on the training-data volume hashes the same");
        return Verdict.From("POSTVAL-FT-5: the training job writes its model artifact to the training-data volume and its SHA-256 is recorded",
            "an artifact path and its SHA-256, equal to the file's", observed, shortfalls);
    }

    /// <summary>POSTVAL-FT-5: a Grafana panel of the expected dashboards that reads the epoch loss returns the run's series.</summary>
    public static Verdict GrafanaShowsRun(IReadOnlyList<Grafana.QueryOutcome> panels, string runId, string metric)
    {
        var shortfalls = new List<string>();
        if (panels.Count == 0) shortfalls.Add($"no panel of expect.dashboards reads {metric}: the training runs cannot be seen in Grafana");
        else if (!panels.Any(p => p.Series.Any(s => s.GetValueOrDefault("run_id") == runId)))
            shortfalls.Add($"no panel returned a series with run_id={runId}: " + string.Join("; ", panels.Select(p =>
                $"panel '{p.Query.Panel}' {(p.Error is { } e ? $"error {e}" : $"{p.Series.Count} series")}")));
        return Verdict.From($"POSTVAL-FT-5: the Grafana training panel (a panel of expect.dashboards reading {metric}) shows the new run",
            $"a series with run_id={runId}", string.Join("; ", panels.Select(p => $"panel '{p.Query.Panel}' of '{p.Query.Dashboard}': {p.Series.Count} series" +
                (p.Series.Any(s => s.GetValueOrDefault("run_id") == runId) ? $", the run's among them" : ""))), shortfalls);
    }

    /// <summary>
    /// NEXT-SCALE-1: N concurrent training jobs all complete within scale.deadline_seconds, none failed, lost or OOM-killed, spread
    /// over at least min(scale.min_nodes, eligible nodes) client nodes.
    /// </summary>
    public static Verdict ConcurrentJobsComplete(ConcurrentRun run, ScaleOptions scale)
    {
        var shortfalls = new List<string>();
        foreach (var o in run.Outcomes.Where(o => !o.Succeeded)) shortfalls.Add($"{o.JobId}: {string.Join("; ", Failures(o, scale.Deadline))}");
        if (run.Outcomes.Count < scale.ConcurrentJobs) shortfalls.Add($"{run.Outcomes.Count} of scale.concurrent_jobs ({scale.ConcurrentJobs}) were submitted");
        if (run.Elapsed > scale.Deadline) shortfalls.Add($"took {run.Elapsed.TotalSeconds:F1} s > scale.deadline_seconds ({scale.DeadlineSeconds})");
        var nodes = run.Outcomes.SelectMany(o => o.Allocations).Select(a => a.NodeName).Where(n => n.Length > 0).Distinct().Order(StringComparer.Ordinal).ToList();
        var needed = Math.Min(scale.MinNodes, Math.Max(1, run.EligibleNodes));
        if (nodes.Count < needed) shortfalls.Add($"allocations ran on {nodes.Count} node(s) [{string.Join(", ", nodes)}], fewer than {needed} (scale.min_nodes {scale.MinNodes}, {run.EligibleNodes} eligible)");
        var observed = $"{run.Outcomes.Count(o => o.Succeeded)} of {run.Outcomes.Count} complete in {run.Elapsed.TotalSeconds:F1} s on [{string.Join(", ", nodes)}]; " +
                       $"placement p50 {Sec(run.Percentile(50))}, p95 {Sec(run.Percentile(95))}; {run.JobsPerMinute:F1} jobs/min";
        return Verdict.From("NEXT-SCALE-1: multiple concurrent ML training jobs complete (scale.concurrent_jobs within scale.deadline_seconds)",
            $"{scale.ConcurrentJobs} jobs complete within {scale.DeadlineSeconds} s, none failed, lost or OOM-killed, on >= {needed} nodes", observed, shortfalls);
    }

    /// <summary>ROLLBACK-1 (Nomad): the broken version's failure was seen, and after the revert the good version runs to completion again.</summary>
    public static Verdict JobRolledBack(JobOutcome broken, JobOutcome reverted, long goodVersion, TimeSpan detect, TimeSpan restore)
    {
        var shortfalls = new List<string>();
        if (broken.Succeeded) shortfalls.Add("the broken version completed: its failure could not be detected");
        if (!reverted.Succeeded) shortfalls.Add($"after the revert to version {goodVersion}: {string.Join("; ", Failures(reverted, TimeSpan.Zero))}");
        return Verdict.From("ROLLBACK-1 (Nomad): a broken job version is reverted to the last good one (/v1/job/:id/revert) and runs again",
            $"the broken version fails visibly; version {goodVersion} runs to completion after the revert",
            $"broken: {Describe(broken)} (detected in {detect.TotalSeconds:F1} s); after revert: {Describe(reverted)} (restored in {restore.TotalSeconds:F1} s)", shortfalls);
    }

    /// <summary>Why a job did not complete, in words: placement failure with its dimension, the failing task event, lost, timeout.</summary>
    public static IReadOnlyList<string> Failures(JobOutcome o, TimeSpan deadline)
    {
        if (o.Succeeded) return [];
        var list = new List<string>();
        if (o.Allocations.Count == 0 && o.PlacementFailures.Count > 0) list.Add($"not placed: {string.Join("; ", o.PlacementFailures)}");
        foreach (var a in o.Allocations.Where(a => a.ClientStatus is "failed" or "lost"))
            list.Add(a.ClientStatus == "lost" ? $"{a.Name} on {a.NodeName} lost ({(a.DesiredDescription.Length > 0 ? a.DesiredDescription : "its node went down")})"
                : $"{a.Name} on {a.NodeName} failed: {a.FailingEvent?.ToString() ?? "no failing event recorded"}" +
                  (a.FailingEvent?.ExitCode is { } c ? $" (exit code {c})" : ""));
        if (list.Count == 0 && o.TimedOut) list.Add($"not complete within {deadline.TotalSeconds:F0} s: {Describe(o)}; {o.Stages}");
        if (list.Count == 0) list.Add($"{Describe(o)}");
        return list;
    }

    private static string Describe(JobOutcome o) => o.Allocations.Count == 0 ? "no allocation" : string.Join("; ", o.Allocations);

    private static string F(double d) => d.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Sec(TimeSpan? t) => t is { } x ? $"{x.TotalSeconds:F1} s" : "n/a";
}

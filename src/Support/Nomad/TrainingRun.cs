using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Acceptance.Support.Evidence;
using Acceptance.Support.Lifecycle;
using Acceptance.Support.Outcomes;
using Acceptance.Support.Prometheus;
using Acceptance.Support.Pushgateway;

namespace Acceptance.Support.Nomad;

/// <summary>
/// The ML training job checks' driver: submits run-scoped training jobs from services.nomad.training_template, follows them,
/// reads what they reported (Prometheus, logs, the artifact), runs N at once, and drives a job rollback. Every job it submits
/// goes onto the scenario's cleanup stack before it is followed.
/// </summary>
public sealed class TrainingRun(NomadClient nomad, PushgatewayDriver? pushgateway, CleanupStack cleanup, EvidenceLog evidence, TrainingThresholds thresholds)
{
    private IReadOnlyList<string>? _volumes;

    /// <summary>
    /// Submits a run-scoped job whose cleanup is on the stack before anything else happens; its artifact folder on every
    /// training-data host volume that is readable from here is removed with it.
    /// </summary>
    private async Task<SubmittedJob> SubmitAsync(IReadOnlyDictionary<string, string>? extra, CancellationToken ct)
    {
        var volumes = await TrainingVolumesAsync(ct);
        var job = cleanup.Push(await SubmittedJob.SubmitAsync(nomad, pushgateway, evidence, Template, extra, ct: ct));
        job.ArtifactFolders.AddRange(volumes.Select(v => Path.Combine(v, job.RunId)));
        return job;
    }

    /// <summary>The training-data host volume paths of the client nodes that exist on this machine (read once).</summary>
    private async Task<IReadOnlyList<string>> TrainingVolumesAsync(CancellationToken ct) =>
        _volumes ??= (await new NomadProbe(nomad, evidence).NodesAsync(ct)).SelectMany(n => n.HostVolumes)
            .Where(v => v.Name == "training-data" && Directory.Exists(v.Path)).Select(v => v.Path).Distinct().ToList();

    /// <summary>The training template (NOT VERIFIED when the target names none).</summary>
    public string Template => nomad.Endpoint.TrainingTemplate
        ?? throw new NotVerifiedException("The target does not set services.nomad.training_template: there is no ML training job to submit.");

    /// <summary>Submits one training job (cleanup registered) and follows it to a terminal state or the deadline.</summary>
    public async Task<SubmittedJob> SubmitAndFollowAsync(IReadOnlyDictionary<string, string>? extra = null, CancellationToken ct = default)
    {
        var job = await SubmitAsync(extra, ct);
        var outcome = await job.FollowAsync(thresholds.JobTimeout, ct: ct);
        evidence.AttachJson($"stage latencies of {job.JobId}", new
        {
            job = job.JobId, evaluated_s = outcome.Stages.Evaluated?.TotalSeconds, placed_s = outcome.Stages.Placed?.TotalSeconds,
            running_s = outcome.Stages.Running?.TotalSeconds, finished_s = outcome.Stages.Finished?.TotalSeconds,
        });
        Console.WriteLine($"[training job] {job.JobId}: {outcome.Stages}");
        return job;
    }

    /// <summary>The epochs the rendered job trains for (its --epochs argument; 0 when it does not say).</summary>
    public static int EpochsOf(SubmittedJob job)
    {
        var args = (job.Rendered.Job?["TaskGroups"] as JsonArray ?? []).SelectMany(g => g?["Tasks"] as JsonArray ?? [])
            .SelectMany(t => t?["Config"]?["args"] as JsonArray ?? []).Select(a => a?.ToString() ?? "").ToList();
        var i = args.IndexOf("--epochs");
        return i >= 0 && i + 1 < args.Count && int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;
    }

    /// <summary>The run's per-epoch loss and accuracy as Prometheus has them (pushed to Pushgateway by the job).</summary>
    public static async Task<IReadOnlyList<EpochMetrics>> EpochsAsync(PrometheusProbe prometheus, SubmittedJob job, CancellationToken ct = default)
    {
        var selector = $"{{job=\"{SubmittedJob.MetricsJob}\",run_id=\"{job.RunId}\"}}";
        var loss = await prometheus.QueryAsync("ml_training_epoch_loss" + selector, ct);
        var accuracy = (await prometheus.QueryAsync("ml_training_epoch_accuracy" + selector, ct))
            .Where(s => s.Labels.ContainsKey("epoch")).GroupBy(s => s.Labels["epoch"]).ToDictionary(g => g.Key, g => g.First().Value);
        return loss.Where(s => s.Labels.TryGetValue("epoch", out var e) && int.TryParse(e, out _))
            .Select(s => new EpochMetrics(int.Parse(s.Labels["epoch"], CultureInfo.InvariantCulture), s.Value,
                accuracy.TryGetValue(s.Labels["epoch"], out var a) ? a : null))
            .OrderBy(e => e.Epoch).ToList();
    }

    /// <summary>
    /// The artifact the job reported, and (when the training-data volume is readable from here) the file's own SHA-256; the run's
    /// artifact folder is registered for removal.
    /// </summary>
    public async Task<((string Path, string Sha256)? Reported, string? LocalPath, string? LocalSha256)> ArtifactAsync(SubmittedJob job, NomadProbe probe, CancellationToken ct = default)
    {
        var alloc = job.Outcome?.Allocations.FirstOrDefault() ?? throw new DeploymentDefectException($"job {job.JobId} has no allocation: no artifact to look for");
        var task = (job.Rendered.Job?["TaskGroups"]?[0]?["Tasks"]?[0]?["Name"])?.ToString() ?? "";
        var reported = SubmittedJob.ArtifactLine(await job.LogTailAsync(alloc, task, ct: ct));
        if (reported is null) return (null, null, null);
        string? local = File.Exists(reported.Value.Path) ? reported.Value.Path : null;
        if (local is null)
        {
            var node = (await probe.NodesAsync(ct)).FirstOrDefault(n => n.Id == alloc.NodeId || n.Name == alloc.NodeName);
            var volume = node?.HostVolumes.FirstOrDefault(v => v.Name == "training-data");
            const string mount = "/srv/training-data/";
            if (volume is not null && reported.Value.Path.StartsWith(mount, StringComparison.Ordinal))
            {
                var candidate = Path.Combine(volume.Path, reported.Value.Path[mount.Length..]);
                if (File.Exists(candidate)) local = candidate;
            }
        }
        if (local is null) return (reported, null, null);
        if (Path.GetDirectoryName(local) is { } dir && Path.GetFileName(dir) == job.RunId && !job.ArtifactFolders.Contains(dir)) job.ArtifactFolders.Add(dir);
        var sha = SubmittedJob.Sha256Of(local);
        RunFacts.Set($"training.artifact.{job.RunId}", $"{reported.Value.Path} sha256={sha}");
        return (reported, local, sha);
    }

    /// <summary>Submits <paramref name="count"/> training jobs at once and follows them all (blocked evaluations may wait for capacity).</summary>
    public async Task<ConcurrentRun> ConcurrentAsync(int count, TimeSpan deadline, NomadProbe probe, CancellationToken ct = default)
    {
        var eligible = (await probe.NodesAsync(ct)).Count(n => n.Status == "ready" && n.SchedulingEligibility == "eligible");
        var sw = Stopwatch.StartNew();
        await TrainingVolumesAsync(ct);
        var jobs = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => SubmitAsync(null, ct)));
        var outcomes = await Task.WhenAll(jobs.Select(j => j.FollowAsync(deadline - sw.Elapsed > TimeSpan.Zero ? deadline - sw.Elapsed : TimeSpan.Zero, placementFailureIsTerminal: false, ct)));
        var elapsed = sw.Elapsed;
        var run = new ConcurrentRun(outcomes, elapsed, outcomes.Select(o => o.Stages.Placed).OfType<TimeSpan>().ToList(), eligible);
        evidence.AttachJson("concurrent training jobs", new
        {
            jobs = count, elapsed_s = elapsed.TotalSeconds, placement_p50_s = run.Percentile(50)?.TotalSeconds, placement_p95_s = run.Percentile(95)?.TotalSeconds,
            jobs_per_minute = run.JobsPerMinute, outcomes = outcomes.Select(o => new { o.JobId, o.Succeeded, stages = o.Stages.ToString(), allocations = o.Allocations.Select(a => a.ToString()) }),
        });
        evidence.AttachBinary("allocation timeline", TrainingTimeline.Png(outcomes), "image/png", "png");
        Console.WriteLine($"[concurrent training] {count} jobs in {elapsed.TotalSeconds:F1} s; placement p50 {run.Percentile(50)?.TotalSeconds:F1} s p95 {run.Percentile(95)?.TotalSeconds:F1} s; {run.JobsPerMinute:F1} jobs/min");
        return run;
    }

    /// <summary>Registers a broken version of the job and follows it until its failure shows: the outcome and the time to detect it.</summary>
    public async Task<(JobOutcome Broken, TimeSpan Detect)> RegisterBrokenAsync(SubmittedJob job, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        await job.RegisterAsync(Broken(job.Rendered.Job!), ct);
        var outcome = await job.FollowAsync(thresholds.JobTimeout, ct: ct);
        evidence.Note($"job rollback: broken version {job.Version} {(outcome.Succeeded ? "completed (not detected)" : "failed")} after {sw.Elapsed.TotalSeconds:F1} s");
        return (outcome, sw.Elapsed);
    }

    /// <summary>Reverts the job to <paramref name="version"/> and follows it: the time until it completed (or the deadline).</summary>
    public async Task<TimeSpan> RevertAsync(SubmittedJob job, long version, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        await job.RevertAsync(version, ct);
        var outcome = await job.FollowAsync(thresholds.JobTimeout, ct: ct);
        evidence.AttachJson("job rollback measurement", new { job = job.JobId, reverted_to = version, now_version = job.Version, restored = outcome.Succeeded, time_to_restore_s = sw.Elapsed.TotalSeconds });
        return sw.Elapsed;
    }

    /// <summary>A copy of the job's spec that cannot succeed: a docker task's image gets a tag that does not exist; any other task runs /bin/false.</summary>
    public static JsonObject Broken(JsonObject spec)
    {
        var broken = spec.DeepClone().AsObject();
        foreach (var task in (broken["TaskGroups"] as JsonArray ?? []).SelectMany(g => g?["Tasks"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var config = task["Config"] as JsonObject ?? [];
            if (config["image"]?.ToString() is { } image)
                config["image"] = (image.LastIndexOf(':') > image.LastIndexOf('/') ? image[..image.LastIndexOf(':')] : image) + ":0.0.0-rollback-broken";
            else { config["command"] = "/bin/false"; config["args"] = new JsonArray(); }
            task["Config"] = config;
        }
        return broken;
    }
}

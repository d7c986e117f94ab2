using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Acceptance.Support.Evidence;
using Acceptance.Support.Http;
using Acceptance.Support.Outcomes;
using Acceptance.Support.Pushgateway;

namespace Acceptance.Support.Nomad;

/// <summary>One task event of an allocation.</summary>
public sealed record TaskEventFacts(string Task, string Type, string Message, long? ExitCode, bool FailsTask)
{
    /// <inheritdoc />
    public override string ToString() => $"{Task}: {Type}{(Message.Length > 0 ? $" ({Message})" : "")}";
}

/// <summary>One allocation of a submitted job.</summary>
public sealed record AllocationFacts(string Id, string Name, string NodeId, string NodeName, string ClientStatus, string DesiredDescription,
    IReadOnlyList<TaskEventFacts> Events, DateTimeOffset Created, DateTimeOffset Modified)
{
    /// <summary>complete, failed or lost.</summary>
    public bool Terminal => ClientStatus is "complete" or "failed" or "lost";

    /// <summary>The first task event that failed the task (Driver Failure, Terminated with a non-zero code, OOM), or null.</summary>
    public TaskEventFacts? FailingEvent => Events.FirstOrDefault(e => e.Type == "Driver Failure")
                                           ?? Events.LastOrDefault(e => e.Type == "Terminated" && (e.ExitCode is not (null or 0) || e.Message.Contains("OOM", StringComparison.Ordinal)))
                                           ?? Events.FirstOrDefault(e => e.FailsTask);

    /// <inheritdoc />
    public override string ToString() => $"{Name} on {NodeName}: {ClientStatus}" + (FailingEvent is { } f ? $" ({f})" : "");
}

/// <summary>When each stage of a job's life was first seen, from submission.</summary>
public sealed record JobStages(TimeSpan? Evaluated, TimeSpan? Placed, TimeSpan? Running, TimeSpan? Finished)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"evaluated {S(Evaluated)}, placed {S(Placed)}, running {S(Running)}, finished {S(Finished)}";

    private static string S(TimeSpan? t) => t is { } x ? $"+{x.TotalSeconds:F1} s" : "not reached";
}

/// <summary>How a submitted job ended (or where it stood at the deadline).</summary>
/// <param name="JobId">The run-scoped job ID.</param>
/// <param name="EvalStatus">The latest evaluation's status.</param>
/// <param name="PlacementFailures">FailedTGAllocs in words (empty: placed).</param>
/// <param name="Allocations">The allocations.</param>
/// <param name="Stages">Stage latencies.</param>
/// <param name="TimedOut">The deadline passed before a terminal state.</param>
/// <param name="Expected">Allocations the job should run (sum of the groups' counts).</param>
public sealed record JobOutcome(string JobId, string EvalStatus, IReadOnlyList<string> PlacementFailures, IReadOnlyList<AllocationFacts> Allocations,
    JobStages Stages, bool TimedOut, int Expected)
{
    /// <summary>Every expected allocation completed.</summary>
    public bool Succeeded => Allocations.Count(a => a.ClientStatus == "complete") >= Expected && Expected > 0;
}

/// <summary>
/// A run-scoped job submitted from a template and followed to a verdict the way Nomad's e2e framework does it (jobs3.Submit):
/// random ID, follow the evaluation, wait with a deadline, stop at once on a terminal state, dump allocations, evaluations and
/// task events on failure, and always clean up: disposal purges the job, deletes its Pushgateway group and removes its artifact.
/// </summary>
public sealed partial class SubmittedJob : IAsyncDisposable
{
    /// <summary>Prefix of every job ID the suite submits (the janitor's key).</summary>
    public const string IdPrefix = "acceptance-train-";

    /// <summary>The Pushgateway job name the suite's training runs push under.</summary>
    public const string MetricsJob = "acceptance-training";

    private readonly NomadClient _nomad;
    private readonly PushgatewayDriver? _pushgateway;
    private readonly EvidenceLog _evidence;
    private readonly Stopwatch _since = Stopwatch.StartNew();
    private int _disposed;

    private SubmittedJob(NomadClient nomad, PushgatewayDriver? pushgateway, EvidenceLog evidence, RenderedJob rendered, string runId)
    {
        _nomad = nomad;
        _pushgateway = pushgateway;
        _evidence = evidence;
        Rendered = rendered;
        RunId = runId;
    }

    /// <summary>The rendered job.</summary>
    public RenderedJob Rendered { get; }

    /// <summary>The run id (also the job ID's suffix and the Pushgateway group's run_id).</summary>
    public string RunId { get; }

    /// <summary>The job ID.</summary>
    public string JobId => Rendered.Id;

    /// <summary>The registered job version the suite knows of.</summary>
    public long Version { get; private set; }

    /// <summary>The latest outcome read.</summary>
    public JobOutcome? Outcome { get; private set; }

    /// <summary>The Pushgateway group of this run's metrics.</summary>
    public MetricGroup Metrics => new(MetricsJob, new Dictionary<string, string> { ["run_id"] = RunId });

    /// <summary>A new run id: acceptance-train-&lt;8 hex&gt;.</summary>
    public static string NewRunId() => IdPrefix + Guid.NewGuid().ToString("N")[..8];

    /// <summary>
    /// Renders <paramref name="template"/> with the run's variables (job_id, run_id, metrics_job and <paramref name="extra"/>) and registers it.
    /// NOT VERIFIED when the target names no training template; a template that does not render is a deployment defect.
    /// </summary>
    public static async Task<SubmittedJob> SubmitAsync(NomadClient nomad, PushgatewayDriver? pushgateway, EvidenceLog evidence, string template,
        IReadOnlyDictionary<string, string>? extra = null, string? runId = null, CancellationToken ct = default)
    {
        runId ??= NewRunId();
        var vars = new Dictionary<string, string> { ["job_id"] = runId, ["run_id"] = runId, ["metrics_job"] = MetricsJob };
        foreach (var (k, v) in extra ?? new Dictionary<string, string>()) vars[k] = v;
        var rendered = await new JobTemplates(nomad, evidence).RenderAsync(template, vars, ct);
        if (rendered.Job is null) throw new DeploymentDefectException($"the training template does not render: {rendered.Error}");
        var job = new SubmittedJob(nomad, pushgateway, evidence, rendered, runId);
        await job.RegisterAsync(rendered.Job, ct);
        return job;
    }

    /// <summary>Registers a job spec the suite built itself (no template), with a run-scoped <paramref name="runId"/> as its ID.</summary>
    public static async Task<SubmittedJob> SubmitSpecAsync(NomadClient nomad, EvidenceLog evidence, JsonObject job, string runId, CancellationToken ct = default)
    {
        job = (JsonObject)JsonNode.Parse(job.ToJsonString())!;   // as Nomad's parse API would give it (numbers read as any width)
        var submitted = new SubmittedJob(nomad, null, evidence, new RenderedJob("(built by the suite)", job, null), runId);
        await submitted.RegisterAsync(job, ct);
        return submitted;
    }

    /// <summary>
    /// The janitor's part: purges the suite's jobs with ID prefix <paramref name="prefix"/> (default acceptance-train-) submitted
    /// more than <paramref name="grace"/> ago by runs that were killed; returns their IDs.
    /// </summary>
    public static async Task<IReadOnlyList<string>> RemoveLeftoversAsync(NomadClient nomad, TimeSpan grace, CancellationToken ct = default, string prefix = IdPrefix)
    {
        var x = await nomad.GetInNamespaceAsync($"v1/jobs?prefix={prefix}", ct);
        if (!x.IsSuccess) throw ServiceResponseException.For(x);
        var removed = new List<string>();
        foreach (var j in (JsonNode.Parse(x.Body) as JsonArray ?? []).OfType<JsonObject>())
        {
            var id = j["ID"]?.ToString() ?? "";
            var submitted = j["SubmitTime"]?.GetValue<long>() is long ns and > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(ns / 1_000_000) : DateTimeOffset.MinValue;
            if (!id.StartsWith(prefix, StringComparison.Ordinal) || DateTimeOffset.UtcNow - submitted <= grace) continue;
            var d = await nomad.SendAsync(HttpMethod.Delete, $"v1/job/{Uri.EscapeDataString(id)}?purge=true", ct: ct);
            if (d.IsSuccess || d.StatusCode == 404) removed.Add($"Nomad job {id} (purged)");
        }
        return removed;
    }

    /// <summary>Registers (a new version of) the job: POST /v1/jobs.</summary>
    public async Task RegisterAsync(JsonObject spec, CancellationToken ct = default)
    {
        var x = await _nomad.SendAsync(HttpMethod.Post, "v1/jobs", new JsonObject { ["Job"] = spec.DeepClone() }, ct);
        if (!x.IsSuccess) throw ServiceResponseException.For(x);
        _since.Restart();
        Version = (await CurrentVersionAsync(ct)) ?? Version;
        _evidence.Note($"job {JobId} registered (version {Version}): eval {JsonNode.Parse(x.Body)?["EvalID"]}");
    }

    /// <summary>POST /v1/job/:id/revert to <paramref name="version"/>.</summary>
    public async Task RevertAsync(long version, CancellationToken ct = default)
    {
        var x = await _nomad.SendAsync(HttpMethod.Post, $"v1/job/{Uri.EscapeDataString(JobId)}/revert", new JsonObject { ["JobID"] = JobId, ["JobVersion"] = version }, ct);
        if (!x.IsSuccess) throw ServiceResponseException.For(x);
        _since.Restart();
        Version = (await CurrentVersionAsync(ct)) ?? Version;
        _evidence.Note($"job {JobId} reverted to version {version} (now version {Version})");
    }

    /// <summary>
    /// Follows the job until every expected allocation of the current version is terminal, a placement failure shows (when
    /// <paramref name="placementFailureIsTerminal"/>), or <paramref name="deadline"/> passes. Failures dump the allocations,
    /// evaluations and task events into the evidence.
    /// </summary>
    public async Task<JobOutcome> FollowAsync(TimeSpan deadline, bool placementFailureIsTerminal = true, CancellationToken ct = default)
    {
        TimeSpan? evaluated = null, placed = null, running = null, finished = null;
        var end = Stopwatch.StartNew();
        JobOutcome outcome;
        var expected = (Rendered.Job?["TaskGroups"] as JsonArray ?? []).Sum(g => (int)(g?["Count"]?.GetValue<long>() ?? 1));
        while (true)
        {
            var evals = await JsonAsync($"v1/job/{Uri.EscapeDataString(JobId)}/evaluations", ct) as JsonArray ?? [];
            var latest = evals.OfType<JsonObject>().OrderByDescending(e => e["CreateIndex"]?.GetValue<long>() ?? 0).FirstOrDefault();
            var failures = JobTemplates.PlacementFailures(evals.OfType<JsonObject>()
                .Select(e => e["FailedTGAllocs"] as JsonObject).FirstOrDefault(f => f is { Count: > 0 }));
            var allocs = (await JsonAsync($"v1/job/{Uri.EscapeDataString(JobId)}/allocations", ct) as JsonArray ?? []).OfType<JsonObject>()
                .Where(a => (a["JobVersion"]?.GetValue<long>() ?? Version) == Version).Select(Allocation).ToList();
            evaluated ??= latest?["Status"]?.ToString() is "complete" or "blocked" or "failed" ? _since.Elapsed : null;
            placed ??= allocs.Count > 0 ? _since.Elapsed : null;
            running ??= allocs.Any(a => a.ClientStatus is "running" || a.Terminal) ? _since.Elapsed : null;
            var done = allocs.Count(a => a.Terminal) >= expected && expected > 0;
            finished ??= done ? _since.Elapsed : null;
            outcome = new JobOutcome(JobId, latest?["Status"]?.ToString() ?? "none", failures, allocs, new JobStages(evaluated, placed, running, finished),
                false, expected);
            if (done || (placementFailureIsTerminal && failures.Count > 0 && allocs.Count == 0) || allocs.Any(a => a.ClientStatus is "failed" or "lost")) break;
            if (end.Elapsed >= deadline) { outcome = outcome with { TimedOut = true }; break; }
            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        }
        Outcome = outcome;
        _evidence.Note($"job {JobId} v{Version}: {outcome.Stages}; allocations: {string.Join("; ", outcome.Allocations)}");
        if (!outcome.Succeeded) await DumpAsync(ct);
        return outcome;
    }

    /// <summary>The last lines of a task's stdout (and stderr) from GET /v1/client/fs/logs.</summary>
    public async Task<string> LogTailAsync(AllocationFacts alloc, string task, int lines = 30, CancellationToken ct = default)
    {
        var text = new List<string>();
        foreach (var type in new[] { "stdout", "stderr" })
        {
            var x = await _nomad.GetInNamespaceAsync($"v1/client/fs/logs/{alloc.Id}?task={Uri.EscapeDataString(task)}&type={type}&plain=true&origin=end&offset=16384", ct);
            if (x.IsSuccess && x.Body.Trim().Length > 0)
                text.Add($"--- {type}\n" + string.Join('\n', x.Body.TrimEnd().Split('\n').TakeLast(lines)));
        }
        var tail = string.Join('\n', text);
        _evidence.AttachText($"log tail of {alloc.Name}", tail.Length > 0 ? tail : "(no output)");
        return tail;
    }

    /// <summary>"artifact: PATH sha256=HEX" from the training job's output, or null.</summary>
    public static (string Path, string Sha256)? ArtifactLine(string log) =>
        ArtifactPattern().Match(log) is { Success: true } m ? (m.Groups[1].Value, m.Groups[2].Value.ToLowerInvariant()) : null;

    /// <summary>SHA-256 of a file, hex.</summary>
    public static string Sha256Of(string path)
    {
        using var f = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(f));
    }

    /// <summary>Purges the job (DELETE ?purge=true), deletes its Pushgateway group and its artifact folders (<see cref="ArtifactFolders"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        var errors = new List<string>();
        try
        {
            // Stop first and wait until no allocation runs (a task that is still running would push its metrics again after the
            // group is deleted), then purge.
            var stop = await _nomad.SendAsync(HttpMethod.Delete, $"v1/job/{Uri.EscapeDataString(JobId)}");
            if (stop.IsSuccess) await WaitUntilNothingRunsAsync(TimeSpan.FromSeconds(30));
            var x = await _nomad.SendAsync(HttpMethod.Delete, $"v1/job/{Uri.EscapeDataString(JobId)}?purge=true");
            if (!x.IsSuccess && x.StatusCode != 404) errors.Add($"purge {JobId}: {x.StatusCode} {x.Body.Trim()}");
        }
        catch (Exception e) when (e is EnvironmentProblemException or ServiceResponseException or ServiceFaultException) { errors.Add(e.Message); }
        if (_pushgateway is not null)
        {
            try { await _pushgateway.DeleteAsync(Metrics); }
            catch (Exception e) when (e is EnvironmentProblemException or ServiceResponseException) { errors.Add(e.Message); }
        }
        foreach (var dir in ArtifactFolders)
            try { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
            catch (IOException e) { errors.Add($"remove {dir}: {e.Message}"); }
        if (errors.Count > 0) throw new EnvironmentProblemException($"cleanup of training job {JobId}: {string.Join("; ", errors)}");
    }

    private async Task WaitUntilNothingRunsAsync(TimeSpan deadline)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < deadline)
        {
            var allocs = await JsonAsync($"v1/job/{Uri.EscapeDataString(JobId)}/allocations", CancellationToken.None) as JsonArray ?? [];
            if (allocs.OfType<JsonObject>().All(a => a["ClientStatus"]?.ToString() is "complete" or "failed" or "lost")) return;
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
        _evidence.Note($"job {JobId}: allocations still running {deadline.TotalSeconds:F0} s after the stop; purging anyway");
    }

    /// <summary>Local folders holding this run's artifact (removed on disposal).</summary>
    public List<string> ArtifactFolders { get; } = [];

    /// <inheritdoc />
    public override string ToString() => $"purge Nomad job {JobId}, delete its Pushgateway group and artifact";

    private async Task<long?> CurrentVersionAsync(CancellationToken ct) =>
        (await JsonAsync($"v1/job/{Uri.EscapeDataString(JobId)}", ct))?["Version"]?.GetValue<long>();

    private async Task<JsonNode?> JsonAsync(string path, CancellationToken ct)
    {
        var x = await _nomad.GetInNamespaceAsync(path, ct);
        if (x.StatusCode == 404) return null;
        if (!x.IsSuccess) throw ServiceResponseException.For(x);
        return JsonNode.Parse(x.Body);
    }

    private async Task DumpAsync(CancellationToken ct)
    {
        foreach (var (name, path) in new[] { ("allocations", "allocations"), ("evaluations", "evaluations") })
            if (await JsonAsync($"v1/job/{Uri.EscapeDataString(JobId)}/{path}", ct) is { } n)
                _evidence.AttachText($"job {JobId} {name}", n.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }), "application/json", "json");
    }

    private static AllocationFacts Allocation(JsonObject a)
    {
        var events = new List<TaskEventFacts>();
        foreach (var (task, state) in a["TaskStates"] as JsonObject ?? [])
            foreach (var e in state?["Events"] as JsonArray ?? [])
            {
                var details = e?["Details"] as JsonObject;
                long? code = details?["exit_code"]?.ToString() is { } c && long.TryParse(c, out var l) ? l : e?["ExitCode"]?.GetValue<long>() is long ec && e?["Type"]?.ToString() == "Terminated" ? ec : null;
                var message = new[] { e?["DisplayMessage"]?.ToString(), e?["DriverError"]?.ToString(), e?["Message"]?.ToString() }.FirstOrDefault(s => s is { Length: > 0 }) ?? "";
                events.Add(new TaskEventFacts(task, e?["Type"]?.ToString() ?? "", message, code, e?["FailsTask"]?.GetValue<bool>() ?? false));
            }
        static DateTimeOffset Ns(JsonNode? n) => n?.GetValue<long>() is long ns and > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(ns / 1_000_000) : default;
        return new AllocationFacts(a["ID"]?.ToString() ?? "", a["Name"]?.ToString() ?? "", a["NodeID"]?.ToString() ?? "", a["NodeName"]?.ToString() ?? "",
            a["ClientStatus"]?.ToString() ?? "", a["DesiredDescription"]?.ToString() ?? "", events, Ns(a["CreateTime"]), Ns(a["ModifyTime"]));
    }

    [GeneratedRegex(@"artifact:\s+(\S+)\s+sha256=([0-9a-fA-F]{64})")]
    private static partial Regex ArtifactPattern();
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using StandIns.Core;

namespace StandIns.Nomad;

public sealed partial class NomadService
{
    private readonly object _lock = new();
    private readonly string _allocRoot;
    private long _index = 100;
    private readonly Dictionary<string, JobRecord> _jobs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Evaluation> _evals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Allocation> _allocs = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _shutdown = new();

    private sealed class JobRecord
    {
        public required JsonObject Spec;               // current version (canonical)
        public List<JsonObject> Versions = new();      // every version, oldest first
        public long CreateIndex, ModifyIndex, JobModifyIndex, SubmitTime;
        public string ID => Spec["ID"]!.GetValue<string>();
        public string Type => Spec["Type"]!.GetValue<string>();
        public bool Stop => Spec["Stop"].Bool();
        public bool IsPeriodic => Spec["Periodic"] is JsonObject;
        public bool IsParameterized => Spec["ParameterizedJob"] is JsonObject && !Spec["Dispatched"].Bool();
        public string ParentID => Spec["ParentID"]?.GetValue<string>() ?? "";
    }

    private sealed class Evaluation
    {
        public required string ID, JobID, Type, TriggeredBy;
        public string Status = "pending", StatusDescription = "", PreviousEval = "", NextEval = "", BlockedEval = "", NodeID = "";
        public int Priority = 50;
        public long JobModifyIndex, CreateIndex, ModifyIndex, SnapshotIndex, CreateTime, ModifyTime;
        public Dictionary<string, int> QueuedAllocations = new();
        public Dictionary<string, JsonObject>? FailedTGAllocs;
        public Dictionary<string, bool>? ClassEligibility;
    }

    private sealed class TaskEvent
    {
        public required string Type;
        public long Time = Http.UnixNanos(DateTimeOffset.UtcNow);
        public string Message = "", DisplayMessage = "", DriverError = "", KillReason = "";
        public int ExitCode, Signal;
        public bool FailsTask;
        public Dictionary<string, string> Details = new();
        public long KillTimeout;
    }

    private sealed class TaskState
    {
        public string State = "pending";
        public bool Failed;
        public int Restarts;
        public DateTimeOffset? StartedAt, FinishedAt;
        public List<TaskEvent> Events = new();
        public System.Diagnostics.Process? Process;
        public string? ContainerID;
    }

    private sealed class Allocation
    {
        public required string ID, EvalID, Name, JobID, TaskGroup, NodeID, NodeName, Dir;
        public required JsonObject Job;
        public string DesiredStatus = "run", DesiredDescription = "", ClientStatus = "pending", ClientDescription = "";
        public string PreviousAllocation = "", NextAllocation = "";
        public long CreateIndex, ModifyIndex, CreateTime, ModifyTime, AllocModifyIndex;
        public int Index;
        public Dictionary<string, TaskState> TaskStates = new();
        public bool StopRequested;
        public byte[]? Payload;
        public bool Terminal => ClientStatus is "complete" or "failed" or "lost";
    }

    private long Next() => Interlocked.Increment(ref _index);
    private static long NowNs() => Http.UnixNanos(DateTimeOffset.UtcNow);
    private static string NewId() => Guid.NewGuid().ToString();

    private int AllocCount() { lock (_lock) return _allocs.Values.Count(a => !a.Terminal); }

    private Dictionary<string, int> RunningAllocsByJob()
    {
        lock (_lock) return _allocs.Values.Where(a => a.ClientStatus == "running").GroupBy(a => a.JobID).ToDictionary(g => g.Key, g => g.Count());
    }

    private (long cpu, long mem) AllocatedOn(string nodeId)
    {
        lock (_lock)
        {
            long cpu = 0, mem = 0;
            foreach (var a in _allocs.Values.Where(a => a.NodeID == nodeId && !a.Terminal))
                foreach (var t in Group(a.Job, a.TaskGroup)?["Tasks"]?.AsArray() ?? new JsonArray())
                {
                    cpu += (t?["Resources"]?["CPU"]).Long(0);
                    mem += (t?["Resources"]?["MemoryMB"]).Long(0);
                }
            return (cpu, mem);
        }
    }

    private static JsonObject? Group(JsonObject job, string name) =>
        job["TaskGroups"]?.AsArray().OfType<JsonObject>().FirstOrDefault(g => g["Name"]?.GetValue<string>() == name);

    public void Dispose()
    {
        _shutdown.Cancel();
        lock (_lock)
            foreach (var a in _allocs.Values)
                foreach (var t in a.TaskStates.Values)
                    if (t.Process is { HasExited: false } p) ProcessTree.Kill(p.Id, TimeSpan.Zero);
        _docker.RemoveAllAsync().Wait(TimeSpan.FromSeconds(20));
        _docker.Dispose();
    }

    // ---------------------------------------------------------------- job routes

    private async Task JobRoutes(HttpContext ctx, string m, string id, string sub, string sub2)
    {
        switch (sub)
        {
            case "" when IsGet(m): Require(ctx, "namespace", "read-job"); await JobRead(ctx, id); return;
            case "" when m is "POST" or "PUT": Require(ctx, "namespace", "submit-job"); await Register(ctx, id); return;
            case "" when m == "DELETE": Require(ctx, "namespace", "submit-job"); await Deregister(ctx, id); return;
            case "versions" when IsGet(m): Require(ctx, "namespace", "read-job"); await Versions(ctx, id); return;
            case "allocations" when IsGet(m): Require(ctx, "namespace", "read-job"); await JobAllocations(ctx, id); return;
            case "evaluations" when IsGet(m): Require(ctx, "namespace", "read-job"); await JobEvaluations(ctx, id); return;
            case "summary" when IsGet(m): Require(ctx, "namespace", "read-job"); await JobSummaryRoute(ctx, id); return;
            case "plan" when m is "POST" or "PUT": Require(ctx, "namespace", "submit-job"); await Plan(ctx, id); return;
            case "revert" when m is "POST" or "PUT": Require(ctx, "namespace", "submit-job"); await Revert(ctx, id); return;
            case "dispatch" when m is "POST" or "PUT": Require(ctx, "namespace", "dispatch-job"); await Dispatch(ctx, id); return;
            case "periodic" when sub2 == "force" && m is "POST" or "PUT": Require(ctx, "namespace", "submit-job"); await PeriodicForce(ctx, id); return;
            case "evaluate" when m is "POST" or "PUT": Require(ctx, "namespace", "submit-job"); await Evaluate(ctx, id); return;
        }
        await NotFound(ctx);
    }

    private JobRecord GetJob(string id)
    {
        lock (_lock) return _jobs.TryGetValue(id, out var j) ? j : throw new HttpError(404, "job not found");
    }

    // ---------------------------------------------------------------- parse / validate

    private async Task Parse(HttpContext ctx)
    {
        var body = await Http.BodyJson(ctx) as JsonObject ?? throw new HttpError(400, "Request body is empty");
        var hcl = body["JobHCL"]?.GetValue<string>() ?? throw new HttpError(400, "Job spec is empty");
        JsonObject job;
        try
        {
            var trimmed = hcl.TrimStart();
            if (trimmed.StartsWith('{'))
            {
                // JSON jobspec: {"Job": {...}} or a bare API job
                var node = JsonNode.Parse(trimmed)!.AsObject();
                job = (node["Job"] as JsonObject ?? node).DeepClone().AsObject();
            }
            else job = JobSpec.FromHcl(hcl, body["Variables"]?.GetValue<string>());
        }
        catch (Exception e) when (e is HclException or JsonException or FormatException or InvalidOperationException)
        {
            throw new HttpError(400, e.Message);
        }
        if (body["Canonicalize"].Bool()) JobCanon.Canonicalize(job);
        await Http.Json(ctx, job);
    }

    private static JsonObject JobFromBody(JsonNode? body)
    {
        var job = (body as JsonObject)?["Job"] as JsonObject ?? throw new HttpError(400, "Job must be specified");
        return JobCanon.Canonicalize(job.DeepClone().AsObject());
    }

    private async Task ValidateJob(HttpContext ctx)
    {
        var job = JobFromBody(await Http.BodyJson(ctx));
        var errs = JobCanon.Validate(job);
        var warnings = Warnings(job);
        await Http.Json(ctx, new
        {
            DriverConfigValidated = errs.Count == 0,
            ValidationErrors = errs.Count == 0 ? null : errs,
            Warnings = warnings,
            Error = errs.Count == 0 ? "" : JobCanon.Multi(errs),
        });
    }

    private string Warnings(JsonObject job)
    {
        var missing = UnavailableDrivers(job).ToList();
        return missing.Count == 0 ? "" : JobCanon.Multi(missing.Select(d => $"Task driver \"{d}\" is not available on any client node in the sandbox (stand-in: raw_exec, and docker when the engine answers)").ToList()).Replace("error(s) occurred", "warning(s)");
    }

    private static IEnumerable<string> Drivers(JsonObject job) =>
        job["TaskGroups"]?.AsArray().OfType<JsonObject>().SelectMany(g => g["Tasks"]?.AsArray().OfType<JsonObject>() ?? []).Select(t => t["Driver"]?.ToString() ?? "") ?? [];

    private IEnumerable<string> UnavailableDrivers(JsonObject job) => Drivers(job).Where(d => d != "" && !DriverHealthy(d)).Distinct();

    // ---------------------------------------------------------------- register / versions

    private static string SpecHash(JsonObject spec)
    {
        var c = spec.DeepClone().AsObject();
        foreach (var k in new[] { "Version", "CreateIndex", "ModifyIndex", "JobModifyIndex", "SubmitTime", "Status", "StatusDescription", "Stable", "Stop" }) c.Remove(k);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(c.ToJsonString())));
    }

    private async Task Register(HttpContext ctx, string? pathId)
    {
        var body = await Http.BodyJson(ctx);
        var job = JobFromBody(body);
        if (pathId != null && job["ID"]?.ToString() != pathId) throw new HttpError(400, "Job ID does not match name");
        var errs = JobCanon.Validate(job);
        if (errs.Count > 0) throw new HttpError(400, JobCanon.Multi(errs));
        if (job["Namespace"]?.ToString() != "default") throw new HttpError(403, "Permission denied");
        RequireLeader();
        var enforce = ((body as JsonObject)?["EnforceIndex"]).Bool();
        var jmi = ((body as JsonObject)?["JobModifyIndex"]).Long(0);
        var (rec, eval) = Upsert(job, "job-register", enforce ? jmi : (long?)null);
        await Http.Json(ctx, new
        {
            EvalID = eval?.ID ?? "", EvalCreateIndex = eval?.CreateIndex ?? 0, JobModifyIndex = rec.JobModifyIndex,
            Warnings = Warnings(job), Index = rec.ModifyIndex, LastContact = 0, KnownLeader = true,
        });
    }

    /// <summary>Stores a new version (when the spec changed) and, for runnable jobs, creates an evaluation.</summary>
    private (JobRecord, Evaluation?) Upsert(JsonObject job, string trigger, long? enforceIndex)
    {
        lock (_lock)
        {
            var id = job["ID"]!.GetValue<string>();
            var now = NowNs();
            _jobs.TryGetValue(id, out var rec);
            if (enforceIndex is { } ei && (rec?.JobModifyIndex ?? 0) != ei)
                throw new HttpError(400, $"Enforcing job modify index {ei}: job exists with conflicting job modify index: {rec?.JobModifyIndex ?? 0}");
            var idx = Next();
            job["Stop"] = false;
            var changed = rec == null || rec.Stop || SpecHash(rec.Spec) != SpecHash(job);
            if (rec == null)
            {
                job["Version"] = 0;
                rec = new JobRecord { Spec = job, CreateIndex = idx };
                _jobs[id] = rec;
            }
            else if (changed)
            {
                job["Version"] = rec.Spec["Version"].Long() + 1;
                rec.Spec = job;
            }
            if (changed)
            {
                rec.JobModifyIndex = idx;
                rec.SubmitTime = now;
                job["SubmitTime"] = now;
                job["CreateIndex"] = rec.CreateIndex;
                job["JobModifyIndex"] = idx;
                job["ModifyIndex"] = idx;
                rec.Versions.Add(job.DeepClone().AsObject());
            }
            rec.ModifyIndex = idx;
            if (rec.IsPeriodic || rec.IsParameterized) return (rec, null);
            var eval = NewEval(rec, trigger);
            if (changed) Background.Run(() => ScheduleAsync(rec.ID, eval.ID), "ScheduleAsync");
            else { eval.Status = "complete"; eval.ModifyIndex = Next(); }
            return (rec, eval);
        }
    }

    private Evaluation NewEval(JobRecord rec, string trigger)
    {
        var idx = Next();
        var now = NowNs();
        var e = new Evaluation
        {
            ID = NewId(), JobID = rec.ID, Type = rec.Type, TriggeredBy = trigger, Priority = (int)(rec.Spec["Priority"].Long(50)),
            JobModifyIndex = rec.JobModifyIndex, CreateIndex = idx, ModifyIndex = idx, SnapshotIndex = idx, CreateTime = now, ModifyTime = now,
        };
        _evals[e.ID] = e;
        return e;
    }

    private async Task Versions(HttpContext ctx, string id)
    {
        var rec = GetJob(id);
        JsonArray versions;
        lock (_lock) versions = new JsonArray(rec.Versions.AsEnumerable().Reverse().Select(v => (JsonNode)Decorate(rec, v.DeepClone().AsObject(), current: false)).ToArray());
        await Http.Json(ctx, new JsonObject { ["Versions"] = versions, ["Diffs"] = Http.Flag(ctx, "diffs") ? new JsonArray() : null });
    }

    private async Task Revert(HttpContext ctx, string id)
    {
        var body = await Http.BodyJson(ctx) as JsonObject ?? throw new HttpError(400, "missing body");
        var version = body["JobVersion"] is null ? throw new HttpError(400, "missing JobVersion") : body["JobVersion"].Long();
        var rec = GetJob(id);
        RequireLeader();
        JsonObject spec;
        lock (_lock)
        {
            if (body["EnforcePriorVersion"] is JsonValue ev && ev.Long() != rec.Spec["Version"].Long())
                throw new HttpError(400, $"Current job has version {rec.Spec["Version"]}; enforcing version {ev}");
            if (version == rec.Spec["Version"].Long()) throw new HttpError(400, $"can't revert to current version");
            spec = rec.Versions.FirstOrDefault(v => v["Version"].Long() == version)?.DeepClone().AsObject()
                   ?? throw new HttpError(400, $"job {id} at version {version} not found");
        }
        var (r, eval) = Upsert(spec, "job-register", null);
        await Http.Json(ctx, new { EvalID = eval?.ID ?? "", EvalCreateIndex = eval?.CreateIndex ?? 0, JobModifyIndex = r.JobModifyIndex, Warnings = "", Index = r.ModifyIndex, LastContact = 0, KnownLeader = true });
    }

    private async Task Deregister(HttpContext ctx, string id)
    {
        var rec = GetJob(id);
        RequireLeader();
        var purge = Http.Flag(ctx, "purge");
        Evaluation eval;
        List<Allocation> toStop;
        lock (_lock)
        {
            var idx = Next();
            rec.Spec["Stop"] = true;
            rec.ModifyIndex = idx;
            rec.JobModifyIndex = idx;
            eval = NewEval(rec, "job-deregister");
            toStop = _allocs.Values.Where(a => a.JobID == id && !a.Terminal).ToList();
            foreach (var a in toStop) { a.DesiredStatus = "stop"; a.DesiredDescription = "alloc not needed due to job update"; a.StopRequested = true; a.ModifyIndex = Next(); }
            eval.Status = "complete";
            eval.ModifyIndex = Next();
            if (purge)
            {
                _jobs.Remove(id);
                foreach (var e in _evals.Values.Where(e => e.JobID == id && e.ID != eval.ID).ToList()) _evals.Remove(e.ID);
            }
        }
        foreach (var a in toStop) Background.Run(() => KillAllocAsync(a, "alloc not needed due to job update"), "KillAllocAsync");
        if (purge)
        {
            // allocations disappear from the API once their processes are gone (Nomad GCs them with the job)
            _ = Task.Run(async () =>
            {
                foreach (var a in toStop) await WaitTerminal(a, TimeSpan.FromSeconds(30));
                lock (_lock) foreach (var a in _allocs.Values.Where(a => a.JobID == id && a.Terminal).ToList()) _allocs.Remove(a.ID);
            });
        }
        await Http.Json(ctx, new { EvalID = eval.ID, EvalCreateIndex = eval.CreateIndex, JobModifyIndex = rec.JobModifyIndex, Index = eval.CreateIndex, LastContact = 0, KnownLeader = true });
    }

    private async Task Evaluate(HttpContext ctx, string id)
    {
        var rec = GetJob(id);
        RequireLeader();
        Evaluation e;
        lock (_lock) { e = NewEval(rec, "job-register"); }
        Background.Run(() => ScheduleAsync(rec.ID, e.ID), "ScheduleAsync");
        await Http.Json(ctx, new { EvalID = e.ID, EvalCreateIndex = e.CreateIndex, JobModifyIndex = rec.JobModifyIndex, Index = e.CreateIndex });
    }

    // ---------------------------------------------------------------- dispatch / periodic

    private async Task Dispatch(HttpContext ctx, string id)
    {
        var body = await Http.BodyJson(ctx) as JsonObject ?? new JsonObject();
        var parent = GetJob(id);
        RequireLeader();
        if (!parent.IsParameterized) throw new HttpError(400, $"Specified job \"{id}\" is not a parameterized job");
        if (parent.Stop) throw new HttpError(400, $"Job \"{id}\" is stopped");
        var pj = parent.Spec["ParameterizedJob"]!.AsObject();
        var payload = body["Payload"]?.GetValue<string>() is { Length: > 0 } p64 ? Convert.FromBase64String(p64) : null;
        var payloadMode = pj["Payload"]?.ToString() ?? "optional";
        if (payloadMode == "required" && payload == null) throw new HttpError(400, "Payload is not provided but required by parameterized job");
        if (payloadMode == "forbidden" && payload != null) throw new HttpError(400, "Payload provided but forbidden by parameterized job");
        var meta = body["Meta"] as JsonObject ?? new JsonObject();
        var required = pj["MetaRequired"]?.AsArray().Select(x => x!.ToString()).ToList() ?? new();
        var optional = pj["MetaOptional"]?.AsArray().Select(x => x!.ToString()).ToList() ?? new();
        var missing = required.Where(r => !meta.ContainsKey(r)).ToList();
        if (missing.Count > 0) throw new HttpError(400, $"Dispatch did not provide required meta keys: [{string.Join(" ", missing)}]");
        var unpermitted = meta.Select(kv => kv.Key).Where(k => !required.Contains(k) && !optional.Contains(k)).ToList();
        if (unpermitted.Count > 0) throw new HttpError(400, $"Dispatch provided unpermitted meta keys: [{string.Join(" ", unpermitted)}]");

        var child = parent.Spec.DeepClone().AsObject();
        var childId = $"{id}/dispatch-{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        child["ID"] = childId;
        child["Name"] = childId;
        child["ParentID"] = id;
        child["Dispatched"] = true;
        child["Payload"] = payload == null ? null : Convert.ToBase64String(payload);
        var childMeta = child["Meta"] as JsonObject ?? new JsonObject();
        foreach (var (k, v) in meta) childMeta[k] = v?.ToString();
        child["Meta"] = childMeta;
        child["Version"] = 0;
        var (rec, eval) = Upsert(child, "job-register", null);
        await Http.Json(ctx, new
        {
            Index = eval!.CreateIndex, JobCreateIndex = rec.CreateIndex, EvalCreateIndex = eval.CreateIndex, EvalID = eval.ID, DispatchedJobID = childId,
        });
    }

    private async Task PeriodicForce(HttpContext ctx, string id)
    {
        var parent = GetJob(id);
        RequireLeader();
        if (!parent.IsPeriodic) throw new HttpError(400, "can't force launch non-periodic job");
        var (_, eval) = LaunchPeriodic(parent);
        await Http.Json(ctx, new { EvalID = eval.ID, EvalCreateIndex = eval.CreateIndex, Index = eval.CreateIndex });
    }

    // ---------------------------------------------------------------- read endpoints

    private string JobStatus(JobRecord rec)
    {
        if (rec.Stop) return "dead";
        if (rec.IsPeriodic || rec.IsParameterized)
            return "running";
        var allocs = _allocs.Values.Where(a => a.JobID == rec.ID && a.Job["Version"].Long() == rec.Spec["Version"].Long()).ToList();
        var pendingEval = _evals.Values.Any(e => e.JobID == rec.ID && e.Status is "pending" or "blocked");
        if (allocs.Count == 0) return pendingEval ? "pending" : "dead";
        return allocs.Any(a => !a.Terminal) ? "running" : "dead";
    }

    private JsonObject Decorate(JobRecord rec, JsonObject spec, bool current = true)
    {
        if (current)
        {
            spec["Status"] = JobStatus(rec);
            spec["Stop"] = rec.Stop;
            spec["ModifyIndex"] = rec.ModifyIndex;
            spec["JobModifyIndex"] = rec.JobModifyIndex;
        }
        return spec;
    }

    private object Summary(JobRecord rec)
    {
        var groups = rec.Spec["TaskGroups"]?.AsArray().OfType<JsonObject>().Select(g => g["Name"]!.ToString()).ToList() ?? new();
        var allocs = _allocs.Values.Where(a => a.JobID == rec.ID).ToList();
        var children = _jobs.Values.Where(j => j.ParentID == rec.ID).Select(JobStatus).ToList();
        return new
        {
            JobID = rec.ID, Namespace = "default",
            Summary = groups.ToDictionary(g => g, g =>
            {
                var ga = allocs.Where(a => a.TaskGroup == g).ToList();
                return new
                {
                    Queued = _evals.Values.Where(e => e.JobID == rec.ID && e.Status == "blocked").Sum(e => e.QueuedAllocations.GetValueOrDefault(g)), Complete = ga.Count(a => a.ClientStatus == "complete"), Failed = ga.Count(a => a.ClientStatus == "failed"),
                    Running = ga.Count(a => a.ClientStatus == "running"), Starting = ga.Count(a => a.ClientStatus == "pending"),
                    Lost = ga.Count(a => a.ClientStatus == "lost"), Unknown = 0,
                };
            }),
            Children = new { Pending = children.Count(c => c == "pending"), Running = children.Count(c => c == "running"), Dead = children.Count(c => c == "dead") },
            CreateIndex = rec.CreateIndex, ModifyIndex = rec.ModifyIndex,
        };
    }

    private async Task JobRead(HttpContext ctx, string id)
    {
        var rec = GetJob(id);
        JsonObject spec;
        lock (_lock) spec = Decorate(rec, rec.Spec.DeepClone().AsObject());
        await Http.Json(ctx, spec);
    }

    private async Task JobSummaryRoute(HttpContext ctx, string id)
    {
        var rec = GetJob(id);
        object s;
        lock (_lock) s = Summary(rec);
        await Http.Json(ctx, s);
    }

    private async Task JobsList(HttpContext ctx)
    {
        var prefix = Http.Query(ctx, "prefix") ?? "";
        List<object> list;
        lock (_lock)
            list = _jobs.Values.Where(j => j.ID.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(j => j.ID, StringComparer.Ordinal).Select(j => (object)new
            {
                ID = j.ID, ParentID = j.ParentID, Name = j.Spec["Name"]?.ToString(), Namespace = "default",
                Datacenters = j.Spec["Datacenters"]?.DeepClone(), NodePool = j.Spec["NodePool"]?.ToString(), Multiregion = (object?)null,
                Type = j.Type, Priority = j.Spec["Priority"].Long(50), Periodic = j.IsPeriodic, ParameterizedJob = j.IsParameterized,
                Stop = j.Stop, Status = JobStatus(j), StatusDescription = "", JobSummary = Summary(j),
                CreateIndex = j.CreateIndex, ModifyIndex = j.ModifyIndex, JobModifyIndex = j.JobModifyIndex, SubmitTime = j.SubmitTime,
                Version = j.Spec["Version"].Long(0), Meta = j.Spec["Meta"]?.DeepClone(),
            }).ToList();
        await Http.Json(ctx, list);
    }

    private object EvalJson(Evaluation e, bool related = false) => new
    {
        ID = e.ID, Namespace = "default", Priority = e.Priority, Type = e.Type, TriggeredBy = e.TriggeredBy, JobID = e.JobID,
        JobModifyIndex = e.JobModifyIndex, NodeID = e.NodeID, NodeModifyIndex = 0, DeploymentID = "", Status = e.Status,
        StatusDescription = e.StatusDescription, Wait = 0, WaitUntil = (object?)null, NextEval = e.NextEval, PreviousEval = e.PreviousEval,
        BlockedEval = e.BlockedEval, RelatedEvals = related ? Array.Empty<object>() : null,
        FailedTGAllocs = e.FailedTGAllocs?.ToDictionary(kv => kv.Key, kv => kv.Value.DeepClone()), ClassEligibility = e.ClassEligibility,
        EscapedComputedClass = false, AnnotatePlan = false, QueuedAllocations = e.QueuedAllocations, LeaderACL = "",
        SnapshotIndex = e.SnapshotIndex, CreateIndex = e.CreateIndex, ModifyIndex = e.ModifyIndex, CreateTime = e.CreateTime, ModifyTime = e.ModifyTime,
    };

    private async Task JobEvaluations(HttpContext ctx, string id)
    {
        GetJob(id);
        List<object> list;
        lock (_lock) list = _evals.Values.Where(e => e.JobID == id).OrderByDescending(e => e.CreateIndex).Select(e => EvalJson(e)).ToList();
        await Http.Json(ctx, list);
    }

    private async Task EvalList(HttpContext ctx)
    {
        var job = Http.Query(ctx, "job");
        List<object> list;
        lock (_lock) list = _evals.Values.Where(e => job == null || e.JobID == job).OrderByDescending(e => e.CreateIndex).Select(e => EvalJson(e)).ToList();
        await Http.Json(ctx, list);
    }

    private async Task EvalRead(HttpContext ctx, string id, string sub)
    {
        object body;
        lock (_lock)
        {
            var e = _evals.TryGetValue(id, out var ev) ? ev : throw new HttpError(404, "eval not found");
            body = sub == "allocations"
                ? _allocs.Values.Where(a => a.EvalID == id).Select(AllocStub).ToList()
                : EvalJson(e, Http.Flag(ctx, "related"));
        }
        await Http.Json(ctx, body);
    }

    private static object EventJson(TaskEvent ev) => new
    {
        Type = ev.Type, Time = ev.Time, Message = ev.Message, DisplayMessage = ev.DisplayMessage, Details = ev.Details,
        FailsTask = ev.FailsTask, RestartReason = "", SetupError = "", DriverError = ev.DriverError, ExitCode = ev.ExitCode,
        Signal = ev.Signal, KillTimeout = ev.KillTimeout, KillError = "", KillReason = ev.KillReason, StartDelay = 0,
        DownloadError = "", ValidationError = "", DiskLimit = 0, FailedSibling = "", VaultError = "", TaskSignalReason = "",
        TaskSignal = "", DriverMessage = "", GenericSource = "",
    };

    private static object TaskStatesJson(Allocation a) => a.TaskStates.ToDictionary(kv => kv.Key, kv => (object)new
    {
        State = kv.Value.State, Failed = kv.Value.Failed, Restarts = kv.Value.Restarts, LastRestart = (string?)null,
        StartedAt = kv.Value.StartedAt is { } s ? Http.Rfc3339(s) : "0001-01-01T00:00:00Z",   // Go zero time, as Nomad emits
        FinishedAt = kv.Value.FinishedAt is { } f ? Http.Rfc3339(f) : "0001-01-01T00:00:00Z",
        Events = kv.Value.Events.Select(EventJson).ToArray(), TaskHandle = (object?)null,
    });

    private object AllocStub(Allocation a) => new
    {
        ID = a.ID, EvalID = a.EvalID, Name = a.Name, Namespace = "default", NodeID = a.NodeID, NodeName = a.NodeName,
        PreviousAllocation = a.PreviousAllocation, NextAllocation = a.NextAllocation, RescheduleTracker = (object?)null,
        JobID = a.JobID, JobType = a.Job["Type"]?.ToString(), JobVersion = a.Job["Version"].Long(0), TaskGroup = a.TaskGroup,
        DesiredStatus = a.DesiredStatus, DesiredDescription = a.DesiredDescription, ClientStatus = a.ClientStatus, ClientDescription = a.ClientDescription,
        TaskStates = TaskStatesJson(a), DeploymentStatus = (object?)null, FollowupEvalID = "",
        CreateIndex = a.CreateIndex, ModifyIndex = a.ModifyIndex, CreateTime = a.CreateTime, ModifyTime = a.ModifyTime,
    };

    private async Task JobAllocations(HttpContext ctx, string id)
    {
        lock (_lock) if (!_jobs.ContainsKey(id) && !_allocs.Values.Any(a => a.JobID == id)) throw new HttpError(404, "job not found");
        List<object> list;
        lock (_lock) list = _allocs.Values.Where(a => a.JobID == id).OrderBy(a => a.CreateIndex).Select(AllocStub).ToList();
        await Http.Json(ctx, list);
    }

    private async Task NodeAllocations(HttpContext ctx, string nodeId)
    {
        List<object> list;
        lock (_lock) list = _allocs.Values.Where(a => a.NodeID == nodeId || a.NodeName == nodeId).Select(a => (object)AllocFull(a)).ToList();
        await Http.Json(ctx, list);
    }

    private async Task AllocList(HttpContext ctx)
    {
        var prefix = Http.Query(ctx, "prefix") ?? "";
        List<object> list;
        lock (_lock) list = _allocs.Values.Where(a => a.ID.StartsWith(prefix)).OrderBy(a => a.CreateIndex).Select(AllocStub).ToList();
        await Http.Json(ctx, list);
    }

    private JsonObject AllocFull(Allocation a)
    {
        var o = JsonSerializer.SerializeToNode(AllocStub(a), Http.JsonOpts)!.AsObject();
        o["Job"] = a.Job.DeepClone();
        var tasks = Group(a.Job, a.TaskGroup)?["Tasks"]?.AsArray().OfType<JsonObject>().ToList() ?? new();
        o["AllocatedResources"] = new JsonObject
        {
            ["Tasks"] = new JsonObject(tasks.Select(t => KeyValuePair.Create(t["Name"]!.ToString(), (JsonNode?)new JsonObject
            {
                ["Cpu"] = new JsonObject { ["CpuShares"] = t["Resources"]?["CPU"]?.DeepClone() },
                ["Memory"] = new JsonObject { ["MemoryMB"] = t["Resources"]?["MemoryMB"]?.DeepClone() },
            }))),
            ["Shared"] = new JsonObject { ["DiskMB"] = Group(a.Job, a.TaskGroup)?["EphemeralDisk"]?["SizeMB"]?.DeepClone() },
        };
        o["AllocDir"] = a.Dir;
        return o;
    }

    private async Task AllocRead(HttpContext ctx, string id)
    {
        JsonObject o;
        lock (_lock)
        {
            var a = FindAlloc(id);
            o = AllocFull(a);
        }
        await Http.Json(ctx, o);
    }

    private Allocation FindAlloc(string id)
    {
        if (_allocs.TryGetValue(id, out var a)) return a;
        var matches = id.Length >= 8 ? _allocs.Values.Where(x => x.ID.StartsWith(id, StringComparison.Ordinal)).ToList() : new();
        return matches.Count == 1 ? matches[0] : throw new HttpError(404, $"alloc not found");
    }

    private async Task AllocStop(HttpContext ctx, string id)
    {
        Allocation a;
        long idx;
        lock (_lock)
        {
            a = FindAlloc(id);
            a.DesiredStatus = "stop";
            a.DesiredDescription = "alloc was stopped via the API";
            a.StopRequested = true;
            idx = Next();
        }
        Background.Run(() => KillAllocAsync(a, "alloc was stopped via the API"), "KillAllocAsync");
        await Http.Json(ctx, new { EvalID = NewId(), Index = idx });
    }

    // ---------------------------------------------------------------- plan

    private async Task Plan(HttpContext ctx, string id)
    {
        var body = await Http.BodyJson(ctx);
        var job = JobFromBody(body);
        var errs = JobCanon.Validate(job);
        if (errs.Count > 0) throw new HttpError(400, JobCanon.Multi(errs));
        JsonObject? old;
        long jmi;
        lock (_lock)
        {
            _jobs.TryGetValue(job["ID"]!.ToString(), out var rec);
            old = rec is { Stop: false } ? rec.Spec : null;
            jmi = rec?.JobModifyIndex ?? 0;
        }
        var diff = PlanDiff.Job(old, job);
        var failed = new Dictionary<string, object>();
        var desired = new Dictionary<string, object>();
        foreach (var g in job["TaskGroups"]!.AsArray().OfType<JsonObject>())
        {
            var name = g["Name"]!.ToString();
            var count = g["Count"].Long(1);
            var oldGroup = old == null ? null : Group(old, name);
            var groupChanged = oldGroup == null || SpecHashNode(oldGroup) != SpecHashNode(g);
            desired[name] = new
            {
                Ignore = groupChanged ? 0 : count, Place = oldGroup == null ? count : 0, Migrate = 0, Stop = 0, InPlaceUpdate = 0,
                DestructiveUpdate = oldGroup != null && groupChanged ? count : 0, Canary = 0, Preemptions = 0,
            };
            if (job["ParameterizedJob"] is not null || job["Periodic"] is not null) continue;
            // the scheduler's own feasibility/fit check, against the current allocations (minus this job's, which an
            // update replaces), without committing anything
            lock (_lock)
            {
                var planned = new Dictionary<string, (long cpu, long mem)>();
                var jobId = job["ID"]!.ToString();
                foreach (var a in _allocs.Values.Where(a => a.JobID == jobId && !a.Terminal && a.TaskGroup == name))
                {
                    var ask0 = GroupAsk(Group(a.Job, a.TaskGroup) ?? new JsonObject());
                    var p0 = planned.GetValueOrDefault(a.NodeID);
                    planned[a.NodeID] = (p0.cpu - ask0.cpu, p0.mem - ask0.mem);
                }
                var unplaced = 0;
                JsonObject? metric = null;
                for (var i = 0; i < count; i++)
                {
                    var (node, m) = SelectNode(job, g, planned);
                    if (node == null) { unplaced++; metric ??= m; continue; }
                    var ask = GroupAsk(g);
                    var p = planned.GetValueOrDefault(node.ID);
                    planned[node.ID] = (p.cpu + ask.cpu, p.mem + ask.mem);
                }
                if (metric != null)
                {
                    metric["CoalescedFailures"] = unplaced - 1;
                    failed[name] = metric;
                }
            }
        }
        var created = failed.Count == 0 ? null : new[]
        {
            new
            {
                ModifyIndex = 0, CreateIndex = 0, SnapshotIndex = 0, AnnotatePlan = false, EscapedComputedClass = false, NodeModifyIndex = 0, NodeID = "",
                JobModifyIndex = 0, JobID = job["ID"]!.ToString(), TriggeredBy = "job-register", Type = job["Type"]!.ToString(), Priority = 50, ID = NewId(),
                Status = "blocked", StatusDescription = "created to place remaining allocations", Wait = 0, NextEval = "", PreviousEval = NewId(), BlockedEval = "",
                FailedTGAllocs = (object?)null, ClassEligibility = new Dictionary<string, bool> { ["v1:standin"] = true },
            },
        };
        await Http.Json(ctx, new
        {
            Index = jmi, NextPeriodicLaunch = "0001-01-01T00:00:00Z", Warnings = Warnings(job), Diff = ((body as JsonObject)?["Diff"]).Bool(true) == false ? null : diff,
            CreatedEvals = created, JobModifyIndex = jmi, FailedTGAllocs = failed.Count == 0 ? null : failed,
            Annotations = new { DesiredTGUpdates = desired, PreemptedAllocs = (object?)null },
        });
    }

    private static string SpecHashNode(JsonNode n) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(n.ToJsonString())));
}

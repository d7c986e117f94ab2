using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using StandIns.Core;

namespace StandIns.Nomad;

public sealed partial class NomadService
{
    // ---------------------------------------------------------------- scheduler

    private async Task ScheduleAsync(string jobId, string evalId)
    {
        await Task.Delay(50);
        if (_shutdown.IsCancellationRequested) return;
        var toKill = new List<Allocation>();
        var toRun = new List<Allocation>();
        lock (_lock)
        {
            if (!_evals.TryGetValue(evalId, out var eval) || eval.Status is "complete" or "cancelled" or "failed") return;
            var reprocess = eval.Status == "blocked";
            if (!_jobs.TryGetValue(jobId, out var rec) || rec.Stop)
            {
                eval.Status = reprocess ? "cancelled" : "complete";
                eval.ModifyIndex = Next();
                return;
            }
            var version = rec.Spec["Version"].Long();
            foreach (var old in _allocs.Values.Where(a => a.JobID == jobId && !a.Terminal && !a.StopRequested && a.Job["Version"].Long() != version))
            {
                old.DesiredStatus = "stop";
                old.DesiredDescription = "alloc is being updated due to job update";
                old.StopRequested = true;
                old.ModifyIndex = Next();
                toKill.Add(old);
            }
            var payload = rec.Spec["Payload"]?.GetValue<string>() is { Length: > 0 } p ? Convert.FromBase64String(p) : null;
            var batch = rec.Type is "batch" or "sysbatch";
            var failed = new Dictionary<string, JsonObject>();
            var queued = new Dictionary<string, int>();
            var planned = new Dictionary<string, (long cpu, long mem)>();
            foreach (var g in rec.Spec["TaskGroups"]!.AsArray().OfType<JsonObject>())
            {
                var gname = g["Name"]!.ToString();
                var count = (int)(g["Count"].Long(1));
                // allocations that count towards the group: running ones, and for batch jobs also finished ones (a
                // batch alloc that completed is done); lost allocations are replaced.
                var current = _allocs.Values.Where(a => a.JobID == jobId && a.TaskGroup == gname && a.Job["Version"].Long() == version
                                                        && (batch ? a.ClientStatus != "lost" : !a.Terminal && !a.StopRequested)).ToList();
                var used = current.Select(a => a.Index).ToHashSet();
                var missing = Enumerable.Range(0, count).Where(i => !used.Contains(i)).ToList();
                var unplaced = 0;
                JsonObject? metric = null;
                foreach (var i in missing)
                {
                    var (node, m) = SelectNode(rec.Spec, g, planned);
                    if (node == null)
                    {
                        unplaced++;
                        metric ??= m;
                        continue;
                    }
                    var ask = GroupAsk(g);
                    var prev = planned.GetValueOrDefault(node.ID);
                    planned[node.ID] = (prev.cpu + ask.cpu, prev.mem + ask.mem);
                    var idx = Next();
                    var now = NowNs();
                    var id = NewId();
                    var a = new Allocation
                    {
                        ID = id, EvalID = evalId, Name = $"{jobId}.{gname}[{i}]", JobID = jobId, TaskGroup = gname, NodeID = node.ID, NodeName = node.Name,
                        Dir = Path.Combine(_allocRoot, id), Job = rec.Spec.DeepClone().AsObject(), Index = i, CreateIndex = idx, ModifyIndex = idx,
                        AllocModifyIndex = idx, CreateTime = now, ModifyTime = now, Payload = payload,
                    };
                    var previous = toKill.FirstOrDefault(o => o.TaskGroup == gname && o.Index == i)
                                   ?? _allocs.Values.Where(o => o.JobID == jobId && o.TaskGroup == gname && o.Index == i && o.ClientStatus == "lost" && o.NextAllocation == "")
                                                    .OrderByDescending(o => o.CreateIndex).FirstOrDefault();
                    if (previous != null)
                    {
                        a.PreviousAllocation = previous.ID;
                        previous.NextAllocation = id;
                        previous.ModifyIndex = idx;
                    }
                    foreach (var t in g["Tasks"]!.AsArray().OfType<JsonObject>())
                        a.TaskStates[t["Name"]!.ToString()] = new TaskState { Events = { new TaskEvent { Type = "Received", DisplayMessage = "Task received by client" } } };
                    _allocs[id] = a;
                    toRun.Add(a);
                }
                queued[gname] = unplaced;
                if (metric != null)
                {
                    metric["CoalescedFailures"] = unplaced - 1;
                    failed[gname] = metric;
                }
            }
            eval.QueuedAllocations = queued;
            if (failed.Count == 0)
            {
                eval.Status = "complete";
                eval.StatusDescription = "";
                eval.FailedTGAllocs = reprocess ? eval.FailedTGAllocs : null;
                eval.ModifyIndex = Next();
            }
            else if (reprocess)
            {
                // still no room: the blocked evaluation stays blocked (Nomad re-blocks it) with the current metrics
                eval.FailedTGAllocs = failed;
                if (toRun.Count > 0) eval.ModifyIndex = Next();
            }
            else
            {
                // as Nomad: the evaluation completes with FailedTGAllocs and a blocked evaluation holds the queued allocations
                foreach (var other in _evals.Values.Where(e => e.JobID == jobId && e.Status == "blocked"))
                {
                    other.Status = "cancelled";
                    other.StatusDescription = $"evaluation {evalId[..8]} successful";
                    other.ModifyIndex = Next();
                }
                var blocked = NewEval(rec, "queued-allocs");
                blocked.Status = "blocked";
                blocked.StatusDescription = "created to place remaining allocations";
                blocked.PreviousEval = evalId;
                blocked.FailedTGAllocs = failed;
                blocked.QueuedAllocations = new Dictionary<string, int>(queued);
                blocked.ClassEligibility = _nodes.ToDictionary(n => ComputedClass(n), _ => true);
                eval.FailedTGAllocs = failed;
                eval.BlockedEval = blocked.ID;
                eval.Status = "complete";
                eval.ModifyIndex = Next();
            }
        }
        foreach (var a in toKill) Background.Run(() => KillAllocAsync(a, "alloc is being updated due to job update"), "KillAllocAsync");
        foreach (var a in toRun) Background.Run(() => RunAllocAsync(a), "RunAllocAsync");
    }

    /// <summary>A group's resource ask: the sum of its tasks' Resources (Nomad defaults CPU 100, MemoryMB 300).</summary>
    private static (long cpu, long mem) GroupAsk(JsonObject g)
    {
        long cpu = 0, mem = 0;
        foreach (var t in g["Tasks"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            cpu += (t["Resources"]?["CPU"]).Long(100);
            mem += (t["Resources"]?["MemoryMB"]).Long(300);
        }
        return (cpu, mem);
    }

    private string ComputedClass(ClientNode n) => "v1:" + Math.Abs(SegmentOf(n).GetHashCode() % 100000000);

    /// <summary>
    /// Feasibility and fit as Nomad's scheduler checks them: ready and eligible nodes, task drivers detected and healthy
    /// (ConstraintFiltered "missing drivers"), free CPU and memory (capacity minus non-terminal allocations and this
    /// plan's placements; DimensionExhausted "cpu" or "memory"). Among the nodes that fit, the least loaded wins
    /// (spread). Returns the node, or null and the AllocationMetric of the failed placement.
    /// </summary>
    private (ClientNode? node, JsonObject metric) SelectNode(JsonObject job, JsonObject g, Dictionary<string, (long cpu, long mem)> planned)
    {
        var ask = GroupAsk(g);
        var (capCpu, capMem, _, _) = Capacity();
        var drivers = g["Tasks"]?.AsArray().OfType<JsonObject>().Select(t => t["Driver"]?.ToString() ?? "").Distinct().ToList() ?? new();
        var ready = _nodes.Where(n => NodeStatus(n) == "ready").ToList();
        int filtered = 0, exhausted = 0;
        var constraintFiltered = new Dictionary<string, int>();
        var dims = new Dictionary<string, int>();
        var fits = new List<(ClientNode n, double load)>();
        foreach (var n in ready)
        {
            if (drivers.Any(d => !DriverHealthy(d)))
            {
                filtered++;
                constraintFiltered["missing drivers"] = constraintFiltered.GetValueOrDefault("missing drivers") + 1;
                continue;
            }
            var (uc, um) = AllocatedOn(n.ID);
            var pl = planned.GetValueOrDefault(n.ID);
            long freeCpu = capCpu - uc - pl.cpu, freeMem = capMem - um - pl.mem;
            string? dim = freeCpu < ask.cpu ? "cpu" : freeMem < ask.mem ? "memory" : null;
            if (dim != null)
            {
                exhausted++;
                dims[dim] = dims.GetValueOrDefault(dim) + 1;
                continue;
            }
            var load = Math.Max((double)(uc + pl.cpu) / Math.Max(1, capCpu), (double)(um + pl.mem) / Math.Max(1, capMem));
            fits.Add((n, load));
        }
        var metric = new JsonObject
        {
            ["NodesEvaluated"] = ready.Count, ["NodesFiltered"] = filtered, ["NodesInPool"] = _nodes.Count,
            ["NodesAvailable"] = new JsonObject { [Dc] = ready.Count },
            ["ClassFiltered"] = null,
            ["ConstraintFiltered"] = constraintFiltered.Count == 0 ? null : new JsonObject(constraintFiltered.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
            ["NodesExhausted"] = exhausted, ["ClassExhausted"] = null,
            ["DimensionExhausted"] = dims.Count == 0 ? null : new JsonObject(dims.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
            ["QuotaExhausted"] = null, ["ResourcesExhausted"] = exhausted == 0 ? null : new JsonObject
            {
                [g["Tasks"]?.AsArray().OfType<JsonObject>().FirstOrDefault()?["Name"]?.ToString() ?? "task"] = new JsonObject { ["CPU"] = ask.cpu, ["MemoryMB"] = ask.mem, ["DiskMB"] = 0 },
            },
            ["Scores"] = null, ["ScoreMetaData"] = null, ["AllocationTime"] = 41_000, ["CoalescedFailures"] = 0,
        };
        _ = job;
        if (fits.Count == 0) return (null, metric);
        return (fits.OrderBy(f => f.load).ThenBy(f => _nodes.IndexOf(f.n)).First().n, metric);
    }

    private bool DriverHealthy(string driver) => driver switch
    {
        "raw_exec" => true,
        "docker" => _docker.Healthy,
        _ => false,
    };

    /// <summary>Re-processes blocked evaluations (capacity freed, a node came back, a fault was lifted).</summary>
    private void Unblock()
    {
        List<Evaluation> blocked;
        lock (_lock) blocked = _evals.Values.Where(e => e.Status == "blocked").ToList();
        foreach (var e in blocked) Background.Run(() => ScheduleAsync(e.JobID, e.ID), "ScheduleAsync(blocked)");
    }

    /// <summary>
    /// The clients' heartbeat, once a second: allocations on a node that is down become lost (their tasks are
    /// stopped) and get replacement evaluations; blocked evaluations are retried; the docker driver is re-fingerprinted.
    /// </summary>
    private async Task HeartbeatLoop()
    {
        var tick = 0;
        while (!_shutdown.IsCancellationRequested)
        {
            try { await Task.Delay(1000, _shutdown.Token); } catch (OperationCanceledException) { return; }
            if (tick++ % 5 == 0) await _docker.FingerprintAsync();
            var lost = new List<Allocation>();
            var evals = new List<Evaluation>();
            lock (_lock)
            {
                foreach (var n in _nodes.Where(n => NodeStatus(n) == "down"))
                {
                    var onNode = _allocs.Values.Where(a => a.NodeID == n.ID && !a.Terminal).ToList();
                    foreach (var a in onNode)
                    {
                        a.DesiredStatus = "stop";
                        a.DesiredDescription = "alloc is lost since its node is down";
                        a.ClientStatus = "lost";
                        a.ClientDescription = $"node {n.Name} is down (sandbox fault nomad.node-down)";
                        a.StopRequested = true;
                        foreach (var s in a.TaskStates.Values)
                            Event(a, s, new TaskEvent { Type = "Killing", KillReason = "alloc is lost since its node is down", Message = "alloc is lost since its node is down", DisplayMessage = $"Node {n.Name} is down: alloc is lost" });
                        a.ModifyIndex = Next();
                        lost.Add(a);
                    }
                    foreach (var jobId in onNode.Select(a => a.JobID).Distinct())
                        if (_jobs.TryGetValue(jobId, out var rec) && !rec.Stop)
                        {
                            var e = NewEval(rec, "node-update");
                            e.NodeID = n.ID;
                            evals.Add(e);
                        }
                }
            }
            foreach (var a in lost) Background.Run(() => KillAllocAsync(a, "alloc is lost since its node is down"), "KillAllocAsync(lost)");
            foreach (var e in evals) Background.Run(() => ScheduleAsync(e.JobID, e.ID), "ScheduleAsync(node-update)");
            Unblock();
        }
    }

    // ---------------------------------------------------------------- alloc runner

    private async Task RunAllocAsync(Allocation a)
    {
        if (_shutdown.IsCancellationRequested) return;
        List<JsonObject> tasks;
        lock (_lock) tasks = Group(a.Job, a.TaskGroup)!["Tasks"]!.AsArray().OfType<JsonObject>().ToList();
        Directory.CreateDirectory(Path.Combine(a.Dir, "alloc", "logs"));
        Directory.CreateDirectory(Path.Combine(a.Dir, "alloc", "data"));
        Directory.CreateDirectory(Path.Combine(a.Dir, "alloc", "tmp"));
        try
        {
            await Task.WhenAll(tasks.Select(t => RunTaskAsync(a, t)));
        }
        finally
        {
            lock (_lock)
            {
                if (a.ClientStatus != "lost")
                {
                    var failed = !a.StopRequested && a.TaskStates.Values.Any(s => s.Failed);
                    a.ClientStatus = failed ? "failed" : "complete";
                    a.ClientDescription = failed ? "Failed tasks" : "All tasks have completed";
                }
                a.ModifyIndex = Next();
                a.ModifyTime = NowNs();
            }
            Unblock();   // the allocation's resources are free again
        }
    }

    private void Event(Allocation a, TaskState s, TaskEvent e)
    {
        s.Events.Add(e);
        a.ModifyIndex = Next();
        a.ModifyTime = NowNs();
    }

    private static readonly string[] EnvDenylist = ["NOMAD_TOKEN", "CONSUL_HTTP_TOKEN", "CONSUL_TOKEN", "VAULT_TOKEN", "GRAFANA_TOKEN", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"];

    private async Task RunTaskAsync(Allocation a, JsonObject task)
    {
        var name = task["Name"]!.ToString();
        var driver = task["Driver"]!.ToString();
        var taskDir = Path.Combine(a.Dir, name);
        TaskState s;
        lock (_lock)
        {
            s = a.TaskStates[name];
            Event(a, s, new TaskEvent { Type = "Task Setup", Message = "Building Task Directory", DisplayMessage = "Building Task Directory" });
        }
        Directory.CreateDirectory(Path.Combine(taskDir, "local"));
        Directory.CreateDirectory(Path.Combine(taskDir, "secrets"));
        Directory.CreateDirectory(Path.Combine(taskDir, "tmp"));

        void Fail(string type, string msg)
        {
            lock (_lock)
            {
                Event(a, s, new TaskEvent { Type = type, DriverError = msg, Message = msg, DisplayMessage = msg, FailsTask = true });
                Event(a, s, new TaskEvent { Type = "Not Restarting", Message = "Error was unrecoverable", DisplayMessage = "Error was unrecoverable", FailsTask = true, Details = { ["fails_task"] = "true" } });
                s.State = "dead";
                s.Failed = true;
                s.FinishedAt = DateTimeOffset.UtcNow;
            }
        }

        if (driver is not ("raw_exec" or "docker"))
        {
            Fail("Driver Failure", $"driver {driver} is not available in the sandbox (stand-in runs raw_exec and docker tasks only)");
            return;
        }
        var isDocker = driver == "docker";

        // environment (Nomad's task environment, interpolated)
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry kv in Environment.GetEnvironmentVariables())
            if (!EnvDenylist.Contains((string)kv.Key) && !((string)kv.Key).StartsWith("NOMAD_", StringComparison.Ordinal)) env[(string)kv.Key] = (string)kv.Value!;
        var node = _nodes.First(n => n.ID == a.NodeID);
        var jobMeta = a.Job["Meta"] as JsonObject;
        var groupMeta = Group(a.Job, a.TaskGroup)?["Meta"] as JsonObject;
        var taskMeta = task["Meta"] as JsonObject;
        foreach (var meta in new[] { jobMeta, groupMeta, taskMeta })
            if (meta != null) foreach (var (k, v) in meta) env["NOMAD_META_" + k] = env["NOMAD_META_" + k.ToUpperInvariant()] = v?.ToString() ?? "";
        var nomadEnv = new Dictionary<string, string>
        {
            ["NOMAD_ALLOC_ID"] = a.ID, ["NOMAD_SHORT_ALLOC_ID"] = a.ID[..8], ["NOMAD_ALLOC_NAME"] = a.Name, ["NOMAD_ALLOC_INDEX"] = a.Index.ToString(),
            ["NOMAD_ALLOC_DIR"] = Path.Combine(a.Dir, "alloc"), ["NOMAD_TASK_DIR"] = Path.Combine(taskDir, "local"), ["NOMAD_SECRETS_DIR"] = Path.Combine(taskDir, "secrets"),
            ["NOMAD_TASK_NAME"] = name, ["NOMAD_GROUP_NAME"] = a.TaskGroup, ["NOMAD_JOB_ID"] = a.JobID, ["NOMAD_JOB_NAME"] = a.Job["Name"]?.ToString() ?? a.JobID,
            ["NOMAD_JOB_PARENT_ID"] = a.Job["ParentID"]?.ToString() ?? "", ["NOMAD_NAMESPACE"] = "default", ["NOMAD_REGION"] = Region, ["NOMAD_DC"] = Dc,
            ["NOMAD_CPU_LIMIT"] = task["Resources"]?["CPU"]?.ToString() ?? "100", ["NOMAD_MEMORY_LIMIT"] = task["Resources"]?["MemoryMB"]?.ToString() ?? "300",
            ["NOMAD_NODE_ID"] = node.ID, ["NOMAD_NODE_NAME"] = node.Name, ["NOMAD_NODE_POOL"] = "default", ["NOMAD_ADDR"] = $"https://{_host}:{_s.Options.Port}",
            ["TMPDIR"] = Path.Combine(taskDir, "tmp"),
        };
        if (isDocker)
        {
            // inside the container: the task's own environment only, with Nomad's container paths
            env.Clear();
            nomadEnv["NOMAD_ALLOC_DIR"] = "/alloc";
            nomadEnv["NOMAD_TASK_DIR"] = "/local";
            nomadEnv["NOMAD_SECRETS_DIR"] = "/secrets";
            nomadEnv.Remove("TMPDIR");
            foreach (var meta in new[] { jobMeta, groupMeta, taskMeta })
                if (meta != null) foreach (var (k, v) in meta) env["NOMAD_META_" + k] = env["NOMAD_META_" + k.ToUpperInvariant()] = v?.ToString() ?? "";
        }
        foreach (var (k, v) in nomadEnv) env[k] = v;
        var attrs = Attributes(node);
        string Interp(string input) => Regex.Replace(input, @"\$\{([^}]+)\}", m =>
        {
            var key = m.Groups[1].Value.Trim();
            if (env.TryGetValue(key, out var v)) return v;
            if (key.StartsWith("env.", StringComparison.Ordinal) && env.TryGetValue(key[4..], out v)) return v;
            if (key.StartsWith("attr.", StringComparison.Ordinal) && attrs.TryGetValue(key[5..], out v)) return v;
            if (key.StartsWith("meta.", StringComparison.Ordinal) && env.TryGetValue("NOMAD_META_" + key[5..], out v)) return v;
            if (key == "node.unique.name") return node.Name;
            if (key == "node.unique.id") return node.ID;
            if (key == "node.datacenter") return Dc;
            if (key == "node.region") return Region;
            return m.Value;
        });
        if (task["Env"] is JsonObject te) foreach (var (k, v) in te) env[k] = Interp(v?.ToString() ?? "");

        if (task["DispatchPayload"]?["File"]?.ToString() is { Length: > 0 } pf && a.Payload != null)
            await File.WriteAllBytesAsync(Path.Combine(taskDir, "local", pf), a.Payload);
        if (task["Templates"] is JsonArray templates)
            foreach (var t in templates.OfType<JsonObject>())
                if (t["DestPath"]?.ToString() is { Length: > 0 } dest)
                {
                    var p = Path.GetFullPath(Path.Combine(taskDir, dest));
                    if (!p.StartsWith(a.Dir, StringComparison.Ordinal)) continue;
                    Directory.CreateDirectory(Path.GetDirectoryName(p)!);
                    await File.WriteAllTextAsync(p, Interp(t["EmbeddedTmpl"]?.ToString() ?? ""));
                }

        if (isDocker)
        {
            await RunDockerTaskAsync(a, task, s, name, taskDir, env, Interp, Fail);
            return;
        }
        var command = Interp(task["Config"]?["command"]?.ToString() ?? "");
        var args = task["Config"]?["args"] is JsonArray ja ? ja.Select(x => Interp(x?.ToString() ?? "")).ToList() : new List<string>();
        if (_s.Fault("nomad.job-fails"))
        {
            command = "/bin/sh";
            args = ["-c", "echo 'sandbox fault nomad.job-fails: task forced to exit 1' >&2; exit 1"];
        }
        var psi = new ProcessStartInfo(command.Contains('/') && !Path.IsPathRooted(command) ? Path.Combine(taskDir, command) : command)
        {
            WorkingDirectory = taskDir, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        foreach (var x in args) psi.ArgumentList.Add(x);
        psi.Environment.Clear();
        foreach (var (k, v) in env) psi.Environment[k] = v;

        Process proc;
        lock (_lock)
        {
            if (a.StopRequested || _shutdown.IsCancellationRequested)
            {
                s.State = "dead";
                s.FinishedAt = DateTimeOffset.UtcNow;
                Event(a, s, new TaskEvent { Type = "Killed", Message = "Task successfully killed", DisplayMessage = "Task successfully killed" });
                return;
            }
            try { proc = Process.Start(psi)!; }
            catch (Exception e)
            {
                Fail("Driver Failure", $"failed to launch command with executor: rpc error: code = Unknown desc = {e.Message}"); // lock is re-entrant
                return;
            }
            proc.StandardInput.Close();
            s.Process = proc;
            s.State = "running";
            s.StartedAt = DateTimeOffset.UtcNow;
            Event(a, s, new TaskEvent { Type = "Started", Message = "", DisplayMessage = "Task started by client" });
            if (!a.Terminal) a.ClientStatus = "running";
        }
        var logs = Path.Combine(a.Dir, "alloc", "logs");
        var pumpOut = Pump(proc.StandardOutput.BaseStream, Path.Combine(logs, $"{name}.stdout.0"));
        var pumpErr = Pump(proc.StandardError.BaseStream, Path.Combine(logs, $"{name}.stderr.0"));
        await proc.WaitForExitAsync();
        await Task.WhenAll(pumpOut, pumpErr);
        lock (_lock)
        {
            var code = proc.ExitCode;
            s.Process = null;
            if (a.StopRequested)
                Event(a, s, new TaskEvent { Type = "Killed", Message = "Task successfully killed", DisplayMessage = "Task successfully killed" });
            else
            {
                Event(a, s, new TaskEvent
                {
                    Type = "Terminated", ExitCode = code, Message = $"Exit Code: {code}", DisplayMessage = $"Exit Code: {code}",
                    Details = { ["exit_code"] = code.ToString(), ["signal"] = "0", ["oom_killed"] = "false" },
                });
                if (code != 0)
                    Event(a, s, new TaskEvent { Type = "Not Restarting", Message = "Exceeded allowed attempts 0 in interval 0s and mode is \"fail\"", DisplayMessage = "Exceeded allowed attempts 0 in interval 0s and mode is \"fail\"", FailsTask = true });
            }
            s.State = "dead";
            s.Failed = !a.StopRequested && code != 0;
            s.FinishedAt = DateTimeOffset.UtcNow;
        }
        proc.Dispose();
    }

    private static async Task Pump(Stream from, string file)
    {
        await using var fs = new FileStream(file, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        var buf = new byte[8192];
        int n;
        while ((n = await from.ReadAsync(buf)) > 0)
        {
            await fs.WriteAsync(buf.AsMemory(0, n));
            await fs.FlushAsync();
        }
    }

    private async Task KillAllocAsync(Allocation a, string reason)
    {
        var waits = new List<Task>();
        lock (_lock)
        {
            var tasks = Group(a.Job, a.TaskGroup)?["Tasks"]?.AsArray().OfType<JsonObject>().ToList() ?? new();
            foreach (var (name, s) in a.TaskStates)
            {
                var kt = (tasks.FirstOrDefault(t => t["Name"]?.ToString() == name)?["KillTimeout"]).Long(5_000_000_000L);
                var grace = TimeSpan.FromTicks(Math.Min(kt, 30_000_000_000L) / 100);
                if (s.ContainerID is { } cid)
                {
                    Event(a, s, new TaskEvent { Type = "Killing", KillReason = reason, KillTimeout = kt, Message = $"Sent interrupt. Waiting {grace.TotalSeconds:0}s before force killing", DisplayMessage = $"Sent interrupt. Waiting {grace.TotalSeconds:0}s before force killing" });
                    waits.Add(StopContainerAsync(cid, grace));
                    continue;
                }
                if (s.Process is not { } p) continue;
                Event(a, s, new TaskEvent { Type = "Killing", KillReason = reason, KillTimeout = kt, Message = $"Sent interrupt. Waiting {grace.TotalSeconds:0}s before force killing", DisplayMessage = $"Sent interrupt. Waiting {grace.TotalSeconds:0}s before force killing" });
                var pid = p.Id;
                waits.Add(Task.Run(() => ProcessTree.Kill(pid, grace)));
            }
        }
        await Task.WhenAll(waits);
    }

    private async Task StopContainerAsync(string id, TimeSpan grace)
    {
        try { await _docker.Client().Containers.StopContainerAsync(id, new Docker.DotNet.Models.ContainerStopParameters { WaitBeforeKillSeconds = (uint)Math.Max(1, grace.TotalSeconds) }); }
        catch (Exception e) when (e is Docker.DotNet.DockerApiException or HttpRequestException or IOException) { }
    }

    private static async Task WaitTerminal(Allocation a, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (!a.Terminal && DateTime.UtcNow < until) await Task.Delay(100);
    }

    // ---------------------------------------------------------------- logs

    private async Task Logs(HttpContext ctx, string allocId)
    {
        Allocation a;
        string? task = Http.Query(ctx, "task");
        lock (_lock)
        {
            a = FindAlloc(allocId);
            if (string.IsNullOrEmpty(task) && a.TaskStates.Count == 1) task = a.TaskStates.Keys.First();
        }
        if (string.IsNullOrEmpty(task)) throw new HttpError(400, "must include task name");
        lock (_lock) if (!a.TaskStates.ContainsKey(task)) throw new HttpError(404, $"unknown task name \"{task}\"");
        var type = Http.Query(ctx, "type") ?? "";
        if (type is not ("stdout" or "stderr")) throw new HttpError(400, "must include log type (stdout or stderr)");
        var plain = Http.Flag(ctx, "plain");
        var follow = Http.Flag(ctx, "follow");
        var origin = Http.Query(ctx, "origin") ?? "start";
        long.TryParse(Http.Query(ctx, "offset"), out var offset);
        var rel = $"alloc/logs/{task}.{type}.0";
        var path = Path.Combine(a.Dir, "alloc", "logs", $"{task}.{type}.0");
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = plain ? "text/plain; charset=utf-8" : "application/json";
        long pos = 0;
        var first = true;
        var ct = ctx.RequestAborted;
        while (!ct.IsCancellationRequested)
        {
            var done = a.Terminal;
            if (File.Exists(path))
            {
                await using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                if (first) pos = origin == "end" ? Math.Max(0, fs.Length - offset) : Math.Min(offset, fs.Length);
                first = false;
                fs.Position = pos;
                var buf = new byte[64 * 1024];
                int n;
                while ((n = await fs.ReadAsync(buf, ct)) > 0)
                {
                    pos += n;
                    if (plain) await ctx.Response.Body.WriteAsync(buf.AsMemory(0, n), ct);
                    else await ctx.Response.WriteAsync(new JsonObject { ["File"] = rel, ["Offset"] = pos, ["Data"] = Convert.ToBase64String(buf, 0, n) }.ToJsonString(), ct);
                }
                await ctx.Response.Body.FlushAsync(ct);
            }
            if (!follow || done) break;
            try { await Task.Delay(250, ct); } catch (OperationCanceledException) { break; }
        }
    }
}

/// <summary>SIGTERM a process and its descendants, then SIGKILL what is left after the grace period.</summary>
public static class ProcessTree
{
    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    public static List<int> WithDescendants(int root)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var ppid = int.Parse(rest[1]);
                if (!children.TryGetValue(ppid, out var l)) children[ppid] = l = new List<int>();
                l.Add(pid);
            }
            catch (Exception) { }
        }
        var result = new List<int> { root };
        for (var i = 0; i < result.Count; i++)
            if (children.TryGetValue(result[i], out var c)) result.AddRange(c);
        return result;
    }

    public static void Kill(int pid, TimeSpan grace)
    {
        var tree = WithDescendants(pid);
        foreach (var p in tree) kill(p, 15);
        var until = DateTime.UtcNow + grace;
        while (DateTime.UtcNow < until && Alive(pid)) Thread.Sleep(50);
        foreach (var p in tree.Concat(Alive(pid) ? WithDescendants(pid) : []).Distinct()) kill(p, 9);
    }

    private static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (Exception) { return false; }
    }
}

/// <summary>Job diff in Nomad's plan shape (Type Added|Deleted|Edited|None; values rendered as strings).</summary>
public static class PlanDiff
{
    private static readonly HashSet<string> Skip = ["Version", "CreateIndex", "ModifyIndex", "JobModifyIndex", "SubmitTime", "Status", "StatusDescription", "Stable", "Stop", "TaskGroups", "Tasks", "Name"];

    public static JsonObject Job(JsonObject? old, JsonObject neu)
    {
        var d = Obj(old, neu, null);
        d.Remove("Name");
        d["ID"] = neu["ID"]?.ToString();
        var groups = new JsonArray();
        foreach (var g in Union(old?["TaskGroups"], neu["TaskGroups"]))
        {
            var gd = Obj(g.o, g.n, g.name);
            var tasks = new JsonArray();
            foreach (var t in Union(g.o?["Tasks"], g.n?["Tasks"]))
            {
                var td = Obj(t.o, t.n, t.name);
                td["Annotations"] = td["Type"]!.ToString() switch
                {
                    "Added" => new JsonArray("forces create"), "Deleted" => new JsonArray("forces destroy"), "Edited" => new JsonArray("forces create/destroy update"), _ => null,
                };
                tasks.Add(td);
            }
            gd["Tasks"] = tasks;
            if (gd["Type"]!.ToString() == "None" && tasks.Any(t => t!["Type"]!.ToString() != "None")) gd["Type"] = "Edited";
            var count = (g.n?["Count"]).Long(0);
            gd["Updates"] = gd["Type"]!.ToString() switch
            {
                "Added" => new JsonObject { ["create"] = count }, "Edited" => new JsonObject { ["create/destroy update"] = count },
                "Deleted" => new JsonObject { ["destroy"] = (g.o?["Count"]).Long(0) }, _ => new JsonObject { ["ignore"] = count },
            };
            groups.Add(gd);
        }
        d["TaskGroups"] = groups;
        if (d["Type"]!.ToString() == "None" && groups.Any(g => g!["Type"]!.ToString() != "None")) d["Type"] = "Edited";
        return d;
    }

    private static IEnumerable<(string name, JsonObject? o, JsonObject? n)> Union(JsonNode? olds, JsonNode? news)
    {
        var o = (olds as JsonArray)?.OfType<JsonObject>().ToList() ?? new();
        var n = (news as JsonArray)?.OfType<JsonObject>().ToList() ?? new();
        foreach (var name in o.Concat(n).Select(x => x["Name"]?.ToString() ?? "").Distinct())
            yield return (name, o.FirstOrDefault(x => x["Name"]?.ToString() == name), n.FirstOrDefault(x => x["Name"]?.ToString() == name));
    }

    private static string Kind(JsonObject? o, JsonObject? n, bool changed) => o == null ? "Added" : n == null ? "Deleted" : changed ? "Edited" : "None";

    private static JsonObject Obj(JsonObject? o, JsonObject? n, string? name)
    {
        var fields = new JsonArray();
        var objects = new JsonArray();
        var keys = (o?.Select(kv => kv.Key) ?? []).Concat(n?.Select(kv => kv.Key) ?? []).Distinct().Where(k => !Skip.Contains(k)).OrderBy(k => k, StringComparer.Ordinal);
        foreach (var k in keys)
        {
            var ov = o?[k];
            var nv = n?[k];
            if (ov is JsonObject || nv is JsonObject)
            {
                var sub = Obj(ov as JsonObject, nv as JsonObject, k);
                if (sub["Type"]!.ToString() != "None" && (ov != null || nv != null)) objects.Add(sub);
            }
            else if (ov is JsonArray || nv is JsonArray)
            {
                var ol = (ov as JsonArray)?.Where(x => x is JsonValue).Select(x => x!.ToString()).ToList() ?? new();
                var nl = (nv as JsonArray)?.Where(x => x is JsonValue).Select(x => x!.ToString()).ToList() ?? new();
                if (ol.SequenceEqual(nl)) continue;
                var f = new JsonArray();
                foreach (var x in ol.Except(nl)) f.Add(Field("Deleted", k, x, ""));
                foreach (var x in nl.Except(ol)) f.Add(Field("Added", k, "", x));
                objects.Add(new JsonObject { ["Type"] = ov == null ? "Added" : nv == null ? "Deleted" : "Edited", ["Name"] = k, ["Fields"] = f, ["Objects"] = null });
            }
            else
            {
                var os = ov?.ToString() ?? "";
                var ns = nv?.ToString() ?? "";
                if (os == ns && o != null && n != null) continue;
                if (os == "" && ns == "") continue;
                fields.Add(Field(o == null || ov == null ? "Added" : n == null || nv == null ? "Deleted" : "Edited", k, os, ns));
            }
        }
        var result = new JsonObject
        {
            ["Type"] = Kind(o, n, fields.Count > 0 || objects.Count > 0),
            ["Name"] = name,
            ["Fields"] = fields.Count == 0 ? null : fields,
            ["Objects"] = objects.Count == 0 ? null : objects,
        };
        return result;
    }

    private static JsonObject Field(string type, string name, string old, string neu) =>
        new() { ["Type"] = type, ["Name"] = name, ["Old"] = old, ["New"] = neu, ["Annotations"] = null };
}

using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Docker.DotNet;
using Docker.DotNet.Models;
using StandIns.Core;

namespace StandIns.Nomad;

/// <summary>
/// The docker task driver's engine: its address from DOCKER_HOST or <c>$STATE/docker/engine</c> (first line, written by
/// sandbox/up while its engine runs), fingerprinted with GET /_ping (Detected/Healthy only when the engine answers).
/// Every container it creates is tracked and removed when its task ends or the stand-in stops.
/// </summary>
public sealed class DockerDriver : IDisposable
{
    /// <summary>The Engine API spoken (Docker 20.10); newer engines accept it too.</summary>
    private static readonly System.Version Api = new(1, 41);
    private readonly string _state;
    private readonly ConcurrentDictionary<string, byte> _containers = new();
    private DockerClient? _client;
    private string? _clientAddress;

    public DockerDriver(string stateDir) { _state = stateDir; }

    public bool Healthy { get; private set; }
    public string HealthDescription { get; private set; } = "Docker driver not fingerprinted yet";
    public string Version { get; private set; } = "";
    public DateTimeOffset? CheckedAt { get; private set; }
    public string Address { get; private set; } = "";
    public string StateDir => _state;

    /// <summary>
    /// The client's registry login for <paramref name="repository"/>'s registry when the task carries no <c>auth</c>: the docker
    /// plugin's <c>auth { config = ".../config.json" }</c> of a real Nomad client; here the sandbox's DOCKER_CONFIG
    /// ($STATE/docker/client/config.json, or $DOCKER_CONFIG). Null when it holds none.
    /// </summary>
    public AuthConfig? ClientAuth(string repository)
    {
        var dir = Environment.GetEnvironmentVariable("DOCKER_CONFIG") is { Length: > 0 } d ? d : Path.Combine(_state, "docker", "client");
        var file = Path.Combine(dir, "config.json");
        var host = repository.Split('/')[0];
        if (!File.Exists(file) || !(host.Contains('.') || host.Contains(':'))) return null;
        try
        {
            var auths = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(file))?["auths"] as System.Text.Json.Nodes.JsonObject;
            var entry = auths?.FirstOrDefault(kv => kv.Key.Replace("https://", "").TrimEnd('/') == host).Value;
            var raw = entry?["auth"]?.ToString();
            if (string.IsNullOrEmpty(raw)) return null;
            var pair = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(raw)).Split(':', 2);
            return pair.Length == 2 ? new AuthConfig { Username = pair[0], Password = pair[1], ServerAddress = host } : null;
        }
        catch (Exception e) when (e is IOException or FormatException or System.Text.Json.JsonException) { return null; }
    }

    /// <summary>DOCKER_HOST, else the first line of $STATE/docker/engine; null when neither names an engine.</summary>
    public string? EngineAddress()
    {
        var env = Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (!string.IsNullOrWhiteSpace(env)) return env.Trim();
        var f = Path.Combine(_state, "docker", "engine");
        try
        {
            if (File.Exists(f) && File.ReadLines(f).FirstOrDefault()?.Trim() is { Length: > 0 } line) return line;
        }
        catch (IOException) { }
        return null;
    }

    public DockerClient Client()
    {
        var addr = EngineAddress() ?? throw new InvalidOperationException("no Docker engine: DOCKER_HOST is not set and $STATE/docker/engine does not exist");
        lock (_containers)
        {
            if (_client != null && _clientAddress == addr) return _client;
            _client?.Dispose();
            _client = new DockerClientBuilder().WithEndpoint(new Uri(addr)).WithApiVersion(Api).WithTimeout(Timeout.InfiniteTimeSpan).Build();
            _clientAddress = addr;
            return _client;
        }
    }

    /// <summary>Nomad's docker fingerprint: healthy only when the engine answers /_ping.</summary>
    public async Task FingerprintAsync()
    {
        var addr = EngineAddress();
        Address = addr ?? "";
        CheckedAt = DateTimeOffset.UtcNow;
        if (addr == null)
        {
            (Healthy, HealthDescription) = (false, $"Failed to connect to docker daemon: DOCKER_HOST is not set and {Path.Combine(_state, "docker", "engine")} does not exist");
            return;
        }
        if (addr.StartsWith("unix://", StringComparison.Ordinal) && !File.Exists(addr["unix://".Length..]))
        {
            (Healthy, HealthDescription) = (false, $"Failed to connect to docker daemon: socket {addr["unix://".Length..]} does not exist");
            return;
        }
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            var c = Client();
            await c.System.PingAsync(cts.Token);
            var v = await c.System.GetVersionAsync(cts.Token);
            Version = v.Version ?? "";
            (Healthy, HealthDescription) = (true, "Healthy");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            (Healthy, HealthDescription) = (false, $"Failed to connect to docker daemon: {e.GetBaseException().Message}");
        }
    }

    public void Track(string id) => _containers[id] = 0;

    public async Task RemoveAsync(string id)
    {
        try { await Client().Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }); }
        catch (DockerContainerNotFoundException) { }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound || (e.ResponseBody ?? "").Contains("already in progress", StringComparison.Ordinal)) { }
        _containers.TryRemove(id, out _);
    }

    /// <summary>Every container this stand-in created (tracked, or labelled with its state dir) is removed.</summary>
    public async Task RemoveAllAsync()
    {
        if (EngineAddress() == null) return;
        var ids = _containers.Keys.ToHashSet();
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var listed = await Client().Containers.ListContainersAsync(new ContainersListParameters
            {
                All = true,
                Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{StateLabel}={_state}"] = true } },
            }, cts.Token);
            foreach (var c in listed) ids.Add(c.ID);
        }
        catch (Exception e) when (e is not OutOfMemoryException) { if (ids.Count == 0) return; }
        await Task.WhenAll(ids.Select(RemoveAsync));
    }

    public const string StateLabel = "com.hashicorp.nomad.standin_state";

    public void Dispose()
    {
        _client?.Dispose();
    }

    /// <summary>"registry:port/repo/name:tag" -> (repository, tag); digests keep the whole reference.</summary>
    public static (string Repo, string Tag) SplitImage(string image)
    {
        if (image.Contains('@')) return (image, "");
        var slash = image.LastIndexOf('/');
        var colon = image.LastIndexOf(':');
        return colon > slash ? (image[..colon], image[(colon + 1)..]) : (image, "latest");
    }
}

/// <summary>IProgress that runs synchronously (Progress&lt;T&gt; posts to the thread pool and may run late).</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}

public sealed partial class NomadService
{
    /// <summary>
    /// A docker task on the real engine, as Nomad's docker driver runs it: image pulled when absent (with the task's
    /// auth), container "&lt;task&gt;-&lt;alloc_id&gt;" labelled with the alloc, Resources.MemoryMB enforced (Memory and
    /// MemorySwap), CPU as CpuShares, network_mode (default host here), alloc/local/secrets mounted at /alloc, /local,
    /// /secrets, host volumes at their volume_mount destinations; stdout/stderr to the alloc's log files; exit code,
    /// OOM kill; the container is removed when the task ends.
    /// </summary>
    private async Task RunDockerTaskAsync(Allocation a, JsonObject task, TaskState s, string name, string taskDir,
        Dictionary<string, string> env, Func<string, string> interp, Action<string, string> fail)
    {
        var cfg = task["Config"] as JsonObject ?? new JsonObject();
        var image = interp(cfg["image"]?.ToString() ?? "");
        if (image.Length == 0) { fail("Driver Failure", "failed to create container: image is required (task config \"image\")"); return; }
        if (!_docker.Healthy) await _docker.FingerprintAsync();
        if (!_docker.Healthy) { fail("Driver Failure", $"docker driver is not healthy: {_docker.HealthDescription}"); return; }
        var docker = _docker.Client();
        var ct = _shutdown.Token;

        // image: present locally, else pulled with the task's auth (never logged)
        var auth = cfg["auth"] switch { JsonArray arr => arr.OfType<JsonObject>().FirstOrDefault(), JsonObject o => o, _ => null };
        try
        {
            await docker.Images.InspectImageAsync(image, ct);
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            lock (_lock) Event(a, s, new TaskEvent { Type = "Driver", Message = $"Downloading image", DisplayMessage = $"Downloading image", Details = { ["image"] = image } });
            var (repo, tag) = DockerDriver.SplitImage(image);
            var errors = new List<string>();
            try
            {
                await docker.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = repo, Tag = tag.Length == 0 ? null : tag },
                    auth == null ? _docker.ClientAuth(repo) : new AuthConfig { Username = auth["username"]?.ToString(), Password = auth["password"]?.ToString(), ServerAddress = auth["server_address"]?.ToString() },
                    new SyncProgress<JSONMessage>(m => { if (m.Error?.Message is { Length: > 0 } em) errors.Add(em); }), ct);
            }
            catch (DockerApiException pe) { errors.Add(EngineMessage(pe)); }
            catch (Exception pe) when (pe is HttpRequestException or IOException) { errors.Add(pe.Message); }
            if (errors.Count == 0)
            {
                try { await docker.Images.InspectImageAsync(image, ct); }
                catch (DockerApiException ie) { errors.Add(EngineMessage(ie)); }
            }
            if (errors.Count > 0)
            {
                fail("Driver Failure", $"Failed to pull `{image}`: {errors[0]}");
                return;
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException or DockerApiException)
        {
            fail("Driver Failure", $"failed to inspect image `{image}`: {e.Message}");
            return;
        }

        // mounts: the alloc dir, the task's local/ and secrets/, host volumes, config volumes
        foreach (var d in new[] { Path.Combine(a.Dir, "alloc"), Path.Combine(a.Dir, "alloc", "data"), Path.Combine(a.Dir, "alloc", "tmp"), Path.Combine(a.Dir, "alloc", "logs"),
                     Path.Combine(taskDir, "local"), Path.Combine(taskDir, "secrets"), Path.Combine(taskDir, "tmp") })
            try { File.SetUnixFileMode(d, (UnixFileMode)0b111_111_111); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        var binds = new List<string> { $"{Path.Combine(a.Dir, "alloc")}:/alloc", $"{Path.Combine(taskDir, "local")}:/local", $"{Path.Combine(taskDir, "secrets")}:/secrets" };
        var groupVolumes = Group(a.Job, a.TaskGroup)?["Volumes"] as JsonObject;
        foreach (var vm in task["VolumeMounts"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            var volName = vm["Volume"]?.ToString() ?? "";
            var source = groupVolumes?[volName]?["Source"]?.ToString() ?? volName;
            if (!HostVolumes.Contains(source)) { fail("Setup Failure", $"host volume \"{source}\" of volume \"{volName}\" does not exist on node"); return; }
            var ro = vm["ReadOnly"].Bool() || groupVolumes?[volName]?["ReadOnly"].Bool() == true;
            binds.Add($"{Path.Combine(_s.StateDir, "volumes", source)}:{vm["Destination"]}{(ro ? ":ro" : "")}");
        }
        foreach (var v in cfg["volumes"]?.AsArray().Select(x => interp(x?.ToString() ?? "")) ?? [])
        {
            var parts = v.Split(':');
            if (parts.Length < 2) { fail("Driver Failure", $"invalid docker volume \"{v}\""); return; }
            if (!Path.IsPathRooted(parts[0])) parts[0] = Path.Combine(taskDir, parts[0]);
            binds.Add(string.Join(':', parts));
        }

        var command = cfg["command"]?.ToString() is { Length: > 0 } c ? interp(c) : null;
        var args = cfg["args"]?.AsArray().Select(x => interp(x?.ToString() ?? "")).ToList() ?? new List<string>();
        var cmd = command != null ? new List<string> { command }.Concat(args).ToList() : args.Count > 0 ? args : null;
        var entrypoint = cfg["entrypoint"]?.AsArray().Select(x => interp(x?.ToString() ?? "")).ToList();
        if (_s.Fault("nomad.job-fails"))
        {
            entrypoint = ["/bin/sh"];
            cmd = ["-c", "echo 'sandbox fault nomad.job-fails: task forced to exit 1' >&2; exit 1"];
        }
        var memMb = (task["Resources"]?["MemoryMB"]).Long(300);
        var cpu = (task["Resources"]?["CPU"]).Long(100);
        var node = _nodes.First(n => n.ID == a.NodeID);
        var create = new CreateContainerParameters
        {
            Name = $"{name}-{a.ID}",
            Image = image,
            Env = env.Select(kv => $"{kv.Key}={kv.Value}").ToList(),
            Cmd = cmd!,
            Entrypoint = entrypoint!,
            WorkingDir = cfg["work_dir"]?.ToString()!,
            Labels = new Dictionary<string, string>
            {
                ["com.hashicorp.nomad.alloc_id"] = a.ID, ["com.hashicorp.nomad.job_id"] = a.JobID, ["com.hashicorp.nomad.job_name"] = a.Job["Name"]?.ToString() ?? a.JobID,
                ["com.hashicorp.nomad.task_group_name"] = a.TaskGroup, ["com.hashicorp.nomad.task_name"] = name, ["com.hashicorp.nomad.namespace"] = "default",
                ["com.hashicorp.nomad.node_id"] = node.ID, ["com.hashicorp.nomad.node_name"] = node.Name, [DockerDriver.StateLabel] = _s.StateDir,
            },
            HostConfig = new HostConfig
            {
                Memory = memMb * 1024 * 1024, MemorySwap = memMb * 1024 * 1024, CPUShares = cpu,
                NetworkMode = cfg["network_mode"]?.ToString() is { Length: > 0 } nm ? nm : "host", Binds = binds,
            },
        };
        lock (_lock)
        {
            if (a.StopRequested || ct.IsCancellationRequested)
            {
                s.State = "dead";
                s.FinishedAt = DateTimeOffset.UtcNow;
                Event(a, s, new TaskEvent { Type = "Killed", Message = "Task successfully killed", DisplayMessage = "Task successfully killed" });
                return;
            }
        }
        string id;
        try
        {
            id = (await docker.Containers.CreateContainerAsync(create, ct)).ID;
            _docker.Track(id);
        }
        catch (Exception e) when (e is DockerApiException or HttpRequestException or IOException)
        {
            fail("Driver Failure", $"failed to create container: {(e is DockerApiException de ? EngineMessage(de) : e.Message)}");
            return;
        }
        try
        {
            lock (_lock) s.ContainerID = id;
            try
            {
                await docker.Containers.StartContainerAsync(id, new ContainerStartParameters(), ct);
            }
            catch (DockerApiException e)
            {
                fail("Driver Failure", $"failed to start container {id[..12]}: {EngineMessage(e)}");
                return;
            }
            lock (_lock)
            {
                s.State = "running";
                s.StartedAt = DateTimeOffset.UtcNow;
                Event(a, s, new TaskEvent { Type = "Started", Message = "", DisplayMessage = "Task started by client" });
                if (!a.Terminal) a.ClientStatus = "running";
            }
            var logs = Path.Combine(a.Dir, "alloc", "logs");
            var pump = PumpDockerLogs(docker, id, Path.Combine(logs, $"{name}.stdout.0"), Path.Combine(logs, $"{name}.stderr.0"), ct);
            var wait = await docker.Containers.WaitContainerAsync(id, ct);
            try { await pump.WaitAsync(TimeSpan.FromSeconds(5), ct); } catch (TimeoutException) { }
            var inspect = await docker.Containers.InspectContainerAsync(id, ct);
            var code = (int)wait.StatusCode;
            var oom = inspect.State?.OOMKilled == true;
            lock (_lock)
            {
                s.ContainerID = null;
                if (a.StopRequested)
                    Event(a, s, new TaskEvent { Type = "Killed", Message = "Task successfully killed", DisplayMessage = "Task successfully killed" });
                else
                {
                    var display = oom ? $"Exit Code: {code}, Exit Message: \"OOM Killed\"" : $"Exit Code: {code}";
                    Event(a, s, new TaskEvent
                    {
                        Type = "Terminated", ExitCode = code, Message = oom ? "OOM Killed" : "", DisplayMessage = display,
                        Details = { ["exit_code"] = code.ToString(), ["signal"] = "0", ["oom_killed"] = oom ? "true" : "false", ["exit_message"] = oom ? "OOM Killed" : "" },
                    });
                    if (code != 0 || oom)
                        Event(a, s, new TaskEvent { Type = "Not Restarting", Message = "Exceeded allowed attempts 0 in interval 0s and mode is \"fail\"", DisplayMessage = "Exceeded allowed attempts 0 in interval 0s and mode is \"fail\"", FailsTask = true });
                }
                s.State = "dead";
                s.Failed = !a.StopRequested && (code != 0 || oom);
                s.FinishedAt = DateTimeOffset.UtcNow;
            }
        }
        catch (Exception e) when (e is DockerApiException or HttpRequestException or IOException or OperationCanceledException)
        {
            if (!ct.IsCancellationRequested) fail("Driver Failure", $"docker: {e.Message}");
        }
        finally
        {
            lock (_lock) s.ContainerID = null;
            await _docker.RemoveAsync(id);
        }
    }

    private static string EngineMessage(DockerApiException e)
    {
        var body = e.ResponseBody?.Trim() ?? "";
        try { if (JsonNode.Parse(body)?["message"]?.ToString() is { Length: > 0 } m) return m; }
        catch (System.Text.Json.JsonException) { }
        return body.Length > 0 ? body : e.Message;
    }

    private static async Task PumpDockerLogs(DockerClient docker, string id, string stdout, string stderr, CancellationToken ct)
    {
        using var stream = await docker.Containers.GetContainerLogsAsync(id, new ContainerLogsParameters { Follow = true, ShowStdout = true, ShowStderr = true }, ct);
        await using var o = new FileStream(stdout, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        await using var e = new FileStream(stderr, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        var buf = new byte[8192];
        while (true)
        {
            var r = await stream.ReadOutputAsync(buf, 0, buf.Length, ct);
            if (r.EOF) break;
            var target = r.Target == MultiplexedStream.TargetStream.StandardError ? e : o;
            await target.WriteAsync(buf.AsMemory(0, r.Count), ct);
            await target.FlushAsync(ct);
        }
    }
}

using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Acceptance.Support.Evidence;
using Acceptance.Support.Outcomes;

namespace Acceptance.Support.Backups;

/// <summary>
/// A scratch instance of the drill: a process on a free loopback port with its own folder, stopped (process tree killed) and its
/// folder removed on dispose: pushed on the scenario's cleanup stack, so it goes even when the run is interrupted.
/// </summary>
public sealed class ScratchInstance : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    /// <summary>What it is ("scratch Prometheus").</summary>
    public string Name { get; }

    /// <summary>Its folder.</summary>
    public string Dir { get; }

    /// <summary>Its port.</summary>
    public int Port { get; }

    /// <summary>Base URL (http, loopback).</summary>
    public Uri BaseUri => new($"http://127.0.0.1:{Port}/");

    private ScratchInstance(string name, string dir, int port, Process process) { Name = name; Dir = dir; Port = port; _process = process; }

    /// <summary>A fresh scratch folder and free port for <paramref name="name"/>.</summary>
    public static (string Dir, int Port) Reserve(string name)
    {
        var dir = Directory.CreateTempSubdirectory($"acceptance-restore-{name}-").FullName;
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return (dir, port);
    }

    /// <summary>Starts <paramref name="command"/> ({port} and {dir} replaced; words split on spaces).</summary>
    public static ScratchInstance Start(string name, string command, string dir, int port, IEnumerable<string>? extraArgs = null)
    {
        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(w => w.Replace("{port}", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal).Replace("{dir}", dir, StringComparison.Ordinal))
            .Concat(extraArgs ?? []).ToList();
        var psi = new ProcessStartInfo(words[0]) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, WorkingDirectory = dir };
        foreach (var w in words.Skip(1)) psi.ArgumentList.Add(w);
        Process p;
        try { p = Process.Start(psi) ?? throw new EnvironmentProblemException($"{name}: could not start {words[0]}"); }
        catch (System.ComponentModel.Win32Exception e) { throw new NotVerifiedException($"{name}: cannot start '{words[0]}' ({e.Message}): the restore drill needs it on this machine."); }
        var s = new ScratchInstance(name, dir, port, p);
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (s._output) s._output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (s._output) s._output.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return s;
    }

    /// <summary>The last lines it printed (for a failure message).</summary>
    public string Tail() { lock (_output) return string.Join(" | ", _output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(3)); }

    /// <summary>Waits until GET <paramref name="path"/> answers 2xx; the process exiting or the deadline ends it.</summary>
    public async Task WaitReadyAsync(HttpClient http, string path, TimeSpan deadline, CancellationToken ct)
    {
        var end = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited) throw new EnvironmentProblemException($"{Name} exited with {_process.ExitCode} before it was ready: {Tail()}");
            try
            {
                using var r = await http.GetAsync(new Uri(BaseUri, path), ct);
                if (r.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            if (end.Elapsed > deadline) throw new EnvironmentProblemException($"{Name} on port {Port} was not ready within {deadline.TotalSeconds:F0} s: {Tail()}");
            await Task.Delay(100, ct);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
        if (Directory.Exists(Dir)) Directory.Delete(Dir, recursive: true);
    }

    /// <inheritdoc />
    public override string ToString() => $"stop {Name} (port {Port}) and remove {Dir}";
}

/// <summary>
/// The restore drill's three restores, each into a scratch instance started here, never into the target's services. Each
/// returns what came back and how long the restore took (scratch start to data compared).
/// </summary>
public sealed class RestoreDrill(RestoreOptions options, EvidenceLog evidence, Func<ScratchInstance, ScratchInstance> own)
{
    private static readonly TimeSpan ReadyDeadline = TimeSpan.FromSeconds(60);
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(15) };

    /// <summary>Restores a Prometheus TSDB snapshot (tar.gz of the snapshot folder) into a scratch real Prometheus and queries the series at the backup's time.</summary>
    public async Task<RestoreResult> PrometheusAsync(StoredBackup backup, byte[] bytes, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        var (dir, port) = ScratchInstance.Reserve("prometheus");
        var data = Path.Combine(dir, "data");
        Directory.CreateDirectory(data);
        await ExtractSnapshotAsync(bytes, data, ct);
        var config = Path.Combine(dir, "prometheus.yml");
        await File.WriteAllTextAsync(config, "# scratch Prometheus of the restore drill: no scrapes\nglobal: {}\n", ct);
        var scratch = own(ScratchInstance.Start("scratch Prometheus", options.PrometheusBinary, dir, port,
            [$"--config.file={config}", $"--storage.tsdb.path={data}", $"--web.listen-address=127.0.0.1:{port}", "--storage.tsdb.retention.time=100y", "--log.level=warn"]));
        await scratch.WaitReadyAsync(Http, "-/ready", ReadyDeadline, ct);
        var at = backup.Modified.ToUnixTimeMilliseconds() / 1000.0;   // the stored time: the snapshot was taken before it
        var url = new Uri(scratch.BaseUri, $"api/v1/query?query={Uri.EscapeDataString(options.PrometheusQuery)}&time={at.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)}");
        var body = await Http.GetStringAsync(url, ct);
        using var doc = JsonDocument.Parse(body);
        var n = doc.RootElement.GetProperty("data").GetProperty("result").GetArrayLength();
        sw.Stop();
        evidence.Note($"restore drill: scratch Prometheus GET {url} → {n} series");
        return new RestoreResult("prometheus", backup.Name, n > 0, $"'{options.PrometheusQuery}' at {backup.Modified.UtcDateTime:HH:mm:ss} UTC: {n} series",
            sw.Elapsed, "real Prometheus on the restored snapshot");
    }

    private static async Task ExtractSnapshotAsync(byte[] bytes, string data, CancellationToken ct)
    {
        await using var gz = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        await using var tar = new TarReader(gz);
        while (await tar.GetNextEntryAsync(copyData: true, ct) is { } e)
        {
            // the archive holds SNAPSHOT_NAME/<blocks>: strip the first component
            var rel = string.Join('/', e.Name.Split('/', StringSplitOptions.RemoveEmptyEntries).Skip(1));
            if (rel.Length == 0 || rel.Contains("..", StringComparison.Ordinal)) continue;
            var path = Path.Combine(data, rel);
            if (e.EntryType == TarEntryType.Directory) { Directory.CreateDirectory(path); continue; }
            if (e.DataStream is null) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await using var f = File.Create(path);
            await e.DataStream.CopyToAsync(f, ct);
        }
    }

    /// <summary>Restores a Consul snapshot into a scratch Consul (PUT /v1/snapshot) and reads the suite's KV canary back.</summary>
    public async Task<RestoreResult> ConsulAsync(StoredBackup backup, byte[] bytes, string canaryKey, string canaryValue, CancellationToken ct = default)
    {
        var command = options.ConsulCommand ?? throw new NotVerifiedException("backups.restore.consul_command is not set: the Consul restore cannot be drilled.");
        var sw = Stopwatch.StartNew();
        var (dir, port) = ScratchInstance.Reserve("consul");
        var scratch = own(ScratchInstance.Start("scratch Consul", command, dir, port));
        await scratch.WaitReadyAsync(Http, "v1/status/leader", ReadyDeadline, ct);
        var token = TokenOf(options.ConsulTokenFile, dir);
        using (var put = new HttpRequestMessage(HttpMethod.Put, new Uri(scratch.BaseUri, "v1/snapshot")) { Content = new ByteArrayContent(bytes) })
        {
            if (token is not null) put.Headers.Add("X-Consul-Token", token);
            using var r = await Http.SendAsync(put, ct);
            evidence.Note($"restore drill: scratch Consul PUT /v1/snapshot ({bytes.Length} bytes) → {(int)r.StatusCode}");
            if (!r.IsSuccessStatusCode)
                return new RestoreResult("consul", backup.Name, false, $"PUT /v1/snapshot answered {(int)r.StatusCode}: {(await r.Content.ReadAsStringAsync(ct)).Trim()}", sw.Elapsed, Kind(r, "restoring its own snapshot format"));
        }
        using var get = new HttpRequestMessage(HttpMethod.Get, new Uri(scratch.BaseUri, $"v1/kv/{canaryKey}?raw"));
        if (token is not null) get.Headers.Add("X-Consul-Token", token);
        using var g = await Http.SendAsync(get, ct);
        var value = g.IsSuccessStatusCode ? await g.Content.ReadAsStringAsync(ct) : null;
        sw.Stop();
        return new RestoreResult("consul", backup.Name, value == canaryValue,
            value is null ? $"KV canary {canaryKey}: {(int)g.StatusCode} (absent)" : value == canaryValue ? $"KV canary {canaryKey}: same value" : $"KV canary {canaryKey}: a different value", sw.Elapsed, Kind(g, "restoring its own snapshot format"));
    }

    /// <summary>Imports a Grafana export (dashboards through POST /api/dashboards/db) into a scratch Grafana and compares the dashboards' uids and titles.</summary>
    public async Task<RestoreResult> GrafanaAsync(StoredBackup backup, byte[] bytes, IReadOnlyList<string> liveUids, CancellationToken ct = default)
    {
        var command = options.GrafanaCommand ?? throw new NotVerifiedException("backups.restore.grafana_command is not set: the Grafana restore cannot be drilled.");
        var sw = Stopwatch.StartNew();
        var (dir, port) = ScratchInstance.Reserve("grafana");
        Directory.CreateDirectory(Path.Combine(dir, "provisioning"));
        var scratch = own(ScratchInstance.Start("scratch Grafana", command, dir, port));
        await scratch.WaitReadyAsync(Http, "api/health", ReadyDeadline, ct);
        var token = TokenOf(options.GrafanaTokenFile, dir);
        var export = JsonNode.Parse(bytes)!.AsObject();
        var exported = new List<(string Uid, string Title, long Version)>();
        foreach (var d in export["dashboards"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            var model = d["dashboard"]!.DeepClone().AsObject();
            exported.Add((model["uid"]!.ToString(), model["title"]!.ToString(), (long)(model["version"]?.GetValue<double>() ?? 0)));
            model.Remove("id");
            using var post = new HttpRequestMessage(HttpMethod.Post, new Uri(scratch.BaseUri, "api/dashboards/db"))
            {
                Content = new StringContent(new JsonObject { ["dashboard"] = model, ["overwrite"] = true }.ToJsonString(), Encoding.UTF8, "application/json"),
            };
            if (token is not null) post.Headers.Authorization = new("Bearer", token);
            using var r = await Http.SendAsync(post, ct);
            evidence.Note($"restore drill: scratch Grafana POST /api/dashboards/db {model["uid"]} → {(int)r.StatusCode}");
        }
        using var search = new HttpRequestMessage(HttpMethod.Get, new Uri(scratch.BaseUri, "api/search?type=dash-db"));
        if (token is not null) search.Headers.Authorization = new("Bearer", token);
        using var s = await Http.SendAsync(search, ct);
        var restored = JsonNode.Parse(await s.Content.ReadAsStringAsync(ct))!.AsArray().OfType<JsonObject>()
            .Select(x => (Uid: x["uid"]!.ToString(), Title: x["title"]!.ToString())).ToList();
        sw.Stop();
        var missing = liveUids.Where(u => restored.All(r => r.Uid != u)).ToList();
        var titles = exported.Where(e => restored.Any(r => r.Uid == e.Uid && r.Title != e.Title)).Select(e => e.Uid).ToList();
        var observed = $"live uids [{string.Join(", ", liveUids)}]; exported {string.Join(", ", exported.Select(e => $"{e.Uid} v{e.Version}"))}; " +
                       $"restored [{string.Join(", ", restored.Select(r => r.Uid))}]" + (missing.Count > 0 ? $"; missing {string.Join(", ", missing)}" : "") +
                       (titles.Count > 0 ? $"; other titles {string.Join(", ", titles)}" : "");
        return new RestoreResult("grafana", backup.Name, liveUids.Count > 0 && missing.Count == 0 && titles.Count == 0, observed, sw.Elapsed, Kind(s, "importing the dashboards through Grafana's API"));
    }

    private static string? TokenOf(string? file, string dir)
    {
        if (file is null) return null;
        var path = file.Replace("{dir}", dir, StringComparison.Ordinal);
        for (var i = 0; i < 50 && !File.Exists(path); i++) Thread.Sleep(100);
        return File.Exists(path) ? File.ReadAllText(path).Trim() : throw new EnvironmentProblemException($"backups.restore: token file {path} was not written by the scratch instance");
    }

    private static string Kind(HttpResponseMessage r, string what) =>
        r.Headers.TryGetValues("X-Sandbox-Standin", out _) ? $"a STAND-IN {what} (labelled: not the product)" : "the real product";
}

using System.Diagnostics;
using System.Formats.Tar;
using System.Text;
using Acceptance.Support.Evidence;
using Acceptance.Support.Outcomes;
using Acceptance.Support.Transport;
using Docker.DotNet.Models;

namespace Acceptance.Support.Docker;

/// <summary>What the drill measured.</summary>
/// <param name="KnownGood">The known-good version (the env file's value of the version variable).</param>
/// <param name="Broken">The version deployed as the failed deployment.</param>
/// <param name="TimeToDetect">From the start of the broken deployment until the failure was seen.</param>
/// <param name="TimeToRestore">From the start of the procedure until the known-good version was healthy again.</param>
/// <param name="Failure">How the broken deployment failed, in words.</param>
public sealed record DrillMeasurement(string KnownGood, string Broken, TimeSpan? TimeToDetect, TimeSpan? TimeToRestore, string? Failure);

/// <summary>
/// The seed's Emergency Rollback Procedure, run for real on a scratch copy of the compose project (services.docker.drill_project,
/// never the live project): deploy the known-good version, write a marker into the service's data volume, deploy a broken
/// version, detect the failure, then `docker-compose down` (with -v only when the data is declared corrupted),
/// `docker system prune -f`, `docker-compose up -d` with the known-good version, and prove it is back with its data.
/// Disposal removes the scratch project with its volumes, also when the run is interrupted (CleanupStack).
/// </summary>
public sealed class ComposeRollbackDrill : IAsyncDisposable
{
    private readonly DockerOptions _options;
    private readonly DockerEngineClient _engine;
    private readonly EvidenceLog _evidence;
    private readonly TimeSpan _deadline;
    private readonly string _marker = $"rollback-drill-{Guid.NewGuid():N}"[..30];
    private Stopwatch? _brokenStarted;
    private int _disposed;

    /// <summary>Prepares a drill; NOT VERIFIED when the target does not name a drill project, service and version variable.</summary>
    public ComposeRollbackDrill(DockerOptions options, DockerEngineClient engine, EvidenceLog evidence, TimeSpan deadline)
    {
        _options = options;
        _engine = engine;
        _evidence = evidence;
        _deadline = deadline;
        Project = Required(options.DrillProject, "services.docker.drill_project");
        if (Project == options.ComposeProject)
            throw new EnvironmentProblemException($"services.docker.drill_project ({Project}) is the live project: the drill only runs on a scratch copy");
        if (options.ComposeFiles.Count == 0) Required(null, "services.docker.compose_files");
        Service = Required(options.DrillService ?? options.StatefulServices.FirstOrDefault(), "services.docker.drill_service");
        VersionVariable = Required(options.DrillVersionVariable, "services.docker.drill_version_variable");
        var env = options.ComposeEnvFile is { } f ? ComposeEnvironment.ParseEnvFile(File.ReadAllText(f)) : new Dictionary<string, string>();
        KnownGood = Required(env.GetValueOrDefault(VersionVariable), $"{VersionVariable} in services.docker.compose_env_file");
        Broken = options.DrillBrokenVersion;
    }

    /// <summary>The scratch project name.</summary>
    public string Project { get; }

    /// <summary>The service rolled forward and back.</summary>
    public string Service { get; }

    /// <summary>The compose variable of its version.</summary>
    public string VersionVariable { get; }

    /// <summary>The known-good version.</summary>
    public string KnownGood { get; }

    /// <summary>The broken version.</summary>
    public string Broken { get; }

    /// <summary>What was measured so far.</summary>
    public DrillMeasurement Measurement { get; private set; } = new("", "", null, null, null);

    /// <summary>`docker-compose up -d` of the scratch project at <paramref name="version"/>.</summary>
    public Task<CommandResult> DeployAsync(string version, CancellationToken ct = default) => ComposeAsync(version, ct, "up", "-d");

    /// <summary>Deploys the known-good version, waits until it is healthy and writes the marker into its data volume.</summary>
    public async Task<ContainerFacts> DeployKnownGoodAsync(CancellationToken ct = default)
    {
        Measurement = new DrillMeasurement(KnownGood, Broken, null, null, null);
        var up = await DeployAsync(KnownGood, ct);
        if (!up.Succeeded) throw new DeploymentDefectException($"the known-good version {KnownGood} of {Service} does not deploy: {up}");
        var healthy = await WaitAsync(c => c?.Health is "healthy" || c is { Health: null, State: "running" }, ct);
        if (healthy is null) throw new DeploymentDefectException($"the known-good version {KnownGood} of {Service} did not become healthy within {_deadline.TotalSeconds:F0} s");
        await WriteMarkerAsync(healthy, ct);
        return healthy;
    }

    /// <summary>Deploys the broken version and waits (with the deadline) until the failure shows: the deploy fails, or the service is not healthy on it.</summary>
    public async Task<(CommandResult Deploy, ContainerFacts? Container)> DeployBrokenAsync(CancellationToken ct = default)
    {
        _brokenStarted = Stopwatch.StartNew();
        var up = await DeployAsync(Broken, ct);
        ContainerFacts? seen = null;
        string? failure = null;
        if (!up.Succeeded) failure = $"`docker-compose up -d` with {VersionVariable}={Broken} exited {up.ExitCode}: {LastLine(up.Output)}";
        else
        {
            seen = await WaitAsync(c => c is null || c.State is "exited" or "dead" or "restarting" || c.Health is "unhealthy", ct);
            if (seen is not null || (await ServiceContainerAsync(ct)) is null)
                failure = seen is null ? $"{Service} has no container on {Broken}" : $"{Service} on {seen.Image}: {seen.State}{(seen.Health is { } h ? $", {h}" : "")}";
        }
        Measurement = Measurement with { TimeToDetect = failure is null ? null : _brokenStarted.Elapsed, Failure = failure };
        _evidence.Note($"rollback drill: broken deployment {(failure is null ? "NOT detected" : "detected")} after {_brokenStarted.Elapsed.TotalSeconds:F1} s: {failure ?? "the service stayed healthy"}");
        return (up, seen);
    }

    /// <summary>The procedure: down (-v only when <paramref name="dataCorrupted"/>), system prune -f, up -d with the known-good version; waits until healthy.</summary>
    public async Task<ContainerFacts?> RollBackAsync(bool dataCorrupted = false, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        var down = await ComposeAsync(Broken, ct, dataCorrupted ? ["down", "-v"] : ["down"]);
        if (!down.Succeeded) throw new DeploymentDefectException($"rollback step `docker-compose down` failed: {down}");
        var prune = await DockerCliAsync(["system", "prune", "-f"], ct);
        if (!prune.Succeeded) throw new DeploymentDefectException($"rollback step `docker system prune -f` failed: {prune}");
        var up = await DeployAsync(KnownGood, ct);
        if (!up.Succeeded) throw new DeploymentDefectException($"rollback step `docker-compose up -d` with {VersionVariable}={KnownGood} failed: {up}");
        var healthy = await WaitAsync(c => c?.Health is "healthy" || c is { Health: null, State: "running" }, ct);
        Measurement = Measurement with { TimeToRestore = healthy is null ? null : sw.Elapsed };
        _evidence.AttachJson("rollback drill measurement", new
        {
            project = Project, service = Service, known_good = KnownGood, broken = Broken, failure = Measurement.Failure,
            time_to_detect_seconds = Measurement.TimeToDetect?.TotalSeconds, time_to_restore_seconds = Measurement.TimeToRestore?.TotalSeconds,
        });
        return healthy ?? await ServiceContainerAsync(ct);
    }

    /// <summary>ROLLBACK-1's verdict on the scratch project as it is now (after <see cref="RollBackAsync"/>).</summary>
    public async Task<Checks.Verdict> RestoredVerdictAsync(CancellationToken ct = default)
    {
        var container = await ServiceContainerAsync(ct);
        var marker = container is null ? null : await ReadMarkerAsync(container, ct);
        return RollbackRules.Restored(Measurement, container, KnownGood, MarkerContent, marker);
    }

    /// <summary>The marker read back from the service's data volume (null: gone).</summary>
    public async Task<string?> ReadMarkerAsync(ContainerFacts container, CancellationToken ct = default)
    {
        var mount = DataMount(container);
        try
        {
            var archive = await _engine.CallAsync($"GET /containers/{container.Name}/archive?path={mount.Destination}/{_marker}",
                (c, t) => c.Containers.GetArchiveFromContainerAsync(container.Name, new ContainerPathStatParameters { Path = $"{mount.Destination}/{_marker}" }, false, t), ct);
            if (archive.Stream is not { } stream) return null;
            using var owned = stream;
            using var tar = new TarReader(stream);
            var entry = await tar.GetNextEntryAsync(cancellationToken: ct);
            if (entry?.DataStream is null) return null;
            using var reader = new StreamReader(entry.DataStream);
            return await reader.ReadToEndAsync(ct);
        }
        catch (global::Docker.DotNet.DockerContainerNotFoundException) { return null; }
        catch (global::Docker.DotNet.DockerApiException e) when ((int)e.StatusCode == 404) { return null; }
    }

    /// <summary>The content the marker was written with.</summary>
    public string MarkerContent => $"written by the rollback drill {_marker} before the failed deployment\n";

    /// <summary>The drill service's container in the scratch project, or null.</summary>
    public async Task<ContainerFacts?> ServiceContainerAsync(CancellationToken ct = default) =>
        (await _engine.ProjectContainersAsync(Project, ct)).FirstOrDefault(c => c.Service == Service);

    /// <summary>
    /// The janitor's part: a drill project whose containers are older than <paramref name="grace"/> was left by an earlier run
    /// that was killed; it is removed with its volumes. Returns what was removed (empty: nothing).
    /// </summary>
    public static async Task<IReadOnlyList<string>> RemoveLeftoversAsync(DockerOptions options, TimeSpan grace, EvidenceLog evidence, CancellationToken ct = default)
    {
        if (options.DrillProject is not { Length: > 0 } project) return [];
        using var engine = new DockerEngineClient(options, evidence);
        var listed = await engine.ListProjectAsync(project, ct);
        var stale = listed.Where(c => DateTime.UtcNow - c.Created.ToUniversalTime() > grace).Select(c => c.Names.FirstOrDefault()?.TrimStart('/') ?? c.ID[..12]).ToList();
        if (stale.Count == 0) return [];
        await using (var drill = new ComposeRollbackDrill(options, engine, evidence, TimeSpan.FromSeconds(60))) { }
        return stale.Select(n => $"rollback-drill container {n} (project {project}, removed with its volumes)").ToList();
    }

    /// <summary>Removes the scratch project with its volumes (idempotent).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        var down = await ComposeAsync(KnownGood, CancellationToken.None, "down", "-v", "--remove-orphans", "-t", "2");
        if (!down.Succeeded) throw new EnvironmentProblemException($"could not remove the drill project {Project}: {down}");
    }

    /// <inheritdoc />
    public override string ToString() => $"remove the rollback-drill project {Project} (docker-compose down -v)";

    private async Task WriteMarkerAsync(ContainerFacts container, CancellationToken ct)
    {
        var mount = DataMount(container);
        var content = Encoding.UTF8.GetBytes(MarkerContent);
        using var tarStream = new MemoryStream();
        using (var tar = new TarWriter(tarStream, TarEntryFormat.Pax, leaveOpen: true))
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, _marker) { DataStream = new MemoryStream(content), Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead }, ct);
        tarStream.Position = 0;
        await _engine.CallAsync($"PUT /containers/{container.Name}/archive?path={mount.Destination}",
            async (c, t) => { await c.Containers.ExtractArchiveToContainerAsync(container.Name, new CopyToContainerParameters { Path = mount.Destination }, tarStream, t); return true; }, ct);
        _evidence.Note($"rollback drill: wrote marker {_marker} into {mount.Type} {mount.Source} at {mount.Destination} of {container.Name}");
    }

    private MountFacts DataMount(ContainerFacts container) =>
        container.Mounts.FirstOrDefault(m => m.Type is "volume" && !m.ReadOnly)
        ?? container.Mounts.FirstOrDefault(m => m.Type is "bind" && !m.ReadOnly)
        ?? throw new DeploymentDefectException($"{Service} ({container.Name}) mounts no writable volume: the drill cannot prove its data survives a rollback");

    private async Task<ContainerFacts?> WaitAsync(Func<ContainerFacts?, bool> done, CancellationToken ct)
    {
        var end = Stopwatch.StartNew();
        while (end.Elapsed < _deadline)
        {
            var c = await ServiceContainerAsync(ct);
            if (done(c)) return c;
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
        return null;
    }

    private Task<CommandResult> ComposeAsync(string version, CancellationToken ct, params string[] command)
    {
        var args = new List<string> { "-p", Project };
        foreach (var f in _options.ComposeFiles) args.AddRange(["-f", f]);
        if (_options.ComposeEnvFile is { } env) args.AddRange(["--env-file", env]);
        args.AddRange(command);
        var vars = Environment(version);
        return new CommandRunner("docker-compose", _evidence, TimeSpan.FromSeconds(Math.Max(60, _deadline.TotalSeconds)), "DOCKER_COMPOSE").RunAsync(args, ct, vars);
    }

    private Task<CommandResult> DockerCliAsync(IReadOnlyList<string> args, CancellationToken ct) =>
        new CommandRunner("docker", _evidence, TimeSpan.FromSeconds(60), "DOCKER_CLI").RunAsync(args, ct, Environment(KnownGood));

    private Dictionary<string, string?> Environment(string version)
    {
        var vars = new Dictionary<string, string?> { ["DOCKER_HOST"] = _options.Address, [VersionVariable] = version };
        if (_options.ConfigDir is { } config) vars["DOCKER_CONFIG"] = config;
        foreach (var kv in _options.DrillEnvironment)
        {
            var i = kv.IndexOf('=');
            if (i > 0) vars[kv[..i]] = kv[(i + 1)..];
        }
        return vars;
    }

    private static string Required(string? value, string key) =>
        value is { Length: > 0 } ? value : throw new NotVerifiedException($"the target does not set {key}: the rollback drill cannot run on this target");

    private static string LastLine(string output) => output.Trim().Split('\n').LastOrDefault()?.Trim() ?? "";
}

using System.Text.Json;
using Acceptance.Support.Configuration;
using Acceptance.Support.Evidence;
using Acceptance.Support.Nomad;
using Acceptance.Support.Outcomes;

namespace Acceptance.Support.Docker;

/// <summary>The workloads of a target: every container of the compose project, the compose files, and every Nomad job.</summary>
/// <param name="Images">The image of every container, compose service and Nomad task.</param>
/// <param name="Limits">The CPU and memory limits of every container and Nomad task.</param>
/// <param name="Sources">What was read, in words ("2 containers of compose project ml-platform, 1 compose file, 3 Nomad jobs").</param>
public sealed record Workloads(IReadOnlyList<WorkloadImage> Images, IReadOnlyList<WorkloadLimits> Limits, string Sources);

/// <summary>
/// Reads the Docker facts of services.docker: the compose project's containers (Engine API), its compose files, the
/// images and resources of every Nomad job (when the target declares Nomad), scan reports and the client's pull
/// credentials. Reads only; the rules in <see cref="DockerRules"/> judge.
/// </summary>
public sealed class DockerProbe(TargetEnvironment target, DockerEngineClient engine, NomadClient? nomad, EvidenceLog evidence)
{
    private DockerOptions Options => engine.Options;

    /// <summary>services.docker.compose_project, or NOT VERIFIED.</summary>
    public string Project => target.RequireSetting(Options.ComposeProject, "services.docker.compose_project", "the compose project's containers cannot be found");

    /// <summary>Every container of the compose project, inspected (after GET /version, which records the engine's version).</summary>
    public async Task<IReadOnlyList<ContainerFacts>> ContainersAsync(CancellationToken ct = default)
    {
        var project = Project;
        await engine.VersionAsync(ct);
        var containers = await engine.ProjectContainersAsync(project, ct);
        evidence.AttachJson($"containers of compose project {project}", containers);
        return containers;
    }

    /// <summary>The compose files with the env file's variables, as written (services not running still count).</summary>
    public IReadOnlyList<ComposeFile> ComposeFiles()
    {
        var env = Options.ComposeEnvFile is { } f ? ComposeEnvironment.ParseEnvFile(File.ReadAllText(f)) : new Dictionary<string, string>();
        var files = new List<ComposeFile>();
        foreach (var path in Options.ComposeFiles)
        {
            if (!File.Exists(path)) throw new EnvironmentProblemException($"services.docker.compose_files: {path} does not exist");
            try { files.Add(ComposeFile.Load(path, env)); }
            catch (FormatException e) { throw new EnvironmentProblemException($"services.docker.compose_files: {e.Message}", e); }
        }
        return files;
    }

    /// <summary>The images and limits of every container of the project, every compose service and every Nomad task.</summary>
    public async Task<Workloads> WorkloadsAsync(CancellationToken ct = default)
    {
        var containers = await ContainersAsync(ct);
        var images = containers.Select(ContainerInspection.Image).ToList();
        var limits = containers.Select(ContainerInspection.Limits).ToList();
        var files = ComposeFiles();
        // A compose service with no container (not started, or behind a profile) is judged as its file declares it.
        foreach (var file in files)
            foreach (var service in file.Services.Where(s => !containers.Any(c => c.Service == s.Name)))
            {
                if (service.Image is { } image) images.Add(new WorkloadImage(service.Owner, image));
                limits.AddRange(file.Limits.Where(l => l.Owner == service.Owner));
            }
        var jobs = 0;
        if (nomad is not null)
        {
            foreach (var job in await NomadJobsAsync(ct))
            {
                images.AddRange(job.Images);
                limits.AddRange(job.Limits);
                jobs++;
            }
        }
        var sources = $"{containers.Count} containers of compose project {Project}, {files.Count} compose files, " +
                      (nomad is null ? "no Nomad (the target declares none)" : $"{jobs} Nomad jobs");
        evidence.Note($"workloads read: {sources}");
        return new Workloads(images, limits, sources);
    }

    /// <summary>Every Nomad job's images and task resources (GET /v1/jobs, then GET /v1/job/:id).</summary>
    public async Task<IReadOnlyList<NomadJobWorkloads>> NomadJobsAsync(CancellationToken ct = default)
    {
        if (nomad is null) return [];
        var list = (await nomad.GetAsync(NomadClient.Paths.Jobs, ct)).Json();
        var jobs = new List<NomadJobWorkloads>();
        foreach (var j in list.EnumerateArray())
        {
            var id = j.GetProperty("ID").GetString() ?? "";
            if (j.TryGetProperty("ParentID", out var parent) && parent.GetString() is { Length: > 0 }) continue; // dispatched/periodic children repeat the parent
            jobs.Add(NomadJobImages.Read((await nomad.GetAsync($"v1/job/{Uri.EscapeDataString(id)}", ct)).Json()));
        }
        return jobs;
    }

    /// <summary>Every image the compose project's containers run, with the digests the engine knows for it.</summary>
    public async Task<IReadOnlyList<DeployedImage>> DeployedImagesAsync(CancellationToken ct = default)
    {
        var deployed = new List<DeployedImage>();
        foreach (var c in await ContainersAsync(ct))
        {
            var digests = (await engine.RepoDigestsAsync(c.ImageId, ct)).Select(d => d[(d.IndexOf('@') + 1)..]).Append(c.ImageId).Distinct().ToList();
            deployed.Add(new DeployedImage(ContainerInspection.OwnerOf(c), c.Image, digests));
        }
        return deployed;
    }

    /// <summary>The scan reports the target names (NOT VERIFIED when it names none; BROKEN for a file that is not a report).</summary>
    public IReadOnlyList<ScanReport> ScanReports()
    {
        var paths = target.RequireListed(PathPatterns.Expand(Options.ScanReports), "services.docker.scan_reports",
            "no vulnerability scanner can run here, so the line rests on the scan reports of the deployed images (Trivy JSON or SARIF)");
        var reports = new List<ScanReport>();
        foreach (var p in paths)
        {
            try { reports.Add(Docker.ScanReports.Parse(p, File.ReadAllText(p))); }
            catch (Exception e) when (e is FormatException or JsonException or IOException or InvalidDataException)
            { throw new EnvironmentProblemException($"services.docker.scan_reports: {p}: {e.Message}", e); }
        }
        return reports;
    }

    /// <summary>The registries the client configuration (config_dir/config.json) holds credentials for, and how.</summary>
    public DockerClientConfig ClientConfig()
    {
        var dir = target.RequireSetting(Options.ConfigDir, "services.docker.config_dir", "the client configuration that holds the pull credentials is not named");
        var file = Path.Combine(dir, "config.json");
        if (!File.Exists(file)) return new DockerClientConfig(file, new Dictionary<string, (string, string)?>(), [], null);
        try { return DockerClientConfig.Parse(file, File.ReadAllText(file)); }
        catch (JsonException e) { throw new EnvironmentProblemException($"{file}: not a docker client configuration: {e.Message}", e); }
    }

    /// <summary>
    /// The registries the workloads pull from, how the client configuration logs in to each, and (for the declared registry)
    /// whether that login is accepted.
    /// </summary>
    public async Task<IReadOnlyList<RegistryLogin>> PullLoginsAsync(RegistryProbe? registry, CancellationToken ct = default)
    {
        var config = ClientConfig();
        var registries = (await WorkloadsAsync(ct)).Images.Select(i => ImageReference.TryParse(i.Image)?.Registry).OfType<string>().Distinct().Order(StringComparer.Ordinal);
        var logins = new List<RegistryLogin>();
        foreach (var r in registries)
        {
            int? status = null;
            if (registry is not null && string.Equals(r, registry.Host, StringComparison.OrdinalIgnoreCase)
                && config.Auths.GetValueOrDefault(DockerClientConfig.HostOf(r)) is { } login)
                status = await registry.LoginWorksAsync(login.User, login.Password, ct);
            logins.Add(new RegistryLogin(r, config.HowAuthenticates(r), status));
        }
        return logins;
    }

    /// <summary>The services the compose files declare that a plain `up` starts (no profile): what must run.</summary>
    public IReadOnlyList<string> ComposeServices() =>
        target.RequireListed(ComposeFiles().SelectMany(f => f.Services).Where(s => s.Profiles.Count == 0).Select(s => s.Name).Distinct().ToList(), "services.docker.compose_files",
            "which services the project must run is not said");

    /// <summary>config_dir/config.json (for messages).</summary>
    public string ClientConfigFile => Path.Combine(Options.ConfigDir ?? "", "config.json");
}

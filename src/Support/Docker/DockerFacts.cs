namespace Acceptance.Support.Docker;

// The facts the Docker probes read and the Docker rules judge. Probes fill them from the Engine API
// (Docker.DotNet), the registry API and files the target names; rules never talk to anything.

/// <summary>One mount of a container: a named volume, a host path (bind) or a tmpfs.</summary>
/// <param name="Type">volume, bind or tmpfs.</param>
/// <param name="Source">The volume's name, or the host path.</param>
/// <param name="Destination">Path inside the container.</param>
/// <param name="ReadOnly">Mounted read-only.</param>
public sealed record MountFacts(string Type, string Source, string Destination, bool ReadOnly);

/// <summary>A port a container publishes on the host.</summary>
public sealed record PublishedPort(string HostIp, int HostPort, int ContainerPort, string Protocol);

/// <summary>What the Engine says of one container (GET /containers/{id}/json).</summary>
/// <param name="Name">Container name, without the leading slash.</param>
/// <param name="Service">The compose service (label com.docker.compose.service), or the container name.</param>
/// <param name="Image">The image as configured (Config.Image), e.g. registry:5000/ml/trainer:1.0.0.</param>
/// <param name="ImageId">The image id the container runs (sha256:...).</param>
/// <param name="State">created, running, restarting, exited, paused, dead.</param>
/// <param name="ExitCode">Last exit code.</param>
/// <param name="Health">healthy, unhealthy, starting; null when the container has no healthcheck.</param>
/// <param name="FailingStreak">Consecutive failed healthchecks.</param>
/// <param name="LastHealthOutput">Output of the last healthcheck, trimmed (null: none).</param>
/// <param name="RestartPolicy">HostConfig.RestartPolicy.Name ("" or "no" mean none).</param>
/// <param name="MemoryBytes">HostConfig.Memory (0: unlimited).</param>
/// <param name="NanoCpus">HostConfig.NanoCpus (0: not set).</param>
/// <param name="CpuQuota">HostConfig.CpuQuota (0: not set); with CpuPeriod it also limits CPU.</param>
/// <param name="Mounts">Mounts.</param>
/// <param name="Ports">Published ports.</param>
public sealed record ContainerFacts(
    string Name, string Service, string Image, string ImageId, string State, long ExitCode, string? Health,
    long FailingStreak, string? LastHealthOutput, string RestartPolicy, long MemoryBytes, long NanoCpus, long CpuQuota,
    IReadOnlyList<MountFacts> Mounts, IReadOnlyList<PublishedPort> Ports)
{
    /// <summary>True when CPU is limited by NanoCpus or CpuQuota.</summary>
    public bool HasCpuLimit => NanoCpus > 0 || CpuQuota > 0;

    /// <summary>True when memory is limited.</summary>
    public bool HasMemoryLimit => MemoryBytes > 0;

    /// <summary>True when a restart policy other than "no" is set.</summary>
    public bool HasRestartPolicy => RestartPolicy is { Length: > 0 } and not "no";

    /// <summary>The facts of one inspected container (see <see cref="ContainerInspection.Facts"/>).</summary>
    public static ContainerFacts From(global::Docker.DotNet.Models.ContainerInspectResponse inspect) => ContainerInspection.Facts(inspect);
}

/// <summary>An image a workload runs: a compose service, a container, or a Nomad task.</summary>
/// <param name="Owner">Who runs it, in words: "compose service pushgateway", "Nomad job train, group g, task t".</param>
/// <param name="Image">The image as written.</param>
public sealed record WorkloadImage(string Owner, string Image);

/// <summary>The CPU and memory limits of a workload (null: not set).</summary>
/// <param name="Owner">Who, in words (as in <see cref="WorkloadImage"/>).</param>
/// <param name="Memory">The memory limit in words ("256 MiB"), null when unlimited.</param>
/// <param name="Cpu">The CPU limit in words ("0.5 CPU", "500 MHz"), null when unlimited.</param>
public sealed record WorkloadLimits(string Owner, string? Memory, string? Cpu);

/// <summary>One finding of a vulnerability scan report.</summary>
/// <param name="Id">CVE or rule id.</param>
/// <param name="Severity">CRITICAL, HIGH, MEDIUM, LOW or UNKNOWN (upper case).</param>
/// <param name="Package">Affected package ("" when the report does not say).</param>
/// <param name="InstalledVersion">Installed version ("" when unknown).</param>
/// <param name="FixedVersion">Fixed version ("" when none).</param>
public sealed record ScanFinding(string Id, string Severity, string Package, string InstalledVersion, string FixedVersion)
{
    /// <summary>How the severity was decided when the report is ambiguous ("label low; security-severity 8.2 would be HIGH"), else null.</summary>
    public string? SeverityNote { get; init; }
}

/// <summary>A vulnerability scan report the target names (Trivy JSON or SARIF).</summary>
/// <param name="Path">File the report was read from.</param>
/// <param name="Format">"trivy-json" or "sarif" (with the tool's name: "sarif (Trivy)").</param>
/// <param name="Artifact">The scanned artifact as the report names it (ArtifactName, or SARIF's image name).</param>
/// <param name="Digests">Image digests the report names (sha256:...: RepoDigests, image id), for matching deployed images.</param>
/// <param name="Findings">Findings (empty: clean).</param>
public sealed record ScanReport(string Path, string Format, string Artifact, IReadOnlyList<string> Digests, IReadOnlyList<ScanFinding> Findings)
{
    /// <summary>Other names of the scanned image the report gives (Trivy's RepoTags), also used to match a deployed image by name.</summary>
    public IReadOnlyList<string> OtherNames { get; init; } = [];
}

/// <summary>An image deployed on the target with the digest it runs (for matching scan reports).</summary>
public sealed record DeployedImage(string Owner, string Image, IReadOnlyList<string> Digests);

/// <summary>How the engine's client logs in to one registry the workloads pull from.</summary>
/// <param name="Registry">host[:port].</param>
/// <param name="How">How the client configuration authenticates there (null: it does not).</param>
/// <param name="LoginStatus">GET /v2/ with that login: its status (null: not tried, e.g. a credential helper, or not the declared registry).</param>
public sealed record RegistryLogin(string Registry, string? How, int? LoginStatus);

using Acceptance.Support.Configuration;

namespace Acceptance.Support.Docker;

/// <summary>
/// services.docker: the Docker engine that runs the platform's compose project, and what the suite checks on it.
/// DOCKER_HOST, DOCKER_CERT_PATH, DOCKER_TLS_VERIFY and DOCKER_CONFIG override it the way the docker CLI reads them.
/// </summary>
public sealed record DockerOptions : ServiceOptions
{
    /// <summary>Engine address.</summary>
    [Option("address", "Docker engine: unix:///path/docker.sock, tcp://host:2376 (TLS with cert_path) or ssh://user@host", Required = true, Schemes = "unix,tcp,ssh")]
    public override string Address { get; init; } = "";

    /// <summary>Folder with ca.pem, cert.pem, key.pem for a tcp:// engine with TLS (DOCKER_CERT_PATH).</summary>
    [Option("cert_path", "folder with ca.pem, cert.pem and key.pem for a tcp:// engine (DOCKER_CERT_PATH)", IsPath = true)]
    public string? CertPath { get; init; }

    /// <summary>Verify the engine's TLS certificate (DOCKER_TLS_VERIFY).</summary>
    [Option("tls_verify", "use TLS and verify the engine's certificate on tcp:// (DOCKER_TLS_VERIFY)")]
    public bool TlsVerify { get; init; }

    /// <summary>The docker client configuration folder that holds the registry logins (DOCKER_CONFIG).</summary>
    [Option("config_dir", "docker client configuration folder whose config.json holds the pull credentials (DOCKER_CONFIG)", IsPath = true)]
    public string? ConfigDir { get; init; }

    /// <summary>The compose project name.</summary>
    [Option("compose_project", "docker-compose project name of the platform (label com.docker.compose.project)")]
    public string? ComposeProject { get; init; }

    /// <summary>The compose files of the project.</summary>
    [Option("compose_files", "the project's docker-compose files (images, limits and volumes are read from them too)", IsPath = true)]
    public IReadOnlyList<string> ComposeFiles { get; init; } = [];

    /// <summary>The env file the project is deployed with.</summary>
    [Option("compose_env_file", "env file the compose project is deployed with (--env-file): values for ${VARIABLES}", IsPath = true, MustExist = true)]
    public string? ComposeEnvFile { get; init; }

    /// <summary>Compose services that keep data and need a named volume or a host path.</summary>
    [Option("stateful_services", "compose services that keep data: each needs a named volume or a writable host path")]
    public IReadOnlyList<string> StatefulServices { get; init; } = [];

    /// <summary>Registries images may come from.</summary>
    [Option("allowed_registries", "registries (host[:port]) images may come from; default: the host of services.registry")]
    public IReadOnlyList<string> AllowedRegistries { get; init; } = [];

    /// <summary>Vulnerability scan reports.</summary>
    [Option("scan_reports", "vulnerability scan reports of the deployed images (Trivy JSON or SARIF)", IsPath = true)]
    public IReadOnlyList<string> ScanReports { get; init; } = [];

    /// <summary>Findings accepted by a waiver.</summary>
    [Option("waived_findings", "scan findings (CVE ids) accepted by a waiver: listed in the report as waived, never dropped")]
    public IReadOnlyList<string> WaivedFindings { get; init; } = [];

    /// <summary>The severity at or above which an unwaived finding fails.</summary>
    [Option("scan_fail_severity", "CRITICAL, HIGH, MEDIUM or LOW: an unwaived finding at or above it fails APP-DI-1")]
    public string ScanFailSeverity { get; init; } = "CRITICAL";

    /// <summary>The project name of the rollback drill.</summary>
    [Option("drill_project", "compose project name the rollback drill deploys the same compose files under (never the live project)")]
    public string? DrillProject { get; init; }

    /// <summary>Variables that differ for the drill's copy (ports), KEY=VALUE.</summary>
    [Option("drill_environment", "KEY=VALUE variables that differ for the drill's copy of the project (its published ports)")]
    public IReadOnlyList<string> DrillEnvironment { get; init; } = [];

    /// <summary>The service the drill rolls forward and back.</summary>
    [Option("drill_service", "compose service the rollback drill deploys a broken version of (default: the first stateful service)")]
    public string? DrillService { get; init; }

    /// <summary>The variable of the compose file that holds that service's version.</summary>
    [Option("drill_version_variable", "variable of the compose files that holds the drill service's image version (its env-file value is the known-good version)")]
    public string? DrillVersionVariable { get; init; }

    /// <summary>The broken version the drill deploys.</summary>
    [Option("drill_broken_version", "the version the drill deploys as the failed deployment (a tag the registry does not have)")]
    public string DrillBrokenVersion { get; init; } = "0.0.0-rollback-drill-missing";

    /// <inheritdoc />
    public override IEnumerable<(string Field, SecretReference Secret)> Secrets() => [];
}

/// <summary>services.registry: the private image registry (Docker Registry HTTP API V2).</summary>
public sealed record RegistryOptions : ServiceEndpoint
{
    /// <summary>The ML training image the deployment runs (repository:tag, without the registry host).</summary>
    [Option("training_image", "the ML training image that must be pushed: repository:tag (DEPLOY-AD-1)")]
    public string? TrainingImage { get; init; }

    /// <summary>host:port of the registry as image references name it.</summary>
    public string Host => BaseUri.IsDefaultPort ? BaseUri.Host : $"{BaseUri.Host}:{BaseUri.Port}";
}

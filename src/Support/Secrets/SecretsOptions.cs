using Acceptance.Support.Configuration;

namespace Acceptance.Support.Secrets;

/// <summary>configuration: where credentials may hide, and the environment every workload needs.</summary>
public sealed record SecretsOptions
{
    /// <summary>Configuration files scanned for literal credentials.</summary>
    [Option("scan_files", "configuration files scanned for literal credentials (SEC-SM-3); registered Nomad jobs, the Consul KV prefixes and the compose project's containers are scanned too", IsPath = true)]
    public IReadOnlyList<string> ScanFiles { get; init; } = [];

    /// <summary>Configuration files on the SSH host scanned for literal credentials.</summary>
    [Option("scan_files_ssh", "configuration files on the host of services.ssh (paths there, * and ? allowed in the file name), read over SSH and scanned for literal credentials (SEC-SM-3)")]
    public IReadOnlyList<string> ScanFilesSsh { get; init; } = [];

    /// <summary>Consul KV prefixes scanned for literal credentials.</summary>
    [Option("consul_kv_prefixes", "Consul KV prefixes whose values are scanned for literal credentials (SEC-SM-3)")]
    public IReadOnlyList<string> ConsulKvPrefixes { get; init; } = [];

    /// <summary>Required environment variables.</summary>
    [Option("required_env", "'job|service NAME: VARIABLE [=~ REGEX]': present in every task or container of the workload (APP-EV-1), matching the pattern (APP-EV-2)")]
    public IReadOnlyList<string> RequiredEnv { get; init; } = [];

    /// <summary>Security scan reports of the release (SARIF, Trivy JSON).</summary>
    [Option("scan_reports", "security scan reports the pipeline produced for this release (SARIF 2.1.0, Trivy JSON): PREVAL-AT-2", IsPath = true)]
    public IReadOnlyList<string> ScanReports { get; init; } = [];

    /// <summary>Findings accepted by a waiver.</summary>
    [Option("waived_findings", "findings (rule or CVE ids, or ID:package) accepted by a waiver: listed as waived, never dropped")]
    public IReadOnlyList<string> WaivedFindings { get; init; } = [];

    /// <summary>The severity at or above which an unwaived finding fails PREVAL-AT-2.</summary>
    [Option("scan_fail_severity", "CRITICAL, HIGH, MEDIUM or LOW: an unwaived finding at or above it fails PREVAL-AT-2")]
    public string ScanFailSeverity { get; init; } = "CRITICAL";

    /// <summary>Production-specific values.</summary>
    [Option("production_env", "'job|service NAME: VARIABLE =~ REGEX': the production-specific values (APP-EV-3), e.g. LOG_LEVEL =~ ^(info|warn|error)$")]
    public IReadOnlyList<string> ProductionEnv { get; init; } = [];
}

/// <summary>thresholds for secrets.</summary>
public sealed record SecretThresholds
{
    /// <summary>Oldest a credential may be.</summary>
    [Option("secret_max_age_days", "oldest a credential the suite can see may be before it must be rotated (SEC-SM-4)", Min = 1)]
    public int MaxAgeDays { get; init; } = 90;

    /// <summary>Longest validity a service certificate may have (it must be re-issued at least that often).</summary>
    [Option("certificate_max_lifetime_days", "longest validity a service certificate may have: it is re-issued at least that often (SEC-SM-4; 398 is the CA/Browser Forum limit)", Min = 1)]
    public int CertificateMaxLifetimeDays { get; init; } = 398;
}

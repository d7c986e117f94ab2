using Acceptance.Support.Configuration;

namespace Acceptance.Support.Secrets;

/// <summary>configuration: where credentials may hide, and the environment every workload needs.</summary>
public sealed record SecretsOptions
{
    /// <summary>Configuration files scanned for literal credentials.</summary>
    [Option("scan_files", "configuration files scanned for literal credentials (SEC-SM-3); registered Nomad jobs, the Consul KV prefixes and the compose project's containers are scanned too", IsPath = true)]
    public IReadOnlyList<string> ScanFiles { get; init; } = [];

    /// <summary>Consul KV prefixes scanned for literal credentials.</summary>
    [Option("consul_kv_prefixes", "Consul KV prefixes whose values are scanned for literal credentials (SEC-SM-3)")]
    public IReadOnlyList<string> ConsulKvPrefixes { get; init; } = [];

    /// <summary>Required environment variables.</summary>
    [Option("required_env", "'job|service NAME: VARIABLE [=~ REGEX]': present in every task or container of the workload (APP-EV-1), matching the pattern (APP-EV-2)")]
    public IReadOnlyList<string> RequiredEnv { get; init; } = [];

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
}

using System.Text.RegularExpressions;
using Acceptance.Support.Configuration;

namespace Acceptance.Support.Backups;

/// <summary>services.backup_store / services.dr_store: a backup location reached over SFTP (SSH, key-only, known host key).</summary>
public sealed partial record BackupStoreOptions : ServiceOptions
{
    /// <summary>sftp://USER@HOST:PORT/PATH.</summary>
    [Option("address", "sftp://USER@HOST:PORT/PATH of the store (SFTP over SSH, key-only); PATH holds one folder per component", Required = true)]
    public override string Address { get; init; } = "";

    /// <summary>Private key reference.</summary>
    [Option("private_key", "private key of the store's SFTP login")]
    public SecretReference? PrivateKey { get; init; }

    /// <summary>known_hosts file the store's host key must be listed in.</summary>
    [Option("known_hosts", "known_hosts file the store's host key must be listed in (no unknown host is ever trusted)", IsPath = true, MustExist = true)]
    public string? KnownHosts { get; init; }

    /// <summary>The parts of <see cref="Address"/>; null when it is not an sftp URL.</summary>
    public (string User, string Host, int Port, string Path)? Parts =>
        SftpUrl().Match(Address) is { Success: true } m
            ? (m.Groups["user"].Value, m.Groups["host"].Value, m.Groups["port"].Success ? int.Parse(m.Groups["port"].Value) : 22, m.Groups["path"].Value)
            : null;

    /// <inheritdoc />
    public override IEnumerable<(string Field, SecretReference Secret)> Secrets()
    {
        if (PrivateKey is not null) yield return ("private_key", PrivateKey);
    }

    [GeneratedRegex(@"^sftp://(?<user>[^@/\s]+)@(?<host>[^:/\s]+)(:(?<port>\d{1,5}))?(?<path>/\S*)$")]
    private static partial Regex SftpUrl();
}

/// <summary>backups: the platform's scheduled backups and the restore drill.</summary>
public sealed record BackupSection
{
    /// <summary>Expected periodic backup jobs: "COMPONENT: JOB_ID @ CRON".</summary>
    [Option("jobs", "expected Nomad periodic backup jobs, each 'COMPONENT: JOB_ID @ CRON' (component: consul, nomad, prometheus or grafana; its backups are in the store's COMPONENT/ folder)")]
    public IReadOnlyList<string> Jobs { get; init; } = [];

    /// <summary>Freshness window.</summary>
    [Option("window_minutes", "each backup job must have run, and each component's newest backup be younger than this (minutes)", Min = 1)]
    public double WindowMinutes { get; init; } = 1440;

    /// <summary>Smallest plausible backup.</summary>
    [Option("min_size_bytes", "smallest plausible backup file (bytes)", Min = 1)]
    public int MinSizeBytes { get; init; } = 64;

    /// <summary>The metric of the last successful backup.</summary>
    [Option("success_metric", "metric (label component) the backup jobs push with the time of their last success, read through Prometheus")]
    public string SuccessMetric { get; init; } = "backup_last_success_timestamp_seconds";

    /// <summary>Scratch instances of the restore drill.</summary>
    [Option("restore", "the restore drill's scratch instances (never the target's live services)")]
    public RestoreOptions Restore { get; init; } = new();

    /// <summary>The parsed jobs; a malformed entry throws with the entry named.</summary>
    public IReadOnlyList<ExpectedBackupJob> ExpectedJobs() => Jobs.Select(ExpectedBackupJob.Parse).ToList();
}

/// <summary>One expected backup job.</summary>
public sealed record ExpectedBackupJob(string Component, string JobId, string Schedule)
{
    /// <summary>"COMPONENT: JOB_ID @ CRON".</summary>
    public static ExpectedBackupJob Parse(string entry)
    {
        var colon = entry.IndexOf(':');
        var at = entry.IndexOf('@');
        if (colon <= 0 || at < colon)
            throw new Outcomes.EnvironmentProblemException($"backups.jobs: '{entry}' is not 'COMPONENT: JOB_ID @ CRON'");
        return new(entry[..colon].Trim(), entry[(colon + 1)..at].Trim(), string.Join(' ', entry[(at + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)));
    }

    /// <inheritdoc />
    public override string ToString() => $"{Component}: {JobId} @ {Schedule}";
}

/// <summary>backups.restore: how the drill starts its scratch instances. {port} and {dir} are replaced by a free loopback port and a scratch folder.</summary>
public sealed record RestoreOptions
{
    /// <summary>Prometheus binary.</summary>
    [Option("prometheus_binary", "Prometheus binary the drill starts on the restored TSDB snapshot (a real Prometheus)")]
    public string PrometheusBinary { get; init; } = "prometheus";

    /// <summary>The series that must come back.</summary>
    [Option("prometheus_query", "PromQL that must return a series at the backup's time in the restored Prometheus")]
    public string PrometheusQuery { get; init; } = "up";

    /// <summary>Scratch Consul.</summary>
    [Option("consul_command", "command line of a scratch Consul on {port} with data in {dir} (e.g. consul agent -dev -http-port {port} -data-dir {dir})")]
    public string? ConsulCommand { get; init; }

    /// <summary>Token file of the scratch Consul.</summary>
    [Option("consul_token_file", "management token file of the scratch Consul ({dir} allowed), if it enforces ACLs")]
    public string? ConsulTokenFile { get; init; }

    /// <summary>Scratch Grafana.</summary>
    [Option("grafana_command", "command line of a scratch Grafana on {port} with data in {dir}")]
    public string? GrafanaCommand { get; init; }

    /// <summary>Token file of the scratch Grafana.</summary>
    [Option("grafana_token_file", "API token file of the scratch Grafana ({dir} allowed)")]
    public string? GrafanaTokenFile { get; init; }
}

/// <summary>retention: the data retention policies (MON-BV-2, GOV-SC-4).</summary>
public sealed record RetentionSection
{
    /// <summary>Oldest backup allowed.</summary>
    [Option("backups_max_age_days", "no backup in the stores may be older than this (days)", Min = 0)]
    public double BackupsMaxAgeDays { get; init; } = 30;

    /// <summary>Backups kept per component.</summary>
    [Option("backups_min_count", "at least this many backups of each component must be kept", Min = 1)]
    public int BackupsMinCount { get; init; } = 3;

    /// <summary>Oldest training artifact allowed.</summary>
    [Option("training_data_max_age_days", "no training artifact or dataset in training_data_path may be older than this (days)", Min = 0)]
    public double TrainingDataMaxAgeDays { get; init; } = 90;

    /// <summary>The training-data volume.</summary>
    [Option("training_data_path", "the training-data volume's folder on the host of services.ssh")]
    public string? TrainingDataPath { get; init; }

    /// <summary>Pushgateway groups.</summary>
    [Option("pushgateway_group_max_age_hours", "a Pushgateway group not pushed for longer than this is a finished job's group kept forever (hours)", Min = 0)]
    public double PushgatewayGroupMaxAgeHours { get; init; } = 24;
}

/// <summary>audit: the audit sources that must record what the suite does (GOV-SC-3).</summary>
public sealed record AuditSection
{
    /// <summary>sshd's authentication log on the host of services.ssh.</summary>
    [Option("sshd_log", "sshd's authentication log (a file, or the syslog's auth.log) on the host of services.ssh: the suite's login must appear in it")]
    public string? SshdLog { get; init; }

    /// <summary>Docker events.</summary>
    [Option("docker_events", "the Docker engine of services.docker is an audit source: its event log must record a volume the suite creates")]
    public bool DockerEvents { get; init; }

    /// <summary>Deadline.</summary>
    [Option("max_delay_seconds", "an action of the suite must appear in each audit log within this (seconds)", Min = 1, Max = 600)]
    public double MaxDelaySeconds { get; init; } = 15;
}

/// <summary>Thresholds of the backup checks.</summary>
public sealed record BackupThresholds
{
    /// <summary>Recovery time objective.</summary>
    [Option("rto_minutes", "recovery time objective: each component's restore in the drill must take at most this (minutes)", Min = 0)]
    public double RtoMinutes { get; init; } = 60;

    /// <summary>Deadline of one backup run forced by the drill.</summary>
    [Option("backup_run_timeout_seconds", "deadline of one backup job run the drill forces (seconds)", Min = 1)]
    public double BackupRunTimeoutSeconds { get; init; } = 120;
}

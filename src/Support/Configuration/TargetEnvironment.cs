using Acceptance.Support.Alertmanager;
using Acceptance.Support.Backups;
using Acceptance.Support.Capacity;
using Acceptance.Support.Consul;
using Acceptance.Support.Docker;
using Acceptance.Support.Grafana;
using Acceptance.Support.Load;
using Acceptance.Support.Logs;
using Acceptance.Support.Network;
using Acceptance.Support.Nomad;
using Acceptance.Support.Outcomes;
using Acceptance.Support.Polling;
using Acceptance.Support.Prometheus;
using Acceptance.Support.Pushgateway;
using Acceptance.Support.Ssh;

namespace Acceptance.Support.Configuration;

/// <summary>
/// The environment under test, as described by a target file plus environment-variable overrides.
/// Immutable; secrets are held only as <see cref="SecretReference"/>s and resolved on demand.
/// </summary>
public sealed record TargetEnvironment
{
    /// <summary>Path of the target file this environment was read from.</summary>
    public required string SourceFile { get; init; }

    /// <summary>The target file's name without its folder: what a reason in the report names (no machine paths in the evidence).</summary>
    public string SourceName => Path.GetFileName(SourceFile);

    /// <summary>Name of the deployment (shown in the report and the sign-off block).</summary>
    public required string Name { get; init; }

    /// <summary>production, staging, sandbox, ...</summary>
    public required string Environment { get; init; }

    /// <summary>Default CA bundle for https endpoints, if any.</summary>
    public string? CaFile { get; init; }

    /// <summary>tls: the CA bundle and what the certificate, renewal and TLS-everywhere checks expect.</summary>
    public TlsDefaults Tls { get; init; } = new();

    /// <summary>firewall: ports that must answer and ports that must not, per host (INFRA-NC-3).</summary>
    public Network.FirewallOptions Firewall { get; init; } = new();

    /// <summary>exposure: what may answer without credentials (NEXT-HARD-1).</summary>
    public Exposure.ExposureOptions Exposure { get; init; } = new();

    /// <summary>Each declared service's typed section, by key (consul, nomad, prometheus, ...).</summary>
    public IReadOnlyDictionary<string, ServiceOptions> Services { get; init; } = new Dictionary<string, ServiceOptions>();

    /// <summary>What a healthy deployment looks like.</summary>
    public Expectations Expect { get; init; } = new();

    /// <summary>Thresholds, by group.</summary>
    public Thresholds Thresholds { get; init; } = new();

    /// <summary>scale: the concurrent training-job test (NEXT-SCALE-1).</summary>
    public ScaleOptions Scale { get; init; } = new();

    /// <summary>configuration: configuration files, credential scanning and required environment.</summary>
    public ConfigurationSection Configuration { get; init; } = new();

    /// <summary>performance: load profiles, the engine, the soak window and the storage benchmark.</summary>
    public PerformanceSection Performance { get; init; } = new();

    /// <summary>change: the change ticket, window and required approvals (GOV-CM-*).</summary>
    public ChangeOptions Change { get; init; } = new();

    /// <summary>attestations: the policy for attestations and waivers.</summary>
    public AttestationPolicyOptions Attestations { get; init; } = new();

    /// <summary>ci_results: the application's own CI results (PREVAL-AT-3/4).</summary>
    public ContinuousIntegration.CiResultsOptions CiResults { get; init; } = new();

    /// <summary>documentation: the documents of DOCS-DU-* and NEXT-DOCS-1.</summary>
    public Documentation.DocumentationOptions Documentation { get; init; } = new();

    /// <summary>tailoring: every threshold that deviates from the checklist's number, with its reason and approver, by key path.</summary>
    public IReadOnlyDictionary<string, Tailoring> Tailoring { get; init; } = new Dictionary<string, Tailoring>();

    /// <summary>When the change window opened (change.window_start), or null.</summary>
    public DateTimeOffset? ChangeWindowStart => Change.WindowStartTime;

    /// <summary>backups: the scheduled backup jobs and the restore drill.</summary>
    public BackupSection Backups { get; init; } = new();

    /// <summary>retention: the data retention policies.</summary>
    public RetentionSection Retention { get; init; } = new();

    /// <summary>audit: the audit sources.</summary>
    public AuditSection Audit { get; init; } = new();

    /// <summary>evidence: the signing key, allowed signers and store of the run's sealed evidence bundle.</summary>
    public Support.Evidence.EvidenceBundleOptions Evidence { get; init; } = new();

    /// <summary>The section of <paramref name="key"/>, or null when the target does not declare it.</summary>
    public ServiceOptions? Service(string key) => Services.GetValueOrDefault(key);

    /// <summary>
    /// The typed section of <paramref name="key"/>; <see cref="NotVerifiedException"/> (the line cannot be checked on
    /// this target) when the target does not declare it. The one place that decides "service not declared".
    /// </summary>
    public T Require<T>(string key) where T : ServiceOptions =>
        Services.GetValueOrDefault(key) as T
        ?? throw new NotVerifiedException($"The target file ({SourceName}) declares no {ServiceCatalog.DisplayName(key)} (services.{key}): this line cannot be verified on this target.");

    /// <summary>
    /// A list the target file sets at <paramref name="key"/> (e.g. "expect.services"), or <see cref="NotVerifiedException"/>
    /// when it lists nothing there: with <see cref="Require{T}"/> and <see cref="RequireSetting"/>, the one place that decides
    /// "the target does not say".
    /// </summary>
    public IReadOnlyList<string> RequireListed(IReadOnlyList<string> list, string key, string why = "") =>
        list.Count > 0 ? list : throw new NotVerifiedException($"The target file ({SourceName}) lists no {key}{Because(why)}.");

    /// <summary>A setting the target file sets at <paramref name="key"/>, or <see cref="NotVerifiedException"/> when it does not.</summary>
    public string RequireSetting(string? value, string key, string why = "") =>
        value is { Length: > 0 } ? value : throw new NotVerifiedException($"The target file ({SourceName}) does not set {key}{Because(why)}.");

    private static string Because(string why) => why.Length > 0 ? $": {why}" : "";

    /// <summary>services.consul.</summary>
    public ConsulOptions Consul => Require<ConsulOptions>("consul");

    /// <summary>services.nomad.</summary>
    public NomadOptions Nomad => Require<NomadOptions>("nomad");

    /// <summary>services.prometheus.</summary>
    public PrometheusOptions Prometheus => Require<PrometheusOptions>("prometheus");

    /// <summary>services.pushgateway.</summary>
    public PushgatewayOptions Pushgateway => Require<PushgatewayOptions>("pushgateway");

    /// <summary>services.alertmanager.</summary>
    public AlertmanagerOptions Alertmanager => Require<AlertmanagerOptions>("alertmanager");

    /// <summary>services.grafana.</summary>
    public GrafanaOptions Grafana => Require<GrafanaOptions>("grafana");

    /// <summary>services.loki.</summary>
    public LokiOptions Loki => Require<LokiOptions>("loki");

    /// <summary>services.load_balancer.</summary>
    public LoadBalancerOptions LoadBalancer => Require<LoadBalancerOptions>("load_balancer");

    /// <summary>services.dns.</summary>
    public DnsOptions Dns => Require<DnsOptions>("dns");

    /// <summary>services.ssh.</summary>
    public SshOptions Ssh => Require<SshOptions>("ssh");

    /// <summary>services.docker.</summary>
    public DockerOptions Docker => Require<DockerOptions>("docker");

    /// <summary>services.registry.</summary>
    public RegistryOptions Registry => Require<RegistryOptions>("registry");

    /// <summary>services.backup_store.</summary>
    public BackupStoreOptions BackupStore => Require<BackupStoreOptions>("backup_store");

    /// <summary>services.dr_store.</summary>
    public BackupStoreOptions DrStore => Require<BackupStoreOptions>("dr_store");

    /// <summary>Every secret reference the target file makes (for redaction of reports).</summary>
    public IEnumerable<SecretReference> SecretReferences() => Services.Values.SelectMany(s => s.Secrets().Select(x => x.Secret));
}

/// <summary>tls: defaults for every https endpoint.</summary>
public sealed record TlsDefaults
{
    /// <summary>CA bundle for every https endpoint unless a service overrides it.</summary>
    [Option("ca_file", "CA bundle used for every https endpoint unless a service sets its own ca_file", IsPath = true, MustExist = true)]
    public string? CaFile { get; init; }

    /// <summary>TLS endpoints checked besides the https services.</summary>
    [Option("endpoints", "more TLS endpoints to check besides every https service, as host:port (SEC-TSC-1)")]
    public IReadOnlyList<string> Endpoints { get; init; } = [];

    /// <summary>Services allowed to answer over plain http: each lowers the checklist's bar, and the verdict says so.</summary>
    [Option("plain_http_allowed", "services (keys, or load_balancer_metrics) allowed to answer over plain http: each one lowers the checklist's bar (TLS everywhere, NEXT-HARD-1) and the verdict names it")]
    public IReadOnlyList<string> PlainHttpAllowed { get; init; } = [];

    /// <summary>The Nomad periodic job that renews the certificates.</summary>
    [Option("renewal_job", "the Nomad periodic job that renews the certificates (SEC-TSC-2): it must exist, be periodic and enabled, and its last run must have succeeded")]
    public string? RenewalJob { get; init; }

    /// <summary>Without a renewal job: the age under which every certificate counts as renewed on schedule.</summary>
    [Option("renewal_interval_days", "without tls.renewal_job: every certificate must be younger than this many days (its renewal interval) for SEC-TSC-2 to count it as renewed (weaker evidence, said in the verdict)", Min = 1)]
    public int? RenewalIntervalDays { get; init; }

    /// <summary>Where the CA private key must not be on the service nodes.</summary>
    [Option("ca_key_paths", "absolute paths (* and ? in the file name) on the services.ssh host where a CA private key must NOT be found (SEC-TSC-4, the automated half)")]
    public IReadOnlyList<string> CaKeyPaths { get; init; } = [];
}

/// <summary>expect: what a healthy deployment looks like (the checklist's numbers by default).</summary>
public sealed record Expectations
{
    /// <summary>Minimum Consul servers.</summary>
    [Option("consul_servers", "minimum Consul servers (raft peers)", Min = 1, Checklist = 3, Lines = "INFRA-HR-1", Unit = "Consul servers")]
    public int ConsulServers { get; init; } = 3;

    /// <summary>Minimum Nomad servers.</summary>
    [Option("nomad_servers", "minimum Nomad servers (raft peers)", Min = 1, Checklist = 3, Lines = "INFRA-HR-1", Unit = "Nomad servers")]
    public int NomadServers { get; init; } = 3;

    /// <summary>Recommended servers (a non-critical recommendation).</summary>
    [Option("recommended_servers", "recommended servers per cluster (a non-critical recommendation)", Min = 1, Checklist = 5, Lines = "INFRA-HR-1", Unit = "recommended servers")]
    public int RecommendedServers { get; init; } = 5;

    /// <summary>Drivers every Nomad client node must detect as healthy.</summary>
    [Option("nomad_drivers", "task drivers every Nomad client node must report detected and healthy")]
    public IReadOnlyList<string> NomadDrivers { get; init; } = [];

    /// <summary>Services that must be registered and healthy in Consul.</summary>
    [Option("services", "services that must be registered in Consul with passing checks and resolvable through Consul DNS")]
    public IReadOnlyList<string> Services { get; init; } = [];

    /// <summary>Prometheus jobs that must have active targets.</summary>
    [Option("scrape_jobs", "Prometheus scrape jobs that must have active targets")]
    public IReadOnlyList<string> ScrapeJobs { get; init; } = [];

    /// <summary>Grafana dashboards (uid or title) that must exist and show data.</summary>
    [Option("dashboards", "Grafana dashboards (uid or title) that must exist and whose panels must return data")]
    public IReadOnlyList<string> Dashboards { get; init; } = [];

    /// <summary>Nomad host volumes the services need for persistent storage.</summary>
    [Option("host_volumes", "Nomad host volumes the services need for persistent storage")]
    public IReadOnlyList<string> HostVolumes { get; init; } = [];

    /// <summary>Hardware minimums of every node.</summary>
    [Option("node_minimums", "hardware every Nomad client node must have")]
    public NodeMinimums NodeMinimums { get; init; } = new();
}

/// <summary>thresholds: the numbers checks compare against, in groups that share the flat section.</summary>
public sealed record Thresholds
{
    /// <summary>Poll deadlines.</summary>
    [OptionGroup("polling")]
    public PollingThresholds Polling { get; init; } = new();

    /// <summary>Prometheus checks.</summary>
    [OptionGroup("prometheus")]
    public PrometheusThresholds Prometheus { get; init; } = new();

    /// <summary>The live alert pipeline.</summary>
    [OptionGroup("alert pipeline")]
    public AlertPipelineThresholds AlertPipeline { get; init; } = new();

    /// <summary>Node network.</summary>
    [OptionGroup("network")]
    public NetworkThresholds Network { get; init; } = new();

    /// <summary>Certificates.</summary>
    [OptionGroup("certificates")]
    public Tls.TlsThresholds Tls { get; init; } = new();

    /// <summary>Performance under load.</summary>
    [OptionGroup("performance")]
    public LoadThresholds Load { get; init; } = new();

    /// <summary>ML training jobs.</summary>
    [OptionGroup("ML training jobs")]
    public TrainingThresholds Training { get; init; } = new();

    /// <summary>Secrets.</summary>
    [OptionGroup("secrets")]
    public Secrets.SecretThresholds Secrets { get; init; } = new();

    /// <summary>The application's own CI results (PREVAL-AT-3/4).</summary>
    [OptionGroup("imported CI results")]
    public ContinuousIntegration.CiThresholds Ci { get; init; } = new();

    /// <summary>Backups and the restore drill.</summary>
    [OptionGroup("backups")]
    public BackupThresholds Backups { get; init; } = new();

    /// <summary>Poll deadline (thresholds.poll_timeout_seconds).</summary>
    public TimeSpan PollTimeout => Polling.PollTimeout;
}

/// <summary>Which options class reads each service key, and how the product is named.</summary>
public static class ServiceCatalog
{
    /// <summary>Options class per service key, in the order the docs list them.</summary>
    public static readonly IReadOnlyDictionary<string, Type> Types = new Dictionary<string, Type>
    {
        ["consul"] = typeof(ConsulOptions),
        ["nomad"] = typeof(NomadOptions),
        ["prometheus"] = typeof(PrometheusOptions),
        ["pushgateway"] = typeof(PushgatewayOptions),
        ["alertmanager"] = typeof(AlertmanagerOptions),
        ["grafana"] = typeof(GrafanaOptions),
        ["loki"] = typeof(LokiOptions),
        ["load_balancer"] = typeof(LoadBalancerOptions),
        ["dns"] = typeof(DnsOptions),
        ["ssh"] = typeof(SshOptions),
        ["docker"] = typeof(DockerOptions),
        ["registry"] = typeof(RegistryOptions),
        ["backup_store"] = typeof(BackupStoreOptions),
        ["dr_store"] = typeof(BackupStoreOptions),
    };

    /// <summary>A new section for <paramref name="key"/> with every default.</summary>
    public static ServiceOptions Create(string key) => ((ServiceOptions)Activator.CreateInstance(Types[key])!) with { Key = key };

    /// <summary>The product's name in messages ("Consul", "the load balancer").</summary>
    public static string DisplayName(string key) => key switch
    {
        "load_balancer" => "load balancer",
        "loki" => "log aggregation endpoint (a Loki query API)",
        "dns" => "DNS server",
        "ssh" => "SSH access (services.ssh)",
        "docker" => "Docker engine",
        "registry" => "private image registry",
        "backup_store" => "backup store",
        "dr_store" => "disaster-recovery store (a second backup location)",
        _ => char.ToUpperInvariant(key[0]) + key[1..],
    };

    /// <summary>Every key of the target file: top level, tls, each service, expect and thresholds.</summary>
    public static IReadOnlyList<OptionKey> Schema()
    {
        var keys = new List<OptionKey>
        {
            new("name", "a string", "", "name of the deployment (report, sign-off block); required", ""),
            new("environment", "a string", "", "production | staging | sandbox | any word; required", ""),
        };
        keys.AddRange(OptionsBinder.Describe(typeof(TlsDefaults), "tls"));
        foreach (var (key, type) in Types) keys.AddRange(OptionsBinder.Describe(type, $"services.{key}"));
        keys.AddRange(OptionsBinder.Describe(typeof(Expectations), "expect"));
        keys.AddRange(OptionsBinder.Describe(typeof(Thresholds), "thresholds"));
        keys.AddRange(OptionsBinder.Describe(typeof(ScaleOptions), "scale"));
        keys.AddRange(OptionsBinder.Describe(typeof(ConfigurationSection), "configuration"));
        keys.AddRange(OptionsBinder.Describe(typeof(PerformanceSection), "performance"));
        keys.AddRange(OptionsBinder.Describe(typeof(ChangeOptions), "change"));
        keys.AddRange(OptionsBinder.Describe(typeof(AttestationPolicyOptions), "attestations"));
        keys.AddRange(OptionsBinder.Describe(typeof(ContinuousIntegration.CiResultsOptions), "ci_results"));
        keys.AddRange(OptionsBinder.Describe(typeof(Documentation.DocumentationOptions), "documentation"));
        keys.Add(new("tailoring", "a mapping of KEY.PATH: { reason: TEXT, approver: NAME }", "",
            "declares a threshold that differs from the checklist's own number (e.g. tailoring: { expect.node_minimums.cpu_cores: { reason: ..., approver: ... } }); an undeclared deviation stops the run at start", ""));

        keys.AddRange(OptionsBinder.Describe(typeof(BackupSection), "backups"));
        keys.AddRange(OptionsBinder.Describe(typeof(RetentionSection), "retention"));
        keys.AddRange(OptionsBinder.Describe(typeof(AuditSection), "audit"));
        keys.AddRange(OptionsBinder.Describe(typeof(Network.FirewallOptions), "firewall"));
        keys.AddRange(OptionsBinder.Describe(typeof(Exposure.ExposureOptions), "exposure"));
        keys.AddRange(OptionsBinder.Describe(typeof(Evidence.EvidenceBundleOptions), "evidence"));
        return keys;
    }
}

/// <summary>configuration: one flat section, its keys grouped by the checks that use them.</summary>
public sealed record ConfigurationSection
{
    /// <summary>Configuration files validated by their own validators.</summary>
    [OptionGroup("configuration files")]
    public Validation.ConfigurationOptions Validation { get; init; } = new();

    /// <summary>Credential scanning and required environment.</summary>
    [OptionGroup("secrets and environment")]
    public Secrets.SecretsOptions Secrets { get; init; } = new();
}

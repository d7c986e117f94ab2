using Acceptance.Support.Alertmanager;
using Acceptance.Support.Backups;
using Acceptance.Support.Configuration;
using Acceptance.Support.Consul;
using Acceptance.Support.Docker;
using Acceptance.Support.Evidence;
using Acceptance.Support.Grafana;
using Acceptance.Support.Logs;
using Acceptance.Support.Network;
using Acceptance.Support.Nomad;
using Acceptance.Support.Prometheus;
using Acceptance.Support.Promtool;
using Acceptance.Support.Pushgateway;
using Acceptance.Support.ServerCluster;

namespace Acceptance.StepDefinitions.Infrastructure;

/// <summary>
/// The scenario's clients, probes and drivers for the target, created on first use with the scenario's evidence
/// log (one instance per scenario, by context injection; disposed at its end). A service the target does not
/// declare makes the scenario NOT VERIFIED (<see cref="TargetEnvironment.Require{T}"/>), in that one place.
/// </summary>
public sealed class ScenarioServices(EvidenceLog evidence) : IDisposable
{
    private readonly List<IDisposable> _owned = [];
    private ConsulClient? _consul;
    private NomadClient? _nomad;
    private PrometheusClient? _prometheus;
    private PushgatewayDriver? _pushgateway;
    private AlertmanagerClient? _alertmanager;
    private WebhookReceiverClient? _webhook;
    private GrafanaClient? _grafana;
    private LokiClient? _loki;
    private DnsProbe? _dns;
    private AlertPipelineDriver? _pipeline;
    private DockerEngineClient? _docker;
    private RegistryClient? _registry;
    private LoadBalancerProbe? _loadBalancer;

    /// <summary>The target (a broken target file makes the scenario BROKEN with every problem listed).</summary>
    public TargetEnvironment Target => RunContext.Target;

    /// <summary>The scenario's evidence.</summary>
    public EvidenceLog Evidence => evidence;

    /// <summary>Consul API client.</summary>
    public ConsulClient Consul => _consul ??= Own(new ConsulClient(Target, evidence));

    /// <summary>Consul facts.</summary>
    public ConsulProbe ConsulProbe => new(Consul, evidence);

    /// <summary>Nomad API client.</summary>
    public NomadClient Nomad => _nomad ??= Own(new NomadClient(Target, evidence));

    /// <summary>Nomad facts.</summary>
    public NomadProbe NomadProbe => new(Nomad, evidence);

    /// <summary>The server-cluster facts of "consul" or "nomad".</summary>
    public ServerClusterProbe Cluster(ServiceKey service) => service.Key switch
    {
        "consul" => ConsulProbe.Cluster,
        "nomad" => NomadProbe.Cluster,
        _ => throw new InvalidOperationException($"{service} is not a server cluster (Consul or Nomad)"),
    };

    /// <summary>Prometheus API client.</summary>
    public PrometheusClient Prometheus => _prometheus ??= Own(new PrometheusClient(Target, evidence));

    /// <summary>Prometheus facts.</summary>
    public PrometheusProbe PrometheusProbe => new(Prometheus, evidence);

    /// <summary>Pushgateway driver.</summary>
    public PushgatewayDriver Pushgateway => _pushgateway ??= Own(new PushgatewayDriver(Target, evidence));

    /// <summary>Alertmanager API client.</summary>
    public AlertmanagerClient Alertmanager => _alertmanager ??= Own(new AlertmanagerClient(Target, evidence));

    /// <summary>The receiver whose deliveries can be read back (services.alertmanager.webhook_receiver), or null.</summary>
    public WebhookReceiverClient? Webhook => _webhook ??= Target.Alertmanager.WebhookReceiver is { } address
        ? Own(new WebhookReceiverClient(address, Target, evidence))
        : null;

    /// <summary>The scenario's alert pipeline driver (one synthetic alert per scenario).</summary>
    public AlertPipelineDriver Pipeline => _pipeline ??= new AlertPipelineDriver(Prometheus, Pushgateway, Alertmanager, Webhook, evidence,
        Target.Thresholds.AlertPipeline.StageTimeout)
    {
        AlertName = Target.Alertmanager.SyntheticAlert,
        Metric = Target.Alertmanager.SyntheticMetric,
    };

    /// <summary>True once the pipeline driver was created in this scenario.</summary>
    public bool PipelineStarted => _pipeline is not null;

    /// <summary>The backup jobs and their success metric (MON-BV-1).</summary>
    public BackupProbe BackupProbe => new(Nomad, Target.Service("prometheus") is null ? null : Prometheus, evidence);

    /// <summary>backups.jobs, parsed (NOT VERIFIED when empty).</summary>
    public IReadOnlyList<ExpectedBackupJob> BackupJobs => Target.RequireListed(Target.Backups.Jobs, "backups.jobs").Select(ExpectedBackupJob.Parse).ToList();

    /// <summary>services.backup_store over SFTP.</summary>
    public BackupStore BackupStore => new(Target.BackupStore, evidence);

    /// <summary>services.dr_store over SFTP.</summary>
    public BackupStore DrStore => new(Target.DrStore, evidence);

    /// <summary>The stores' contents for the backup checks.</summary>
    public BackupInspector Backups => new(BackupStore, Target.Service("dr_store") is null ? null : DrStore, BackupJobs);

    /// <summary>The restore drill (scratch instances on the scenario's cleanup stack).</summary>
    public BackupDrillRunner Drill(Support.Lifecycle.CleanupStack cleanup) => new(BackupProbe, BackupStore,
        Target.Service("consul") is null ? null : Consul, Target.Service("grafana") is null ? null : Grafana, Target, cleanup, evidence);

    /// <summary>The host of services.ssh for audit logs and the training-data volume.</summary>
    public RemoteHost RemoteHost => new(Target.Ssh, evidence);

    /// <summary>Grafana API client.</summary>
    public GrafanaClient Grafana => _grafana ??= Own(new GrafanaClient(Target, evidence));

    /// <summary>Grafana facts.</summary>
    public GrafanaProbe GrafanaProbe => new(Grafana, evidence);

    /// <summary>Grafana access control: anonymous calls, the default login, roles, auth settings.</summary>
    public GrafanaAccessProbe GrafanaAccess => new(Grafana, evidence);

    /// <summary>Runbook links.</summary>
    public RunbookProbe Runbooks => new(Target, evidence);

    /// <summary>promtool through CliWrap.</summary>
    public PromtoolRunner Promtool => new(evidence, Target.Thresholds.Prometheus.PromtoolTimeout);

    /// <summary>The log aggregator (not verified when the target declares none).</summary>
    public LokiClient Loki => _loki ??= Own(new LokiClient(Target, evidence));

    /// <summary>DNS answers from services.dns.</summary>
    public DnsProbe Dns => _dns ??= new DnsProbe(Target, evidence);

    /// <summary>The SSH servers of services.ssh: nodes, bastion, private nodes.</summary>
    public Support.Ssh.SshProbe Ssh => new(Target.Ssh, evidence);

    /// <summary>
    /// The receiver the target expects for a severity (services.alertmanager.&lt;severity&gt;_receiver); not verified
    /// when the target does not say.
    /// </summary>
    public string ExpectedReceiver(string severity) => Target.RequireSetting(Target.Alertmanager.ReceiverFor(severity),
        $"services.alertmanager.{severity}_receiver", $"the receiver for severity={severity} is not named, so routing cannot be judged");

    /// <summary>Certificates and TLS scans of every TLS endpoint.</summary>
    public Support.Tls.CertificateProbe Certificates => new(Target, evidence);

    /// <summary>The certificate-renewal job in Nomad (tls.renewal_job).</summary>
    public Support.Tls.RenewalProbe Renewal => new(Nomad);

    /// <summary>The load balancer's servers and answers (not verified without services.load_balancer.metrics).</summary>
    public LoadBalancerProbe LoadBalancer => _loadBalancer ??= Own(new LoadBalancerProbe(Target, evidence));

    /// <summary>The ports of firewall.must_be_open / must_be_closed, scanned from the runner.</summary>
    public PortScan Ports => new(Target.Firewall, evidence);

    /// <summary>Anonymous calls to every HTTP(S) endpoint (NEXT-HARD-1).</summary>
    public Support.Exposure.AnonymousAccessProbe Anonymous => new(Target, evidence);

    /// <summary>Files on the SSH host (services.ssh).</summary>
    public Support.Ssh.SshFileReader SshFiles => new(Target.Ssh, evidence);

    /// <summary>The Docker engine of services.docker.</summary>
    public DockerEngineClient Docker => _docker ??= Own(new DockerEngineClient(Target.Docker, evidence));

    /// <summary>The private registry of services.registry.</summary>
    public RegistryClient Registry => _registry ??= Own(new RegistryClient(Target, evidence));

    /// <summary>Docker facts: the compose project's containers, the images and limits of every workload, scan reports.</summary>
    public DockerProbe DockerProbe => new(Target, Docker, Target.Service("nomad") is null ? null : Nomad, evidence);

    /// <summary>Registry facts: the training image, credentials, plain http.</summary>
    public RegistryProbe RegistryProbe => new(Registry, evidence);

    /// <summary>The platform's job templates through Nomad's parse, validate and plan API.</summary>
    public JobTemplates JobTemplatesProbe => new(Nomad, evidence);

    /// <summary>configuration.required_env, parsed (NOT VERIFIED when empty; a malformed entry is BROKEN, naming it).</summary>
    public IReadOnlyList<Support.EnvironmentVariables.EnvRequirement> RequiredEnv =>
        Support.EnvironmentVariables.EnvRequirement.ParseAll(Target.RequireListed(Target.Configuration.Secrets.RequiredEnv, "configuration.required_env"), "configuration.required_env");

    /// <summary>configuration.production_env, parsed.</summary>
    public IReadOnlyList<Support.EnvironmentVariables.EnvRequirement> ProductionEnv =>
        Support.EnvironmentVariables.EnvRequirement.ParseAll(Target.RequireListed(Target.Configuration.Secrets.ProductionEnv, "configuration.production_env"), "configuration.production_env");

    /// <summary>The deployed environment of Nomad jobs and compose services.</summary>
    public Support.EnvironmentVariables.WorkloadEnvProbe WorkloadEnv => new(Target.Service("nomad") is null ? null : Nomad,
        Target.Service("docker") is null ? null : Docker, (Target.Service("docker") as DockerOptions)?.ComposeProject);

    /// <summary>Every place a credential can hide on the target (jobs, KV, containers, files), for the secret scan.</summary>
    public Support.Secrets.SecretSources SecretSources => new(Target.Service("nomad") is null ? null : Nomad, Target.Service("consul") is null ? null : Consul,
        Target.Service("docker") is null ? null : Docker, (Target.Service("docker") as DockerOptions)?.ComposeProject, Target.Configuration.Secrets, evidence,
        Target.Service("ssh") as Support.Ssh.SshOptions);

    /// <summary>configuration.files, parsed against the target file's folder (NOT VERIFIED when it lists none).</summary>
    public IReadOnlyList<Support.Validation.ConfigFile> ConfigFiles
    {
        get
        {
            var entries = Target.RequireListed(Target.Configuration.Validation.Files, "configuration.files");
            try { return Support.Validation.ConfigFile.ParseAll(entries, Path.GetDirectoryName(Target.SourceFile)); }
            catch (Support.Configuration.TargetConfigurationException e) { throw new Support.Outcomes.EnvironmentProblemException(string.Join("; ", e.Problems)); }
        }
    }

    /// <summary>configuration.scan_reports, read (NOT VERIFIED when it names none; a file that is no report is BROKEN, naming it).</summary>
    public IReadOnlyList<ScanReport> SecurityScanReports()
    {
        var paths = Target.RequireListed(PathPatterns.Expand(Target.Configuration.Secrets.ScanReports), "configuration.scan_reports",
            "no scanner can run here, so the line rests on the scan reports the release pipeline produced (SARIF, Trivy JSON)");
        try { return paths.Select(p => Support.Docker.ScanReports.Load(p)).ToList(); }
        catch (Exception e) when (e is IOException or InvalidDataException or System.Text.Json.JsonException or FormatException)
        { throw new Support.Outcomes.EnvironmentProblemException($"configuration.scan_reports: {e.Message}", e); }
    }

    /// <summary>ci_results.coverage, read (NOT VERIFIED when it names none; a file that is no coverage report is BROKEN, naming it).</summary>
    public IReadOnlyList<Support.ContinuousIntegration.CoverageReport> CoverageReports() =>
        ReadCiFiles(Target.CiResults.Coverage, "ci_results.coverage", "the application's unit-test coverage is imported from its CI (Cobertura or lcov)",
            Support.ContinuousIntegration.CiReports.ReadCoverage);

    /// <summary>ci_results.test_results, read (NOT VERIFIED when it names none; a file that is no JUnit/TRX is BROKEN, naming it).</summary>
    public IReadOnlyList<Support.ContinuousIntegration.TestResultsReport> TestResultsReports() =>
        ReadCiFiles(Target.CiResults.TestResults, "ci_results.test_results", "the application's test results are imported from its CI (JUnit XML or TRX)",
            Support.ContinuousIntegration.CiReports.ReadTestResults);

    private IReadOnlyList<T> ReadCiFiles<T>(IReadOnlyList<string> patterns, string key, string why, Func<string, T> read)
    {
        var paths = Target.RequireListed(PathPatterns.Expand(patterns), key, why);
        try
        {
            var reports = paths.Select(read).ToList();
            evidence.AttachText(key, string.Join("\n", reports));
            return reports;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        { throw new Support.Outcomes.EnvironmentProblemException($"{key}: {e.Message}", e); }
    }

    /// <summary>The ages of the credentials the suite holds (its Consul and Nomad tokens); NOT VERIFIED when it holds none.</summary>
    public async Task<IReadOnlyList<Support.Secrets.CredentialAge>> CredentialAgesAsync()
    {
        var ages = new List<Support.Secrets.CredentialAge>();
        if (Target.Service("consul") is Support.Consul.ConsulOptions { Token: not null }) ages.Add(await Support.Secrets.CredentialAges.ConsulAsync(Consul));
        if (Target.Service("nomad") is Support.Nomad.NomadOptions { Token: not null }) ages.Add(await Support.Secrets.CredentialAges.NomadAsync(Nomad));
        if (Target.Service("grafana") is Support.Grafana.GrafanaOptions { Token: not null }) ages.AddRange(await Support.Secrets.CredentialAges.GrafanaAsync(Grafana));
        return ages.Count > 0 ? ages : throw new Support.Outcomes.NotVerifiedException("The target gives the suite no Consul or Nomad token: no credential age can be read.");
    }

    /// <summary>The load tests of performance.endpoints (wrk, hey or k6).</summary>
    public Support.Load.LoadTestDriver LoadTests => new(Target, evidence);

    /// <summary>Node utilisation and service exhaustion read from Prometheus.</summary>
    public Support.Load.ResourceProbe Resources => new(Prometheus, evidence);

    /// <summary>The storage benchmark (fio) of performance.fio_directories.</summary>
    public Support.Load.FioRunner Fio => new(Target, evidence);

    /// <summary>Registries images may come from: services.docker.allowed_registries, else the declared registry's host.</summary>
    public IReadOnlyList<string> AllowedRegistries => Target.Docker.AllowedRegistries.Count > 0 ? Target.Docker.AllowedRegistries
        : Target.Service("registry") is not null ? [Target.Registry.Host]
        : Target.RequireListed(Target.Docker.AllowedRegistries, "services.docker.allowed_registries", "and declares no services.registry");

    private T Own<T>(T item) where T : IDisposable
    {
        _owned.Add(item);
        return item;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var d in _owned) d.Dispose();
        _owned.Clear();
    }
}

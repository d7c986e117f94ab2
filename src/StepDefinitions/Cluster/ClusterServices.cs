using Acceptance.StepDefinitions.Infrastructure;
using Acceptance.Support.Configuration;
using Acceptance.Support.Consul;
using Acceptance.Support.Evidence;
using Acceptance.Support.Grafana;
using Acceptance.Support.Network;
using Acceptance.Support.Nomad;
using Acceptance.Support.Outcomes;

namespace Acceptance.StepDefinitions.Cluster;

/// <summary>
/// The scenario's Consul, Nomad, DNS and Grafana clients and probes, created on first use with the
/// scenario's evidence log (one instance per scenario, by context injection; disposed at its end).
/// </summary>
public sealed class ClusterServices(TargetServices core) : ScenarioClients
{
    private ConsulClient? _consul;
    private NomadClient? _nomad;
    private DnsProbe? _dns;

    /// <summary>The target (a broken target file makes the scenario BROKEN with every problem listed).</summary>
    public TargetEnvironment Target => core.Target;

    /// <summary>What the target expects.</summary>
    public Expectations Expect => Target.Expect;

    /// <summary>The poll deadline (thresholds.poll_timeout_seconds).</summary>
    public TimeSpan Deadline => Target.Thresholds.PollTimeout;

    /// <summary>The scenario's evidence.</summary>
    public EvidenceLog Evidence => core.Evidence;

    /// <summary>Consul API client.</summary>
    public ConsulClient Consul => _consul ??= Own(new ConsulClient(Target, Evidence));

    /// <summary>Consul facts.</summary>
    public ConsulProbe ConsulProbe => new(Consul, Evidence);

    /// <summary>Nomad API client.</summary>
    public NomadClient Nomad => _nomad ??= Own(new NomadClient(Target, Evidence));

    /// <summary>Nomad facts.</summary>
    public NomadProbe NomadProbe => new(Nomad, Evidence);

    /// <summary>Grafana API client.</summary>
    public GrafanaClient Grafana => core.Grafana;

    /// <summary>DNS answers from services.dns.</summary>
    public DnsProbe Dns => _dns ??= new DnsProbe(Target, Evidence);

    /// <summary>The server-cluster probe of "consul" or "nomad".</summary>
    public IServerClusterProbe Cluster(ServiceKey service) => service.Key switch
    {
        "consul" => ConsulProbe,
        "nomad" => NomadProbe,
        _ => throw new InvalidOperationException($"{service} is not a server cluster (Consul or Nomad)"),
    };

    /// <summary>The expected server count of "consul" or "nomad" (expect.consul_servers / nomad_servers).</summary>
    public int ExpectedServers(ServiceKey service) => service.Key == "consul" ? Expect.ConsulServers : Expect.NomadServers;

    /// <summary>expect.services, or not verified when the target lists none.</summary>
    public IReadOnlyList<string> ExpectedServices => Expect.Services.Count > 0 ? Expect.Services
        : throw new NotVerifiedException($"The target file {Target.SourceFile} lists no expected services (expect.services).");

    /// <summary>expect.host_volumes, or not verified when the target lists none.</summary>
    public IReadOnlyList<string> ExpectedHostVolumes => Expect.HostVolumes.Count > 0 ? Expect.HostVolumes
        : throw new NotVerifiedException($"The target file {Target.SourceFile} lists no host volumes for persistent storage (expect.host_volumes).");

    /// <summary>Whether the target allows a management token for "consul" or "nomad" (services.X.allow_management_token).</summary>
    public bool AllowsManagementToken(ServiceKey service) =>
        bool.TryParse(Target.Service(service.Key)?.Setting("allow_management_token"), out var allowed) && allowed;

    /// <summary>Records which rule decided, what was observed and the verdict; returns the verdict.</summary>
    public bool Decide(string rule, object observed, bool holds)
    {
        Evidence.Note($"rule: {rule}\nobserved: {observed}\nverdict: {(holds ? "pass" : "FAIL")}");
        return holds;
    }

}

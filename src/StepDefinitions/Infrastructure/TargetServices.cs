using Acceptance.Support.Configuration;
using Acceptance.Support.Evidence;
using Acceptance.Support.Grafana;
using Acceptance.Support.Prometheus;
using Acceptance.Support.Pushgateway;

namespace Acceptance.StepDefinitions.Infrastructure;

/// <summary>
/// The scenario's clients, probes and drivers for the target, created on first use with the
/// scenario's evidence log (one instance per scenario, by context injection; disposed at its end).
/// </summary>
public sealed class TargetServices(EvidenceLog evidence) : ScenarioClients
{
    private PrometheusClient? _prometheus;
    private PushgatewayDriver? _pushgateway;
    private GrafanaClient? _grafana;

    /// <summary>The target (a broken target file makes the scenario BROKEN with every problem listed).</summary>
    public TargetEnvironment Target => RunContext.Target;

    /// <summary>The scenario's evidence.</summary>
    public EvidenceLog Evidence => evidence;

    /// <summary>Prometheus API client.</summary>
    public PrometheusClient Prometheus => _prometheus ??= Own(new PrometheusClient(Target, evidence));

    /// <summary>Prometheus facts.</summary>
    public PrometheusProbe PrometheusProbe => new(Prometheus, evidence);

    /// <summary>Pushgateway driver.</summary>
    public PushgatewayDriver Pushgateway => _pushgateway ??= Own(new PushgatewayDriver(Target, evidence));

    /// <summary>Grafana API client (shared by the cluster and monitoring steps of the scenario).</summary>
    public GrafanaClient Grafana => _grafana ??= Own(new GrafanaClient(Target, evidence));

}

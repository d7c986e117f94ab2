using Acceptance.StepDefinitions.Infrastructure;
using Acceptance.Support.Alertmanager;
using Acceptance.Support.Configuration;
using Acceptance.Support.Evidence;
using Acceptance.Support.Grafana;
using Acceptance.Support.Logs;
using Acceptance.Support.Outcomes;
using Acceptance.Support.Prometheus;
using Acceptance.Support.Promtool;

namespace Acceptance.StepDefinitions.Monitoring;

/// <summary>
/// The scenario's Alertmanager, Grafana, log and promtool clients and probes (Prometheus and Pushgateway come
/// from <see cref="TargetServices"/>), created on first use with the scenario's evidence log and disposed at its end.
/// </summary>
public sealed class MonitoringServices(TargetServices core) : ScenarioClients
{
    private AlertmanagerClient? _alertmanager;
    private WebhookReceiverClient? _webhook;
    private LokiClient? _loki;
    private AlertPipelineDriver? _pipeline;

    /// <summary>Prometheus, Pushgateway, the target and the evidence.</summary>
    public TargetServices Core => core;

    /// <summary>The target.</summary>
    public TargetEnvironment Target => core.Target;

    /// <summary>The scenario's evidence.</summary>
    public EvidenceLog Evidence => core.Evidence;

    /// <summary>Alertmanager API client.</summary>
    public AlertmanagerClient Alertmanager => _alertmanager ??= Own(new AlertmanagerClient(Target, Evidence));

    /// <summary>Grafana API client.</summary>
    public GrafanaClient Grafana => core.Grafana;

    /// <summary>Grafana facts.</summary>
    public GrafanaProbe GrafanaProbe => new(Grafana, Evidence);

    /// <summary>Runbook links.</summary>
    public RunbookProbe Runbooks => new(Target, Evidence);

    /// <summary>promtool through CliWrap.</summary>
    public PromtoolRunner Promtool => new(Evidence, TimeSpan.FromSeconds(Threshold("promtool_timeout_seconds", 120)));

    /// <summary>The log aggregator (not verified when the target declares none).</summary>
    public LokiClient Loki => _loki ??= Own(new LokiClient(Target, Evidence));

    /// <summary>The receiver whose deliveries can be read back (services.alertmanager.webhook_receiver), or null.</summary>
    public WebhookReceiverClient? Webhook => _webhook ??= Alertmanager.Endpoint.Setting("webhook_receiver") is { Length: > 0 } address
        ? Own(new WebhookReceiverClient(address, Target, Evidence))
        : null;

    /// <summary>
    /// The receiver the target expects for a severity: services.alertmanager.&lt;severity&gt;_receiver
    /// (e.g. critical_receiver: oncall-critical). Not verified when the target does not say.
    /// </summary>
    public string ExpectedReceiver(string severity) =>
        Alertmanager.Endpoint.Setting($"{severity}_receiver") is { Length: > 0 } r
            ? r
            : throw new NotVerifiedException($"The target file {Target.SourceFile} does not name the receiver for severity={severity} " +
                                             $"(services.alertmanager.{severity}_receiver): routing cannot be judged.");

    /// <summary>The scenario's alert pipeline driver (one synthetic alert per scenario).</summary>
    public AlertPipelineDriver Pipeline => _pipeline ??= new AlertPipelineDriver(core.Prometheus, core.Pushgateway, Alertmanager, Webhook,
        Evidence, TimeSpan.FromSeconds(Target.Thresholds.AlertPipelineTimeoutSeconds))
    {
        AlertName = Alertmanager.Endpoint.Setting("synthetic_alert") is { Length: > 0 } a ? a : "MLTrainingJobFailed",
        Metric = Alertmanager.Endpoint.Setting("synthetic_metric") is { Length: > 0 } m ? m : "ml_training_job_failed",
    };

    /// <summary>True once the pipeline driver was created in this scenario.</summary>
    public bool PipelineStarted => _pipeline is not null;

    /// <summary>A numeric threshold from thresholds.&lt;name&gt; or the default.</summary>
    public double Threshold(string name, double fallback) => Target.Thresholds.Other.TryGetValue(name, out var v) ? v : fallback;

}

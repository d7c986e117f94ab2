using Acceptance.Support.Configuration;

namespace Acceptance.Support.Alertmanager;

/// <summary>services.alertmanager: the Alertmanager API, the receivers the routing must reach, the synthetic alert.</summary>
public sealed record AlertmanagerOptions : ServiceEndpoint
{
    /// <summary>A receiver whose deliveries can be read back (GET /notifications), or null.</summary>
    [Option("webhook_receiver", "a webhook receiver whose deliveries can be read back (GET /notifications); without it delivery is not verified", IsUrl = true)]
    public string? WebhookReceiver { get; init; }

    /// <summary>Receiver expected for severity=critical.</summary>
    [Option("critical_receiver", "receiver alerts labelled severity=critical must reach; routing checks are not verified without it")]
    public string? CriticalReceiver { get; init; }

    /// <summary>Receiver expected for severity=warning.</summary>
    [Option("warning_receiver", "receiver alerts labelled severity=warning must reach")]
    public string? WarningReceiver { get; init; }

    /// <summary>The alert the live pipeline check raises.</summary>
    [Option("synthetic_alert", "alerting rule the live pipeline check makes fire")]
    public string SyntheticAlert { get; init; } = "MLTrainingJobFailed";

    /// <summary>The gauge that alert watches.</summary>
    [Option("synthetic_metric", "gauge that the synthetic alert watches (pushed to Pushgateway)")]
    public string SyntheticMetric { get; init; } = "ml_training_job_failed";

    /// <summary>The receiver named for a severity, or null.</summary>
    public string? ReceiverFor(string severity) => severity switch
    {
        "critical" => CriticalReceiver,
        "warning" => WarningReceiver,
        _ => null,
    };
}

/// <summary>Thresholds of the live alert pipeline (flat keys of <c>thresholds:</c>).</summary>
public sealed record AlertPipelineThresholds
{
    /// <summary>Deadline of each pipeline stage.</summary>
    [Option("alert_pipeline_timeout_seconds", "deadline of each stage of the live alert pipeline (seconds)", Min = 1, Max = 3600)]
    public double AlertPipelineTimeoutSeconds { get; init; } = 120;

    /// <summary>The deadline as a TimeSpan.</summary>
    public TimeSpan StageTimeout => TimeSpan.FromSeconds(AlertPipelineTimeoutSeconds);
}

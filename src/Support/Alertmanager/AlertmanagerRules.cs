using Acceptance.Support.Checks;

namespace Acceptance.Support.Alertmanager;

/// <summary>Alertmanager routing and the live alert pipeline: pure functions of the routing tree and the stages driven.</summary>
public static class AlertmanagerRules
{
    /// <summary>Walking the route tree with <paramref name="decision"/>'s labels reaches <paramref name="receiver"/>.</summary>
    public static Verdict RoutesTo(RoutingDecision decision, string receiver, string key) => Verdict.When(
        decision.Receivers.Contains(receiver),
        $"Alertmanager routes {{{string.Join(",", decision.Labels.Select(l => $"{l.Key}=\"{l.Value}\""))}}} to the receiver services.alertmanager.{key} names",
        $"the route tree (config.original of /api/v2/status) delivers to {receiver}", decision.ToString(),
        $"the alert reaches [{string.Join(", ", decision.Receivers)}], not {receiver}");

    /// <summary>A stage of the live pipeline was reached within thresholds.alert_pipeline_timeout_seconds of the push.</summary>
    public static Verdict StageReached(PipelineStage stage, TimeSpan deadline) => Verdict.When(stage.Reached,
        $"alert pipeline stage '{stage.Name}' is reached", $"within {deadline.TotalSeconds:F0} s of the push (thresholds.alert_pipeline_timeout_seconds)",
        stage.ToString(), $"'{stage.Name}' not reached: {stage.Detail}");
}

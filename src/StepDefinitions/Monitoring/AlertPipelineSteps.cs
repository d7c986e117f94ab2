using System.Globalization;
using Acceptance.StepDefinitions.Infrastructure;
using Acceptance.Support.Alertmanager;
using Acceptance.Support.Lifecycle;
using FluentAssertions;
using Reqnroll;

namespace Acceptance.StepDefinitions.Monitoring;

/// <summary>Steps that drive a synthetic alert through Pushgateway → Prometheus → Alertmanager → receiver (mutating).</summary>
[Binding]
public sealed class AlertPipelineSteps(TargetServices services, MonitoringServices monitoring, CleanupStack cleanup, ScenarioContext scenario)
{
    [Then("Alertmanager routes an alert labelled severity=critical to the receiver the target names for critical alerts")]
    public async Task ThenCriticalAlertsRouteToOnCall()
    {
        var decision = AlertmanagerRouting.Parse((await monitoring.Alertmanager.StatusAsync()).ConfigYaml).Match(new Dictionary<string, string> { ["severity"] = "critical" });
        services.Evidence.Note($"rule: walking Alertmanager's route tree (config.original of /api/v2/status) with {{severity=\"critical\"}} must reach {monitoring.ExpectedReceiver("critical")}; observed: {decision}");
        decision.Receivers.Should().Contain(monitoring.ExpectedReceiver("critical"), "services.alertmanager.critical_receiver names the on-call receiver: {0}", decision);
    }

    [When("a synthetic critical alert is raised through Pushgateway")]
    public async Task WhenASyntheticAlertIsRaised() => cleanup.Push(await monitoring.Pipeline.PushAsync(RunContext.RunId));

    [Then("Prometheus scrapes the synthetic metric")]
    public async Task ThenPrometheusScrapesIt() => Reached(await monitoring.Pipeline.ScrapedAsync());

    [Then("the alert fires in Prometheus")]
    public async Task ThenTheAlertFires() => Reached(await monitoring.Pipeline.PrometheusAlertAsync(firing: true));

    [Then("Alertmanager receives the alert and routes it to the receiver the target names for its severity")]
    public async Task ThenAlertmanagerRoutesIt()
    {
        var severity = (await services.Prometheus.RulesAsync()).FirstOrDefault(r => r.Name == monitoring.Pipeline.AlertName)?.Severity ?? "";
        severity.Should().NotBeEmpty("the alerting rule {0} must exist and carry a severity label", monitoring.Pipeline.AlertName);
        Reached((await monitoring.Pipeline.AlertmanagerAsync(monitoring.ExpectedReceiver(severity))).Stage);
    }

    [Then("the receiver is notified of the alert")]
    public async Task ThenTheReceiverIsNotified()
    {
        if (NoVerifiableReceiver()) return;
        Reached(await monitoring.Pipeline.DeliveredAsync("firing"));
    }

    [When("the synthetic metric group is deleted")]
    public Task WhenTheGroupIsDeleted() => monitoring.Pipeline.DeleteAsync();

    [Then("the alert resolves in Prometheus")]
    public async Task ThenTheAlertResolves() => Reached(await monitoring.Pipeline.PrometheusAlertAsync(firing: false));

    [Then("the receiver is notified of the resolution when it sends resolved notifications")]
    public async Task ThenTheResolutionIsDelivered()
    {
        if (NoVerifiableReceiver()) return;
        var routing = AlertmanagerRouting.Parse((await monitoring.Alertmanager.StatusAsync()).ConfigYaml);
        var receiver = monitoring.ExpectedReceiver("critical");
        if (!routing.SendResolved.GetValueOrDefault(receiver)) { services.Evidence.Note($"receiver {receiver} does not send resolved notifications: stage skipped"); return; }
        Reached(await monitoring.Pipeline.DeliveredAsync("resolved"));
    }

    [Then("the stage latencies of the alert pipeline are reported")]
    public void ThenTheLatenciesAreReported() => Report();

    /// <summary>Prints the measured stages when the scenario failed before reporting them.</summary>
    [AfterScenario]
    public void ReportOnFailure()
    {
        if (scenario.TestError is not null && monitoring.PipelineStarted) Report();
    }

    private void Report()
    {
        Console.WriteLine(monitoring.Pipeline.Summary());
        services.Evidence.AttachText("alert pipeline stage latencies", monitoring.Pipeline.Summary());
        services.Evidence.AttachJson("alert pipeline stages", monitoring.Pipeline.Stages.Select(s => new
        {
            stage = s.Name, reached = s.Reached, seconds_after_push = Math.Round(s.SincePush.TotalSeconds, 2), detail = s.Detail,
        }).ToList());
    }

    private bool NoVerifiableReceiver()
    {
        if (monitoring.Webhook is not null) return false;
        var why = "the target declares no services.alertmanager.webhook_receiver whose deliveries can be read back: delivery not verified";
        services.Evidence.Note(why);
        Console.WriteLine($"[alert pipeline] {why}");
        return true;
    }

    private static void Reached(PipelineStage stage) =>
        stage.Reached.Should().BeTrue("the alert pipeline stage '{0}' must be reached within thresholds.alert_pipeline_timeout_seconds: {1}",
            stage.Name, stage.ToString());
}

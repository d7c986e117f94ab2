using Acceptance.StepDefinitions.Infrastructure;
using Acceptance.Support.Alertmanager;
using Acceptance.Support.Lifecycle;
using Acceptance.Support.Outcomes;
using Reqnroll;

namespace Acceptance.StepDefinitions.Monitoring;

/// <summary>Steps that drive a synthetic alert through Pushgateway → Prometheus → Alertmanager → receiver (mutating).</summary>
[Binding]
public sealed class AlertPipelineSteps(ScenarioServices services, Checks checks, CleanupStack cleanup, ScenarioContext scenario)
{
    [Then("Alertmanager routes an alert labelled severity=critical to the receiver the target names for critical alerts")]
    public async Task ThenCriticalAlertsRouteToOnCall() => checks.Assert(AlertmanagerRules.RoutesTo(
        (await RoutingAsync()).Match(new Dictionary<string, string> { ["severity"] = "critical" }), services.ExpectedReceiver("critical"), "critical_receiver"));

    [When("a synthetic critical alert is raised through Pushgateway")]
    public async Task WhenASyntheticAlertIsRaised() => cleanup.Push(await services.Pipeline.PushAsync(RunContext.RunId));

    [Then("Prometheus scrapes the synthetic metric")]
    public async Task ThenPrometheusScrapesIt() => Reached(await services.Pipeline.ScrapedAsync());

    [Then("the alert fires in Prometheus")]
    public async Task ThenTheAlertFires() => Reached(await services.Pipeline.PrometheusAlertAsync(firing: true));

    [Then("Alertmanager receives the alert and routes it to the receiver the target names for its severity")]
    public async Task ThenAlertmanagerRoutesIt() => Reached((await services.Pipeline.AlertmanagerAsync(services.ExpectedReceiver(await SyntheticSeverityAsync()))).Stage);

    [Then("the receiver is notified of the alert")]
    public async Task ThenTheReceiverIsNotified()
    {
        if (VerifiableReceiver()) Reached(await services.Pipeline.DeliveredAsync("firing"));
    }

    [When("the synthetic metric group is deleted")]
    public Task WhenTheGroupIsDeleted() => services.Pipeline.DeleteAsync();

    [Then("the alert resolves in Prometheus")]
    public async Task ThenTheAlertResolves() => Reached(await services.Pipeline.PrometheusAlertAsync(firing: false));

    [Then("the receiver is notified of the resolution when it sends resolved notifications")]
    public async Task ThenTheResolutionIsDelivered()
    {
        if (VerifiableReceiver() && await SendsResolvedAsync(services.ExpectedReceiver("critical"))) Reached(await services.Pipeline.DeliveredAsync("resolved"));
    }

    [Then("the stage latencies of the alert pipeline are reported")]
    public void ThenTheLatenciesAreReported() => Report();

    /// <summary>Prints the measured stages when the scenario failed before reporting them.</summary>
    [AfterScenario]
    public void ReportOnFailure()
    {
        if (scenario.TestError is not null && services.PipelineStarted) Report();
    }

    private void Report()
    {
        Console.WriteLine(services.Pipeline.Summary());
        services.Evidence.AttachText("alert pipeline stage latencies", services.Pipeline.Summary());
        services.Evidence.AttachJson("alert pipeline stages", services.Pipeline.Stages.Select(s => new
        {
            stage = s.Name, reached = s.Reached, seconds_after_push = Math.Round(s.SincePush.TotalSeconds, 2), detail = s.Detail,
        }).ToList());
    }

    private async Task<AlertmanagerRouting> RoutingAsync() => AlertmanagerRouting.Parse((await services.Alertmanager.StatusAsync()).ConfigYaml);

    private async Task<string> SyntheticSeverityAsync() =>
        (await services.Prometheus.RulesAsync()).FirstOrDefault(r => r.Name == services.Pipeline.AlertName)?.Severity is { Length: > 0 } severity
            ? severity
            : throw new EnvironmentProblemException($"the alerting rule {services.Pipeline.AlertName} (services.alertmanager.synthetic_alert) does not exist or carries no severity label");

    private async Task<bool> SendsResolvedAsync(string receiver)
    {
        if ((await RoutingAsync()).SendResolved.GetValueOrDefault(receiver)) return true;
        services.Evidence.Note($"receiver {receiver} does not send resolved notifications: stage not applicable");
        return false;
    }

    private bool VerifiableReceiver()
    {
        if (services.Webhook is not null) return true;
        var why = "the target declares no services.alertmanager.webhook_receiver whose deliveries can be read back: delivery not verified";
        services.Evidence.Note(why);
        Console.WriteLine($"[alert pipeline] {why}");
        return false;
    }

    private void Reached(PipelineStage stage) => checks.Assert(AlertmanagerRules.StageReached(stage, services.Target.Thresholds.AlertPipeline.StageTimeout));
}

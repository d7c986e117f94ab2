using System.Diagnostics;
using System.Globalization;
using Acceptance.Support.Evidence;
using Acceptance.Support.Outcomes;
using Acceptance.Support.Polling;
using Acceptance.Support.Prometheus;
using Acceptance.Support.Pushgateway;

namespace Acceptance.Support.Alertmanager;

/// <summary>One stage of the alert pipeline: whether it was reached and how long after the push.</summary>
public sealed record PipelineStage(string Name, bool Reached, TimeSpan SincePush, string Detail)
{
    /// <inheritdoc />
    public override string ToString() =>
        Reached ? $"{Name}: +{SincePush.TotalSeconds:F1} s ({Detail})" : $"{Name}: NOT reached by +{SincePush.TotalSeconds:F1} s ({Detail})";
}

/// <summary>
/// Drives a synthetic alert through the live pipeline and measures every stage: a run-scoped metric pushed to
/// Pushgateway → scraped by Prometheus → alert firing in Prometheus → received by Alertmanager and routed →
/// notification delivered → group deleted → alert resolved in Prometheus → resolved notification delivered.
/// The pushed group is handed back as an undo handle for the scenario's cleanup stack, so nothing is left
/// behind whichever stage fails. Every stage has the same overall deadline, counted from the push.
/// </summary>
public sealed class AlertPipelineDriver(PrometheusClient prometheus, PushgatewayDriver pushgateway, AlertmanagerClient alertmanager,
    WebhookReceiverClient? webhook, EvidenceLog evidence, TimeSpan deadline)
{
    private readonly Stopwatch _sincePush = new();
    private readonly List<PipelineStage> _stages = [];

    /// <summary>Alert rule the synthetic metric triggers (services.alertmanager.synthetic_alert, default MLTrainingJobFailed).</summary>
    public string AlertName { get; init; } = "MLTrainingJobFailed";

    /// <summary>Metric the alert rule watches (services.alertmanager.synthetic_metric, default ml_training_job_failed).</summary>
    public string Metric { get; init; } = "ml_training_job_failed";

    /// <summary>The run-scoped job label of the synthetic alert (starts with "acceptance-").</summary>
    public string Job { get; private set; } = "";

    /// <summary>The stages measured so far.</summary>
    public IReadOnlyList<PipelineStage> Stages => _stages;

    /// <summary>Time left before the overall deadline.</summary>
    private TimeSpan Remaining => deadline - _sincePush.Elapsed is var r && r > TimeSpan.FromSeconds(1) ? r : TimeSpan.FromSeconds(1);

    /// <summary>Pushes {metric}{job="acceptance-RUN-xxxx"} 1 and returns the handle that deletes the group.</summary>
    public async Task<IAsyncDisposable> PushAsync(string runId, CancellationToken ct = default)
    {
        Job = $"{PrometheusProbe.SyntheticJobPrefix}-{runId}-{Guid.NewGuid().ToString("N")[..6]}";
        var group = new MetricGroup(Job, new Dictionary<string, string>());
        var handle = await pushgateway.PushAsync(group, $"# TYPE {Metric} gauge\n{Metric} 1\n", ct);
        _sincePush.Restart();
        Record("pushed to Pushgateway", true, $"{Metric}{{job=\"{Job}\"}} 1");
        return handle;
    }

    /// <summary>Deletes the pushed group (the alert's condition ends).</summary>
    public async Task DeleteAsync(CancellationToken ct = default)
    {
        await pushgateway.DeleteAsync(new MetricGroup(Job, new Dictionary<string, string>()), ct);
        Record("group deleted from Pushgateway", true, $"job={Job}");
    }

    /// <summary>Stage: Prometheus returns the pushed series.</summary>
    public Task<PipelineStage> ScrapedAsync(CancellationToken ct = default) => StageAsync("scraped by Prometheus", async token =>
    {
        var samples = await prometheus.QueryAsync($"{Metric}{{job=\"{Job}\"}}", token);
        return (samples.Any(s => s.Value > 0), samples.Count == 0 ? "no series yet" : string.Join("; ", samples));
    }, ct);

    /// <summary>Stage: the alert is firing (or, with <paramref name="firing"/> false, gone) in Prometheus.</summary>
    public Task<PipelineStage> PrometheusAlertAsync(bool firing, CancellationToken ct = default) =>
        StageAsync(firing ? "firing in Prometheus" : "resolved in Prometheus", async token =>
        {
            var alert = (await prometheus.AlertsAsync(token)).FirstOrDefault(a => a.Name == AlertName && a.Labels.GetValueOrDefault("job") == Job);
            var state = alert?.ToString() ?? "no such alert in /api/v1/alerts";
            return (firing ? alert is { IsFiring: true } : alert is null, state);
        }, ct);

    /// <summary>Stage: Alertmanager holds the alert and has routed it to <paramref name="expectedReceiver"/>.</summary>
    public async Task<(PipelineStage Stage, AlertmanagerAlert? Alert)> AlertmanagerAsync(string expectedReceiver, CancellationToken ct = default)
    {
        AlertmanagerAlert? seen = null;
        var stage = await StageAsync($"in Alertmanager, routed to {expectedReceiver}", async token =>
        {
            var alerts = await alertmanager.AlertsAsync($"job=\"{Job}\"", token);
            seen = alerts.FirstOrDefault(a => a.Name == AlertName);
            // A silenced or inhibited alert is never delivered: that is the answer, not a reason to wait.
            return seen is { IsSuppressed: true }
                ? (false, $"Alertmanager holds the alert but suppresses it: {seen}", true)
                : (seen is not null && seen.Receivers.Contains(expectedReceiver), seen?.ToString() ?? "not in /api/v2/alerts yet", false);
        }, ct);
        return (stage, seen);
    }

    /// <summary>Stage: the webhook receiver recorded a notification with the alert in <paramref name="status"/> (firing|resolved).</summary>
    public Task<PipelineStage> DeliveredAsync(string status, CancellationToken ct = default) =>
        StageAsync($"{status} notification delivered", async token =>
        {
            IReadOnlyList<DeliveredAlert> all;
            try { all = await webhook!.DeliveredAsync(ct: token); }
            catch (EnvironmentProblemException e)
            {
                // The receiver that should get the notification cannot be reached: nothing can be delivered to it.
                return (false, $"the receiver cannot be reached, so no notification can be delivered: {e.Message}");
            }
            var delivered = all
                .Where(d => d.Labels.GetValueOrDefault("job") == Job && d.Labels.GetValueOrDefault("alertname") == AlertName).ToList();
            var hit = delivered.FirstOrDefault(d => d.AlertStatus == status);
            return (hit is not null, hit?.ToString() ?? (delivered.Count == 0
                ? $"no notification for job={Job} at {webhook.Address}/notifications yet"
                : "seen so far: " + string.Join("; ", delivered)));
        }, ct);

    /// <summary>"stage: +x.x s" lines for the console and the report.</summary>
    public string Summary() =>
        $"Alert pipeline latencies for {AlertName}{{job=\"{Job}\"}} (deadline {deadline.TotalSeconds:F0} s from the push):\n  " +
        string.Join("\n  ", _stages);

    private Task<PipelineStage> StageAsync(string name, Func<CancellationToken, Task<(bool Done, string State)>> check, CancellationToken ct) =>
        StageAsync(name, async token => { var (done, state) = await check(token); return (done, state, false); }, ct);

    /// <summary>Polls a stage; a terminal state (e.g. the alert silenced) ends it at once, saying so.</summary>
    private async Task<PipelineStage> StageAsync(string name, Func<CancellationToken, Task<(bool Done, string State, bool Terminal)>> check, CancellationToken ct)
    {
        var poll = await Poll.TryUntilAsync($"alert pipeline: {name}", Remaining, TimeSpan.FromMilliseconds(500), async token =>
        {
            var (done, state, terminal) = await check(token);
            if (!done && terminal) throw new StopPollingException(state);
            return done ? PollCheck<bool>.Satisfied(true, state) : PollCheck<bool>.NotYet(false, state);
        }, evidence, ct);
        return Record(name, poll.Converged, poll.StoppedBecause is { } why ? $"{why} (stopped at once: waiting cannot help)" : poll.LastState);
    }

    private PipelineStage Record(string name, bool reached, string detail)
    {
        var stage = new PipelineStage(name, reached, _sincePush.Elapsed, detail);
        _stages.Add(stage);
        evidence.Note($"alert pipeline stage {stage}");
        Console.WriteLine($"[alert pipeline] {name}: {(reached ? "+" : "NOT reached by +")}{stage.SincePush.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s");
        return stage;
    }
}

using System.Text;
using System.Text.Json;
using FluentAssertions;

namespace Acceptance.Sandbox.Tests;

public class AlertPipelineTests
{
    [Test]
    public async Task Pushed_training_failure_fires_MLTrainingJobFailed_to_the_oncall_critical_receiver()
    {
        var run = "sbx-" + Guid.NewGuid().ToString("N")[..12];
        var group = $"{Sandbox.PushgatewayUrl}/metrics/job/ml-training-sandbox-test/run/{run}";
        using var http = Sandbox.Http();
        try
        {
            var body = "# TYPE ml_training_job_failed gauge\nml_training_job_failed 1\n";
            using (var put = await http.PutAsync(group, new StringContent(body, Encoding.UTF8, "text/plain")))
                put.IsSuccessStatusCode.Should().BeTrue($"push accepted ({(int)put.StatusCode})");

            var notification = await Sandbox.Eventually("MLTrainingJobFailed delivered to oncall-critical", TimeSpan.FromSeconds(90), async () =>
            {
                var list = JsonDocument.Parse(await http.GetStringAsync($"{Sandbox.WebhookUrl}/notifications?receiver=oncall-critical")).RootElement;
                var hit = list.EnumerateArray().FirstOrDefault(n => Alerts(n).Any(a =>
                    Label(a, "alertname") == "MLTrainingJobFailed" && Label(a, "run") == run && a.GetProperty("status").GetString() == "firing"));
                return (hit.ValueKind == JsonValueKind.Undefined ? null : hit.Clone().ToString(), $"{list.GetArrayLength()} notifications on oncall-critical, none for run {run} yet");
            });
            var payload = JsonDocument.Parse(notification).RootElement.GetProperty("payload");
            payload.GetProperty("receiver").GetString().Should().Be("oncall-critical");
            var alert = payload.GetProperty("alerts").EnumerateArray().First(a => Label(a, "run") == run);
            Label(alert, "severity").Should().Be("critical");
            Label(alert, "job").Should().Be("ml-training-sandbox-test", "honor_labels keeps the pushed job label");
            alert.GetProperty("annotations").GetProperty("runbook_url").GetString().Should().EndWith("/runbooks/ml-training-job-failed");

            // routing by severity: nothing for this run on the other receivers
            foreach (var other in new[] { "team-warning", "default" })
            {
                var list = JsonDocument.Parse(await http.GetStringAsync($"{Sandbox.WebhookUrl}/notifications?receiver={other}")).RootElement;
                list.EnumerateArray().SelectMany(Alerts).Should().NotContain(a => Label(a, "run") == run, $"critical alerts do not go to {other}");
            }
        }
        finally
        {
            using var del = await http.DeleteAsync(group);
        }
    }

    private static IEnumerable<JsonElement> Alerts(JsonElement notification) =>
        notification.GetProperty("payload") is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty("alerts", out var a)
            ? a.EnumerateArray() : [];

    private static string? Label(JsonElement alert, string name) =>
        alert.GetProperty("labels").TryGetProperty(name, out var v) ? v.GetString() : null;
}

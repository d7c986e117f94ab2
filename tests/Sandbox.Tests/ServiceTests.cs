using System.Net;
using System.Text.Json;
using FluentAssertions;

namespace Acceptance.Sandbox.Tests;

public class ServiceTests
{
    public static IEnumerable<TestCaseData> HttpReadiness()
    {
        yield return new TestCaseData("webhook", "WEBHOOK_RECEIVER_PORT", "http", "/healthz").SetName("Ready_webhook");
        yield return new TestCaseData("backend1", "BACKEND_1_PORT", "http", "/health").SetName("Ready_backend1");
        yield return new TestCaseData("backend2", "BACKEND_2_PORT", "http", "/health").SetName("Ready_backend2");
        yield return new TestCaseData("node-exporter", "NODE_EXPORTER_PORT", "http", "/metrics").SetName("Ready_node_exporter");
        yield return new TestCaseData("pushgateway", "PUSHGATEWAY_PORT", "http", "/-/ready").SetName("Ready_pushgateway");
        yield return new TestCaseData("alertmanager", "ALERTMANAGER_PORT", "http", "/-/ready").SetName("Ready_alertmanager");
        yield return new TestCaseData("blackbox", "BLACKBOX_PORT", "http", "/-/healthy").SetName("Ready_blackbox");
        yield return new TestCaseData("prometheus", "PROMETHEUS_PORT", "https", "/-/ready").SetName("Ready_prometheus");
        yield return new TestCaseData("haproxy-stats", "HAPROXY_STATS_PORT", "http", "/metrics").SetName("Ready_haproxy_stats");
        yield return new TestCaseData("haproxy-tls", "HAPROXY_HTTPS_PORT", "https", "/").SetName("Ready_load_balancer");
    }

    [TestCaseSource(nameof(HttpReadiness))]
    public async Task Service_is_ready(string name, string portVar, string scheme, string path)
    {
        using var http = name == "prometheus" ? Sandbox.Prometheus() : Sandbox.Http();
        var url = $"{scheme}://{Sandbox.Host}:{Sandbox.Port(portVar)}{path}";
        await Sandbox.Eventually($"{name} ready", TimeSpan.FromSeconds(30), async () =>
        {
            using var r = await http.GetAsync(url);
            return (r.IsSuccessStatusCode ? "ok" : null, $"{url} -> {(int)r.StatusCode}");
        });
    }

    [TestCase("DNS_PORT")]
    [TestCase("SSH_PORT")]
    public void Tcp_port_is_listening(string portVar) =>
        Sandbox.Listening(Sandbox.Port(portVar)).Should().BeTrue($"{portVar} {Sandbox.Port(portVar)} accepts connections");

    [Test]
    public void Status_reports_every_service_running()
    {
        var r = Sandbox.Script("status");
        r.ExitCode.Should().Be(0, r.Output);
        foreach (var s in new[] { "webhook", "backend1", "backend2", "node-exporter", "pushgateway", "alertmanager", "blackbox", "prometheus", "haproxy", "dnsmasq", "sshd" })
            r.Stdout.Should().MatchRegex($@"(?m)^{s}\s+running\s");
    }

    [Test]
    public async Task Prometheus_retention_is_set_explicitly_to_15_days()
    {
        using var http = Sandbox.Prometheus();
        var flags = JsonDocument.Parse(await http.GetStringAsync(Sandbox.PrometheusUrl + "/api/v1/status/flags")).RootElement.GetProperty("data");
        flags.GetProperty("storage.tsdb.retention.time").GetString().Should().Be("15d");
    }

    [Test]
    public async Task Alertmanager_cluster_listener_is_disabled()
    {
        using var http = Sandbox.Http();
        var status = JsonDocument.Parse(await http.GetStringAsync(Sandbox.AlertmanagerUrl + "/api/v2/status")).RootElement;
        status.GetProperty("cluster").GetProperty("status").GetString().Should().Be("disabled");
        Sandbox.Listening(9094).Should().BeFalse("no gossip listener on the default cluster port");
    }

    [Test]
    public async Task Webhook_receiver_records_lists_filters_and_clears()
    {
        using var http = Sandbox.Http();
        var receiver = "selftest-" + Guid.NewGuid().ToString("N")[..8];
        using (var post = await http.PostAsync($"{Sandbox.WebhookUrl}/hook/{receiver}", new StringContent("{\"status\":\"firing\"}")))
            post.StatusCode.Should().Be(HttpStatusCode.OK);
        var list = JsonDocument.Parse(await http.GetStringAsync($"{Sandbox.WebhookUrl}/notifications?receiver={receiver}")).RootElement;
        list.GetArrayLength().Should().Be(1);
        list[0].GetProperty("receiver").GetString().Should().Be(receiver);
        list[0].GetProperty("payload").GetProperty("status").GetString().Should().Be("firing");
        list[0].TryGetProperty("received_at", out _).Should().BeTrue();
        // scoped DELETE: other suites share the receiver, so only this throw-away receiver is cleared
        using (var del = await http.DeleteAsync($"{Sandbox.WebhookUrl}/notifications?receiver={receiver}"))
            del.StatusCode.Should().Be(HttpStatusCode.OK);
        JsonDocument.Parse(await http.GetStringAsync($"{Sandbox.WebhookUrl}/notifications?receiver={receiver}")).RootElement
            .GetArrayLength().Should().Be(0);
    }
}

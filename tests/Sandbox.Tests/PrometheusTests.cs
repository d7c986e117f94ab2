using System.Net;
using System.Text.Json;
using FluentAssertions;

namespace Acceptance.Sandbox.Tests;

public class PrometheusTests
{
    private static readonly string[] OwnJobs = ["prometheus", "pushgateway", "alertmanager", "node", "haproxy", "blackbox", "tls-probe"];
    private static readonly Dictionary<string, string> StandInJobs = new()
    {
        ["consul"] = "CONSUL_PORT", ["nomad"] = "NOMAD_PORT", ["grafana"] = "GRAFANA_PORT",
    };

    [Test]
    public async Task Every_target_is_up()
    {
        var expected = OwnJobs.ToList();
        foreach (var (job, port) in StandInJobs)
        {
            if (Sandbox.StandInsExpected || Sandbox.Listening(Sandbox.Port(port))) expected.Add(job);
            else TestContext.Out.WriteLine($"stand-in job {job} skipped: sandbox/standins/up absent and port {Sandbox.Port(port)} closed");
        }
        using var http = Sandbox.Prometheus();
        var healthy = await Sandbox.Eventually("all targets up", TimeSpan.FromSeconds(60), async () =>
        {
            var doc = JsonDocument.Parse(await http.GetStringAsync(Sandbox.PrometheusUrl + "/api/v1/targets?state=active"));
            var targets = doc.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray()
                .Select(t => (Job: t.GetProperty("labels").GetProperty("job").GetString()!, Url: t.GetProperty("scrapeUrl").GetString()!,
                    Health: t.GetProperty("health").GetString()!, Error: t.GetProperty("lastError").GetString()!))
                .Where(t => expected.Contains(t.Job)).ToList();
            var missing = expected.Except(targets.Select(t => t.Job)).ToList();
            var bad = targets.Where(t => t.Health != "up").Select(t => $"{t.Job} {t.Url} {t.Health} {t.Error}").ToList();
            return (missing.Count == 0 && bad.Count == 0 ? targets : null,
                $"missing jobs [{string.Join(", ", missing)}]; not up: [{string.Join("; ", bad)}]");
        });
        healthy.Select(t => t.Job).Distinct().Should().BeEquivalentTo(expected);
        healthy.Count(t => t.Job == "tls-probe").Should().Be(5);
    }

    [Test]
    public async Task Pushgateway_job_honors_labels()
    {
        var config = File.ReadAllText(Sandbox.StatePath("conf", "prometheus.yml"));
        config.Should().MatchRegex(@"job_name: pushgateway\s+honor_labels: true");
        using var http = Sandbox.Prometheus();
        var cfg = JsonDocument.Parse(await http.GetStringAsync(Sandbox.PrometheusUrl + "/api/v1/status/config")).RootElement
            .GetProperty("data").GetProperty("yaml").GetString()!;
        cfg.Should().Contain("evaluation_interval: 2s").And.Contain("scrape_interval: 2s");
    }

    [Test]
    public async Task Every_alert_has_severity_summary_and_a_runbook_that_resolves()
    {
        using var http = Sandbox.Prometheus();
        var groups = JsonDocument.Parse(await http.GetStringAsync(Sandbox.PrometheusUrl + "/api/v1/rules?type=alert")).RootElement
            .GetProperty("data").GetProperty("groups").EnumerateArray().ToList();
        var alerts = groups.SelectMany(g => g.GetProperty("rules").EnumerateArray()).ToList();
        alerts.Select(a => a.GetProperty("name").GetString()).Should().Contain(
            ["InstanceDown", "MLTrainingJobFailed", "BackupTooOld", "CertificateExpiringSoon", "CertificateExpiryCritical",
             "NodeDiskSpaceLow", "NodeDiskSpaceCritical", "NodeMemoryHigh", "NodeMemoryCritical"]);
        using var plain = Sandbox.Http();
        foreach (var a in alerts)
        {
            var name = a.GetProperty("name").GetString();
            a.GetProperty("labels").GetProperty("severity").GetString().Should().BeOneOf(["warning", "critical"], name);
            a.GetProperty("annotations").GetProperty("summary").GetString().Should().NotBeNullOrWhiteSpace(name);
            var runbook = a.GetProperty("annotations").GetProperty("runbook_url").GetString()!;
            using var r = await plain.GetAsync(runbook);
            r.StatusCode.Should().Be(HttpStatusCode.OK, $"runbook of {name}: {runbook}");
            (await r.Content.ReadAsStringAsync()).Should().StartWith("# Runbook:");
        }
        var fixedAlerts = alerts.ToDictionary(a => a.GetProperty("name").GetString()!);
        fixedAlerts["MLTrainingJobFailed"].GetProperty("duration").GetDouble().Should().Be(0);
        fixedAlerts["InstanceDown"].GetProperty("duration").GetDouble().Should().Be(10);
        fixedAlerts["InstanceDown"].GetProperty("labels").GetProperty("severity").GetString().Should().Be("critical");
    }

    [Test]
    public async Task Certificate_expiry_metric_is_scraped_from_the_tls_probes()
    {
        using var http = Sandbox.Prometheus();
        var result = await Sandbox.Eventually("probe_ssl_earliest_cert_expiry", TimeSpan.FromSeconds(60), async () =>
        {
            var doc = JsonDocument.Parse(await http.GetStringAsync(Sandbox.PrometheusUrl +
                "/api/v1/query?query=" + Uri.EscapeDataString("probe_ssl_earliest_cert_expiry{instance=\"127.0.0.1:" + Sandbox.Port("PROMETHEUS_PORT") + "\"} - time()")));
            var r = doc.RootElement.GetProperty("data").GetProperty("result");
            return (r.GetArrayLength() > 0 ? r[0].GetProperty("value")[1].GetString() : null, doc.RootElement.ToString());
        });
        double.Parse(result, System.Globalization.CultureInfo.InvariantCulture).Should().BeGreaterThan(30 * 86400);
    }
}

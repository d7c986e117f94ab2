using FluentAssertions;

namespace Acceptance.Sandbox.Tests;

public class ScriptTests
{
    [Test]
    public void Up_is_idempotent_and_leaves_running_services_alone()
    {
        var before = File.ReadAllText(Sandbox.StatePath("pids", "prometheus.pid")).Trim();
        var r = Sandbox.Script("up");
        r.ExitCode.Should().Be(0, r.Output);
        r.Stdout.Should().MatchRegex(@"(?m)^prometheus\s+running \(already\)");
        File.ReadAllText(Sandbox.StatePath("pids", "prometheus.pid")).Trim().Should().Be(before);
    }

    [Test]
    public void Fault_list_names_the_real_service_faults()
    {
        var r = Sandbox.Script("fault", "list");
        r.ExitCode.Should().Be(0, r.Output);
        foreach (var f in new[] { "prometheus.down", "pushgateway.down", "alertmanager.down", "backend1.down", "webhook.down" })
            r.Stdout.Should().MatchRegex($@"(?m)^{f.Replace(".", "\\.")}\s+off");
    }

    [Test]
    public void A_config_fault_edits_the_configuration_and_off_restores_it()
    {
        var conf = Sandbox.StatePath("conf", "dnsmasq.conf");
        var healthy = File.ReadAllText(conf);
        healthy.Should().Contain("host-record=grafana.service.consul,");
        try
        {
            Sandbox.Script("fault", "on", "dns.record-missing").ExitCode.Should().Be(0);
            File.ReadAllText(conf).Should().NotMatchRegex("(?m)^host-record=grafana[.]").And.Contain("#FAULT dns.record-missing# host-record=grafana.service.consul,");
            Sandbox.Script("fault", "list").Stdout.Should().MatchRegex(@"(?m)^dns\.record-missing\s+on");
        }
        finally
        {
            Sandbox.Script("fault", "off", "dns.record-missing").ExitCode.Should().Be(0);
        }
        File.ReadAllText(conf).Should().Be(healthy);
    }

    [Test]
    public void Stand_in_faults_are_marker_files()
    {
        const string name = "grafana.sandbox-selftest";
        var marker = Sandbox.StatePath("faults", name);
        try
        {
            Sandbox.Script("fault", "on", name, "arg1").ExitCode.Should().Be(0);
            File.ReadAllText(marker).Should().Be("arg1");
            Sandbox.Script("fault", "list").Stdout.Should().MatchRegex($@"(?m)^{name.Replace(".", "\\.")}\s+on");
            Sandbox.Script("fault", "off", name).ExitCode.Should().Be(0);
            File.Exists(marker).Should().BeFalse();
        }
        finally
        {
            Sandbox.Script("fault", "off", name);
        }
    }

    [Test]
    public void Unknown_fault_is_refused()
    {
        var r = Sandbox.Script("fault", "on", "nosuch.thing");
        r.ExitCode.Should().NotBe(0);
        r.Stderr.Should().Contain("unknown fault");
    }

    [Test]
    public async Task Webhook_down_fault_stops_and_restores_the_receiver()
    {
        try
        {
            Sandbox.Script("fault", "on", "webhook.down").ExitCode.Should().Be(0);
            Sandbox.Listening(Sandbox.Port("WEBHOOK_RECEIVER_PORT")).Should().BeFalse();
            Sandbox.Script("status").ExitCode.Should().NotBe(0, "status reports the stopped service");
        }
        finally
        {
            Sandbox.Script("fault", "off", "webhook.down").ExitCode.Should().Be(0);
        }
        using var http = Sandbox.Http();
        (await http.GetStringAsync(Sandbox.WebhookUrl + "/healthz")).Should().Contain("ok");
    }
}

using FluentAssertions;

namespace Acceptance.Sandbox.Tests;

/// <summary>The real validators accept the generated configs and reject a deliberately broken copy.</summary>
public class ValidatorTests
{
    private string _tmp = "";

    [SetUp]
    public void MakeTemp() => _tmp = Directory.CreateTempSubdirectory("sandbox-validate-").FullName;

    [TearDown]
    public void RemoveTemp() => Directory.Delete(_tmp, recursive: true);

    private static string Conf(string f) => Sandbox.StatePath("conf", f);
    private static string Rules => Path.Combine(Sandbox.Dir, "rules", "ml-platform.rules.yml");
    private static string RuleTests => Path.Combine(Sandbox.Dir, "rules", "tests", "ml-platform.test.yml");
    private static string SlowRuleTests => Path.Combine(Sandbox.Dir, "rules", "tests", "ml-platform-slow.test.yml");

    /// <summary>Writes a copy of FILE with one edit that must take effect.</summary>
    private string Broken(string file, string find, string replace, string? name = null)
    {
        var text = File.ReadAllText(file);
        text.Should().Contain(find, "the sabotage must apply to the real config");
        var path = Path.Combine(_tmp, name ?? Path.GetFileName(file));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text.Replace(find, replace));
        return path;
    }

    private static void Accepts(string tool, params string[] args)
    {
        var r = Sandbox.Run(tool, args);
        r.ExitCode.Should().Be(0, $"{tool} {string.Join(' ', args)}:\n{r.Output}");
    }

    private static void Rejects(string tool, params string[] args)
    {
        var r = Sandbox.Run(tool, args);
        r.ExitCode.Should().NotBe(0, $"{tool} must reject the broken copy:\n{r.Output}");
        TestContext.Out.WriteLine(r.Output);
    }

    [Test]
    public void Promtool_check_config()
    {
        Accepts("promtool", "check", "config", Conf("prometheus.yml"));
        Rejects("promtool", "check", "config", Broken(Conf("prometheus.yml"), "scrape_interval: 2s", "scrape_interval: banana"));
        Rejects("promtool", "check", "config", Broken(Conf("prometheus.yml"), "honor_labels: true", "honor_labels: maybe"));
    }

    [Test]
    public void Promtool_check_rules()
    {
        Accepts("promtool", "check", "rules", Rules);
        Rejects("promtool", "check", "rules", Broken(Rules, "expr: ml_training_job_failed > 0", "expr: ml_training_job_failed >"));
    }

    [Test]
    public void Promtool_check_web_config()
    {
        Accepts("promtool", "check", "web-config", Conf("web-config.yml"));
        var web = File.ReadAllText(Conf("web-config.yml"));
        var hash = web.Split("acceptance: ")[1].Trim();
        Rejects("promtool", "check", "web-config", Broken(Conf("web-config.yml"), hash, "not-a-bcrypt-hash"));
    }

    [Test]
    public void Promtool_test_rules_passes_and_catches_a_regression()
    {
        Accepts("promtool", "test", "rules", RuleTests, SlowRuleTests);
        // the same unit tests against rules where InstanceDown waits 1m instead of 10s must fail
        Broken(Rules, "expr: up == 0\n        for: 10s", "expr: up == 0\n        for: 1m");
        Rejects("promtool", "test", "rules", Broken(RuleTests, "rule_files", "rule_files", Path.Combine("tests", "ml-platform.test.yml")));
        // ... and rules where BackupTooOld tolerates two days
        Broken(Rules, "backup_last_success_timestamp_seconds > 86400", "backup_last_success_timestamp_seconds > 172800");
        Rejects("promtool", "test", "rules", Broken(SlowRuleTests, "rule_files", "rule_files", Path.Combine("tests", "ml-platform-slow.test.yml")));
    }

    [Test]
    public void Amtool_check_config()
    {
        Accepts("amtool", "check-config", Conf("alertmanager.yml"));
        Rejects("amtool", "check-config", Broken(Conf("alertmanager.yml"), "receiver: team-warning", "receiver: nobody-home"));
    }

    [TestCase("severity=critical", "oncall-critical")]
    [TestCase("severity=warning", "team-warning")]
    [TestCase("severity=info", "default")]
    [TestCase("alertname=Unlabelled", "default")]
    public void Alertmanager_routes_by_severity(string label, string receiver)
    {
        var r = Sandbox.Run("amtool", ["config", "routes", "test", "--config.file=" + Conf("alertmanager.yml"), label]);
        r.ExitCode.Should().Be(0, r.Output);
        r.Stdout.Trim().Should().Be(receiver);
    }

    [Test]
    public void Haproxy_check()
    {
        Accepts("haproxy", "-c", "-q", "-f", Conf("haproxy.cfg"));
        Rejects("haproxy", "-c", "-q", "-f", Broken(Conf("haproxy.cfg"), "balance roundrobin", "balance no-such-algorithm"));
    }

    [Test]
    public void Blackbox_config_check()
    {
        Accepts("prometheus-blackbox-exporter", "--config.check", "--config.file=" + Conf("blackbox.yml"));
        Rejects("prometheus-blackbox-exporter", "--config.check", "--config.file=" + Broken(Conf("blackbox.yml"), "timeout: 2s", "timeout: soonish"));
    }

    [Test]
    public void Sshd_config_test()
    {
        Accepts("/usr/sbin/sshd", "-t", "-f", Conf("sshd_config"));
        Rejects("/usr/sbin/sshd", "-t", "-f", Broken(Conf("sshd_config"), "PasswordAuthentication no", "PasswordAuthentication perhaps"));
    }

    [Test]
    public void Dnsmasq_config_test()
    {
        Accepts("dnsmasq", "--test", "--conf-file=" + Conf("dnsmasq.conf"));
        Rejects("dnsmasq", "--test", "--conf-file=" + Broken(Conf("dnsmasq.conf"), "local-ttl=5", "local-ttl=five"));
    }
}

using System.Diagnostics;
using Acceptance.Support.Evidence;
using Acceptance.Support.Validation;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Validation;

/// <summary>
/// <see cref="ConfigValidator"/> on the real validators of this machine: for every kind a small valid file of the
/// project's own passes, and a broken variant fails with the validator's own message (first error line in the verdict).
/// </summary>
public sealed class ConfigValidatorTests
{
    private static async Task<ConfigValidationResult> Validate(string kind, string path, string? envFile = null)
    {
        var results = await ConfigValidator.ValidateAsync([new ConfigFile(kind, path) { EnvFile = envFile }], new EvidenceLog());
        var result = results.Should().ContainSingle().Subject;
        if (result.NotVerified) Assert.Ignore($"the validator is not installed here: {result.Why}");
        return result;
    }

    private static void ShouldPass(ConfigValidationResult r)
    {
        r.ExitCode.Should().Be(0, r.Output);
        r.Valid.Should().BeTrue();
        var v = ValidationRules.EveryFileValid([r]);
        v.Holds.Should().BeTrue(v.Sentence);
        v.Observed.Should().Contain(r.File.Path).And.Contain("exit 0");
    }

    private static string ShouldFail(ConfigValidationResult r, params string[] messageParts)
    {
        r.ExitCode.Should().NotBe(0, r.Output);
        r.Valid.Should().BeFalse();
        r.NotVerified.Should().BeFalse();
        var v = ValidationRules.EveryFileValid([r]);
        v.Holds.Should().BeFalse();
        TestContext.Out.WriteLine(v.Sentence);
        var shortfall = v.Shortfalls.Should().ContainSingle().Subject;
        shortfall.Should().StartWith($"{r.File.Path} ({r.File.Kind}) is invalid: `{r.Validator}` exited {r.ExitCode}: ");
        foreach (var part in messageParts)
        {
            r.Output.Should().Contain(part);
            shortfall.Should().Contain(part, "the first error line of the validator's output is quoted");
        }
        return shortfall;
    }

    // ---------------------------------------------------------------- prometheus

    private const string Rules = """
        groups:
          - name: platform
            rules:
              - alert: InstanceDown
                expr: up == 0
                for: 1m
                labels:
                  severity: critical
        """;

    private const string Prometheus = """
        global:
          scrape_interval: 15s
        rule_files:
          - rules/*.yml
        scrape_configs:
          - job_name: prometheus
            static_configs:
              - targets: ['127.0.0.1:9090']
        """;

    [Test]
    public async Task Prometheus_config_with_relative_rule_files_passes_promtool_check_config()
    {
        using var dir = new TempDir();
        dir.File("rules/platform.yml", Rules);

        var r = await Validate("prometheus", dir.File("prometheus.yml", Prometheus));

        ShouldPass(r);
        r.Validator.Should().EndWith($"promtool check config {r.File.Path}");
        r.Output.Should().Contain("SUCCESS: 1 rule files found").And.Contain("SUCCESS: 1 rules found");
    }

    [Test]
    public async Task Prometheus_config_with_an_unknown_field_fails()
    {
        using var dir = new TempDir();
        dir.File("rules/platform.yml", Rules);

        var r = await Validate("prometheus", dir.File("prometheus.yml", Prometheus.Replace("job_name: prometheus", "job_name: prometheus\n    bogus_field: 1")));

        ShouldFail(r, "field bogus_field not found");
    }

    [Test]
    public async Task Prometheus_config_whose_rule_file_has_a_bad_expression_fails()
    {
        using var dir = new TempDir();
        dir.File("rules/platform.yml", Rules.Replace("up == 0", "up == (0"));

        var r = await Validate("prometheus", dir.File("prometheus.yml", Prometheus));

        ShouldFail(r, "FAILED");
        r.Output.Should().Contain("InstanceDown");
    }

    [Test]
    public async Task Rule_file_passes_and_a_bad_expression_fails_promtool_check_rules()
    {
        using var dir = new TempDir();

        var good = await Validate("prometheus-rules", dir.File("good.yml", Rules));
        var bad = await Validate("prometheus-rules", dir.File("bad.yml", Rules.Replace("up == 0", "up == (0")));

        ShouldPass(good);
        good.Output.Should().Contain("SUCCESS: 1 rules found");
        ShouldFail(bad, "could not parse expression");
    }

    [Test]
    public async Task Web_config_passes_and_a_cert_without_key_fails_promtool_check_web_config()
    {
        using var dir = new TempDir();

        var good = await Validate("prometheus-web", dir.File("web.yml", "basic_auth_users:\n  acceptance: $2y$10$bSICTlEhpi3QBR6mom5t3ea0aVbjR/MDW234OvmMopqyfdCGL1Awi\n"));
        var bad = await Validate("prometheus-web", dir.File("bad-web.yml", "tls_server_config:\n  cert_file: /nonexistent/cert.pem\n"));

        ShouldPass(good);
        good.Output.Should().Contain("SUCCESS");
        ShouldFail(bad, "missing key_file");
    }

    // ---------------------------------------------------------------- alertmanager

    private const string Alertmanager = """
        route:
          receiver: default
          group_by: [alertname]
        receivers:
          - name: default
            webhook_configs:
              - url: http://127.0.0.1:9999/hook
        """;

    [Test]
    public async Task Alertmanager_config_passes_and_an_unknown_receiver_fails_amtool_check_config()
    {
        using var dir = new TempDir();

        var good = await Validate("alertmanager", dir.File("alertmanager.yml", Alertmanager));
        var bad = await Validate("alertmanager", dir.File("bad.yml", Alertmanager.Replace("receiver: default", "receiver: pager")));

        ShouldPass(good);
        good.Output.Should().Contain("SUCCESS");
        ShouldFail(bad, "undefined receiver \"pager\" used in route");
    }

    // ---------------------------------------------------------------- haproxy

    private const string Haproxy = """
        global
          maxconn 100
        defaults
          mode http
          timeout connect 5s
          timeout client 5s
          timeout server 5s
        frontend fe
          bind 127.0.0.1:18080
          default_backend be
        backend be
          server s1 127.0.0.1:18081
        """;

    [Test]
    public async Task Haproxy_config_passes_and_an_unknown_keyword_fails_haproxy_c()
    {
        using var dir = new TempDir();

        var good = await Validate("haproxy", dir.File("haproxy.cfg", Haproxy + "\n"));
        var bad = await Validate("haproxy", dir.File("bad.cfg", Haproxy.Replace("maxconn 100", "maxconn 100\n  bogus_keyword on") + "\n"));

        ShouldPass(good);
        good.Output.Should().Contain("Configuration file is valid");
        ShouldFail(bad, "unknown keyword 'bogus_keyword'", "bad.cfg:3");
    }

    // ---------------------------------------------------------------- sshd

    private static string HostKey(TempDir dir)
    {
        var keygen = Acceptance.Support.Transport.CommandRunner.Locate("ssh-keygen");
        if (keygen is null) Assert.Ignore("ssh-keygen is not on PATH: no host key for sshd -t");
        var key = dir.Combine("ssh_host_ed25519_key");
        using var p = Process.Start(new ProcessStartInfo(keygen, ["-q", "-t", "ed25519", "-N", "", "-f", key]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        p.WaitForExit(30_000).Should().BeTrue();
        p.ExitCode.Should().Be(0);
        return key;
    }

    [Test]
    public async Task Sshd_config_with_its_host_key_passes_and_a_bad_option_fails_sshd_t()
    {
        using var dir = new TempDir();
        var config = $"Port 18222\nListenAddress 127.0.0.1\nHostKey {HostKey(dir)}\nPidFile {dir.Combine("sshd.pid")}\nUsePAM no\nPasswordAuthentication no\n";

        var good = await Validate("sshd", dir.File("sshd_config", config));
        var bad = await Validate("sshd", dir.File("bad_sshd_config", config + "BogusOption yes\n"));

        ShouldPass(good);
        ShouldFail(bad, "line 7: Bad configuration option: BogusOption");
    }

    [Test]
    public async Task Sshd_config_naming_a_missing_host_key_fails_with_sshds_own_words()
    {
        using var dir = new TempDir();

        var r = await Validate("sshd", dir.File("sshd_config", $"Port 18222\nHostKey {dir.Combine("no_such_key")}\nUsePAM no\n"));

        ShouldFail(r, "Unable to load host key");
    }

    // ---------------------------------------------------------------- dnsmasq

    [Test]
    public async Task Dnsmasq_config_passes_and_a_bad_option_fails_dnsmasq_test()
    {
        using var dir = new TempDir();
        const string conf = "port=0\nno-resolv\nno-hosts\naddress=/example.test/127.0.0.1\n";

        var good = await Validate("dnsmasq", dir.File("dnsmasq.conf", conf));
        var bad = await Validate("dnsmasq", dir.File("bad.conf", conf + "bogus-option=1\n"));

        ShouldPass(good);
        good.Output.Should().Contain("syntax check OK");
        ShouldFail(bad, "bad option at line 5 of");
    }

    // ---------------------------------------------------------------- blackbox

    private const string Blackbox = """
        modules:
          http_2xx:
            prober: http
            timeout: 5s
            http:
              valid_status_codes: [200]
        """;

    [Test]
    public async Task Blackbox_config_passes_and_an_unknown_field_fails_config_check()
    {
        using var dir = new TempDir();

        var good = await Validate("blackbox", dir.File("blackbox.yml", Blackbox));
        var bad = await Validate("blackbox", dir.File("bad.yml", Blackbox.Replace("valid_status_codes", "bogus_codes")));

        ShouldPass(good);
        good.Output.Should().Contain("Config file is ok");
        ShouldFail(bad, "field bogus_codes not found");
    }

    // ---------------------------------------------------------------- compose

    private const string Compose = """
        services:
          trainer:
            image: ${REGISTRY:?REGISTRY is not set}/ml/trainer:1.0
            restart: unless-stopped
        """;

    [Test]
    public async Task Compose_file_with_its_sibling_env_file_passes_and_an_invalid_key_fails()
    {
        using var dir = new TempDir();
        dir.File(".env", "REGISTRY=127.0.0.1:5000\n");

        var good = await Validate("compose", dir.File("docker-compose.yml", Compose));
        var bad = await Validate("compose", dir.File("bad-compose.yml", Compose.Replace("restart:", "bogus_key: 1\n    restart:")));

        ShouldPass(good);
        ShouldFail(bad, "Unsupported config option for services.trainer: 'bogus_key'");
    }

    [Test]
    public async Task Compose_file_takes_a_named_env_file_and_fails_without_the_variable()
    {
        using var dir = new TempDir();
        var env = dir.File("deploy.env", "REGISTRY=127.0.0.1:5000\n");
        var file = dir.File("docker-compose.yml", Compose);

        var with = await Validate("compose", file, env);
        var without = await Validate("compose", file);

        ShouldPass(with);
        with.Validator.Should().Contain($"--env-file {env} -f {file} config -q");
        ShouldFail(without, "REGISTRY is not set");
    }

    // ---------------------------------------------------------------- yaml, json

    [Test]
    public async Task Yaml_with_several_documents_parses_and_a_broken_second_document_is_reported_with_its_line()
    {
        using var dir = new TempDir();

        var good = await Validate("yaml", dir.File("good.yml", "a: 1\nb: [1, 2]\n---\nc: d\n"));
        var bad = await Validate("yaml", dir.File("bad.yml", "a: 1\n---\nc:\n  d: 1\n e: 2\n"));
        var unclosed = await Validate("yaml", dir.File("unclosed.yml", "a: 1\n---\nc: [1, 2\nd: e\n"));

        ShouldPass(good);
        good.Output.Should().Contain("2 document(s)");
        var shortfall = ShouldFail(bad, "invalid YAML at line 5");
        shortfall.Should().MatchRegex(@"bad\.yml:5:\d+: invalid YAML at line 5, column \d+: ");
        ShouldFail(unclosed, "invalid YAML").Should().MatchRegex(@"unclosed\.yml:\d+:\d+: invalid YAML ");
    }

    [Test]
    public async Task Yaml_with_a_duplicate_key_is_refused()
    {
        using var dir = new TempDir();

        var r = await Validate("yaml", dir.File("dup.yml", "a: 1\nb: 2\na: 3\n"));

        ShouldFail(r, "dup.yml:3:");
    }

    [Test]
    public async Task Json_parses_and_a_trailing_comma_is_reported_with_its_line()
    {
        using var dir = new TempDir();

        var good = await Validate("json", dir.File("good.json", "{\n  \"a\": [1, 2],\n  \"b\": {\"c\": null}\n}\n"));
        var bad = await Validate("json", dir.File("bad.json", "{\n  \"a\": 1,\n  \"b\": 2,\n}\n"));

        ShouldPass(good);
        good.Output.Should().Contain("top-level Object");
        ShouldFail(bad, "bad.json:4:1: invalid JSON at line 4, column 1");
    }
}

using Acceptance.Support.Evidence;
using Acceptance.Support.Outcomes;
using Acceptance.Support.Validation;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Validation;

/// <summary>
/// <see cref="ValidationRules.EveryFileValid"/>: a missing validator makes a file NOT VERIFIED, never passed; all missing:
/// the line is not verified; the first error line is quoted.
/// </summary>
public sealed class ValidationRulesTests
{
    private static readonly string[] ToolKinds = ["prometheus", "prometheus-rules", "prometheus-web", "alertmanager", "haproxy", "sshd", "dnsmasq", "blackbox", "compose"];

    [Test]
    public async Task A_runner_without_the_validators_leaves_those_files_not_verified_and_still_validates_the_rest()
    {
        using var dir = new TempDir();
        using var empty = new TempDir();
        var files = ToolKinds.Select(k => new ConfigFile(k, dir.File($"{k}.conf", "x: 1\n")))
            .Append(new ConfigFile("yaml", dir.File("plain.yml", "a: 1\n")))
            .Append(new ConfigFile("json", dir.File("broken.json", "{\"a\": }")))
            .ToList();

        var results = await ConfigValidator.ValidateAsync(files, new EvidenceLog(), searchPath: empty.Path);

        results.Should().HaveCount(files.Count);
        foreach (var r in results.Take(ToolKinds.Length))
        {
            var kind = ConfigKinds.All[r.File.Kind];
            r.NotVerified.Should().BeTrue(r.File.ToString());
            r.Valid.Should().BeFalse();
            r.ExitCode.Should().Be(-1);
            r.Why.Should().Contain($"the validator {kind.Tool} is not installed here").And.Contain($"install the Debian package {kind.DebianPackage}")
                .And.Contain(r.File.Path).And.Contain("NOT VERIFIED");
        }
        results[^2].Valid.Should().BeTrue();
        results[^1].ExitCode.Should().Be(1);

        var v = ValidationRules.EveryFileValid(results);

        v.Holds.Should().BeFalse("the broken JSON was validated and failed");
        v.Shortfalls.Should().ContainSingle().Which.Should().Contain("broken.json (json) is invalid").And.Contain("invalid JSON at line 1");
        v.Expected.Should().Contain($"2 of {files.Count} file(s) validated").And.Contain($"{ToolKinds.Length} not verified");
        v.Observed.Should().Contain($"haproxy:{dir.Combine("haproxy.conf")}: NOT VERIFIED: ").And.Contain("openssh-server").And.Contain("dnsmasq-base");
    }

    [Test]
    public async Task Files_whose_validators_are_missing_never_make_the_verdict_pass_on_their_behalf()
    {
        using var dir = new TempDir();
        using var empty = new TempDir();
        var results = await ConfigValidator.ValidateAsync(
            [new ConfigFile("haproxy", dir.File("haproxy.cfg", "garbage\n")), new ConfigFile("yaml", dir.File("ok.yml", "a: 1\n"))],
            new EvidenceLog(), searchPath: empty.Path);

        var v = ValidationRules.EveryFileValid(results);

        v.Holds.Should().BeTrue("the one validated file is valid");
        v.Expected.Should().StartWith("1 of 2 file(s) validated").And.Contain("1 not verified");
        v.Observed.Should().Contain("haproxy.cfg: NOT VERIFIED").And.Contain("install the Debian package haproxy");
        v.Sentence.Should().Contain("NOT VERIFIED");
    }

    [Test]
    public async Task When_no_file_can_be_validated_the_line_is_not_verified()
    {
        using var dir = new TempDir();
        using var empty = new TempDir();
        var results = await ConfigValidator.ValidateAsync(
            [new ConfigFile("alertmanager", dir.File("alertmanager.yml", "")), new ConfigFile("sshd", dir.File("sshd_config", ""))],
            new EvidenceLog(), searchPath: empty.Path);

        var act = () => ValidationRules.EveryFileValid(results);

        act.Should().Throw<NotVerifiedException>().Which.Reason.Should().Contain("none of the 2 configuration file(s) could be validated")
            .And.Contain("amtool").And.Contain("prometheus-alertmanager").And.Contain("sshd").And.Contain("openssh-server");
    }

    [Test]
    public void No_files_named_is_not_verified()
    {
        var act = () => ValidationRules.EveryFileValid([]);

        act.Should().Throw<NotVerifiedException>().Which.Reason.Should().Contain("configuration.files is empty");
    }

    [Test]
    public void Every_invalid_file_is_one_shortfall_naming_file_validator_and_first_error_line()
    {
        var haproxy = new ConfigValidationResult(new ConfigFile("haproxy", "/etc/haproxy/haproxy.cfg"), "/usr/sbin/haproxy -c -f /etc/haproxy/haproxy.cfg", 1,
            "[NOTICE]   (1) : haproxy version is 2.6.12\n[WARNING]  (1) : config : log format ignored\n" +
            "[ALERT]    (1) : config : parsing [/etc/haproxy/haproxy.cfg:2] : unknown keyword 'bogus' in 'global' section\n[ALERT]    (1) : config : Fatal errors found in configuration.",
            false, null);
        var rules = new ConfigValidationResult(new ConfigFile("prometheus-rules", "/etc/prometheus/bad.rules.yml"), "/usr/bin/promtool check rules /etc/prometheus/bad.rules.yml", 1,
            "Checking /etc/prometheus/bad.rules.yml\n  FAILED:\n/etc/prometheus/bad.rules.yml: 5:15: group \"g\", rule 1, \"A\": could not parse expression",
            false, null);
        var ok = new ConfigValidationResult(new ConfigFile("json", "/etc/app.json"), "System.Text.Json parse of /etc/app.json", 0, "valid JSON", false, null);

        var v = ValidationRules.EveryFileValid([haproxy, rules, ok]);

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal(
            "/etc/haproxy/haproxy.cfg (haproxy) is invalid: `/usr/sbin/haproxy -c -f /etc/haproxy/haproxy.cfg` exited 1: " +
            "[ALERT]    (1) : config : parsing [/etc/haproxy/haproxy.cfg:2] : unknown keyword 'bogus' in 'global' section",
            "/etc/prometheus/bad.rules.yml (prometheus-rules) is invalid: `/usr/bin/promtool check rules /etc/prometheus/bad.rules.yml` exited 1: " +
            "FAILED: /etc/prometheus/bad.rules.yml: 5:15: group \"g\", rule 1, \"A\": could not parse expression");
        v.Expected.Should().Be("3 of 3 file(s) validated, each validator exiting 0");
        v.Observed.Should().Contain("json:/etc/app.json: `System.Text.Json parse of /etc/app.json` exit 0");
    }

    [TestCase("Checking 'am.yml'  FAILED: undefined receiver \"x\" used in route\n\namtool: error: failed to validate 1 file(s)", "Checking 'am.yml'  FAILED: undefined receiver \"x\" used in route")]
    [TestCase("The Compose file './dc.yml' is invalid because:\nUnsupported config option for services.a: 'b'", "The Compose file './dc.yml' is invalid because: Unsupported config option for services.a: 'b'")]
    [TestCase("ts=1 caller=main.go:78 level=info msg=\"Starting blackbox_exporter\"\nts=1 caller=main.go:82 level=error msg=\"Error loading config\"", "ts=1 caller=main.go:82 level=error msg=\"Error loading config\"")]
    [TestCase("something odd happened\nmore", "something odd happened")]
    [TestCase("", "(no output)")]
    public void First_error_line_skips_notices_and_joins_a_trailing_colon(string output, string expected) =>
        ValidationRules.FirstErrorLine(output).Should().Be(expected);

    [Test]
    public void First_error_line_does_not_read_the_files_own_name_as_an_error() =>
        ValidationRules.FirstErrorLine("Checking /tmp/failed-runs/bad.yml\n  FAILED:\nbad.yml: 3:1: parse error", "/tmp/failed-runs/bad.yml")
            .Should().Be("FAILED: bad.yml: 3:1: parse error");
}

using Acceptance.Support.Evidence;
using Acceptance.Support.Validation;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Validation;

/// <summary>
/// The running sandbox's own rendered configuration files, copied to a temp folder, pass their validators (ignored when the
/// sandbox has not been brought up on this machine). The copies keep their absolute references (rule files, host key,
/// certificates) to the sandbox's state, which is only read.
/// </summary>
public sealed class SandboxConfigTests
{
    private static readonly string Sandbox = Path.Combine(Repository.Root, "sandbox");
    private static readonly string Conf = Path.Combine(Repository.SandboxState, "conf");

    private static async Task<ConfigValidationResult> ValidateCopy(string kind, string source, TempDir dir, string? envFile = null)
    {
        if (!Directory.Exists(Conf)) Assert.Ignore($"{Conf} is absent: the sandbox is not up on this machine");
        if (!File.Exists(source)) Assert.Ignore($"{source} is absent in this sandbox");
        var copy = dir.File(Path.GetFileName(source), await File.ReadAllTextAsync(source));
        var result = (await ConfigValidator.ValidateAsync([new ConfigFile(kind, copy) { EnvFile = envFile }], new EvidenceLog())).Single();
        if (result.NotVerified) Assert.Ignore(result.Why!);
        return result;
    }

    [TestCase("prometheus", "prometheus.yml", "is valid prometheus config file syntax")]
    [TestCase("prometheus-web", "web-config.yml", "SUCCESS")]
    [TestCase("alertmanager", "alertmanager.yml", "SUCCESS")]
    [TestCase("haproxy", "haproxy.cfg", "Configuration file is valid")]
    [TestCase("sshd", "sshd_config", "")]
    [TestCase("dnsmasq", "dnsmasq.conf", "syntax check OK")]
    [TestCase("blackbox", "blackbox.yml", "Config file is ok")]
    [TestCase("yaml", "registry.yml", "document(s)")]
    public async Task The_sandboxs_rendered_file_passes_its_validator(string kind, string name, string output)
    {
        using var dir = new TempDir();

        var r = await ValidateCopy(kind, Path.Combine(Conf, name), dir);

        r.ExitCode.Should().Be(0, r.Output);
        if (output.Length == 0) r.Output.Should().BeEmpty("sshd -t says nothing about a valid configuration");
        else r.Output.Should().Contain(output);
        ValidationRules.EveryFileValid([r]).Holds.Should().BeTrue();
    }

    [Test]
    public async Task The_sandboxs_rule_files_pass_promtool_check_rules()
    {
        var rules = Directory.Exists(Path.Combine(Sandbox, "rules")) ? Directory.GetFiles(Path.Combine(Sandbox, "rules"), "*.yml") : [];
        if (rules.Length == 0) Assert.Ignore("the sandbox has no rule files here");
        using var dir = new TempDir();

        foreach (var file in rules)
        {
            var r = await ValidateCopy("prometheus-rules", file, dir);
            r.ExitCode.Should().Be(0, r.Output);
            r.Output.Should().Contain("SUCCESS");
        }
    }

    [Test]
    public async Task The_sandboxs_compose_file_passes_with_its_variables_and_fails_without_them()
    {
        using var dir = new TempDir();
        var env = dir.File("deploy.env", "REGISTRY=127.0.0.1:5000\nPUSHGATEWAY_VERSION=v1.6.0\nTRAINER_VERSION=1.0.0\n");
        var compose = Path.Combine(Sandbox, "compose", "docker-compose.yml");

        var with = await ValidateCopy("compose", compose, dir, env);
        var without = await ValidateCopy("compose", compose, dir);

        with.ExitCode.Should().Be(0, with.Output);
        without.ExitCode.Should().NotBe(0);
        ValidationRules.EveryFileValid([without]).Shortfalls.Should().ContainSingle().Which.Should().Contain("is not set");
    }

    [Test]
    public async Task The_sandboxs_alertmanager_file_with_an_unknown_receiver_fails()
    {
        using var dir = new TempDir();
        var source = Path.Combine(Conf, "alertmanager.yml");
        if (!File.Exists(source)) Assert.Ignore($"{source} is absent");
        var text = await File.ReadAllTextAsync(source);
        var route = System.Text.RegularExpressions.Regex.Match(text, @"(?m)^route:\s*\n(\s+)receiver:\s*(\S+)");
        if (!route.Success) Assert.Ignore("the sandbox's alertmanager.yml has no top-level route receiver to break");
        var broken = dir.File("source.yml", text.Replace(route.Value, route.Value.Replace(route.Groups[2].Value, "no-such-receiver")));

        var r = await ValidateCopy("alertmanager", broken, dir);

        r.ExitCode.Should().NotBe(0);
        ValidationRules.EveryFileValid([r]).Shortfalls.Should().ContainSingle().Which.Should().Contain("undefined receiver \"no-such-receiver\"");
    }
}

using System.Text;
using Acceptance.Support.Checks;
using Acceptance.Support.Docker;
using FluentAssertions;

namespace Acceptance.Docker.Tests;

/// <summary>
/// APP-DI-4 on a real project: a throwaway compose project runs 127.0.0.1:15443/ml-platform/pushgateway:1.5.1, and
/// <see cref="DockerProbe.PullLoginsAsync"/> checks the docker client configuration (config_dir) against the sandbox's
/// registry: the sandbox's own client configuration holds; none, or a wrong password, fails.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class PullCredentialProofs
{
    private ThrowawayProject? _project;

    [OneTimeSetUp]
    public async Task StartProject()
    {
        SandboxEngine.Require();
        _project = new ThrowawayProject("pull", new ServiceVariant("pushgateway", SandboxEngine.Pushgateway));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        await _project.StartAsync(deadline.Token);
    }

    [OneTimeTearDown]
    public async Task RemoveProject()
    {
        if (_project is not null) await _project.DisposeAsync();
    }

    private async Task<Verdict> PullCredentialsAsync(string configDir)
    {
        var (registry, ca) = SandboxEngine.SandboxRegistry();
        var target = SandboxEngine.Target(ca, registry);
        var (probe, engine, evidence) = SandboxEngine.Probe(_project!.Name, configDir, target);
        using (engine)
        using (var client = new RegistryClient(target, evidence))
        {
            var logins = await probe.PullLoginsAsync(new RegistryProbe(client, evidence));
            return DockerRules.PullCredentialsWork(logins, probe.ClientConfigFile);
        }
    }

    private static string SandboxClientConfig => Path.Combine(SandboxEngine.State, "docker", "client");

    [Test]
    public async Task Missing_pull_credentials_fail_PullCredentialsWork_naming_the_registry()
    {
        var ok = await PullCredentialsAsync(SandboxClientConfig);
        ok.Holds.Should().BeTrue(because: ok.Sentence);
        ok.Observed.Should().Contain($"{SandboxEngine.RegistryHost}: a login for user platform in config.json, GET /v2/ with it → 200");

        using var empty = new TempDir();
        var v = await PullCredentialsAsync(empty.Path);
        v.Holds.Should().BeFalse(because: v.Sentence);
        v.Shortfalls.Should().ContainSingle().Which.Should().Be($"{SandboxEngine.RegistryHost}: {Path.Combine(empty.Path, "config.json")} holds no login, credential helper or store for it");
    }

    [Test]
    public async Task Wrong_pull_password_fails_PullCredentialsWork_as_refused()
    {
        var ok = await PullCredentialsAsync(SandboxClientConfig);
        ok.Holds.Should().BeTrue(because: ok.Sentence);

        using var wrong = new TempDir();
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes($"platform:{Unique.Secret("wrong")}"));
        wrong.File("config.json", $$"""{ "auths": { "{{SandboxEngine.RegistryHost}}": { "auth": "{{auth}}" } } }""");
        var v = await PullCredentialsAsync(wrong.Path);
        v.Holds.Should().BeFalse(because: v.Sentence);
        v.Shortfalls.Should().ContainSingle().Which.Should().Be(
            $"{SandboxEngine.RegistryHost}: the login (a login for user platform in config.json) is refused: GET /v2/ answered 401");
    }
}

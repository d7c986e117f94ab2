using System.Diagnostics;
using System.Text;
using Acceptance.Support.Configuration;
using Acceptance.Support.Docker;
using Acceptance.Support.Evidence;
using Acceptance.Support.Outcomes;
using Acceptance.Support.Tests.Rules;
using Acceptance.TestSupport;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Docker;

/// <summary>The engine client's failures, the client configuration's logins, the registry's plain-http probe and APP-DI-4.</summary>
public sealed class DockerClientTests
{
    [SetUp] public void SetUp() => DockerEngineClient.Reset();

    [Test]
    public async Task An_engine_socket_that_does_not_exist_is_broken_within_seconds_with_one_reason_naming_the_engine()
    {
        var options = new DockerOptions { Key = "docker", Address = "unix:///nonexistent/acceptance-docker.sock", ComposeProject = "p" };
        using var engine = new DockerEngineClient(options, new EvidenceLog());
        var sw = Stopwatch.StartNew();

        var e = await FluentActions.Awaiting(() => engine.ProjectContainersAsync("p")).Should().ThrowAsync<EnvironmentProblemException>();

        sw.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));
        e.Which.Message.Should().StartWith("Docker engine at unix:///nonexistent/acceptance-docker.sock: ").And.NotContain("\n");
        var again = await FluentActions.Awaiting(() => engine.VersionAsync()).Should().ThrowAsync<EnvironmentProblemException>();
        again.Which.Message.Should().Be(e.Which.Message, "an unreachable engine is remembered for the run: every later check says the same at once");
    }

    [Test]
    public void A_client_configuration_names_how_it_logs_in_to_each_registry_and_its_passwords_become_secrets()
    {
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes("platform:s3cret-pull-password"));
        var config = DockerClientConfig.Parse("config.json", $$"""
            { "auths": { "127.0.0.1:15443": { "auth": "{{auth}}" }, "https://index.docker.io/v1/": {} },
              "credHelpers": { "123.dkr.ecr.eu-west-1.amazonaws.com": "ecr-login" } }
            """);

        config.HowAuthenticates("127.0.0.1:15443").Should().Be("a login for user platform in config.json");
        config.HowAuthenticates("index.docker.io").Should().Be("an auths entry kept in a credential store");
        config.HowAuthenticates(ImageReference.Parse("nginx:1.25").Registry).Should().Be("an auths entry kept in a credential store",
            "docker login's Docker Hub key (https://index.docker.io/v1/) is the registry docker.io that image references name");
        config.HowAuthenticates("123.dkr.ecr.eu-west-1.amazonaws.com").Should().Be("a credential helper (credHelpers)");
        config.HowAuthenticates("registry.other:5000").Should().BeNull();
        SecretRegistry.Redact("password s3cret-pull-password and auth " + auth).Should().NotContain("s3cret-pull-password").And.NotContain(auth);
    }

    [Test]
    public void Pull_credentials_fail_for_a_registry_without_a_login_and_for_a_refused_login_and_hold_when_accepted()
    {
        DockerRules.PullCredentialsWork([new RegistryLogin("127.0.0.1:15443", "a login for user platform in config.json", 200)], "config.json")
            .Holds.Should().BeTrue();

        var v = DockerRules.PullCredentialsWork(
        [
            new RegistryLogin("127.0.0.1:15443", "a login for user platform in config.json", 401),
            new RegistryLogin("registry.other:5000", null, null),
        ], "/etc/docker/config.json");

        v.Shortfalls.Should().Equal(
            "127.0.0.1:15443: the login (a login for user platform in config.json) is refused: GET /v2/ answered 401",
            "registry.other:5000: /etc/docker/config.json holds no login, credential helper or store for it");
        DockerRules.PullCredentialsWork([], "config.json").Holds.Should().BeFalse("no registry at all is nothing judged, never a pass");
    }

    [Test]
    public async Task A_registry_that_answers_its_api_over_plain_http_is_seen_and_one_that_speaks_only_tls_is_not()
    {
        await using var plain = new FixtureServer();
        plain.On("/v2/", "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}", 401, headers: new Dictionary<string, string> { ["Docker-Distribution-Api-Version"] = "registry/2.0" });
        var https = new RegistryOptions { Key = "registry", Address = plain.Url.Replace("http://", "https://") };
        using var client = new RegistryClient(TestTarget.With(https), new EvidenceLog());

        var (outcome, served) = await client.PlainHttpAsync();

        served.Should().BeTrue(outcome);
        outcome.Should().Contain("401 with Docker-Distribution-Api-Version");
        DockerRules.RegistryServesOnlyTls(outcome, served).Holds.Should().BeFalse();

        var closed = new RegistryOptions { Key = "registry", Address = $"https://127.0.0.1:{Ports.Free()}" };
        using var tlsOnly = new RegistryClient(TestTarget.With(closed), new EvidenceLog());
        var (closedOutcome, closedServed) = await tlsOnly.PlainHttpAsync();
        closedServed.Should().BeFalse(closedOutcome);
        DockerRules.RegistryServesOnlyTls(closedOutcome, closedServed).Holds.Should().BeTrue();
    }
}

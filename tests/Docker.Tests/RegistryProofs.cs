using System.Net.Http;
using Acceptance.Support.Checks;
using Acceptance.Support.Configuration;
using Acceptance.Support.Docker;
using Acceptance.Support.Evidence;
using Docker.DotNet;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using DotNet.Testcontainers.Images;
using FluentAssertions;

namespace Acceptance.Docker.Tests;

/// <summary>
/// The registry rules against real registries: a throwaway docker-registry 2.8 container (plain http, no auth: the
/// faults) next to the sandbox's private registry (https://127.0.0.1:15443, the sandbox CA, user platform: the good
/// variant). Facts are read through <see cref="RegistryClient"/> and <see cref="RegistryProbe"/>, judged by
/// <see cref="DockerRules"/>.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class RegistryProofs
{
    private const string PushedRepository = "ml-platform/pushgateway";
    private const string PushedTag = "1.5.1";
    private IContainer? _registry;
    private string? _network, _pushedRef;
    private int _port;

    [OneTimeSetUp]
    public async Task StartPlainRegistry()
    {
        SandboxEngine.Require();
        using var client = SandboxEngine.Client();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        var name = SandboxEngine.UniqueProject("registry");
        _network = $"{name}_default";
        await SandboxEngine.CreateNetworkAsync(client, _network, name, deadline.Token);
        _registry = new ContainerBuilder(SandboxEngine.Registry)
            .WithDockerEndpoint(SandboxEngine.Endpoint)
            .WithImagePullPolicy(PullPolicy.Never)
            .WithName(name)
            .WithLabel(SandboxEngine.RunLabel, SandboxEngine.RunId)
            .WithAutoRemove(false)
            .WithCleanUp(true)
            .WithPortBinding(5000, assignRandomHostPort: true)
            .WithCreateParameterModifier(p =>
            {
                p.HostConfig ??= new HostConfig();
                p.HostConfig.NetworkMode = _network;
                p.HostConfig.Memory = 128L * 1024 * 1024;
                foreach (var b in (p.HostConfig.PortBindings?.Values ?? []).SelectMany(x => x)) b.HostIP = "127.0.0.1";
            })
            .WithWaitStrategy(Wait.ForUnixContainer().AddCustomWaitStrategy(new ThrowawayProject.UntilRunning(), w => w.WithTimeout(TimeSpan.FromSeconds(60))))
            .Build();
        await _registry.StartAsync(deadline.Token);
        _port = _registry.GetMappedPublicPort(5000);

        // Ready when GET /v2/ answers: at most 60 s, 250 ms apart.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var end = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try { using var r = await http.GetAsync($"http://127.0.0.1:{_port}/v2/", deadline.Token); if (r.IsSuccessStatusCode) break; }
            catch (HttpRequestException) { }
            if (DateTime.UtcNow > end) Assert.Fail($"the throwaway registry on 127.0.0.1:{_port} did not answer GET /v2/ within 60 s");
            await Task.Delay(250, deadline.Token);
        }

        // Push a real image, so an anonymous pull has a manifest to fetch (loopback registries need no TLS for the engine).
        _pushedRef = $"127.0.0.1:{_port}/{PushedRepository}";
        await client.Images.TagImageAsync(SandboxEngine.Pushgateway, new ImageTagParameters { RepositoryName = _pushedRef, Tag = PushedTag }, deadline.Token);
        var errors = new List<string>();
        await client.Images.PushImageAsync($"{_pushedRef}:{PushedTag}", new ImagePushParameters { Tag = PushedTag }, new AuthConfig(),
            new Progress<JSONMessage>(m => { if (m.Error?.Message is { } e) errors.Add(e); }), deadline.Token);
        errors.Should().BeEmpty(because: $"the push of {_pushedRef}:{PushedTag} to the throwaway registry must succeed");
    }

    [OneTimeTearDown]
    public async Task RemoveRegistry()
    {
        if (SandboxEngine.Unavailable is not null) return;
        using var client = SandboxEngine.Client();
        if (_pushedRef is not null)
        {
            try { await client.Images.DeleteImageAsync($"{_pushedRef}:{PushedTag}", new ImageDeleteParameters { NoPrune = true }); }
            catch (Exception e) { await TestContext.Progress.WriteLineAsync($"untagging {_pushedRef}:{PushedTag}: {e.Message}"); }
        }
        if (_registry is not null)
        {
            try { await client.Containers.RemoveContainerAsync(_registry.Name, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }); }
            catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound) { }
            catch (Exception e) { await TestContext.Progress.WriteLineAsync($"removing {_registry.Name}: {e.Message}"); }
            try { await _registry.DisposeAsync(); } catch (Exception e) { await TestContext.Progress.WriteLineAsync($"disposing the registry handle: {e.Message}"); }
        }
        if (_network is not null) await SandboxEngine.RemoveNetworkAsync(client, _network);
    }

    private static (RegistryProbe Probe, RegistryClient Client) Probe(RegistryOptions registry, string? caFile)
    {
        var evidence = new EvidenceLog();
        var client = new RegistryClient(SandboxEngine.Target(caFile, registry), evidence);
        return (new RegistryProbe(client, evidence), client);
    }

    /// <summary>The sandbox's registry as its target declares it, with <paramref name="trainingImage"/> as the training image.</summary>
    private static (RegistryProbe Probe, RegistryClient Client) Sandbox(string trainingImage = "ml-platform/trainer:1.1.0")
    {
        var (registry, ca) = SandboxEngine.SandboxRegistry();
        return Probe(registry with { TrainingImage = trainingImage }, ca);
    }

    /// <summary>The throwaway registry at <paramref name="scheme"/>://127.0.0.1:port, no credentials.</summary>
    private (RegistryProbe Probe, RegistryClient Client) Throwaway(string scheme) =>
        Probe(new RegistryOptions { Key = "registry", Address = $"{scheme}://127.0.0.1:{_port}", TrainingImage = $"{PushedRepository}:{PushedTag}" }, null);

    private static void ShouldFailNaming(Verdict v, params string[] words)
    {
        v.Holds.Should().BeFalse(because: $"the fault must be caught: {v.Sentence}");
        foreach (var w in words) v.Shortfalls.Should().Contain(s => s.Contains(w, StringComparison.Ordinal), because: $"a shortfall must name '{w}': {v.Sentence}");
    }

    [Test]
    public async Task Registry_over_plain_http_fails_RegistryServesOnlyTls_and_the_sandbox_registry_holds()
    {
        var (sandbox, sc) = Sandbox();
        using (sc)
        {
            var (outcome, served) = await sandbox.PlainHttpAsync();
            served.Should().BeFalse(because: outcome);
            outcome.Should().Contain("→ 400", because: "the TLS port answers plain http with 400 and no registry API");
            var ok = DockerRules.RegistryServesOnlyTls(outcome, served);
            ok.Holds.Should().BeTrue(because: ok.Sentence);
        }

        // A target that says https while the port serves plain http: the probe's own plain-http request reaches the API.
        var (claimsTls, tc) = Throwaway("https");
        using (tc)
        {
            var (outcome, served) = await claimsTls.PlainHttpAsync();
            served.Should().BeTrue(because: outcome);
            outcome.Should().Contain($"http://127.0.0.1:{_port}/v2/ → 200 with Docker-Distribution-Api-Version");
            ShouldFailNaming(DockerRules.RegistryServesOnlyTls(outcome, served), "the registry API answers over plain http", $"127.0.0.1:{_port}");
        }

        // A target that declares plain http outright.
        var (plain, pc) = Throwaway("http");
        using (pc)
        {
            var (outcome, served) = await plain.PlainHttpAsync();
            ShouldFailNaming(DockerRules.RegistryServesOnlyTls(outcome, served), $"plain http (http://127.0.0.1:{_port})");
        }
    }

    [Test]
    public async Task Anonymous_pull_allowed_fails_AnonymousPullRefused_and_the_sandbox_registry_holds()
    {
        var (sandbox, sc) = Sandbox();
        using (sc)
        {
            var refused = await sandbox.AnonymousPullAsync();
            refused.StatusCode.Should().Be(401);
            var ok = DockerRules.AnonymousPullRefused(refused.StatusCode, refused.Header("WWW-Authenticate"));
            ok.Holds.Should().BeTrue(because: ok.Sentence);
            (await sandbox.CredentialedBaseAsync()).StatusCode.Should().Be(200, because: "the sandbox registry accepts its configured credentials");
        }

        var (open, oc) = Throwaway("http");
        using (oc)
        {
            var pulled = await open.AnonymousPullAsync();
            pulled.StatusCode.Should().Be(200, because: $"the pushed {PushedRepository}:{PushedTag} is served to anyone");
            pulled.Header("Docker-Content-Digest").Should().StartWith("sha256:");
            ShouldFailNaming(DockerRules.AnonymousPullRefused(pulled.StatusCode, pulled.Header("WWW-Authenticate")), "anonymous pull answered 200: anyone can pull the images");
        }
    }

    [Test]
    public async Task Image_missing_from_the_registry_fails_TrainingImagePushed_naming_the_tag()
    {
        var (present, pc) = Sandbox("ml-platform/trainer:1.1.0");
        using (pc)
        {
            var image = await present.TrainingImageAsync();
            image.Digest.Should().StartWith("sha256:");
            image.DigestMatches.Should().BeTrue();
            var ok = DockerRules.TrainingImagePushed("ml-platform/trainer:1.1.0", image.Tags, image.Digest);
            ok.Holds.Should().BeTrue(because: ok.Sentence);
        }

        var (missing, mc) = Sandbox("ml-platform/trainer:0.0.0-missing");
        using (mc)
        {
            var image = await missing.TrainingImageAsync();
            image.Tags.Should().Contain("1.1.0").And.NotContain("0.0.0-missing");
            image.Digest.Should().BeNull();
            ShouldFailNaming(DockerRules.TrainingImagePushed("ml-platform/trainer:0.0.0-missing", image.Tags, image.Digest),
                "tag 0.0.0-missing is not among the repository's tags", "the registry gave no digest for ml-platform/trainer:0.0.0-missing");
        }

        var (unknown, uc) = Sandbox("ml-platform/never-pushed:1.0.0");
        using (uc)
        {
            var image = await unknown.TrainingImageAsync();
            ShouldFailNaming(DockerRules.TrainingImagePushed("ml-platform/never-pushed:1.0.0", image.Tags, image.Digest),
                "repository ml-platform/never-pushed is not known to the registry");
        }
    }
}

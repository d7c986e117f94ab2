using Acceptance.Support.Checks;
using Acceptance.Support.Docker;
using Docker.DotNet;
using Docker.DotNet.Models;
using FluentAssertions;

namespace Acceptance.Docker.Tests;

/// <summary>
/// The container rules on real containers: throwaway compose projects on the sandbox's engine, each read through
/// <see cref="DockerProbe"/> (Engine API, ContainerFacts.From) and judged by <see cref="DockerRules"/>. Every test proves
/// both directions: the rule holds on the good project and fails, naming the container and the fault, on the faulty one.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class ComposeProjectProofs
{
    private const string Service = "pushgateway";
    private static readonly string[] Stateful = [Service];
    private readonly List<ThrowawayProject> _projects = [];
    private bool _taggedLatest;
    private ThrowawayProject _good = null!, _latest = null!, _noMemory = null!, _unhealthy = null!, _noVolume = null!, _token = null!;

    /// <summary>A Grafana service-account token written into a container's environment (the value is made up).</summary>
    private const string LiteralToken = "glsa_Q2lXv7RkP9mZbT4wYcN8sHdF3gJ6aE1u_5b7c9d1e";

    [OneTimeSetUp]
    public async Task StartProjects()
    {
        SandboxEngine.Require();
        using var client = SandboxEngine.Client();
        await TagLatestAsync(client);
        ThrowawayProject Add(ThrowawayProject p) { _projects.Add(p); return p; }
        var ready = ServiceVariant.Ready;
        _good = Add(new ThrowawayProject("good", new ServiceVariant(Service, SandboxEngine.Pushgateway, Healthcheck: ready)));
        _latest = Add(new ThrowawayProject("latest", new ServiceVariant(Service, SandboxEngine.PushgatewayLatest, Healthcheck: ready)));
        _noMemory = Add(new ThrowawayProject("nomem", new ServiceVariant(Service, SandboxEngine.Pushgateway, Memory: false, Healthcheck: ready)));
        _unhealthy = Add(new ThrowawayProject("unhealthy", new ServiceVariant(Service, SandboxEngine.Pushgateway, Healthcheck: ServiceVariant.AlwaysFails)));
        _noVolume = Add(new ThrowawayProject("novolume", new ServiceVariant(Service, SandboxEngine.Pushgateway, NamedVolume: false, Healthcheck: ready)));
        _token = Add(new ThrowawayProject("token", new ServiceVariant(Service, SandboxEngine.Pushgateway, Healthcheck: ready)
            { Environment = new Dictionary<string, string> { ["GRAFANA_TOKEN"] = LiteralToken, ["LOG_LEVEL"] = "info" } }));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        await Task.WhenAll(_projects.Select(p => p.StartAsync(deadline.Token)));
    }

    [OneTimeTearDown]
    public async Task RemoveProjects()
    {
        foreach (var p in _projects) await p.DisposeAsync();
        if (_taggedLatest && SandboxEngine.Unavailable is null)
        {
            using var client = SandboxEngine.Client();
            try { await client.Images.DeleteImageAsync(SandboxEngine.PushgatewayLatest, new ImageDeleteParameters { NoPrune = true }); }
            catch (Exception e) { await TestContext.Progress.WriteLineAsync($"untagging {SandboxEngine.PushgatewayLatest}: {e.Message}"); }
        }
    }

    /// <summary>Tags the pinned image as :latest, unless that tag already exists (then it is left as found).</summary>
    private async Task TagLatestAsync(DockerClient client)
    {
        try
        {
            await client.Images.InspectImageAsync(SandboxEngine.PushgatewayLatest);
            return;
        }
        catch (DockerImageNotFoundException) { }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound) { }
        var colon = SandboxEngine.PushgatewayLatest.LastIndexOf(':');
        await client.Images.TagImageAsync(SandboxEngine.Pushgateway, new ImageTagParameters { RepositoryName = SandboxEngine.PushgatewayLatest[..colon], Tag = "latest" });
        _taggedLatest = true;
    }

    private static async Task<IReadOnlyList<ContainerFacts>> ContainersAsync(ThrowawayProject project)
    {
        var (probe, engine, _) = SandboxEngine.Probe(project.Name);
        using (engine) return await probe.ContainersAsync();
    }

    private static async Task<Workloads> WorkloadsAsync(ThrowawayProject project)
    {
        var (probe, engine, _) = SandboxEngine.Probe(project.Name);
        using (engine) return await probe.WorkloadsAsync();
    }

    private static void ShouldHold(Verdict v) => v.Holds.Should().BeTrue(because: v.Sentence);

    private static void ShouldFailNaming(Verdict v, params string[] words)
    {
        v.Holds.Should().BeFalse(because: $"the fault must be caught: {v.Sentence}");
        foreach (var w in words) v.Shortfalls.Should().Contain(s => s.Contains(w, StringComparison.Ordinal), because: $"a shortfall must name '{w}': {v.Sentence}");
    }

    [Test]
    public async Task Good_project_holds_every_container_rule_as_the_engine_reports_it()
    {
        (await _good.WaitForHealthAsync(Service, "healthy", TimeSpan.FromSeconds(90))).Should().Be("healthy");
        var containers = await ContainersAsync(_good);
        var workloads = await WorkloadsAsync(_good);

        containers.Should().ContainSingle();
        var c = containers[0];
        c.Name.Should().Be(_good.ContainerName(Service));
        c.Service.Should().Be(Service);
        c.Image.Should().Be(SandboxEngine.Pushgateway);
        c.MemoryBytes.Should().Be(64L * 1024 * 1024);
        c.NanoCpus.Should().Be(500_000_000);
        c.RestartPolicy.Should().Be("unless-stopped");
        c.Mounts.Should().Contain(m => m.Type == "volume" && m.Source == _good.VolumeName(Service) && m.Destination == "/data");
        c.Ports.Should().ContainSingle(p => p.HostIp == "127.0.0.1" && p.ContainerPort == 9091 && p.HostPort > 0);

        ShouldHold(DockerRules.ImagesPinned(workloads.Images));
        ShouldHold(DockerRules.LimitsSet(workloads.Limits));
        ShouldHold(DockerRules.ContainersRunningAndHealthy(containers, Stateful));
        ShouldHold(DockerRules.StatefulServicesHaveVolumes(containers, Stateful));
        ShouldHold(DockerRules.RestartPolicySet(containers));
        ShouldHold(DockerRules.PortsBoundToLoopbackOrDeclared(containers, []));
    }

    [Test]
    public async Task Image_tagged_latest_fails_ImagesPinned_naming_the_image()
    {
        ShouldHold(DockerRules.ImagesPinned((await WorkloadsAsync(_good)).Images));

        var v = DockerRules.ImagesPinned((await WorkloadsAsync(_latest)).Images);
        ShouldFailNaming(v, SandboxEngine.PushgatewayLatest, _latest.ContainerName(Service));
    }

    [Test]
    public async Task Container_without_memory_limit_fails_LimitsSet_naming_it()
    {
        ShouldHold(DockerRules.LimitsSet((await WorkloadsAsync(_good)).Limits));

        var v = DockerRules.LimitsSet((await WorkloadsAsync(_noMemory)).Limits);
        ShouldFailNaming(v, $"{_noMemory.ContainerName(Service)} (compose service {Service}): no memory limit");
        v.Shortfalls.Should().NotContain(s => s.Contains("CPU", StringComparison.Ordinal), because: "the CPU limit is set: " + v.Sentence);
    }

    [Test]
    public async Task Unhealthy_container_fails_ContainersRunningAndHealthy_naming_it()
    {
        (await _good.WaitForHealthAsync(Service, "healthy", TimeSpan.FromSeconds(90))).Should().Be("healthy");
        ShouldHold(DockerRules.ContainersRunningAndHealthy(await ContainersAsync(_good), Stateful));

        // The healthcheck fails every second and turns unhealthy after 2 failures: read through the probe until it does.
        var end = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        IReadOnlyList<ContainerFacts> containers;
        while (true)
        {
            containers = await ContainersAsync(_unhealthy);
            containers.Should().ContainSingle();
            if (containers[0].Health == "unhealthy" || containers[0].State != "running" || DateTime.UtcNow > end) break;
            await Task.Delay(500);
        }
        containers[0].State.Should().Be("running");
        containers[0].Health.Should().Be("unhealthy");
        containers[0].FailingStreak.Should().BeGreaterThanOrEqualTo(2);

        var v = DockerRules.ContainersRunningAndHealthy(containers, Stateful);
        ShouldFailNaming(v, $"container {_unhealthy.ContainerName(Service)} (compose service {Service}): unhealthy (failing streak");
        v.IsTerminal.Should().BeFalse(because: "an unhealthy container that still runs may recover");
    }

    [Test]
    public async Task Stateful_service_without_named_volume_fails_StatefulServicesHaveVolumes_naming_it()
    {
        ShouldHold(DockerRules.StatefulServicesHaveVolumes(await ContainersAsync(_good), Stateful));

        // Only the image's VOLUME /data: an anonymous volume, lost when the container is removed or recreated.
        var containers = await ContainersAsync(_noVolume);
        containers.Should().ContainSingle().Which.Mounts.Should().OnlyContain(m => m.Type == "volume" && m.Destination == "/data" && m.Source != _noVolume.VolumeName(Service));
        var v = DockerRules.StatefulServicesHaveVolumes(containers, Stateful);
        ShouldFailNaming(v, $"container {_noVolume.ContainerName(Service)} (compose service {Service}): no named volume");
    }

    [Test]
    public async Task A_token_in_a_containers_environment_is_found_by_the_secret_scan_and_a_clean_container_is_quiet()
    {
        if (Acceptance.Support.Secrets.SecretScanner.Locate() is null) Assert.Ignore($"secretlint is not installed: {Acceptance.Support.Secrets.SecretScanner.InstallCommand}");
        var evidence = new Acceptance.Support.Evidence.EvidenceLog();
        using var engine = new DockerEngineClient(new DockerOptions { Key = "docker", Address = SandboxEngine.Require() }, evidence);
        async Task<IReadOnlyList<Acceptance.Support.Secrets.SecretFinding>> Scan(ThrowawayProject p) =>
            await new Acceptance.Support.Secrets.SecretScanner(evidence).ScanAsync(
                await new Acceptance.Support.Secrets.SecretSources(null, null, engine, p.Name, new Acceptance.Support.Secrets.SecretsOptions(), evidence).ReadAsync());

        var findings = await Scan(_token);

        findings.Should().Contain(f => f.Place.StartsWith("container ", StringComparison.Ordinal) && f.Place.EndsWith(", env", StringComparison.Ordinal));
        string.Join("\n", findings.Select(f => f.Place + f.Rule + f.Message)).Should().NotContain(LiteralToken);
        (await Scan(_good)).Should().BeEmpty();
    }
}

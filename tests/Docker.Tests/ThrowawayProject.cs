using Docker.DotNet;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Containers;
using DotNet.Testcontainers.Images;

namespace Acceptance.Docker.Tests;

/// <summary>One service of a throwaway compose project, and the faults it carries.</summary>
/// <param name="Service">The compose service name (label com.docker.compose.service).</param>
/// <param name="Image">The image (present on the engine: never pulled).</param>
/// <param name="Memory">A memory limit (64 MiB).</param>
/// <param name="Cpu">A CPU limit (0.5 CPU).</param>
/// <param name="Healthcheck">The healthcheck test (CMD form), null for none.</param>
/// <param name="NamedVolume">A named volume on /data (else only the image's anonymous volume).</param>
/// <param name="Restart">Restart policy unless-stopped (else none).</param>
internal sealed record ServiceVariant(string Service, string Image, bool Memory = true, bool Cpu = true, string[]? Healthcheck = null,
    bool NamedVolume = true, bool Restart = true)
{
    /// <summary>Environment variables of the container.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The pushgateway's own readiness check, as sandbox/compose/docker-compose.yml declares it.</summary>
    public static readonly string[] Ready = ["CMD", "/bin/busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:9091/-/ready"];

    /// <summary>A healthcheck that always fails.</summary>
    public static readonly string[] AlwaysFails = ["CMD", "/bin/busybox", "false"];
}

/// <summary>
/// A throwaway "compose project": containers labelled com.docker.compose.project=&lt;unique name&gt; and
/// com.docker.compose.service, created with Testcontainers on the sandbox's engine (no docker-compose needed: the
/// probe finds a project by those labels, as it finds one docker-compose made). Every container and named volume is
/// registered before it is created, so <see cref="DisposeAsync"/> removes it even when its start failed.
/// </summary>
internal sealed class ThrowawayProject(string purpose, params ServiceVariant[] services) : IAsyncDisposable
{
    private const long MemoryLimit = 64L * 1024 * 1024;
    private readonly List<IContainer> _containers = [];
    private readonly List<string> _volumes = [];
    private string? _network;

    /// <summary>The unique project name.</summary>
    public string Name { get; } = SandboxEngine.UniqueProject(purpose);

    /// <summary>The services.</summary>
    public IReadOnlyList<ServiceVariant> Services => services;

    /// <summary>The container name of a service ("&lt;project&gt;_&lt;service&gt;_1", as docker-compose 1.29 names it).</summary>
    public string ContainerName(string service) => $"{Name}_{service}_1";

    /// <summary>The named volume of a service.</summary>
    public string VolumeName(string service) => $"{Name}_{service}-data";

    /// <summary>The project's network ("&lt;project&gt;_default", as docker-compose names it).</summary>
    public string NetworkName => $"{Name}_default";

    /// <summary>
    /// Creates the project's network, then creates and starts every service's container (state running; health is not
    /// awaited). The sandbox's engine runs with --bridge=none, so a container needs a network of its own to publish ports.
    /// </summary>
    public async Task StartAsync(CancellationToken ct)
    {
        using var client = SandboxEngine.Client();
        _network = NetworkName;
        await SandboxEngine.CreateNetworkAsync(client, NetworkName, Name, ct);
        foreach (var s in services)
        {
            var builder = new ContainerBuilder(s.Image)
                .WithDockerEndpoint(SandboxEngine.Endpoint)
                .WithImagePullPolicy(PullPolicy.Never)
                .WithName(ContainerName(s.Service))
                .WithLabel("com.docker.compose.project", Name)
                .WithLabel("com.docker.compose.service", s.Service)
                .WithLabel("com.docker.compose.container-number", "1")
                .WithLabel(SandboxEngine.RunLabel, SandboxEngine.RunId)
                .WithAutoRemove(false)
                .WithCleanUp(true)
                .WithPortBinding(9091, assignRandomHostPort: true)
                .WithCreateParameterModifier(p => Shape(p, s, NetworkName))
                .WithWaitStrategy(Wait.ForUnixContainer().AddCustomWaitStrategy(new UntilRunning(), w => w.WithTimeout(TimeSpan.FromSeconds(60))));
            foreach (var (k, v) in s.Environment) builder = builder.WithEnvironment(k, v);
            if (s.NamedVolume)
            {
                var volume = VolumeName(s.Service);
                _volumes.Add(volume);
                await client.Volumes.CreateAsync(new VolumesCreateParameters
                {
                    Name = volume,
                    Labels = new Dictionary<string, string>
                    {
                        ["com.docker.compose.project"] = Name, ["com.docker.compose.volume"] = $"{s.Service}-data", [SandboxEngine.RunLabel] = SandboxEngine.RunId,
                    },
                }, ct);
                builder = builder.WithVolumeMount(volume, "/data");
            }
            var container = builder.Build();
            _containers.Add(container);
            await container.StartAsync(ct);
        }
    }

    /// <summary>
    /// Ready when the container runs: health is what the tests observe, so it is not awaited here; and the default
    /// port check runs a shell inside the container, which these FROM-scratch images do not have.
    /// </summary>
    internal sealed class UntilRunning : IWaitUntil
    {
        public Task<bool> UntilAsync(IContainer container) => container.State switch
        {
            TestcontainersStates.Running => Task.FromResult(true),
            TestcontainersStates.Exited or TestcontainersStates.Dead => throw new InvalidOperationException($"container {container.Name} is {container.State} (exit code unknown here): it did not start"),
            _ => Task.FromResult(false),
        };
    }

    /// <summary>What Testcontainers does not say directly: limits, restart policy, healthcheck, ports on 127.0.0.1 only.</summary>
    private static void Shape(CreateContainerParameters p, ServiceVariant s, string network)
    {
        p.HostConfig ??= new HostConfig();
        p.HostConfig.NetworkMode = network;
        if (s.Memory) p.HostConfig.Memory = MemoryLimit;
        if (s.Cpu) p.HostConfig.NanoCPUs = 500_000_000;
        p.HostConfig.RestartPolicy = new RestartPolicy { Name = s.Restart ? RestartPolicyKind.UnlessStopped : RestartPolicyKind.No };
        p.HostConfig.Init = true; // the pushgateway ignores SIGTERM as PID 1
        foreach (var bindings in p.HostConfig.PortBindings?.Values ?? [])
            foreach (var b in bindings) b.HostIP = "127.0.0.1"; // publish on loopback only, never 0.0.0.0
        if (s.Healthcheck is { } test)
        {
            p.Healthcheck = new HealthcheckConfig
            {
                Test = test.ToList(),
                Interval = TimeSpan.FromSeconds(1),
                Timeout = TimeSpan.FromSeconds(3),
                Retries = 2,
            };
        }
    }

    /// <summary>
    /// Polls the Engine until the service's container reports <paramref name="health"/>, at most <paramref name="deadline"/>;
    /// stops at once when the container is no longer running (a terminal state for this wait). Returns the last health status.
    /// </summary>
    public async Task<string?> WaitForHealthAsync(string service, string health, TimeSpan deadline)
    {
        using var client = SandboxEngine.Client();
        var end = DateTime.UtcNow + deadline;
        string? last = null;
        while (true)
        {
            var inspect = await client.Containers.InspectContainerAsync(ContainerName(service));
            last = inspect.State?.Health?.Status;
            if (last == health) return last;
            if (inspect.State?.Running != true)
                Assert.Fail($"{ContainerName(service)} is {inspect.State?.Status} (exit code {inspect.State?.ExitCode}) while waiting for health {health}");
            if (DateTime.UtcNow > end) return last;
            await Task.Delay(500);
        }
    }

    /// <summary>
    /// Removes every container of the project with its anonymous volumes (the image's VOLUME /data), then its named
    /// volumes, then lets Testcontainers dispose its handles. Best effort; never throws.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (SandboxEngine.Unavailable is null)
        {
            using var client = SandboxEngine.Client();
            foreach (var s in services)
            {
                try { await client.Containers.RemoveContainerAsync(ContainerName(s.Service), new ContainerRemoveParameters { Force = true, RemoveVolumes = true }); }
                catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound) { }
                catch (Exception e) { await TestContext.Progress.WriteLineAsync($"{Name}: removing {ContainerName(s.Service)}: {e.Message}"); }
            }
            foreach (var v in _volumes)
            {
                try { await client.Volumes.RemoveAsync(v, force: true); }
                catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound) { }
                catch (Exception e) { await TestContext.Progress.WriteLineAsync($"{Name}: removing volume {v}: {e.Message}"); }
            }
            if (_network is not null) await SandboxEngine.RemoveNetworkAsync(client, _network);
        }
        foreach (var c in _containers)
        {
            try { await c.DisposeAsync(); }
            catch (Exception e) { await TestContext.Progress.WriteLineAsync($"{Name}: disposing a container handle: {e.Message}"); }
        }
    }
}

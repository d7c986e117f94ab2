using Acceptance.Support.Configuration;
using Acceptance.Support.Docker;
using Acceptance.Support.Evidence;
using Docker.DotNet;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Configurations;

namespace Acceptance.Docker.Tests;

/// <summary>
/// The sandbox's Docker engine and private registry, as the tests' throwaway containers use them. The engine address
/// comes from the sandbox state ($SANDBOX_STATE/docker/engine, written by sandbox/up), else DOCKER_HOST; a test that
/// needs the engine is skipped (Assert.Ignore, naming why) when there is none. The tests never start or stop the
/// sandbox: they only add throwaway containers, volumes and tags, and remove them.
/// </summary>
internal static class SandboxEngine
{
    /// <summary>Every locally built sandbox image lives under this registry host.</summary>
    public const string RegistryHost = "127.0.0.1:15443";

    /// <summary>The pushgateway image sandbox/up built (present locally: never pulled).</summary>
    public const string Pushgateway = RegistryHost + "/ml-platform/pushgateway:1.5.1";

    /// <summary>The same image under the tag "latest" (made by the tests, removed by them).</summary>
    public const string PushgatewayLatest = RegistryHost + "/ml-platform/pushgateway:latest";

    /// <summary>Debian's docker-registry 2.8 FROM scratch: plain http on :5000, no auth.</summary>
    public const string Registry = RegistryHost + "/ml-platform/registry:2.8.2";

    /// <summary>Label on everything the tests create, so a teardown can sweep what a failed start left.</summary>
    public const string RunLabel = "org.acceptance.docker-tests.run";

    /// <summary>This test run's id (the value of <see cref="RunLabel"/>).</summary>
    public static readonly string RunId = Guid.NewGuid().ToString("N")[..12];

    /// <summary>The sandbox state folder.</summary>
    public static string State => Repository.SandboxState;

    /// <summary>The engine address (unix:///…/docker.sock), or null when this machine has no sandbox engine.</summary>
    public static string? Address
    {
        get
        {
            var file = Path.Combine(State, "docker", "engine");
            if (File.Exists(file) && File.ReadAllText(file).Trim() is { Length: > 0 } a) return a;
            return Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } h ? h : null;
        }
    }

    /// <summary>Why the engine cannot be used here (null: it can).</summary>
    public static string? Unavailable
    {
        get
        {
            var address = Address;
            if (address is null) return $"no Docker engine: {Path.Combine(State, "docker", "engine")} does not exist (sandbox/up ran without an engine) and DOCKER_HOST is not set";
            if (address.StartsWith("unix://", StringComparison.Ordinal) && !File.Exists(address["unix://".Length..]))
                return $"no Docker engine: the socket {address["unix://".Length..]} does not exist (is the sandbox up?)";
            return null;
        }
    }

    /// <summary>Skips the calling test or fixture when there is no engine.</summary>
    public static string Require()
    {
        if (Unavailable is { } why) Assert.Ignore(why);
        return Address!;
    }

    /// <summary>
    /// Testcontainers' endpoint for the sandbox engine, speaking the engine's own API version: Testcontainers 4.16 asks
    /// for API 1.44, which dockerd 20.10 (API 1.41) refuses ("client version 1.44 is too new").
    /// </summary>
    public static IDockerEndpointAuthenticationConfiguration Endpoint => new EngineEndpoint(new Uri(Require()), ApiVersion);

    private static readonly Lazy<System.Version> LazyApiVersion = new(() =>
    {
        using var client = Client();
        var v = client.System.GetVersionAsync().GetAwaiter().GetResult();
        return System.Version.TryParse(v.APIVersion, out var api) ? api : DockerEngineClient.MinimumApi;
    });

    /// <summary>The API version the engine speaks (GET /version, which needs no version prefix).</summary>
    public static System.Version ApiVersion => LazyApiVersion.Value;

    private sealed class EngineEndpoint(Uri endpoint, System.Version version) : IDockerEndpointAuthenticationConfiguration
    {
        public System.Version Version => version;
        public Uri Endpoint => endpoint;
        public global::Docker.DotNet.Handler.Abstractions.IAuthProvider? AuthProvider => null;
        public DockerClientBuilder GetDockerClientBuilder(Guid sessionId) =>
            new DockerClientBuilder().WithEndpoint(endpoint).WithApiVersion(version).WithTimeout(TimeSpan.FromSeconds(60));
    }

    /// <summary>A Docker.DotNet client of the engine (for tags, volumes and sweeps the tests do themselves).</summary>
    public static DockerClient Client() => new DockerClientBuilder().WithEndpoint(new Uri(Require())).WithTimeout(TimeSpan.FromSeconds(60)).Build();

    /// <summary>A unique compose project name for one throwaway project.</summary>
    public static string UniqueProject(string purpose) => $"proof-{purpose}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>The sandbox's target file, read without the process environment's overrides.</summary>
    public static TargetEnvironment SandboxTarget()
    {
        if (!File.Exists(Repository.SandboxTarget)) Assert.Ignore($"{Repository.SandboxTarget} does not exist: the sandbox is not up");
        return TargetFileLoader.Load(Repository.SandboxTarget, new Dictionary<string, string?>());
    }

    /// <summary>services.registry of the sandbox target (https://127.0.0.1:15443, the CA, user platform), optionally another training image.</summary>
    public static (RegistryOptions Registry, string? CaFile) SandboxRegistry()
    {
        var t = SandboxTarget();
        if (t.Service("registry") is not RegistryOptions r) { Assert.Ignore("the sandbox target declares no services.registry (process-only sandbox)"); throw new InvalidOperationException(); }
        return (r, r.CaFile ?? t.CaFile);
    }

    /// <summary>A target of exactly these services (the way TestTarget builds one in Support.Tests), with the sandbox CA.</summary>
    public static TargetEnvironment Target(string? caFile, params ServiceOptions[] services) => new()
    {
        SourceFile = "/test/docker-proofs.yaml",
        Name = "docker-proofs",
        Environment = "test",
        CaFile = caFile,
        Services = services.ToDictionary(s => s.Key, s => s),
    };

    /// <summary>A probe of the compose project <paramref name="project"/> on the sandbox engine.</summary>
    public static (DockerProbe Probe, DockerEngineClient Engine, EvidenceLog Evidence) Probe(string project, string? configDir = null, TargetEnvironment? with = null)
    {
        var docker = new DockerOptions { Key = "docker", Address = Require(), ComposeProject = project, ConfigDir = configDir };
        var services = with is null ? [docker] : with.Services.Values.Where(s => s.Key != "docker").Append(docker).ToArray();
        var target = Target(with?.CaFile, services);
        var evidence = new EvidenceLog();
        var engine = new DockerEngineClient(docker, evidence, TimeSpan.FromSeconds(60));
        return (new DockerProbe(target, engine, null, evidence), engine, evidence);
    }

    /// <summary>A bridge network for one throwaway project or registry, labelled with this run.</summary>
    public static Task CreateNetworkAsync(DockerClient client, string name, string project, CancellationToken ct) =>
        client.Networks.CreateNetworkAsync(new NetworksCreateParameters
        {
            Name = name,
            Driver = "bridge",
            Labels = new Dictionary<string, string> { ["com.docker.compose.project"] = project, ["com.docker.compose.network"] = "default", [RunLabel] = RunId },
        }, ct);

    /// <summary>Removes a network (best effort: a failure is reported on the progress stream).</summary>
    public static async Task RemoveNetworkAsync(DockerClient client, string name)
    {
        try { await client.Networks.DeleteNetworkAsync(name); }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound) { }
        catch (Exception e) { await TestContext.Progress.WriteLineAsync($"removing network {name}: {e.Message}"); }
    }

    /// <summary>
    /// Removes every container (with its anonymous volumes) and every named volume and network that carry this run's label: what a
    /// failed start may have left behind. Best effort, each failure reported on the progress stream.
    /// </summary>
    public static async Task SweepAsync()
    {
        if (Unavailable is not null) return;
        using var client = Client();
        var filter = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{RunLabel}={RunId}"] = true } };
        foreach (var c in await client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filter }))
        {
            try { await client.Containers.RemoveContainerAsync(c.ID, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }); }
            catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound) { }
            catch (Exception e) { await TestContext.Progress.WriteLineAsync($"sweep: container {c.ID[..12]}: {e.Message}"); }
        }
        foreach (var v in (await client.Volumes.ListAsync(new VolumesListParameters { Filters = filter })).Volumes ?? [])
        {
            try { await client.Volumes.RemoveAsync(v.Name, force: true); }
            catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound) { }
            catch (Exception e) { await TestContext.Progress.WriteLineAsync($"sweep: volume {v.Name}: {e.Message}"); }
        }
        foreach (var n in await client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filter }))
            await RemoveNetworkAsync(client, n.Name);
    }
}

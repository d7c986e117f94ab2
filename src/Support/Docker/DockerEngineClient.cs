using System.Collections.Concurrent;
using System.Net.Sockets;
using Acceptance.Support.Evidence;
using Acceptance.Support.Outcomes;
using Docker.DotNet;
using Docker.DotNet.Models;
using Version = System.Version;

namespace Acceptance.Support.Docker;

/// <summary>
/// The Docker Engine API of services.docker, through Docker.DotNet: typed calls, each recorded in the evidence, with one
/// clear reason when the engine cannot be reached (BROKEN, never a hang: every call has a deadline). An unreachable
/// engine is remembered for the run, so every later Docker check ends at once with the same reason.
/// </summary>
public sealed class DockerEngineClient : IDisposable
{
    /// <summary>The oldest Engine API this client speaks (Docker 20.10); newer engines are asked for their own version.</summary>
    public static readonly Version MinimumApi = new(1, 41);

    private static readonly ConcurrentDictionary<string, string> Unreachable = new();
    private static readonly ConcurrentDictionary<string, Version> NegotiatedApi = new();
    private readonly EvidenceLog _evidence;
    private readonly TimeSpan _timeout;
    private DockerClient? _client;
    private string? _endpoint;

    /// <summary>Creates a client for the engine of <paramref name="options"/>.</summary>
    public DockerEngineClient(DockerOptions options, EvidenceLog evidence, TimeSpan? timeout = null)
    {
        Options = options;
        _evidence = evidence;
        _timeout = timeout ?? TimeSpan.FromSeconds(15);
    }

    /// <summary>The engine's section of the target.</summary>
    public DockerOptions Options { get; }

    /// <summary>"Docker engine at unix:///…" for messages.</summary>
    public string Name => $"Docker engine at {Options.Address}";

    /// <summary>Runs one Engine API call: recorded, with a deadline, and classified when it fails.</summary>
    public async Task<T> CallAsync<T>(string what, Func<DockerClient, CancellationToken, Task<T>> call, CancellationToken ct = default)
    {
        if (Unreachable.TryGetValue(Options.Address, out var seen)) throw new EnvironmentProblemException($"{Name}: {seen}");
        var client = await ClientAsync(ct);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(_timeout);
        try
        {
            var result = await call(client, deadline.Token);
            _evidence.Note($"{Name}: {what}: ok");
            _evidence.LastExchange = $"{Name}: {what}";
            return result;
        }
        catch (DockerApiException e)
        {
            _evidence.Note($"{Name}: {what}: {(int)e.StatusCode} {Trim(e.ResponseBody)}");
            throw;
        }
        catch (Exception e) when (Explain(e, ct) is { } why)
        {
            Unreachable.TryAdd(Options.Address, why);
            _evidence.Note($"{Name}: {what}: {why}");
            throw new EnvironmentProblemException($"{Name}: {why}", e);
        }
    }

    /// <summary>GET /version: "Docker 20.10.24 (API 1.41, linux/amd64)", also recorded in the run's environment facts.</summary>
    public async Task<VersionResponse> VersionAsync(CancellationToken ct = default)
    {
        var v = await CallAsync("GET /version", (c, t) => c.System.GetVersionAsync(t), ct);
        RunFacts.Set("docker.version", $"{v.Version} (API {v.APIVersion}, {v.Os}/{v.Arch})");
        return v;
    }

    /// <summary>Every container of a compose project (running or not), inspected.</summary>
    public async Task<IReadOnlyList<ContainerFacts>> ProjectContainersAsync(string project, CancellationToken ct = default)
    {
        var listed = await ListProjectAsync(project, ct);
        var facts = new List<ContainerFacts>();
        foreach (var c in listed.OrderBy(c => c.Names.FirstOrDefault()))
            facts.Add(ContainerFacts.From(await InspectAsync(c.ID, ct)));
        return facts;
    }

    /// <summary>GET /containers/json of a compose project's containers, running or not (label com.docker.compose.project).</summary>
    public async Task<IReadOnlyList<ContainerListResponse>> ListProjectAsync(string project, CancellationToken ct = default) =>
        (await CallAsync($"GET /containers/json?all=1&label=com.docker.compose.project={project}", (c, t) => c.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"com.docker.compose.project={project}"] = true } },
        }, t), ct)).ToList();

    /// <summary>GET /containers/{id}/json.</summary>
    public Task<ContainerInspectResponse> InspectAsync(string id, CancellationToken ct = default) =>
        CallAsync($"GET /containers/{Short(id)}/json", (c, t) => c.Containers.InspectContainerAsync(id, t), ct);

    /// <summary>GET /images/{id}/json: the image's repository digests (name@sha256:…).</summary>
    public async Task<IReadOnlyList<string>> RepoDigestsAsync(string imageId, CancellationToken ct = default)
    {
        var image = await CallAsync($"GET /images/{Short(imageId)}/json", (c, t) => c.Images.InspectImageAsync(imageId, t), ct);
        return image.RepoDigests?.ToList() ?? [];
    }

    private async Task<DockerClient> ClientAsync(CancellationToken ct)
    {
        if (_client is not null) return _client;
        if (Options.Address.StartsWith("ssh://", StringComparison.Ordinal))
            _endpoint = await Task.Run(() => SshSocketTunnel.LocalAddress(Options.Address, _timeout), ct);
        var api = NegotiatedApi.GetValueOrDefault(Options.Address);
        if (api is null)
        {
            // Ask the engine which API it speaks (GET /version needs no version prefix), then talk that version.
            using var probe = Build(null);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(_timeout);
            try
            {
                var v = await probe.System.GetVersionAsync(deadline.Token);
                api = Version.TryParse(v.APIVersion, out var parsed) ? parsed : MinimumApi;
            }
            catch (DockerApiException e) when (Trim(e.ResponseBody) is var body && body.Contains("Maximum supported API version is", StringComparison.Ordinal))
            {
                api = Version.TryParse(body[(body.LastIndexOf(' ') + 1)..].TrimEnd('.', '"', '}'), out var max) ? max : MinimumApi;
            }
            catch (Exception e) when (Explain(e, ct) is { } why)
            {
                Unreachable.TryAdd(Options.Address, why);
                _evidence.Note($"{Name}: GET /version: {why}");
                throw new EnvironmentProblemException($"{Name}: {why}", e);
            }
            NegotiatedApi[Options.Address] = api;
        }
        return _client = Build(api);
    }

    private DockerClient Build(Version? api)
    {
        var builder = new DockerClientBuilder().WithEndpoint(new Uri(_endpoint ?? Options.Address)).WithTimeout(_timeout);
        if (api is not null) builder = builder.WithApiVersion(api);
        if (Options.Address.StartsWith("tcp://", StringComparison.Ordinal) && (Options.TlsVerify || Options.CertPath is not null))
            builder = builder.WithAuthProvider(TlsCredentials());
        return builder.Build();
    }

    /// <summary>
    /// tcp:// with TLS, as the docker CLI does it: the client certificate and key from cert_path (cert.pem, key.pem); with
    /// tls_verify, the engine's certificate must chain to cert_path/ca.pem and carry the address's host name.
    /// </summary>
    private global::Docker.DotNet.X509.CertificateCredentials TlsCredentials()
    {
        var dir = Options.CertPath ?? throw new EnvironmentProblemException($"{Name}: tls_verify is on but services.docker.cert_path (DOCKER_CERT_PATH) is not set");
        string File_(string name) => File.Exists(Path.Combine(dir, name)) ? Path.Combine(dir, name)
            : throw new EnvironmentProblemException($"{Name}: {Path.Combine(dir, name)} does not exist (services.docker.cert_path)");
        var credentials = new global::Docker.DotNet.X509.CertificateCredentials(
            System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(File_("cert.pem"), File_("key.pem")));
        if (Options.TlsVerify)
        {
            var ca = File_("ca.pem");
            credentials.ServerCertificateValidationCallback = Http.TlsTrust.ClientOptions(ca, null, false, why => _evidence.Note($"{Name}: TLS: {why}"))
                .RemoteCertificateValidationCallback;
        }
        else credentials.ServerCertificateValidationCallback = (_, _, _, _) => true;
        return credentials;
    }

    /// <summary>Why a call could not reach the engine, or null when the engine answered.</summary>
    private string? Explain(Exception e, CancellationToken ct)
    {
        if (ct.IsCancellationRequested) return null;
        for (var x = e; x is not null; x = x.InnerException)
        {
            switch (x)
            {
                case SocketException se when se.SocketErrorCode is SocketError.ConnectionRefused:
                    return "connection refused (is dockerd running?)";
                case SocketException se when se.SocketErrorCode is SocketError.AddressNotAvailable or SocketError.AddressFamilyNotSupported:
                    return $"no engine socket ({se.SocketErrorCode})";
                case SocketException { SocketErrorCode: SocketError.AccessDenied }:
                    return "permission denied on the engine socket (is this user in the docker group?)";
                case SocketException se: return $"network error: {se.SocketErrorCode} ({se.Message})";
                case FileNotFoundException or DirectoryNotFoundException: return $"no engine socket at {Options.Address}";
                case UnauthorizedAccessException: return "permission denied on the engine socket (is this user in the docker group?)";
                case TimeoutException or OperationCanceledException: return $"no answer within {_timeout.TotalSeconds:F0} s";
            }
        }
        return e is HttpRequestException or IOException ? e.Message : null;
    }

    private static string Short(string id) => id.StartsWith("sha256:", StringComparison.Ordinal) ? id[7..19] : id.Length > 12 ? id[..12] : id;

    private static string Trim(string? body) => (body ?? "").Trim().Replace('\n', ' ') is var b && b.Length > 300 ? b[..300] + "…" : (body ?? "").Trim();

    /// <summary>Forgets unreachable engines (tests).</summary>
    public static void Reset() { Unreachable.Clear(); NegotiatedApi.Clear(); }

    /// <inheritdoc />
    public void Dispose() => _client?.Dispose();
}

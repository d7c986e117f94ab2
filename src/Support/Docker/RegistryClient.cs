using System.Net.Http.Headers;
using Acceptance.Support.Configuration;
using Acceptance.Support.Evidence;
using Acceptance.Support.Http;

namespace Acceptance.Support.Docker;

/// <summary>
/// The private registry's HTTP API V2 (https://distribution.github.io/distribution/spec/api/), with the target's
/// credentials, anonymously, and over plain http: every exchange recorded in the evidence.
/// </summary>
public sealed class RegistryClient : IDisposable
{
    /// <summary>The manifest media types a pull accepts (schema 2, manifest list, OCI manifest and index).</summary>
    public static readonly string[] ManifestTypes =
    [
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.oci.image.index.v1+json",
    ];

    private readonly ServiceHttp _http;
    private readonly EvidenceLog _evidence;

    /// <summary>Creates a client for services.registry.</summary>
    public RegistryClient(TargetEnvironment target, EvidenceLog evidence)
    {
        Endpoint = target.Registry;
        _evidence = evidence;
        _http = new ServiceHttp("Registry", Endpoint, target.CaFile, evidence, Credentials.Basic(Endpoint));
    }

    /// <summary>services.registry.</summary>
    public RegistryOptions Endpoint { get; }

    /// <summary>GET /v2/&lt;repository&gt;/tags/list with the credentials (any status).</summary>
    public Task<HttpExchange> TagsAsync(string repository, CancellationToken ct = default) =>
        _http.SendAsync(HttpMethod.Get, $"v2/{repository}/tags/list", ct: ct);

    /// <summary>GET /v2/&lt;repository&gt;/manifests/&lt;reference&gt; as a pull asks for it (any status): Docker-Content-Digest names the digest.</summary>
    public Task<HttpExchange> ManifestAsync(string repository, string reference, bool authenticate = true, CancellationToken ct = default) =>
        _http.SendAsync(HttpMethod.Get, $"v2/{repository}/manifests/{reference}", authenticate: authenticate,
            headers: new Dictionary<string, string> { ["Accept"] = string.Join(", ", ManifestTypes) }, ct: ct);

    /// <summary>GET /v2/ with the credentials (200: they are accepted).</summary>
    public Task<HttpExchange> BaseAsync(bool authenticate = true, CancellationToken ct = default) =>
        _http.SendAsync(HttpMethod.Get, "v2/", authenticate: authenticate, ct: ct);

    /// <summary>GET /v2/ with explicit basic credentials (a docker config's auth), never recorded with them.</summary>
    public Task<HttpExchange> BaseWithAsync(string user, string password, CancellationToken ct = default)
    {
        SecretRegistry.RegisterBasic(user, password);
        return _http.SendAsync(HttpMethod.Get, "v2/", authenticate: false,
            headers: new Dictionary<string, string> { ["Authorization"] = "Basic " + SecretRegistry.BasicForm(user, password) }, ct: ct);
    }

    /// <summary>
    /// The registry's port asked over plain http (GET http://host:port/v2/): what it did, and whether it served the registry API
    /// there (a Docker-Distribution-Api-Version header or a 200/401 answer of the API).
    /// </summary>
    public async Task<(string Outcome, bool ServedApi)> PlainHttpAsync(CancellationToken ct = default)
    {
        var url = new UriBuilder(Endpoint.BaseUri) { Scheme = "http", Path = "/v2/" }.Uri;
        if (Endpoint.BaseUri.Scheme == "http") return ($"services.registry.address is itself plain http ({Endpoint.Address})", true);
        using var client = new HttpClient(new SocketsHttpHandler { ConnectTimeout = ServiceHttp.ConnectTimeout, AllowAutoRedirect = false })
            { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            using var response = await client.GetAsync(url, ct);
            var body = HttpExchange.Truncate((await response.Content.ReadAsStringAsync(ct)).Trim(), 160);
            var api = response.Headers.Contains("Docker-Distribution-Api-Version");
            var status = (int)response.StatusCode;
            var outcome = status is >= 300 and < 400 && response.Headers.Location is { } to
                ? $"GET {url} → {status} redirect to {to}"
                : $"GET {url} → {status}{(api ? " with Docker-Distribution-Api-Version" : "")}: {body}";
            _evidence.Note($"Registry plain http: {outcome}");
            var redirectsToTls = status is >= 300 and < 400 && response.Headers.Location?.Scheme == "https";
            return (outcome, !redirectsToTls && (api || status is 200 or 401));
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            var outcome = $"GET {url}: no plain http answer ({e.GetBaseException().Message})";
            _evidence.Note($"Registry plain http: {outcome}");
            return (outcome, false);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}

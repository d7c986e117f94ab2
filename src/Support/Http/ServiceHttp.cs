using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Acceptance.Support.Configuration;
using Acceptance.Support.Evidence;
using Acceptance.Support.Outcomes;

namespace Acceptance.Support.Http;

/// <summary>A finished HTTP exchange: what was asked, what came back, how long it took.</summary>
public sealed record HttpExchange(string System, string Method, Uri Url, HttpStatusCode Status, string Body,
    IReadOnlyDictionary<string, string> Headers, TimeSpan Elapsed)
{
    /// <summary>Status as a number.</summary>
    public int StatusCode => (int)Status;

    /// <summary>True for 2xx.</summary>
    public bool IsSuccess => StatusCode is >= 200 and < 300;

    /// <summary>A response header (case-insensitive) or null.</summary>
    public string? Header(string name) =>
        Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>Parses the body as JSON; a body that is not JSON is an environment problem naming the URL.</summary>
    public JsonElement Json()
    {
        try { return JsonDocument.Parse(Body).RootElement.Clone(); }
        catch (JsonException e) { throw new EnvironmentProblemException($"{this}: body is not JSON ({e.Message}): {Truncate(Body, 300)}"); }
    }

    /// <summary>Deserialises the body.</summary>
    public T Json<T>()
    {
        try { return JsonSerializer.Deserialize<T>(Body, ServiceHttp.JsonOptions)!; }
        catch (JsonException e) { throw new EnvironmentProblemException($"{this}: unexpected body ({e.Message}): {Truncate(Body, 300)}"); }
    }

    /// <summary>"Prometheus GET https://…/api/v1/targets → 200".</summary>
    public override string ToString() => $"{System} {Method} {Url} → {StatusCode}";

    internal static string Truncate(string s, int max) => s.Length <= max ? s : s[..max] + $"… ({s.Length} chars)";
}

/// <summary>
/// A service answered with a status the suite cannot work with, other than a fault of the service itself: its credential
/// refused (401/403), a path or object not found. The check could not look: BROKEN, naming the answer.
/// </summary>
public sealed class ServiceResponseException(HttpExchange exchange)
    : EnvironmentProblemException($"{exchange}: " + (exchange.StatusCode is 401 or 403
        ? $"the suite's credential for {exchange.System} was refused (the target file's token or basic_auth): "
        : "") + HttpExchange.Truncate(exchange.Body.Trim(), 500))
{
    /// <summary>The exchange that failed.</summary>
    public HttpExchange Exchange { get; } = exchange;

    /// <summary>
    /// The exception for an unexpected answer, classified by the one rule (docs/adding-a-check.md): 5xx is the service
    /// saying it is not working (a deployment defect, <see cref="ServiceFaultException"/>: FAILED); anything else means the
    /// suite could not look (<see cref="ServiceResponseException"/>: BROKEN).
    /// </summary>
    public static Exception For(HttpExchange exchange) =>
        exchange.StatusCode >= 500 ? new ServiceFaultException(exchange) : new ServiceResponseException(exchange);
}

/// <summary>A service answered 5xx about itself: a deployment defect (FAILED), naming the answer.</summary>
public sealed class ServiceFaultException(HttpExchange exchange)
    : DeploymentDefectException($"{exchange}: the service reports a fault of its own: {HttpExchange.Truncate(exchange.Body.Trim(), 500)}")
{
    /// <summary>The exchange.</summary>
    public HttpExchange Exchange { get; } = exchange;
}

/// <summary>
/// HTTP transport to one service of the target: TLS verified against the target's CA, credentials
/// applied, a deadline on every request, and every exchange recorded (redacted) as evidence.
/// Connection failures and timeouts become <see cref="EnvironmentProblemException"/>s naming the
/// system and URL, so an unreachable target makes a scenario BROKEN within seconds.
/// </summary>
public sealed class ServiceHttp : IDisposable
{
    internal static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };
    private const int MaxEvidenceBody = 64 * 1024;

    private readonly HttpClient _client;
    private readonly EvidenceLog _evidence;
    private readonly Action<HttpRequestMessage> _authorize;
    private string? _tlsRejection;

    /// <summary>Creates the transport.</summary>
    /// <param name="system">Name used in messages and evidence ("Prometheus").</param>
    /// <param name="endpoint">Address and credentials from the target.</param>
    /// <param name="defaultCaFile">The target's default CA bundle.</param>
    /// <param name="evidence">Where exchanges are recorded.</param>
    /// <param name="authorize">Adds credentials to a request (null: none).</param>
    /// <param name="timeout">Per-request deadline (default 10 s).</param>
    /// <param name="followRedirects">Follow 3xx answers (false: a redirect is the answer, e.g. http → https).</param>
    public ServiceHttp(string system, ServiceEndpoint endpoint, string? defaultCaFile, EvidenceLog evidence,
        Action<HttpRequestMessage>? authorize = null, TimeSpan? timeout = null, bool followRedirects = true)
    {
        System = system;
        Endpoint = endpoint;
        _evidence = evidence;
        _authorize = authorize ?? (_ => { });
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = ConnectTimeout,
            AllowAutoRedirect = followRedirects,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            SslOptions = TlsTrust.ClientOptions(endpoint.CaFile ?? defaultCaFile, endpoint.TlsServerName, endpoint.SkipVerify, why => _tlsRejection = why),
        };
        _client = new HttpClient(handler) { BaseAddress = endpoint.BaseUri, Timeout = timeout ?? TimeSpan.FromSeconds(10) };
    }

    /// <summary>Name of the system.</summary>
    public string System { get; }

    /// <summary>The endpoint.</summary>
    public ServiceEndpoint Endpoint { get; }

    /// <summary>Sends a request and records the exchange; any status is returned.</summary>
    public async Task<HttpExchange> SendAsync(HttpMethod method, string path, HttpContent? content = null,
        bool authenticate = true, IReadOnlyDictionary<string, string>? headers = null, bool record = true,
        CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/')) { Content = content };
        if (authenticate) _authorize(request);
        foreach (var (k, v) in headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(k, v);
        var url = new Uri(_client.BaseAddress!, path.TrimStart('/'));
        if (ServiceCircuit.OpenReason(url) is { } seen)
            throw new EnvironmentProblemException($"{System} {method.Method} {url}: {seen}");
        var requestBody = content is null ? null : await content.ReadAsStringAsync(ct);
        var sw = Stopwatch.StartNew();
        try
        {
            using var response = await ServiceCircuit.FirstContactAsync(url, () => _client.SendAsync(request, ct),
                e => !ct.IsCancellationRequested && Explain(e, _client.Timeout, ConnectTimeout) is (var why, true) ? why : null, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            var responseHeaders = response.Headers.Concat(response.Content.Headers)
                .GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key, g => string.Join(", ", g.SelectMany(h => h.Value)), StringComparer.OrdinalIgnoreCase);
            var exchange = new HttpExchange(System, method.Method, url, response.StatusCode, body, responseHeaders, sw.Elapsed);
            _evidence.LastExchange = SecretRegistry.Redact($"{exchange} ({HttpExchange.Truncate(body.Trim(), 300)})");
            if (record) Record(request, requestBody, exchange);
            // The sandbox's stand-ins mark every answer; the report must never pass one off as the product.
            RunFacts.Set($"{Endpoint.Key}.kind", exchange.Header("X-Sandbox-Standin") is not null ? "stand-in" : "real");
            return exchange;
        }
        catch (ServiceCircuit.CircuitOpenException open)
        {
            throw new EnvironmentProblemException($"{System} {method.Method} {url}: {open.Message}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException && !ct.IsCancellationRequested)
        {
            var (why, unreachable) = Explain(e, _client.Timeout, ConnectTimeout);
            if (_tlsRejection is { } reason && why.StartsWith("TLS handshake failed", StringComparison.Ordinal))
                why = $"TLS handshake failed: {reason}";
            if (unreachable) ServiceCircuit.Open(url, why);
            _evidence.Note($"{System} {method.Method} {url}: {why}");
            throw new EnvironmentProblemException($"{System} {method.Method} {url}: {why}", e);
        }
    }

    /// <summary>GET that must answer 2xx; anything else throws <see cref="ServiceResponseException"/>.</summary>
    public async Task<HttpExchange> GetOkAsync(string path, CancellationToken ct = default)
    {
        var exchange = await SendAsync(HttpMethod.Get, path, ct: ct);
        return exchange.IsSuccess ? exchange : throw ServiceResponseException.For(exchange);
    }

    private void Record(HttpRequestMessage request, string? requestBody, HttpExchange exchange)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"{exchange.Method} {exchange.Url}");
        foreach (var h in request.Headers) sb.AppendLine($"{h.Key}: {string.Join(", ", h.Value)}");
        if (requestBody is not null) sb.AppendLine().AppendLine(HttpExchange.Truncate(requestBody, MaxEvidenceBody));
        sb.AppendLine();
        sb.AppendLine($"→ {exchange.StatusCode} {exchange.Status} in {exchange.Elapsed.TotalMilliseconds:F0} ms");
        foreach (var h in exchange.Headers) sb.AppendLine($"{h.Key}: {h.Value}");
        sb.AppendLine();
        sb.AppendLine(HttpExchange.Truncate(PrettyJson(exchange.Body), MaxEvidenceBody));
        _evidence.AttachText(exchange.ToString(), sb.ToString(), "text/plain", "txt");
    }

    private static string PrettyJson(string body)
    {
        var t = body.TrimStart();
        if (!(t.StartsWith('{') || t.StartsWith('['))) return body;
        try { return JsonSerializer.Serialize(JsonDocument.Parse(body).RootElement, new JsonSerializerOptions { WriteIndented = true }); }
        catch (JsonException) { return body; }
    }

    /// <summary>Why a request failed, and whether the service cannot be reached at all (a circuit opens for the run).</summary>
    private static (string Why, bool Unreachable) Explain(Exception e, TimeSpan timeout, TimeSpan connectTimeout)
    {
        for (var x = e; x is not null; x = x.InnerException)
            if (x is TimeoutException te && te.Message.Contains("ConnectTimeout", StringComparison.Ordinal))
                return ($"no connection within {connectTimeout.TotalSeconds:F0} s (connect timeout: the address does not answer)", true);
        for (var x = e; x is not null; x = x.InnerException)
        {
            switch (x)
            {
                case SocketException se when se.SocketErrorCode == SocketError.ConnectionRefused: return ("connection refused (is the service running?)", true);
                case SocketException se when se.SocketErrorCode == SocketError.HostNotFound: return ("host not found (DNS)", true);
                case SocketException se: return ($"network error: {se.SocketErrorCode}", true);
                case System.Security.Authentication.AuthenticationException ae: return ($"TLS handshake failed: {ae.Message}", false);
                case TimeoutException or TaskCanceledException: return ($"no answer within {timeout.TotalSeconds:F0} s", true);
            }
        }
        return (e.Message, false);
    }

    /// <summary>How long a connection may take to open.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();
}

/// <summary>
/// One circuit per service per run: once an address cannot be reached (refused, unknown host, no connection or no answer in
/// time), every later request to it in the run ends BROKEN at once with the same reason instead of waiting out its own
/// deadline, so a black-holed target costs seconds per service, not per scenario.
/// </summary>
public static class ServiceCircuit
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Open_ = new();
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> FirstContact = new();
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> Answered = new();

    /// <summary>
    /// Runs <paramref name="send"/>; until an address has answered once (or its circuit opened), its requests go one at a
    /// time, so scenarios running in parallel do not each wait out the same timeout against an unreachable service.
    /// </summary>
    /// <param name="url">The request's URL (its scheme, host and port name the circuit).</param>
    /// <param name="send">The request.</param>
    /// <param name="unreachable">For a failed request: why, when the failure means the address cannot be reached (null otherwise).</param>
    /// <param name="ct">Cancellation.</param>
    public static async Task<T> FirstContactAsync<T>(Uri url, Func<Task<T>> send, Func<Exception, string?> unreachable, CancellationToken ct)
    {
        var key = url.GetLeftPart(UriPartial.Authority);
        if (Answered.ContainsKey(key)) return await send();
        var gate = FirstContact.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            if (OpenReason(url) is { } seen) throw new CircuitOpenException(seen);
            var result = await send();
            Answered.TryAdd(key, 0);
            return result;
        }
        catch (Exception e) when (e is not CircuitOpenException && unreachable(e) is { } why)
        {
            Open(url, why); // before the gate opens: the requests waiting behind this one end at once
            throw;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Opens the circuit of <paramref name="url"/>'s scheme, host and port.</summary>
    public static void Open(Uri url, string why) =>
        Open_.TryAdd(url.GetLeftPart(UriPartial.Authority), $"{why}; seen at {DateTime.UtcNow:HH:mm:ss} UTC, so it is not asked again in this run");

    /// <summary>Why the address of <paramref name="url"/> is known to be unreachable in this run, or null.</summary>
    public static string? OpenReason(Uri url) => Open_.GetValueOrDefault(url.GetLeftPart(UriPartial.Authority));

    /// <summary>The circuit of an address opened while a request waited for its first contact.</summary>
    public sealed class CircuitOpenException(string reason) : Exception(reason);

    /// <summary>Closes every circuit (tests).</summary>
    public static void Reset()
    {
        Open_.Clear();
        Answered.Clear();
    }
}

/// <summary>TLS client settings that trust a given CA bundle (and only it) when one is named.</summary>
public static class TlsTrust
{
    /// <summary>
    /// Client options verifying against <paramref name="caFile"/> (system roots when null) and, when given, the expected
    /// <paramref name="serverName"/>. A rejected certificate's reason (expired on DATE, issuer not trusted, name mismatch) is
    /// handed to <paramref name="rejected"/>, so the message and the evidence say why, not just "rejected".
    /// </summary>
    public static SslClientAuthenticationOptions ClientOptions(string? caFile, string? serverName, bool skipVerify, Action<string>? rejected = null)
    {
        // SocketsHttpHandler always sends the URL's host as SNI and checks the name against it, so an
        // expected server name (tls_server_name) is checked here, in the callback, instead.
        var options = new SslClientAuthenticationOptions();
        if (skipVerify)
        {
            options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
            return options;
        }
        X509Certificate2Collection? roots = null;
        if (caFile is not null)
        {
            roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(caFile);
        }
        options.RemoteCertificateValidationCallback = (_, certificate, systemChain, errors) =>
        {
            if (certificate is null) { rejected?.Invoke("the server sent no certificate"); return false; }
            using var cert = new X509Certificate2(certificate);
            var nameOk = serverName is null
                ? (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0
                : cert.MatchesHostname(serverName);
            if (!nameOk)
            {
                var names = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames()).ToList();
                rejected?.Invoke($"certificate name mismatch: {cert.Subject} (names [{string.Join(", ", names)}]) is not valid for " +
                                 $"{serverName ?? "the address's host"}{(serverName is null ? "" : " (tls_server_name)")}");
                return false;
            }
            if (roots is null)
            {
                if ((errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) == SslPolicyErrors.None) return true;
                rejected?.Invoke(ChainProblem(cert, systemChain?.ChainStatus ?? [], "the system's trusted roots"));
                return false;
            }
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (chain.Build(cert)) return true;
            rejected?.Invoke(ChainProblem(cert, chain.ChainStatus, $"the CA bundle {caFile}"));
            return false;
        };
        return options;
    }

    /// <summary>Why a chain did not validate, in words: expired on DATE, not yet valid, issuer not trusted by the bundle.</summary>
    public static string ChainProblem(X509Certificate2 cert, X509ChainStatus[] status, string trustedBy)
    {
        var flags = status.Aggregate(X509ChainStatusFlags.NoError, (f, s) => f | s.Status);
        var reasons = new List<string>();
        if (flags.HasFlag(X509ChainStatusFlags.NotTimeValid))
            reasons.Add(cert.NotAfter < DateTime.Now
                ? $"the certificate {cert.Subject} expired on {cert.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm} UTC"
                : $"the certificate {cert.Subject} is not valid before {cert.NotBefore.ToUniversalTime():yyyy-MM-dd HH:mm} UTC");
        if (flags.HasFlag(X509ChainStatusFlags.UntrustedRoot) || flags.HasFlag(X509ChainStatusFlags.PartialChain))
            reasons.Add($"its issuer {cert.Issuer} is not trusted by {trustedBy} (unknown issuer)");
        if (reasons.Count == 0)
            reasons.Add($"the chain of {cert.Subject} does not validate against {trustedBy}: " +
                        string.Join(", ", status.Select(s => $"{s.Status} {s.StatusInformation.Trim()}")));
        return string.Join("; ", reasons);
    }
}

/// <summary>Credential helpers for <see cref="ServiceHttp"/>.</summary>
public static class Credentials
{
    /// <summary>Adds "Authorization: Bearer" from the endpoint's token, if any.</summary>
    public static Action<HttpRequestMessage> Bearer(ServiceEndpoint endpoint) => request =>
    {
        if (endpoint.Token?.Resolve() is { } token)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    };

    /// <summary>Adds a named token header (X-Consul-Token, X-Nomad-Token) from the endpoint's token, if any.</summary>
    public static Action<HttpRequestMessage> Header(ServiceEndpoint endpoint, string header) => request =>
    {
        if (endpoint.Token?.Resolve() is { } token) request.Headers.TryAddWithoutValidation(header, token);
    };

    /// <summary>Adds basic auth from the endpoint's username and password, if both are set.</summary>
    public static Action<HttpRequestMessage> Basic(ServiceEndpoint endpoint) => request =>
    {
        if (endpoint.Username is { } user && endpoint.Password?.Resolve() is { } password)
        {
            // The header's base64 of user:password is a secret too: an echo of it in a body must be redacted.
            SecretRegistry.RegisterBasic(user, password);
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", SecretRegistry.BasicForm(user, password));
        }
    };
}

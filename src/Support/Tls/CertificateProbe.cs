using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Acceptance.Support.Configuration;
using Acceptance.Support.Evidence;
using Acceptance.Support.Outcomes;
using Acceptance.Support.Transport;

namespace Acceptance.Support.Tls;

/// <summary>The certificate one service presents, as a TLS handshake saw it.</summary>
public sealed record ServiceCertificate(string Service, TlsHandshake Handshake)
{
    /// <inheritdoc />
    public override string ToString() => $"{Service}: {Handshake}";
}

/// <summary>One TLS endpoint of the target: a service whose address is https, or an entry of tls.endpoints.</summary>
public sealed record TlsEndpoint(string Service, string Host, int Port, string ServerName, string? CaFile)
{
    /// <inheritdoc />
    public override string ToString() => $"{Service} ({Host}:{Port}, name {ServerName})";
}

/// <summary>A TLS endpoint's certificate together with what the protocol scan found.</summary>
public sealed record EndpointTls(ServiceCertificate Certificate, TlsScanReport Scan)
{
    /// <inheritdoc />
    public override string ToString() => $"{Certificate.Service}: {Scan}";
}

/// <summary>
/// Shakes hands with every TLS endpoint of the target (every https service with the name it must carry, tls_server_name or
/// the host, and the CA bundle it must chain to; plus tls.endpoints) and returns what each presented; plain-http services are
/// listed apart. Each endpoint's certificate is attached to the evidence as a block an auditor can read alone.
/// </summary>
public sealed class CertificateProbe(TargetEnvironment target, EvidenceLog evidence)
{
    /// <summary>Every TLS endpoint of the target, and the services it reaches over plain http.</summary>
    public (IReadOnlyList<TlsEndpoint> Tls, IReadOnlyList<string> PlainHttp) Endpoints()
    {
        var tls = new List<TlsEndpoint>();
        var plain = new List<string>();
        foreach (var endpoint in target.Services.Values.OfType<ServiceEndpoint>())
        {
            if (!endpoint.BaseUri.Scheme.Equals("https", StringComparison.OrdinalIgnoreCase)) { plain.Add(endpoint.Key); continue; }
            var uri = endpoint.BaseUri;
            tls.Add(new TlsEndpoint(endpoint.Key, uri.Host, uri.Port, endpoint.TlsServerName ?? uri.Host, endpoint.CaFile ?? target.CaFile));
        }
        foreach (var entry in target.Tls.Endpoints)
        {
            var (host, port) = HostPort(entry, "tls.endpoints");
            tls.Add(new TlsEndpoint(entry, host, port, host, target.CaFile));
        }
        return (tls, plain);
    }

    /// <summary>The endpoint of one service (the load balancer's TLS frontend, ...); not verified when it is not https.</summary>
    public TlsEndpoint EndpointOf(string service) =>
        Endpoints().Tls.FirstOrDefault(e => e.Service == service)
        ?? throw new NotVerifiedException($"services.{service} is not reached over https in the target file ({target.SourceName}): it has no TLS frontend to check.");

    /// <summary>The certificates of the https services and tls.endpoints, and the services the target reaches over plain http.</summary>
    public async Task<(IReadOnlyList<ServiceCertificate> Https, IReadOnlyList<string> PlainHttp)> CertificatesAsync(CancellationToken ct = default)
    {
        var (tls, plain) = Endpoints();
        var certificates = await Task.WhenAll(tls.Select(e => CertificateAsync(e, ct)));
        return (certificates, plain);
    }

    /// <summary>One endpoint's certificate (one handshake); its auditor block is attached.</summary>
    public async Task<ServiceCertificate> CertificateAsync(TlsEndpoint endpoint, CancellationToken ct = default)
    {
        X509Certificate2Collection? roots = null;
        if (endpoint.CaFile is { } ca)
        {
            roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(ca);
        }
        var handshake = await new TlsHandshakeClient(evidence).HandshakeAsync(endpoint.Host, endpoint.Port, endpoint.ServerName, roots, ct);
        var certificate = new ServiceCertificate(endpoint.Service, handshake);
        evidence.AttachText($"certificate of {endpoint.Service} ({endpoint.Host}:{endpoint.Port})", Describe(certificate, DateTimeOffset.UtcNow));
        return certificate;
    }

    /// <summary>Every TLS endpoint's certificate and protocol scan (sslscan), the endpoints in parallel.</summary>
    public async Task<IReadOnlyList<EndpointTls>> ScanAsync(IReadOnlyList<TlsEndpoint> endpoints, CancellationToken ct = default)
    {
        var scan = new SslScan(evidence, TimeSpan.FromSeconds(target.Thresholds.Tls.TlsScanTimeoutSeconds));
        return await Task.WhenAll(endpoints.Select(async e =>
        {
            var certificate = CertificateAsync(e, ct);
            var report = scan.ScanAsync(e.Host, e.Port, e.ServerName, ct);
            return new EndpointTls(await certificate, await report);
        }));
    }

    /// <summary>The certificate as an auditor reads it: every fact on one line of its own.</summary>
    public static string Describe(ServiceCertificate certificate, DateTimeOffset now)
    {
        var h = certificate.Handshake;
        var lines = new[]
        {
            $"endpoint:            {certificate.Service} at {h.Host}:{h.Port}",
            $"subject:             {h.Subject}",
            $"SANs:                DNS [{string.Join(", ", h.DnsNames)}]; IP [{string.Join(", ", h.IpAddresses)}]",
            $"issuer:              {h.Issuer}",
            $"serial:              {h.Serial}",
            $"not before:          {h.NotBefore.UtcDateTime:yyyy-MM-dd HH:mm} UTC",
            $"not after:           {h.NotAfter.UtcDateTime:yyyy-MM-dd HH:mm} UTC",
            $"days left:           {Math.Floor((h.NotAfter - now).TotalDays).ToString(CultureInfo.InvariantCulture)}",
            $"lifetime:            {Math.Round((h.NotAfter - h.NotBefore).TotalDays).ToString(CultureInfo.InvariantCulture)} days",
            $"key:                 {h.KeyAlgorithm} {h.KeyBits.ToString(CultureInfo.InvariantCulture)} bits",
            $"signature:           {h.SignatureAlgorithm}",
            $"protocol negotiated: {h.Protocol}",
            $"cipher negotiated:   {h.Cipher}",
            $"SHA-256 fingerprint: {h.Sha256}",
            $"chain and name:      {(h.PolicyErrors == System.Net.Security.SslPolicyErrors.None ? "trusted by the target's CA bundle, valid for the name " + h.Host : h.PolicyErrors + (h.ChainStatus.Count > 0 ? " (" + string.Join(", ", h.ChainStatus) + ")" : ""))}",
        };
        return string.Join('\n', lines) + '\n';
    }

    /// <summary>host:port of an entry (a list entry of the target file), or a clear problem naming the key.</summary>
    public static (string Host, int Port) HostPort(string entry, string key)
    {
        var colon = entry.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(entry[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw new EnvironmentProblemException($"{key}: '{entry}' is not host:port");
        return (entry[..colon].Trim('[', ']'), port);
    }
}

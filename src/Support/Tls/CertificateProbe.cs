using System.Security.Cryptography.X509Certificates;
using Acceptance.Support.Configuration;
using Acceptance.Support.Evidence;
using Acceptance.Support.Transport;

namespace Acceptance.Support.Tls;

/// <summary>The certificate one service presents, as a TLS handshake saw it.</summary>
public sealed record ServiceCertificate(string Service, TlsHandshake Handshake)
{
    /// <inheritdoc />
    public override string ToString() => $"{Service}: {Handshake}";
}

/// <summary>
/// Shakes hands with every https service of the target (with the name it must carry, tls_server_name or the host, and the
/// CA bundle it must chain to) and returns what each presented; plain-http services are listed apart.
/// </summary>
public sealed class CertificateProbe(TargetEnvironment target, EvidenceLog evidence)
{
    /// <summary>The certificates of the https services, and the services the target reaches over plain http.</summary>
    public async Task<(IReadOnlyList<ServiceCertificate> Https, IReadOnlyList<string> PlainHttp)> CertificatesAsync(CancellationToken ct = default)
    {
        var client = new TlsHandshakeClient(evidence);
        var https = new List<ServiceCertificate>();
        var plain = new List<string>();
        foreach (var endpoint in target.Services.Values.OfType<ServiceEndpoint>())
        {
            if (!endpoint.BaseUri.Scheme.Equals("https", StringComparison.OrdinalIgnoreCase)) { plain.Add(endpoint.Key); continue; }
            X509Certificate2Collection? roots = null;
            if ((endpoint.CaFile ?? target.CaFile) is { } ca)
            {
                roots = new X509Certificate2Collection();
                roots.ImportFromPemFile(ca);
            }
            var uri = endpoint.BaseUri;
            https.Add(new ServiceCertificate(endpoint.Key,
                await client.HandshakeAsync(uri.Host, uri.Port, endpoint.TlsServerName ?? uri.Host, roots, ct)));
        }
        return (https, plain);
    }
}

using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Acceptance.Support.Evidence;

namespace Acceptance.Support.Transport;

/// <summary>What a TLS handshake showed: protocol, cipher, the leaf certificate and the chain's problems as the client saw them.</summary>
public sealed record TlsHandshake(string Host, int Port, string Protocol, string Cipher, string Subject, string Issuer,
    DateTimeOffset NotBefore, DateTimeOffset NotAfter, IReadOnlyList<string> DnsNames, SslPolicyErrors PolicyErrors, IReadOnlyList<string> ChainStatus)
{
    /// <summary>The leaf's serial number (hex).</summary>
    public string Serial { get; init; } = "";

    /// <summary>SHA-256 fingerprint of the leaf (hex, colon-separated).</summary>
    public string Sha256 { get; init; } = "";

    /// <summary>The leaf's public-key algorithm: RSA, EC (with its curve), or what the certificate names.</summary>
    public string KeyAlgorithm { get; init; } = "";

    /// <summary>The leaf's key size in bits (RSA modulus, EC field size); 0 when unknown.</summary>
    public int KeyBits { get; init; }

    /// <summary>The leaf's IP-address SANs.</summary>
    public IReadOnlyList<string> IpAddresses { get; init; } = [];

    /// <summary>The leaf's signature algorithm (sha256ECDSA, sha256RSA, ...).</summary>
    public string SignatureAlgorithm { get; init; } = "";

    /// <inheritdoc />
    public override string ToString() =>
        $"{Host}:{Port} {Protocol} {Cipher}; {Subject} issued by {Issuer}, valid {NotBefore:yyyy-MM-dd} to {NotAfter:yyyy-MM-dd}; " +
        $"names [{string.Join(", ", DnsNames)}]; policy errors {PolicyErrors}" + (ChainStatus.Count > 0 ? $"; chain: {string.Join(", ", ChainStatus)}" : "");
}

/// <summary>
/// Performs a TLS handshake and reports what it saw without judging it (the certificate is accepted for inspection;
/// the rules decide): the evidence carries protocol, cipher, subject, issuer, validity, names and chain problems.
/// </summary>
public sealed class TlsHandshakeClient(EvidenceLog evidence, TimeSpan? deadline = null)
{
    private readonly TransportRecorder _recorder = new("TLS", evidence, deadline ?? TimeSpan.FromSeconds(10));

    /// <summary>Connects to host:port and shakes hands with SNI <paramref name="serverName"/> (default: the host).</summary>
    public Task<TlsHandshake> HandshakeAsync(string host, int port, string? serverName = null, X509Certificate2Collection? trustedRoots = null,
        CancellationToken ct = default) =>
        _recorder.RecordAsync("handshake", $"{host}:{port}", async token =>
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(host, port, token);
            SslPolicyErrors errors = SslPolicyErrors.None;
            var chainStatus = new List<string>();
            await using var ssl = new SslStream(tcp.GetStream(), false, (_, certificate, chain, e) =>
            {
                errors = e;
                if (certificate is not null && trustedRoots is not null)
                {
                    using var custom = new X509Chain();
                    custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    custom.ChainPolicy.CustomTrustStore.AddRange(trustedRoots);
                    custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    if (custom.Build(new X509Certificate2(certificate))) errors &= ~SslPolicyErrors.RemoteCertificateChainErrors;
                    else chainStatus.AddRange(custom.ChainStatus.Select(s => $"{s.Status}: {s.StatusInformation.Trim()}"));
                }
                else if (chain is not null)
                {
                    chainStatus.AddRange(chain.ChainStatus.Select(s => $"{s.Status}: {s.StatusInformation.Trim()}"));
                }
                return true; // inspected, not trusted: the rules judge what was seen
            });
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = serverName ?? host }, token);
            using var leaf = new X509Certificate2(ssl.RemoteCertificate!);
            var names = leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames()).ToList();
            var ips = leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateIPAddresses()).Select(a => a.ToString()).ToList();
            var (algorithm, bits) = KeyOf(leaf);
            return new TlsHandshake(host, port, ssl.SslProtocol.ToString(), ssl.NegotiatedCipherSuite.ToString(), leaf.Subject, leaf.Issuer,
                leaf.NotBefore, leaf.NotAfter, names, errors, chainStatus)
            {
                Serial = leaf.SerialNumber,
                Sha256 = Convert.ToHexString(leaf.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256)).Chunk(2).Select(c => new string(c)).Aggregate((a, b) => a + ":" + b),
                KeyAlgorithm = algorithm,
                KeyBits = bits,
                IpAddresses = ips,
                SignatureAlgorithm = leaf.SignatureAlgorithm.FriendlyName ?? leaf.SignatureAlgorithm.Value ?? "",
            };
        }, h => ($"{h.Protocol}, {h.PolicyErrors}", h.ToString()), ct);

    /// <summary>The public key's algorithm and size: RSA modulus bits, EC curve and field bits.</summary>
    public static (string Algorithm, int Bits) KeyOf(X509Certificate2 certificate)
    {
        using var rsa = certificate.GetRSAPublicKey();
        if (rsa is not null) return ("RSA", rsa.KeySize);
        using var ec = certificate.GetECDsaPublicKey();
        if (ec is not null)
        {
            var curve = ec.ExportParameters(false).Curve;
            var name = curve.Oid?.FriendlyName ?? curve.Oid?.Value ?? "unnamed curve";
            return ($"EC {name}", ec.KeySize);
        }
        return (certificate.PublicKey.Oid.FriendlyName ?? certificate.PublicKey.Oid.Value ?? "unknown", 0);
    }
}

using System.Globalization;
using System.Net.Security;
using System.Text.RegularExpressions;
using Acceptance.Support.Checks;
using Acceptance.Support.Configuration;

namespace Acceptance.Support.Tls;

/// <summary>Certificate and TLS rules: pure functions of what the handshakes and scans saw.</summary>
public static partial class CertificateRules
{
    /// <summary>Protocols that must be refused (SEC-TSC-1: TLS 1.2 or later only).</summary>
    public static readonly IReadOnlyList<string> LegacyProtocols = ["SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1"];

    /// <summary>
    /// Every TLS endpoint presents a certificate that chains to the target's CA (or the system's roots), carries the
    /// service's name, is valid now and stays valid for at least thresholds.certificate_min_days, has a key of at least
    /// thresholds.certificate_min_rsa_bits / certificate_min_ec_bits and (when given) a lifetime within
    /// thresholds.certificate_max_lifetime_days.
    /// </summary>
    public static Verdict ValidForEveryHttpsService(IReadOnlyList<ServiceCertificate> https, IReadOnlyList<string> plainHttp, TlsThresholds t,
        DateTimeOffset now, int? maxLifetimeDays = null)
    {
        var shortfalls = new List<string>();
        if (https.Count == 0) shortfalls.Add("no service of the target is reached over https: there is no certificate to judge");
        foreach (var c in https) shortfalls.AddRange(CertificateShortfalls(c, t, now, maxLifetimeDays));
        var min = t.CertificateMinDays.ToString(CultureInfo.InvariantCulture);
        return Verdict.From("every TLS endpoint presents a valid certificate that does not expire soon, with a strong key",
            $"chains to the target's CA, carries the service's name, valid now and for at least {min} more days (thresholds.certificate_min_days), " +
            $"key >= RSA {t.CertificateMinRsaBits} or EC {t.CertificateMinEcBits} bits" +
            (maxLifetimeDays is { } max ? $", lifetime <= {max} days (thresholds.certificate_max_lifetime_days)" : ""),
            string.Join("; ", https.Select(c => Summary(c, now))) +
            (plainHttp.Count > 0 ? $"; over plain http (no certificate): [{string.Join(", ", plainHttp)}]" : ""),
            shortfalls) with { ChecklistDifference = Difference(t) };
    }

    /// <summary>What is wrong with one certificate (nothing: empty).</summary>
    public static IEnumerable<string> CertificateShortfalls(ServiceCertificate c, TlsThresholds t, DateTimeOffset now, int? maxLifetimeDays)
    {
        var (service, h) = (c.Service, c.Handshake);
        if ((h.PolicyErrors & SslPolicyErrors.RemoteCertificateChainErrors) != 0)
            yield return $"{service}: {h.Subject} issued by {h.Issuer} is not trusted ({string.Join(", ", h.ChainStatus)})";
        if ((h.PolicyErrors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            yield return $"{service}: wrong name: {h.Subject} (SANs [{string.Join(", ", h.DnsNames.Concat(h.IpAddresses))}]) is not valid for the name clients use";
        var daysLeft = (h.NotAfter - now).TotalDays;
        if (daysLeft < 0) yield return $"{service}: {h.Subject} expired on {h.NotAfter.UtcDateTime:yyyy-MM-dd}";
        else if (daysLeft < t.CertificateMinDays)
            yield return $"{service}: {h.Subject} expires on {h.NotAfter.UtcDateTime:yyyy-MM-dd}, in {Math.Floor(daysLeft).ToString(CultureInfo.InvariantCulture)} days: " +
                         $"less than thresholds.certificate_min_days ({t.CertificateMinDays.ToString(CultureInfo.InvariantCulture)})";
        if (h.NotBefore > now) yield return $"{service}: {h.Subject} is not valid before {h.NotBefore.UtcDateTime:yyyy-MM-dd HH:mm} UTC";
        if (h.KeyAlgorithm == "RSA" && h.KeyBits < t.CertificateMinRsaBits)
            yield return $"{service}: weak key: RSA {h.KeyBits} bits < thresholds.certificate_min_rsa_bits ({t.CertificateMinRsaBits})";
        else if (h.KeyAlgorithm.StartsWith("EC", StringComparison.Ordinal) && h.KeyBits < t.CertificateMinEcBits)
            yield return $"{service}: weak key: {h.KeyAlgorithm} {h.KeyBits} bits < thresholds.certificate_min_ec_bits ({t.CertificateMinEcBits})";
        else if (h.KeyAlgorithm.Length > 0 && h.KeyAlgorithm != "RSA" && !h.KeyAlgorithm.StartsWith("EC", StringComparison.Ordinal))
            yield return $"{service}: key algorithm {h.KeyAlgorithm} is neither RSA nor EC: its strength cannot be judged";
        var lifetime = (h.NotAfter - h.NotBefore).TotalDays;
        if (maxLifetimeDays is { } max && lifetime > max + 1)
            yield return $"{service}: {h.Subject} is valid for {lifetime:F0} days, longer than thresholds.certificate_max_lifetime_days ({max})";
    }

    /// <summary>
    /// Every TLS endpoint refuses SSLv2, SSLv3, TLS 1.0 and TLS 1.1, accepts TLS 1.2 or 1.3, and accepts no weak cipher
    /// suite (sslscan strength null/anonymous/weak/medium, or NULL, EXPORT, RC4, DES, 3DES, MD5, anonymous key exchange).
    /// </summary>
    public static Verdict ModernProtocolsOnly(IReadOnlyList<EndpointTls> endpoints)
    {
        var shortfalls = new List<string>();
        if (endpoints.Count == 0) shortfalls.Add("no TLS endpoint to scan");
        foreach (var e in endpoints)
        {
            var service = e.Certificate.Service;
            var legacy = LegacyProtocols.Where(p => e.Scan.Protocols.GetValueOrDefault(p)).ToList();
            if (legacy.Count > 0) shortfalls.Add($"{service} ({e.Scan.Host}:{e.Scan.Port}): accepts {string.Join(" and ", legacy)} (must be refused: TLS 1.2 or later only)");
            if (!e.Scan.Protocols.GetValueOrDefault("TLSv1.2") && !e.Scan.Protocols.GetValueOrDefault("TLSv1.3"))
                shortfalls.Add($"{service}: accepts neither TLS 1.2 nor TLS 1.3");
            var weak = e.Scan.Ciphers.Where(IsWeak).ToList();
            if (weak.Count > 0) shortfalls.Add($"{service}: weak cipher suites accepted: {string.Join(", ", weak)}");
        }
        return Verdict.From("every TLS endpoint speaks TLS 1.2 or later only, with no weak cipher suite",
            "SSLv2, SSLv3, TLS 1.0 and TLS 1.1 refused; TLS 1.2 or 1.3 accepted; no NULL, EXPORT, RC4, DES/3DES, MD5 or anonymous suite (sslscan)",
            string.Join("; ", endpoints.Select(e =>
                $"{e.Certificate.Service}: accepts [{string.Join(", ", e.Scan.Accepted)}], negotiated {e.Certificate.Handshake.Protocol} {e.Certificate.Handshake.Cipher}, {e.Scan.Ciphers.Count} suites")),
            shortfalls);
    }

    /// <summary>A cipher suite that must not be accepted.</summary>
    public static bool IsWeak(AcceptedCipher c) =>
        c.Strength is "null" or "anonymous" or "weak" or "medium" || (c.Bits is > 0 and < 128) || WeakName().IsMatch(c.Name);

    private static string Summary(ServiceCertificate c, DateTimeOffset now) =>
        $"{c.Service}: {c.Handshake.Subject} until {c.Handshake.NotAfter.UtcDateTime:yyyy-MM-dd} ({Math.Floor((c.Handshake.NotAfter - now).TotalDays).ToString(CultureInfo.InvariantCulture)} days left), " +
        $"{c.Handshake.KeyAlgorithm} {c.Handshake.KeyBits} bits, SHA-256 {c.Handshake.Sha256}";

    private static string? Difference(TlsThresholds t)
    {
        var d = new[]
        {
            OptionsBinder.ChecklistDifference(t, nameof(TlsThresholds.CertificateMinDays), "thresholds"),
            OptionsBinder.ChecklistDifference(t, nameof(TlsThresholds.CertificateMinRsaBits), "thresholds"),
            OptionsBinder.ChecklistDifference(t, nameof(TlsThresholds.CertificateMinEcBits), "thresholds"),
        }.OfType<string>().ToList();
        return d.Count > 0 ? string.Join("; ", d) : null;
    }

    [GeneratedRegex(@"(^|[-_])(NULL|EXP|EXPORT|RC4|RC2|DES|3DES|DES-CBC3|MD5|ADH|AECDH|anon|IDEA|SEED)([-_]|$)", RegexOptions.IgnoreCase)]
    private static partial Regex WeakName();
}

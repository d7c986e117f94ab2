using System.Globalization;
using System.Net.Security;
using Acceptance.Support.Checks;

namespace Acceptance.Support.Tls;

/// <summary>Certificate rules: pure functions of what the handshakes saw.</summary>
public static class CertificateRules
{
    /// <summary>
    /// Every https service presents a certificate that chains to the target's CA (or the system's roots), carries the
    /// service's name, is valid now and stays valid for at least thresholds.certificate_min_days.
    /// </summary>
    public static Verdict ValidForEveryHttpsService(IReadOnlyList<ServiceCertificate> https, IReadOnlyList<string> plainHttp, TlsThresholds t,
        DateTimeOffset now)
    {
        var shortfalls = new List<string>();
        if (https.Count == 0) shortfalls.Add("no service of the target is reached over https: there is no certificate to judge");
        foreach (var (service, h) in https.Select(c => (c.Service, c.Handshake)))
        {
            if ((h.PolicyErrors & SslPolicyErrors.RemoteCertificateChainErrors) != 0)
                shortfalls.Add($"{service}: {h.Subject} issued by {h.Issuer} is not trusted ({string.Join(", ", h.ChainStatus)})");
            if ((h.PolicyErrors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
                shortfalls.Add($"{service}: {h.Subject} (names [{string.Join(", ", h.DnsNames)}]) is not valid for {h.Host}");
            var daysLeft = (h.NotAfter - now).TotalDays;
            if (daysLeft < 0) shortfalls.Add($"{service}: {h.Subject} expired on {h.NotAfter.UtcDateTime:yyyy-MM-dd}");
            else if (daysLeft < t.CertificateMinDays)
                shortfalls.Add($"{service}: {h.Subject} expires on {h.NotAfter.UtcDateTime:yyyy-MM-dd}, in {Math.Floor(daysLeft).ToString(CultureInfo.InvariantCulture)} days: " +
                               $"less than thresholds.certificate_min_days ({t.CertificateMinDays.ToString(CultureInfo.InvariantCulture)})");
            if (h.NotBefore > now) shortfalls.Add($"{service}: {h.Subject} is not valid before {h.NotBefore.UtcDateTime:yyyy-MM-dd HH:mm} UTC");
        }
        return Verdict.From("every https service presents a valid certificate that does not expire soon",
            $"chains to the target's CA, carries the service's name, valid now and for at least {t.CertificateMinDays.ToString(CultureInfo.InvariantCulture)} more days (thresholds.certificate_min_days)",
            string.Join("; ", https.Select(c => $"{c.Service}: {c.Handshake.Subject} until {c.Handshake.NotAfter.UtcDateTime:yyyy-MM-dd}")) +
            (plainHttp.Count > 0 ? $"; over plain http (no certificate): [{string.Join(", ", plainHttp)}]" : ""),
            shortfalls);
    }
}

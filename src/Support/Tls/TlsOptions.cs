using Acceptance.Support.Configuration;

namespace Acceptance.Support.Tls;

/// <summary>Thresholds of the certificate checks (flat keys of <c>thresholds:</c>).</summary>
public sealed record TlsThresholds
{
    /// <summary>Days a certificate must stay valid: one expiring sooner is a finding, not a pass.</summary>
    [Option("certificate_min_days", "days every https service's certificate must stay valid from now (one expiring sooner fails SEC-TSC-1)", Min = 0)]
    public double CertificateMinDays { get; init; } = 30;
}

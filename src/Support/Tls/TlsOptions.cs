using Acceptance.Support.Configuration;

namespace Acceptance.Support.Tls;

/// <summary>Thresholds of the certificate checks (flat keys of <c>thresholds:</c>).</summary>
public sealed record TlsThresholds
{
    /// <summary>Days a certificate must stay valid: one expiring sooner is a finding, not a pass.</summary>
    [Option("certificate_min_days", "days every https service's certificate must stay valid from now (one expiring sooner fails SEC-TSC-1)", Min = 0, Checklist = 30)]
    public double CertificateMinDays { get; init; } = 30;

    /// <summary>Smallest RSA key a certificate may carry.</summary>
    [Option("certificate_min_rsa_bits", "smallest RSA key a service certificate may carry (SEC-TSC-1)", Min = 1024, Checklist = 2048)]
    public int CertificateMinRsaBits { get; init; } = 2048;

    /// <summary>Smallest EC key (field size) a certificate may carry.</summary>
    [Option("certificate_min_ec_bits", "smallest EC key (curve size in bits; 256 = P-256) a service certificate may carry (SEC-TSC-1)", Min = 160, Checklist = 256)]
    public int CertificateMinEcBits { get; init; } = 256;

    /// <summary>How long one TLS scan (sslscan) of one endpoint may take.</summary>
    [Option("tls_scan_timeout_seconds", "deadline of one sslscan run against one TLS endpoint", Min = 1)]
    public int TlsScanTimeoutSeconds { get; init; } = 30;
}

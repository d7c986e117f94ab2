using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Acceptance.Support.Configuration;
using Acceptance.Support.Evidence;
using Acceptance.Support.Tests.Http;
using Acceptance.Support.Tls;
using Acceptance.Support.Transport;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Rules;

public sealed class CertificateRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private static ServiceCertificate Cert(string service, int daysLeft, SslPolicyErrors errors = SslPolicyErrors.None, params string[] chain) =>
        new(service, new TlsHandshake("consul.internal", 8501, "Tls13", "TLS_AES_256_GCM_SHA384", "CN=consul.internal", "CN=platform-ca",
            Now.AddDays(-100), Now.AddDays(daysLeft), ["consul.internal"], errors, chain));

    [Test]
    public void Valid_certificates_with_time_left_hold_and_plain_http_services_are_named()
    {
        var v = CertificateRules.ValidForEveryHttpsService([Cert("consul", 300), Cert("grafana", 31)], ["pushgateway"], new TlsThresholds(), Now);

        v.Holds.Should().BeTrue(v.Sentence);
        v.Observed.Should().Contain("over plain http (no certificate): [pushgateway]");
    }

    [Test]
    public void A_certificate_expiring_in_five_days_does_not_pass_silently()
    {
        var v = CertificateRules.ValidForEveryHttpsService([Cert("consul", 5)], [], new TlsThresholds(), Now);

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("consul: CN=consul.internal expires on 2026-12-03, in 5 days: less than thresholds.certificate_min_days (30)");
    }

    [Test]
    public void Expired_untrusted_and_misnamed_certificates_are_each_named()
    {
        var v = CertificateRules.ValidForEveryHttpsService(
        [
            Cert("nomad", -2),
            Cert("grafana", 200, SslPolicyErrors.RemoteCertificateChainErrors, "UntrustedRoot: self signed"),
            Cert("prometheus", 200, SslPolicyErrors.RemoteCertificateNameMismatch),
        ], [], new TlsThresholds(), Now);

        v.Shortfalls.Should().Equal(
            "nomad: CN=consul.internal expired on 2026-11-26",
            "grafana: CN=consul.internal issued by CN=platform-ca is not trusted (UntrustedRoot: self signed)",
            "prometheus: CN=consul.internal (names [consul.internal]) is not valid for consul.internal");
    }

    [Test]
    public void A_target_without_any_https_service_has_no_certificate_to_pass()
    {
        CertificateRules.ValidForEveryHttpsService([], ["pushgateway"], new TlsThresholds(), Now).Holds.Should().BeFalse();
    }

    [Test]
    public async Task A_real_handshake_with_a_two_day_certificate_fails_the_thirty_day_minimum_and_passes_a_one_day_one()
    {
        using var certs = new TestCertificates();
        await using var server = new TinyServer(tls: certs.ServerCertificate());
        using var dir = new TempDir("cert-probe");
        var target = TestTarget.With(new ServiceEndpoint { Key = "consul", Address = $"https://127.0.0.1:{server.Port}", CaFile = certs.CaFile, TlsServerName = "localhost" },
            new ServiceEndpoint { Key = "pushgateway", Address = "http://127.0.0.1:1" });

        var (https, plain) = await new CertificateProbe(target, new EvidenceLog()).CertificatesAsync();

        plain.Should().Equal("pushgateway");
        CertificateRules.ValidForEveryHttpsService(https, plain, new TlsThresholds(), DateTimeOffset.UtcNow).Shortfalls
            .Should().ContainSingle().Which.Should().Contain("consul: CN=localhost expires on").And.Contain("less than thresholds.certificate_min_days (30)");
        CertificateRules.ValidForEveryHttpsService(https, plain, new TlsThresholds { CertificateMinDays = 1 }, DateTimeOffset.UtcNow).Holds.Should().BeTrue();
    }
}

using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Acceptance.Support.Configuration;
using Acceptance.Support.Evidence;
using Acceptance.Support.Tests.Http;
using Acceptance.Support.Tls;
using Acceptance.Support.Transport;
using Acceptance.TestSupport;
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
            "prometheus: wrong name: CN=consul.internal (SANs [consul.internal]) is not valid for the name clients use");
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

    private static ServiceCertificate Keyed(string service, string algorithm, int bits, int lifetimeDays = 90) =>
        new(service, new TlsHandshake("h", 443, "Tls13", "TLS_AES_256_GCM_SHA384", $"CN={service}", "CN=platform-ca",
            Now.AddDays(-10), Now.AddDays(lifetimeDays - 10), [service], SslPolicyErrors.None, []) { KeyAlgorithm = algorithm, KeyBits = bits });

    [Test]
    public void Weak_keys_and_overlong_lifetimes_are_named_and_strong_ones_pass()
    {
        var v = CertificateRules.ValidForEveryHttpsService(
            [Keyed("ok-rsa", "RSA", 2048), Keyed("ok-ec", "EC nistP256", 256), Keyed("weak-rsa", "RSA", 1024), Keyed("weak-ec", "EC secp224r1", 224), Keyed("long", "RSA", 4096, 800)],
            [], new TlsThresholds(), Now, maxLifetimeDays: 398);

        v.Shortfalls.Should().Equal(
            "weak-rsa: weak key: RSA 1024 bits < thresholds.certificate_min_rsa_bits (2048)",
            "weak-ec: weak key: EC secp224r1 224 bits < thresholds.certificate_min_ec_bits (256)",
            "long: CN=long is valid for 800 days, longer than thresholds.certificate_max_lifetime_days (398)");
        v.Expected.Should().Contain("key >= RSA 2048 or EC 256 bits").And.Contain("lifetime <= 398 days");
    }

    [Test]
    public void A_lowered_minimum_is_reported_against_the_checklists_thirty_days()
    {
        var v = CertificateRules.ValidForEveryHttpsService([Cert("consul", 300)], [], new TlsThresholds { CertificateMinDays = 7 }, Now);

        v.Holds.Should().BeTrue();
        v.ChecklistDifference.Should().Be("thresholds.certificate_min_days is 7 on this target; the checklist says 30");
    }

    [Test]
    public void The_auditor_block_carries_every_fact_of_the_certificate()
    {
        var block = CertificateProbe.Describe(Keyed("consul", "EC nistP256", 256) with { }, Now);

        foreach (var field in new[] { "subject:", "SANs:", "issuer:", "serial:", "not after:", "days left:           80", "key:                 EC nistP256 256 bits",
                     "protocol negotiated: Tls13", "cipher negotiated:   TLS_AES_256_GCM_SHA384", "SHA-256 fingerprint:" })
            block.Should().Contain(field);
    }

    [Test]
    public void A_real_world_rsa_1024_certificate_is_a_weak_key()
    {
        var pem = SharedFixtures.RealText("certs/badssl-wildcard-rsa1024-chain.pem");
        using var leaf = X509Certificate2.CreateFromPem(pem);
        var (algorithm, bits) = TlsHandshakeClient.KeyOf(leaf);
        var v = CertificateRules.ValidForEveryHttpsService([new("badssl", new TlsHandshake("badssl.com", 443, "Tls12", "x", leaf.Subject, leaf.Issuer,
            leaf.NotBefore, leaf.NotAfter, ["*.badssl.com"], SslPolicyErrors.None, []) { KeyAlgorithm = algorithm, KeyBits = bits })], [], new TlsThresholds(), leaf.NotBefore.AddDays(1));

        (algorithm, bits).Should().Be(("RSA", 1024));
        v.Shortfalls.Should().Contain("badssl: weak key: RSA 1024 bits < thresholds.certificate_min_rsa_bits (2048)");
    }

    private static TlsScanReport Scan(bool tls10, params AcceptedCipher[] ciphers) => new("127.0.0.1", 18443,
        new Dictionary<string, bool> { ["SSLv2"] = false, ["SSLv3"] = false, ["TLSv1.0"] = tls10, ["TLSv1.1"] = tls10, ["TLSv1.2"] = true, ["TLSv1.3"] = true }, ciphers);

    [Test]
    public void Tls_1_0_and_weak_suites_fail_and_a_modern_endpoint_passes()
    {
        var good = new EndpointTls(Cert("lb", 300), Scan(false, new("TLSv1.3", "TLS_AES_128_GCM_SHA256", 128, "acceptable"), new("TLSv1.2", "ECDHE-ECDSA-AES128-SHA", 128, "acceptable")));
        var bad = new EndpointTls(Cert("legacy", 300), Scan(true, new("TLSv1.2", "DES-CBC3-SHA", 112, "medium"), new("TLSv1.2", "ECDHE-RSA-RC4-SHA", 128, "weak")));

        CertificateRules.ModernProtocolsOnly([good]).Holds.Should().BeTrue();
        CertificateRules.ModernProtocolsOnly([good, bad]).Shortfalls.Should().Equal(
            "legacy (127.0.0.1:18443): accepts TLSv1.0 and TLSv1.1 (must be refused: TLS 1.2 or later only)",
            "legacy: weak cipher suites accepted: TLSv1.2 DES-CBC3-SHA (112 bits, medium), TLSv1.2 ECDHE-RSA-RC4-SHA (128 bits, weak)");
    }

    [Test]
    public void Sslscan_xml_is_parsed_into_protocols_and_suites()
    {
        const string xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <document title="SSLScan Results" version="2.0.7" web="http://github.com/rbsec/sslscan">
             <ssltest host="127.0.0.1" sniname="127.0.0.1" port="28444">
              <protocol type="ssl" version="2" enabled="0" />
              <protocol type="ssl" version="3" enabled="0" />
              <protocol type="tls" version="1.0" enabled="1" />
              <protocol type="tls" version="1.1" enabled="1" />
              <protocol type="tls" version="1.2" enabled="1" />
              <protocol type="tls" version="1.3" enabled="1" />
              <cipher status="preferred" sslversion="TLSv1.3" bits="128" cipher="TLS_AES_128_GCM_SHA256" id="0x1301" strength="acceptable" curve="25519" ecdhebits="253" />
              <cipher status="preferred" sslversion="TLSv1.0" bits="256" cipher="ECDHE-ECDSA-AES256-SHA" id="0xC00A" strength="acceptable" curve="25519" ecdhebits="253" />
             </ssltest>
            </document>
            """;
        var r = SslScan.Parse(xml, "127.0.0.1", 28444);

        r.Accepted.Should().Equal("TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3");
        r.Ciphers.Should().HaveCount(2);
        CertificateRules.ModernProtocolsOnly([new EndpointTls(Cert("lb", 300), r)]).Shortfalls.Should().ContainSingle().Which.Should().Contain("accepts TLSv1.0 and TLSv1.1");
    }

    [Test]
    public void A_port_that_speaks_no_tls_is_an_environment_problem_not_a_pass()
    {
        const string xml = """<?xml version="1.0"?><document><ssltest host="h" port="1"><protocol type="tls" version="1.2" enabled="0" /><protocol type="tls" version="1.3" enabled="0" /></ssltest></document>""";
        var act = () => SslScan.Parse(xml, "h", 1);
        act.Should().Throw<Acceptance.Support.Outcomes.EnvironmentProblemException>().WithMessage("*no TLS handshake succeeded*");
    }
}

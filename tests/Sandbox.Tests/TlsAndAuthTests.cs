using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using FluentAssertions;

namespace Acceptance.Sandbox.Tests;

public class TlsAndAuthTests
{
    public static readonly string[] TlsEndpoints = ["PROMETHEUS_PORT", "HAPROXY_HTTPS_PORT"];

    [TestCaseSource(nameof(TlsEndpoints))]
    public async Task Tls_verifies_against_the_sandbox_ca(string portVar)
    {
        X509Certificate2? seen = null;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, Sandbox.Port(portVar));
        await using var ssl = new SslStream(tcp.GetStream(), false, (_, cert, _, errors) =>
        {
            seen = cert is null ? null : new X509Certificate2(cert);
            return Sandbox.ValidateAgainstCa(cert, errors);
        });
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" });
        ssl.IsAuthenticated.Should().BeTrue();
        ssl.SslProtocol.Should().BeOneOf(SslProtocols.Tls12, SslProtocols.Tls13);
        var san = seen!.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        san.EnumerateDnsNames().Should().Contain("localhost");
        san.EnumerateIPAddresses().Should().Contain(IPAddress.Loopback);
    }

    [TestCaseSource(nameof(TlsEndpoints))]
    public async Task Tls_fails_without_the_sandbox_ca(string portVar)
    {
        using var http = Sandbox.Http(trustSandboxCa: false);
        var act = () => http.GetAsync($"https://{Sandbox.Host}:{Sandbox.Port(portVar)}/");
        (await act.Should().ThrowAsync<HttpRequestException>()).WithInnerException<AuthenticationException>();
    }

    [Test]
    public void Every_certificate_carries_the_service_names_and_chains_to_the_ca()
    {
        foreach (var svc in new[] { "prometheus", "haproxy", "consul", "nomad", "grafana" })
        {
            var cert = X509Certificate2.CreateFromPem(File.ReadAllText(Sandbox.StatePath("tls", svc + ".pem")));
            var dns = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames().ToList();
            dns.Should().Contain(["localhost", $"{svc}.service.consul", $"{svc}.sandbox.local"], svc);
            Sandbox.ValidateAgainstCa(cert, SslPolicyErrors.None).Should().BeTrue(svc);
            cert.NotAfter.Should().BeAfter(DateTime.Now.AddDays(30), svc);
        }
    }

    [Test]
    public void Keys_and_secrets_are_private_files()
    {
        var files = new[] { "prometheus.key", "haproxy.key" }.Select(f => Sandbox.StatePath("tls", f)).Append(Sandbox.StatePath("ca", "ca.key"))
            .Concat(new[] { "prometheus.password", "consul-management.token", "consul.token", "nomad-management.token", "nomad.token",
                "grafana-admin.password", "grafana.token" }.Select(f => Sandbox.StatePath("secrets", f)));
        foreach (var f in files)
        {
            File.Exists(f).Should().BeTrue(f);
            File.GetUnixFileMode(f).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite, f);
        }
        foreach (var t in new[] { "consul-management.token", "consul.token", "nomad-management.token", "nomad.token" })
            Guid.TryParse(File.ReadAllText(Sandbox.StatePath("secrets", t)).Trim(), out _).Should().BeTrue(t);
        File.ReadAllText(Sandbox.StatePath("secrets", "grafana.token")).Should().StartWith("glsa_");
        File.ReadAllText(Sandbox.StatePath("secrets", "consul.token"))
            .Should().NotBe(File.ReadAllText(Sandbox.StatePath("secrets", "consul-management.token")));
    }

    [TestCase("/-/ready")]
    [TestCase("/api/v1/query?query=up")]
    public async Task Basic_auth_rejects_missing_and_wrong_credentials_and_accepts_the_right_ones(string path)
    {
        var url = Sandbox.PrometheusUrl + path;
        using (var none = Sandbox.Http())
        using (var r = await none.GetAsync(url))
            r.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "no credentials");
        using (var wrong = Sandbox.Http(true, (Sandbox.PrometheusUser, Sandbox.PrometheusPassword + "x")))
        using (var r = await wrong.GetAsync(url))
            r.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "wrong password");
        using (var wrongUser = Sandbox.Http(true, ("admin", Sandbox.PrometheusPassword)))
        using (var r = await wrongUser.GetAsync(url))
            r.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "wrong user");
        using (var right = Sandbox.Prometheus())
        using (var r = await right.GetAsync(url))
            r.StatusCode.Should().Be(HttpStatusCode.OK, "right credentials");
    }

    [Test]
    public void Web_config_holds_a_bcrypt_hash_not_the_password()
    {
        var web = File.ReadAllText(Sandbox.StatePath("conf", "web-config.yml"));
        web.Should().MatchRegex(@"acceptance: \$2[aby]\$1[0-9]\$");
        web.Should().NotContain(Sandbox.PrometheusPassword);
    }
}

using Acceptance.TestSupport;
using System.Diagnostics;
using System.Text;
using Acceptance.Support.Configuration;
using Acceptance.Support.Evidence;
using Acceptance.Support.Http;
using Acceptance.Support.Outcomes;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Http;

public sealed class ServiceHttpTests
{
    private static ServiceEndpoint Endpoint(string address, string? ca = null, bool skipVerify = false, SecretReference? token = null) =>
        new() { Key = "prometheus", Address = address, CaFile = ca, SkipVerify = skipVerify, Token = token };

    private static string Texts(EvidenceLog log) =>
        string.Join("\n---\n", log.Drain().Select(i => i.Name + "\n" + Encoding.UTF8.GetString(i.Content)));

    [Test]
    public async Task Records_the_exchange_as_evidence_with_credentials_redacted()
    {
        var token = "tok-" + Guid.NewGuid().ToString("N"); // deliberately not registered: the header rule must mask it
        var secretInBody = "body-secret-" + Guid.NewGuid().ToString("N");
        await using var server = new TinyServer($$"""{"status":"success","SecretID":"{{secretInBody}}","data":[1,2]}""");
        var evidence = new EvidenceLog();
        using var http = new ServiceHttp("Prometheus", Endpoint(server.Url()), null, evidence,
            r => r.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token));

        var exchange = await http.GetOkAsync("/api/v1/status/buildinfo");

        exchange.StatusCode.Should().Be(200);
        exchange.IsSuccess.Should().BeTrue();
        exchange.Url.Should().Be(new Uri(server.Url() + "/api/v1/status/buildinfo"));
        exchange.Header("content-type").Should().Be("application/json");
        exchange.Json().GetProperty("status").GetString().Should().Be("success");
        exchange.ToString().Should().Be($"Prometheus GET {server.Url()}/api/v1/status/buildinfo → 200");
        server.Requests.Single().Should().Contain("Authorization: Bearer " + token, "the credential was sent");

        var text = Texts(evidence);
        text.Should().Contain($"Prometheus GET {server.Url()}/api/v1/status/buildinfo → 200")
            .And.Contain("Authorization: [REDACTED]")
            .And.Contain("\"SecretID\": \"[REDACTED]\"")
            .And.Contain("→ 200 OK in");
        text.Should().NotContain(token).And.NotContain(secretInBody);
    }

    [Test]
    public async Task The_report_records_whether_a_component_is_a_stand_in_or_the_real_product()
    {
        var standInKey = "svc" + Guid.NewGuid().ToString("N")[..8];
        var realKey = "svc" + Guid.NewGuid().ToString("N")[..8];
        await using var standIn = new TinyServer("{}", extraHeaders: "X-Sandbox-Standin: consul\r\n");
        await using var real = new TinyServer("{}");
        using (var http = new ServiceHttp("Consul", new ServiceEndpoint { Key = standInKey, Address = standIn.Url() }, null, new EvidenceLog()))
            await http.GetOkAsync("v1/status/leader");
        using (var http = new ServiceHttp("Consul", new ServiceEndpoint { Key = realKey, Address = real.Url() }, null, new EvidenceLog()))
            await http.GetOkAsync("v1/status/leader");

        var facts = RunFacts.Snapshot().ToDictionary(f => f.Key, f => f.Value);
        facts[$"{standInKey}.kind"].Should().Be("stand-in", "a stand-in must never pass for the real product");
        facts[$"{realKey}.kind"].Should().Be("real");
    }

    [Test]
    public async Task Bearer_credentials_resolve_the_token_and_register_it()
    {
        var secret = Unique.Secret("bearer");
        await using var server = new TinyServer($"echo {secret}", "text/plain");
        var endpoint = Endpoint(server.Url(), token: SecretReference.FromOverride("GRAFANA_TOKEN", secret));
        var evidence = new EvidenceLog();
        using var http = new ServiceHttp("Grafana", endpoint, null, evidence, Credentials.Bearer(endpoint));

        var exchange = await http.SendAsync(HttpMethod.Get, "api/health");

        exchange.Body.Should().Be($"echo {secret}", "the exchange itself is not redacted; only evidence is");
        server.Requests.Single().Should().Contain($"Authorization: Bearer {secret}");
        Texts(evidence).Should().NotContain(secret).And.Contain($"echo {SecretRegistry.Mask}");
    }

    [Test]
    public async Task A_non_2xx_answer_is_a_ServiceResponseException_naming_the_exchange()
    {
        await using var server = new TinyServer("permission denied", "text/plain", status: 403);
        using var http = new ServiceHttp("Consul", Endpoint(server.Url()), null, new EvidenceLog());

        var e = (await FluentActions.Awaiting(() => http.GetOkAsync("v1/acl/token/self")).Should().ThrowAsync<ServiceResponseException>()).Which;

        e.Exchange.StatusCode.Should().Be(403);
        e.Message.Should().Be($"Consul GET {server.Url()}/v1/acl/token/self → 403: the suite's credential for Consul was refused (the target file's token or basic_auth): permission denied");
        e.Should().BeAssignableTo<EnvironmentProblemException>();
    }

    [Test]
    public async Task Connection_refused_is_an_environment_problem_naming_system_and_url_within_seconds()
    {
        var port = Ports.Free();
        var evidence = new EvidenceLog();
        using var http = new ServiceHttp("Nomad", Endpoint($"http://127.0.0.1:{port}"), null, evidence);
        var sw = Stopwatch.StartNew();

        var e = (await FluentActions.Awaiting(() => http.GetOkAsync("v1/status/leader")).Should().ThrowAsync<EnvironmentProblemException>()).Which;

        sw.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
        e.Message.Should().Be($"Nomad GET http://127.0.0.1:{port}/v1/status/leader: connection refused (is the service running?)");
        e.InnerException.Should().BeOfType<HttpRequestException>();
        Texts(evidence).Should().Contain("connection refused");
    }

    [Test]
    public async Task A_server_that_never_answers_is_an_environment_problem_after_the_timeout()
    {
        await using var server = new TinyServer(neverAnswer: true);
        using var http = new ServiceHttp("Alertmanager", Endpoint(server.Url()), null, new EvidenceLog(), timeout: TimeSpan.FromSeconds(1));
        var sw = Stopwatch.StartNew();

        var e = (await FluentActions.Awaiting(() => http.GetOkAsync("api/v2/status")).Should().ThrowAsync<EnvironmentProblemException>()).Which;

        sw.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(900)).And.BeLessThan(TimeSpan.FromSeconds(8));
        e.Message.Should().Be($"Alertmanager GET {server.Url()}/api/v2/status: no answer within 1 s");
        server.Requests.Should().ContainSingle("the request reached the server, which kept silent");
    }

    [Test]
    public async Task A_body_that_is_not_json_is_an_environment_problem_naming_the_url()
    {
        await using var server = new TinyServer("<html>login</html>", "text/html");
        using var http = new ServiceHttp("Grafana", Endpoint(server.Url()), null, new EvidenceLog());

        var exchange = await http.GetOkAsync("api/search");

        FluentActions.Invoking(() => exchange.Json()).Should().Throw<EnvironmentProblemException>()
            .WithMessage($"Grafana GET {server.Url()}/api/search → 200: body is not JSON*<html>login</html>");
    }
}

[NonParallelizable]
public sealed class TlsTrustTests
{
    private TestCertificates _certs = null!;

    [OneTimeSetUp] public void MakeCertificates() => _certs = new TestCertificates();
    [OneTimeTearDown] public void RemoveCertificates() => _certs.Dispose();

    private static ServiceEndpoint Endpoint(string address, string? ca = null, bool skipVerify = false, string? serverName = null) =>
        new() { Key = "consul", Address = address, CaFile = ca, SkipVerify = skipVerify, TlsServerName = serverName };

    [Test]
    public async Task Verifies_the_server_with_the_named_CA()
    {
        await using var server = new TinyServer("""{"leader":"n1"}""", tls: _certs.ServerCertificate());
        using var http = new ServiceHttp("Consul", Endpoint(server.Url("https"), _certs.CaFile), null, new EvidenceLog());

        var exchange = await http.GetOkAsync("v1/status/leader");

        exchange.StatusCode.Should().Be(200);
        exchange.Json().GetProperty("leader").GetString().Should().Be("n1");
    }

    [Test]
    public async Task The_target_default_CA_is_used_when_the_service_names_none()
    {
        await using var server = new TinyServer("{}", tls: _certs.ServerCertificate());
        using var http = new ServiceHttp("Consul", Endpoint(server.Url("https")), _certs.CaFile, new EvidenceLog());

        (await http.GetOkAsync("v1/status/leader")).StatusCode.Should().Be(200);
    }

    [Test]
    public async Task Fails_with_another_CA()
    {
        await using var server = new TinyServer("{}", tls: _certs.ServerCertificate());
        using var http = new ServiceHttp("Consul", Endpoint(server.Url("https"), _certs.OtherCaFile), null, new EvidenceLog());

        var e = (await FluentActions.Awaiting(() => http.GetOkAsync("v1/status/leader")).Should().ThrowAsync<EnvironmentProblemException>()).Which;

        e.Message.Should().StartWith($"Consul GET {server.Url("https")}/v1/status/leader: TLS handshake failed");
        e.Message.Should().Contain("its issuer CN=support-tests-ca is not trusted by the CA bundle").And.Contain("unknown issuer");
        server.Requests.Should().BeEmpty("no request is sent over an untrusted connection");
    }

    [Test]
    public async Task A_certificate_for_another_name_fails_without_tls_server_name()
    {
        await using var server = new TinyServer("{}", tls: _certs.NamedCertificate());
        using var http = new ServiceHttp("Consul", Endpoint(server.Url("https"), _certs.CaFile), null, new EvidenceLog());

        (await FluentActions.Awaiting(() => http.GetOkAsync("v1/status/leader")).Should().ThrowAsync<EnvironmentProblemException>())
            .Which.Message.Should().Contain("TLS handshake failed");
    }

    [Test]
    public async Task Tls_server_name_accepts_a_certificate_for_that_name_on_an_IP_address()
    {
        await using var server = new TinyServer("{}", tls: _certs.NamedCertificate());
        using var http = new ServiceHttp("Consul", Endpoint(server.Url("https"), _certs.CaFile, serverName: "consul.service.consul"), null, new EvidenceLog());

        (await http.GetOkAsync("v1/status/leader")).StatusCode.Should().Be(200);
    }

    [Test]
    public async Task Tls_server_name_rejects_a_certificate_for_another_name()
    {
        await using var server = new TinyServer("{}", tls: _certs.ServerCertificate());
        using var http = new ServiceHttp("Consul", Endpoint(server.Url("https"), _certs.CaFile, serverName: "consul.service.consul"), null, new EvidenceLog());

        (await FluentActions.Awaiting(() => http.GetOkAsync("v1/status/leader")).Should().ThrowAsync<EnvironmentProblemException>())
            .Which.Message.Should().Contain("TLS handshake failed: certificate name mismatch: CN=localhost (names [localhost]) is not valid for consul.service.consul");
    }

    [Test]
    public async Task An_expired_certificate_is_named_with_its_expiry_date()
    {
        using var ca = System.Security.Cryptography.ECDsa.Create();
        var caRequest = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=expiry-test-ca", ca, System.Security.Cryptography.HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension(true, false, 0, true));
        using var caCert = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(30));
        using var key = System.Security.Cryptography.ECDsa.Create();
        var leafRequest = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=localhost", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        var san = new System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder();
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        leafRequest.CertificateExtensions.Add(san.Build());
        var expiredOn = DateTimeOffset.UtcNow.AddDays(-2);
        using var signed = leafRequest.Create(caCert, DateTimeOffset.UtcNow.AddDays(-20), expiredOn, [1, 2, 3, 4]);
        using var leaf = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(signed.ExportCertificatePem(), key.ExportECPrivateKeyPem());
        using var dir = new TempDir("expired");
        var caFile = dir.File("ca.pem", caCert.ExportCertificatePem());
        await using var server = new TinyServer("{}", tls: System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12(leaf.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx), null));
        using var http = new ServiceHttp("Grafana", Endpoint(server.Url("https"), caFile), null, new EvidenceLog());

        (await FluentActions.Awaiting(() => http.GetOkAsync("api/health")).Should().ThrowAsync<EnvironmentProblemException>())
            .Which.Message.Should().Contain($"TLS handshake failed: the certificate CN=localhost expired on {expiredOn.UtcDateTime:yyyy-MM-dd}");
    }

    [Test]
    public async Task Skip_verify_accepts_any_certificate()
    {
        await using var server = new TinyServer("{}", tls: _certs.ServerCertificate());
        using var http = new ServiceHttp("Consul", Endpoint(server.Url("https"), _certs.OtherCaFile, skipVerify: true), null, new EvidenceLog());

        (await http.GetOkAsync("v1/status/leader")).StatusCode.Should().Be(200);
    }

    [Test]
    public void ClientOptions_with_a_CA_installs_a_validation_callback()
    {
        TlsTrust.ClientOptions(_certs.CaFile, "x", false).RemoteCertificateValidationCallback.Should().NotBeNull();
        var system = TlsTrust.ClientOptions(null, null, false).RemoteCertificateValidationCallback!;
        system(this, null, null, System.Net.Security.SslPolicyErrors.None).Should().BeFalse("no certificate is never trusted");
        using var cert = _certs.ServerCertificate();
        system(this, cert, null, System.Net.Security.SslPolicyErrors.None).Should().BeTrue("system roots decide: the platform found no error");
        system(this, cert, null, System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors).Should().BeFalse("system roots decide: the platform found an error");
    }
}

/// <summary>One circuit per service per run: an unreachable address is asked once, then every request ends at once with the same reason.</summary>
public sealed class ServiceCircuitTests
{
    [TearDown] public void Close() => ServiceCircuit.Reset();

    [Test]
    public async Task After_one_request_found_a_service_unreachable_the_others_end_at_once_with_the_same_reason()
    {
        await using var hanging = new TinyServer(neverAnswer: true);
        var endpoint = new ServiceEndpoint { Key = "alertmanager", Address = hanging.Url() };
        using var http = new ServiceHttp("Alertmanager", endpoint, null, new EvidenceLog(), timeout: TimeSpan.FromSeconds(1));

        var first = await FluentActions.Awaiting(() => http.GetOkAsync("api/v2/status")).Should().ThrowAsync<EnvironmentProblemException>();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var second = await FluentActions.Awaiting(() => http.GetOkAsync("api/v2/alerts")).Should().ThrowAsync<EnvironmentProblemException>();

        sw.Elapsed.Should().BeLessThan(TimeSpan.FromMilliseconds(500), "the circuit is open: the service is not asked again");
        first.Which.Message.Should().Contain("no answer within 1 s");
        second.Which.Message.Should().Contain("/api/v2/alerts: no answer within 1 s").And.Contain("not asked again in this run");
        hanging.Requests.Should().HaveCount(1);
    }

    [Test]
    public async Task Requests_running_in_parallel_wait_out_an_unreachable_service_once_not_each()
    {
        await using var hanging = new TinyServer(neverAnswer: true);
        var endpoint = new ServiceEndpoint { Key = "nomad", Address = hanging.Url() };
        using var a = new ServiceHttp("Nomad", endpoint, null, new EvidenceLog(), timeout: TimeSpan.FromSeconds(1));
        using var b = new ServiceHttp("Nomad", endpoint, null, new EvidenceLog(), timeout: TimeSpan.FromSeconds(1));
        var sw = System.Diagnostics.Stopwatch.StartNew();

        var results = await Task.WhenAll(
            Task.Run(async () => { try { await a.GetOkAsync("v1/status/leader"); return ""; } catch (EnvironmentProblemException e) { return e.Message; } }),
            Task.Run(async () => { try { await b.GetOkAsync("v1/nodes"); return ""; } catch (EnvironmentProblemException e) { return e.Message; } }));

        sw.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(1.9), "the second request waits for the first contact, then fails at once");
        results.Should().OnlyContain(m => m.Contains("no answer within 1 s"));
        results.Should().Contain(m => m.Contains("not asked again in this run"));
        hanging.Requests.Should().HaveCount(1);
    }

    [Test]
    public async Task A_service_that_answers_keeps_its_circuit_closed_whatever_the_status()
    {
        await using var server = new TinyServer("broken", "text/plain", status: 500);
        using var http = new ServiceHttp("Grafana", new ServiceEndpoint { Key = "grafana", Address = server.Url() }, null, new EvidenceLog());

        await FluentActions.Awaiting(() => http.GetOkAsync("api/health")).Should().ThrowAsync<ServiceFaultException>();
        ServiceCircuit.OpenReason(new Uri(server.Url())).Should().BeNull();
    }
}

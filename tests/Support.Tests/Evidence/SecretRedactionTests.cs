using System.Text;
using Acceptance.Support.Configuration;
using Acceptance.Support.Evidence;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Evidence;

public sealed class SecretRedactionTests
{
    private const string Mask = SecretRegistry.Mask;

    [Test]
    public void A_resolved_file_secret_is_registered_and_redacted_also_in_base64()
    {
        using var dir = new TempDir("secret");
        var secret = Unique.Secret("file");
        var path = dir.File("token", "  " + secret + "\n");
        var reference = SecretReference.FromFile(path);

        reference.Resolve().Should().Be(secret, "the value is trimmed");

        var b64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(secret));
        var text = $"token={secret} basic={b64} end";
        SecretRegistry.Redact(text).Should().Be($"token={Mask} basic={Mask} end");
    }

    [Test]
    public void A_resolved_environment_secret_is_registered()
    {
        var variable = "SUPPORT_TESTS_" + Guid.NewGuid().ToString("N");
        var secret = Unique.Secret("env");
        Environment.SetEnvironmentVariable(variable, secret);
        try
        {
            var reference = SecretReference.FromEnvironment(variable);
            reference.Resolve().Should().Be(secret);
            SecretRegistry.Redact($"x {secret} y").Should().Be($"x {Mask} y");
            reference.ToString().Should().Be($"env:{variable}");
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Test]
    public void An_unresolved_secret_is_not_registered_and_says_why()
    {
        var missingVar = SecretReference.FromEnvironment("SUPPORT_TESTS_UNSET_" + Guid.NewGuid().ToString("N"));
        missingVar.TryResolve(out var problem).Should().BeNull();
        problem.Should().Contain("is not set");
        FluentActions.Invoking(missingVar.Resolve).Should().Throw<TargetConfigurationException>().WithMessage("*is not set*");

        using var dir = new TempDir("secret");
        var empty = SecretReference.FromFile(dir.File("empty", "\n"));
        empty.TryResolve(out problem).Should().BeNull();
        problem.Should().Contain("is empty");
        SecretReference.FromFile(dir.Combine("none")).TryResolve(out problem).Should().BeNull();
        problem.Should().Contain("does not exist");
    }

    [Test]
    public void ToString_never_contains_the_value()
    {
        var secret = Unique.Secret("tostring");
        var reference = SecretReference.FromOverride("NOMAD_TOKEN", secret);
        reference.Resolve();

        reference.ToString().Should().NotContain(secret).And.Contain("NOMAD_TOKEN");
        new ServiceEndpoint { Key = "nomad", Address = "http://n", Token = reference }.ToString().Should().NotContain(secret);
        SecretReference.FromFile("/run/secrets/x").ToString().Should().Be("file:/run/secrets/x");
    }

    [Test]
    public void Short_values_are_not_registered()
    {
        SecretRegistry.Register("abc");
        SecretRegistry.Redact("abc abcd").Should().Be("abc abcd");
    }

    [TestCase("Authorization: Bearer eyJhbGciOi.payload.sig", "Authorization: " + Mask)]
    [TestCase("authorization:Basic dXNlcjpwYXNz", "authorization:" + Mask)]
    [TestCase("X-Consul-Token: 6f1c9a7e-1111-2222-3333-444455556666", "X-Consul-Token: " + Mask)]
    [TestCase("X-Nomad-Token: 0b8e0c34-aaaa-bbbb-cccc-ddddeeeeffff", "X-Nomad-Token: " + Mask)]
    [TestCase("Set-Cookie: grafana_session=abcdef0123", "Set-Cookie: " + Mask)]
    public void Credential_header_lines_are_masked(string line, string expected)
    {
        SecretRegistry.Redact($"GET /v1/acl\n{line}\nAccept: */*").Should().Be($"GET /v1/acl\n{expected}\nAccept: */*");
    }

    [TestCase("SecretID")]
    [TestCase("password")]
    [TestCase("token")]
    [TestCase("Token")]
    public void Json_secret_fields_are_masked(string field)
    {
        var json = $$"""{"AccessorID":"a1b2c3d4","{{field}}": "e5f6a7b8-9999-0000","Name":"ops"}""";
        SecretRegistry.Redact(json).Should().Be($$"""{"AccessorID":"a1b2c3d4","{{field}}": "{{Mask}}","Name":"ops"}""");
    }

    [Test]
    public void Grafana_service_account_tokens_are_masked()
    {
        SecretRegistry.Redact("curl -H 'Bearer glsa_AbCdEf0123456789_0a1b2c3d' https://g")
            .Should().Be($"curl -H 'Bearer {Mask}' https://g");
    }

    [Test]
    public void Pem_private_keys_are_masked_but_certificates_are_not()
    {
        const string cert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
        var text = $"{cert}\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\nAAAA\n-----END OPENSSH PRIVATE KEY-----\nafter";
        SecretRegistry.Redact(text).Should().Be($"{cert}\n{Mask}\nafter");
        SecretRegistry.Redact("-----BEGIN PRIVATE KEY-----\nMC4CAQ\n-----END PRIVATE KEY-----").Should().Be(Mask);
    }

    [TestCase("")]
    [TestCase("plain text: 200 OK, 3 targets up\nContent-Type: application/json")]
    [TestCase("""{"Name":"prometheus","Port":9090,"token":""}""")]
    public void Text_without_secrets_is_unchanged(string text)
    {
        SecretRegistry.Redact(text).Should().Be(text);
    }

    [Test]
    public void Null_becomes_empty()
    {
        SecretRegistry.Redact(null).Should().BeEmpty();
    }
}

public sealed class EvidenceLogTests
{
    [Test]
    public void Attachments_and_notes_are_redacted_and_Drain_empties()
    {
        var secret = Unique.Secret("evidence");
        SecretRegistry.Register(secret);
        var log = new EvidenceLog();

        log.Note($"attempt 1: token {secret}");
        log.Note("attempt 2: ok");
        log.AttachText($"GET with {secret}", $"X-Nomad-Token: whatever-value\nbody {secret}");
        log.AttachJson("acl", new { SecretID = "0000-1111-2222", Name = "ops" });
        log.AttachBinary("chart", [1, 2, 3], "image/png", "png");

        var items = log.Drain();

        items.Select(i => i.Name).Should().Equal("observations", $"GET with {SecretRegistry.Mask}", "acl", "chart");
        var texts = items.Take(3).Select(i => Encoding.UTF8.GetString(i.Content)).ToList();
        texts[0].Should().Be($"attempt 1: token {SecretRegistry.Mask}\nattempt 2: ok");
        texts[1].Should().Be($"X-Nomad-Token: {SecretRegistry.Mask}\nbody {SecretRegistry.Mask}");
        texts[2].Should().Contain("\"SecretID\": \"[REDACTED]\"").And.Contain("ops").And.NotContain("0000-1111-2222");
        items[2].MimeType.Should().Be("application/json");
        items[2].Extension.Should().Be("json");
        items[3].Content.Should().Equal(1, 2, 3);
        string.Concat(texts).Should().NotContain(secret);

        log.Drain().Should().BeEmpty();
    }

    [Test]
    public void Without_notes_there_is_no_observations_attachment()
    {
        var log = new EvidenceLog();
        log.AttachText("a", "b");
        log.Drain().Should().ContainSingle().Which.Name.Should().Be("a");
    }

    [Test]
    public async Task The_basic_authorization_form_echoed_in_a_response_is_redacted()
    {
        using var dir = new TempDir("basic");
        var password = Unique.Secret("pw");
        var basic = SecretRegistry.BasicForm("prometheus", password);
        await using var server = new Acceptance.Support.Tests.Http.TinyServer($$"""{"seen":"Basic {{basic}}"}""");
        var endpoint = new ServiceEndpoint
        {
            Key = "prometheus", Address = server.Url(),
            BasicAuth = new BasicAuth { Username = "prometheus", Password = SecretReference.FromFile(dir.File("pw", password)) },
        };
        var log = new EvidenceLog();
        using var http = new Acceptance.Support.Http.ServiceHttp("Prometheus", endpoint, null, log, Acceptance.Support.Http.Credentials.Basic(endpoint));

        await http.SendAsync(HttpMethod.Get, "api/v1/status/buildinfo");

        var evidence = string.Join("\n", log.Drain().Select(i => Encoding.UTF8.GetString(i.Content)));
        evidence.Should().NotContain(basic, "the base64 of user:password the suite sends is a secret in every place it appears");
        evidence.Should().Contain("Basic " + SecretRegistry.Mask);
    }

    [Test]
    public void The_url_encoded_and_json_escaped_forms_are_redacted()
    {
        var secret = "p@ss/w\"rd+" + Guid.NewGuid().ToString("N")[..6];
        SecretRegistry.Register(secret);

        SecretRegistry.Redact("q=" + Uri.EscapeDataString(secret)).Should().Be("q=" + SecretRegistry.Mask);
        SecretRegistry.Redact("{\"v\":" + System.Text.Json.JsonSerializer.Serialize(secret) + "}").Should().Be("{\"v\":\"" + SecretRegistry.Mask + "\"}");
    }
}

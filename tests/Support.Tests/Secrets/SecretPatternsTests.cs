using Acceptance.Support.Secrets;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Secrets;

/// <summary><see cref="SecretPatterns"/>: the suite's own rules (secret-rules.json) on their own, without secretlint.</summary>
public sealed class SecretPatternsTests
{
    private static readonly SecretPatterns P = SecretPatterns.Default;

    private static IEnumerable<string> Rules(string text) => P.Find(new SecretSource("s", text)).Select(f => $"{f.Line}: {f.Rule}");

    [Test]
    public void The_rules_file_is_copied_to_the_output_with_ids_and_descriptions()
    {
        P.Rules.Select(r => r.Id).Should().Equal("acceptance/acl-token-uuid", "acceptance/password-literal", "acceptance/high-entropy-secret");
        P.Rules.Should().OnlyContain(r => r.Description.Length > 20);
        P.Allow.Select(a => a.Id).Should().Contain(["template", "interpolation", "secrets-path", "nomad-variable", "target-file-reference", "placeholder"]);
    }

    [Test]
    public void Flags_password_literals_in_env_yaml_json_and_hcl_lines()
    {
        Rules("DB_PASSWORD=Sup3rS3cretPassw0rd").Should().Equal("1: acceptance/password-literal");
        Rules("x: 1\n  password: hunter22").Should().Equal("2: acceptance/password-literal");
        Rules("""{"Env":{"DB_HOST":"db","GF_SECURITY_ADMIN_PASSWORD":"adminpw1"}}""").Should().Equal("1: acceptance/password-literal");
        Rules("""  password = "s3cr3t!" """).Should().Equal("1: acceptance/password-literal");
        Rules("registryPassword: abcd1234").Should().Equal("1: acceptance/password-literal");
    }

    [Test]
    public void Changeme_is_flagged_it_is_a_working_default_password_not_a_placeholder()
    {
        Rules("POSTGRES_PASSWORD=changeme").Should().Equal("1: acceptance/password-literal");
        Rules("POSTGRES_PASSWORD=<set-me>\nPOSTGRES_PASSWORD=xxxx\nPOSTGRES_PASSWORD=[REDACTED]\nPOSTGRES_PASSWORD=REPLACE_ME").Should().BeEmpty();
    }

    [Test]
    public void Flags_a_uuid_under_a_secret_key_and_not_under_any_other_key()
    {
        Rules("CONSUL_HTTP_TOKEN=3f2a9c1e-7b4d-4e8a-9f12-6c5d8e7a1b20").Should().Equal("1: acceptance/acl-token-uuid");
        Rules("""{"AccessorID":"0b7a3c2e-1d4f-4a5b-8c6d-7e8f9a0b1c2d","SecretID":"3f2a9c1e-7b4d-4e8a-9f12-6c5d8e7a1b20"}""").Should().Equal("1: acceptance/acl-token-uuid");
        Rules("VaultToken: 3f2a9c1e-7b4d-4e8a-9f12-6c5d8e7a1b20").Should().Equal("1: acceptance/acl-token-uuid");
        Rules("alloc_id: 5f2a9c1e-7b4d-4e8a-9f12-6c5d8e7a1b20\nJobID=5f2a9c1e-7b4d-4e8a-9f12-6c5d8e7a1b20").Should().BeEmpty();
    }

    [Test]
    public void Flags_high_entropy_values_of_secret_keys_only_when_long_and_random()
    {
        Rules("encrypt = \"pUqJrVyVRj5jsiYEkM/tFQYfWyJIv4s3XkvDwy7Cu5s=\"").Should().Equal("1: acceptance/high-entropy-secret");
        Rules("API_KEY=9fK2xQ7pLm4TzR8vW1cN6bJ3").Should().Equal("1: acceptance/high-entropy-secret");
        Rules("API_KEY=aaaaaaaaaaaaaaaaaaaaaaaa\nAPI_TOKEN=short1\nsecret: true").Should().BeEmpty();
        SecretPatterns.Entropy("aaaa").Should().Be(0);
        SecretPatterns.Entropy("abcd").Should().BeApproximately(2, 1e-9);
    }

    [Test]
    public void Stays_quiet_on_references()
    {
        Rules("""
            {{ with secret "kv/db" }}{{ .Data.password }}{{ end }}
            DB_PASSWORD={{ with secret "kv/db" }}{{ .Data.data.password }}{{ end }}
            DB_PASSWORD={{ key "ml/db/password" }}
            DB_PASSWORD_FILE=/run/secrets/db
            password_file: /secrets/registry
            password = "${var.registry_password}"
            DB_PASSWORD=${NOMAD_SECRETS_DIR}/db
            DB_PASSWORD="${env:DB_PASSWORD}"
            DB_PASSWORD=$DB_PASSWORD
            DB_PASSWORD=/run/secrets/db
            token: { file: /run/secrets/t }
            password: { env: REGISTRY_PASSWORD }
            api_token: '{{ with nomadVar "nomad/jobs/ml" }}{{ .token }}{{ end }}'
            password: vault:secret/data/ml#db
            password: ""
            password:
            password_min_length: 12
            """).Should().BeEmpty();
    }

    [Test]
    public void Findings_name_the_key_and_length_but_never_the_value()
    {
        var f = P.Find(new SecretSource("Consul KV ml-platform/db/config", "\n\nDB_PASSWORD=Sup3rS3cretPassw0rd", LineOffset: 40)).Single();
        f.Line.Should().Be(43);
        f.Message.Should().Contain("DB_PASSWORD").And.Contain("19-character").And.NotContain("Sup3r");
        f.Location.Should().Be("Consul KV ml-platform/db/config:43: acceptance/password-literal");
    }
}

using System.Diagnostics;
using System.Text.Json;
using Acceptance.Support.Outcomes;
using Acceptance.Support.Secrets;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Secrets;

/// <summary>
/// <see cref="SecretScanner"/> with the real, pinned secretlint (tools/secretlint, installed by tests/run.sh and run-tests.sh):
/// true positives found at their place and line, references and documented examples quiet, no value in any finding, the
/// private folder gone afterwards.
/// </summary>
public sealed class SecretScannerTests
{
    // Made-up values, never real credentials.
    private const string Password = "Sup3rS3cretPassw0rd";
    private const string JsonPassword = "hunter2-Tr0ub4dor";
    private const string GrafanaToken = "glsa_AbCdEfGhIjKlMnOpQrStUvWxYz012345_1a2b3c4d";
    private const string AwsKey = "AKIAZ7Q3N5XK2L4M6P3R";
    private const string BasicPassword = "pa55w0rdX";
    private const string ConsulToken = "3f2a9c1e-7b4d-4e8a-9f12-6c5d8e7a1b20";

    private static string PrivateKey()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        return rsa.ExportPkcs8PrivateKeyPem();
    }

    private static SecretScanner Scanner(string? tempRoot = null)
    {
        if (SecretScanner.Locate() is null)
            Assert.Ignore($"secretlint is not installed: run {SecretScanner.InstallCommand} (tests/run.sh does)");
        return new SecretScanner(tempRoot: tempRoot);
    }

    private static async Task<IReadOnlyList<SecretFinding>> Scan(params SecretSource[] sources) => await Scanner().ScanAsync(sources);

    [Test]
    public async Task Finds_a_literal_password_in_a_Nomad_env_block_as_KEY_VALUE_and_as_JSON_with_place_and_line()
    {
        var findings = await Scan(
            new SecretSource("Nomad job ml-training-nightly, group train, task trainer, env", $"MODEL_DIR=/models\nDB_USER=ml\nDB_PASSWORD={Password}\n"),
            new SecretSource("Nomad job ml-serving (JSON), task api", """{"Config":{"image":"ml/api:1.0"},"Env":{"DB_HOST":"db","DB_PASSWORD":""" + "\"" + JsonPassword + "\"}}"));

        findings.Select(f => f.Location).Should().Equal(
            "Nomad job ml-training-nightly, group train, task trainer, env:3: acceptance/password-literal",
            "Nomad job ml-serving (JSON), task api:1: acceptance/password-literal");
    }

    [Test]
    public async Task Finds_a_private_key_a_Grafana_token_an_AWS_key_a_basic_auth_URL_and_a_Consul_token()
    {
        var text = string.Join('\n',
            "# ml-platform settings",
            $"GF_API_TOKEN={GrafanaToken}",
            $"AWS_ACCESS_KEY_ID={AwsKey}",
            $"REGISTRY_URL=http://deploy:{BasicPassword}@registry.local:5000/v2",
            $"CONSUL_HTTP_TOKEN={ConsulToken}",
            "");
        var findings = await Scan(
            new SecretSource("Consul KV ml-platform/app/env", text),
            new SecretSource("/etc/ml/tls/key.pem", "# excerpt\n" + PrivateKey(), LineOffset: 10, FilePath: "/etc/ml/tls/key.pem"));

        findings.Select(f => f.Location).Should().Equal(
            "Consul KV ml-platform/app/env:2: @secretlint/secretlint-rule-grafana",
            "Consul KV ml-platform/app/env:3: @secretlint/secretlint-rule-aws",
            "Consul KV ml-platform/app/env:4: @secretlint/secretlint-rule-basicauth",
            "Consul KV ml-platform/app/env:5: acceptance/acl-token-uuid",
            "/etc/ml/tls/key.pem:12: @secretlint/secretlint-rule-privatekey");
    }

    [Test]
    public async Task A_scan_whose_report_is_larger_than_a_pipe_buffer_is_read_whole()
    {
        // secretlint's JSON carries each file's content: 40 files of ~4 KiB make a report far beyond the 64 KiB at which
        // node cuts a piped stdout on exit. Every file's finding must still be there.
        var filler = string.Join('\n', Enumerable.Range(0, 100).Select(i => $"# ml-platform setting {i}: nothing secret here"));
        var sources = Enumerable.Range(0, 40)
            .Select(i => new SecretSource($"configuration file {i}", $"{filler}\nGF_API_TOKEN={GrafanaToken}\n")).ToArray();

        var findings = await Scan(sources);

        findings.Select(f => f.Place).Distinct().Should().HaveCount(40, "every one of the 40 files holds a Grafana token");
    }

    [Test]
    public async Task Stays_quiet_on_references_documented_examples_non_secret_keys_and_empty_values()
    {
        var findings = await Scan(
            new SecretSource("Nomad job ml-training-nightly, task trainer, template", """
                {{ with secret "kv/db" }}{{ .Data.password }}{{ end }}
                DB_PASSWORD={{ with secret "kv/db" }}{{ .Data.data.password }}{{ end }}
                DB_PASSWORD_FILE=/run/secrets/db
                password = "${var.registry_password}"
                REGISTRY_PASSWORD=${NOMAD_SECRETS_DIR}/registry
                API_TOKEN={{ with nomadVar "nomad/jobs/ml" }}{{ .token }}{{ end }}
                """),
            new SecretSource("target file services.registry", "token: { file: /run/secrets/t }\npassword: { env: REGISTRY_PASSWORD }\n"),
            new SecretSource("container ml-platform_pushgateway_1 env", """
                AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
                AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
                alloc_id: 5f2a9c1e-7b4d-4e8a-9f12-6c5d8e7a1b20
                password: ""
                secret: true
                """));

        findings.Should().BeEmpty(string.Join("; ", findings));
    }

    [Test]
    public async Task Findings_never_carry_the_value_only_masked_messages()
    {
        var key = PrivateKey();
        var findings = await Scan(
            new SecretSource("env", $"DB_PASSWORD={Password}\nGF_API_TOKEN={GrafanaToken}\nAWS_ACCESS_KEY_ID={AwsKey}\nCONSUL_HTTP_TOKEN={ConsulToken}\nURL=http://deploy:{BasicPassword}@registry.local/\n"),
            new SecretSource("key.pem", key),
            new SecretSource("job.json", "{\"Env\":{\"DB_PASSWORD\":\"" + JsonPassword + "\"}}"));

        findings.Should().HaveCount(7);
        var serialized = JsonSerializer.Serialize(findings);
        foreach (var value in new[] { Password, JsonPassword, GrafanaToken, AwsKey, BasicPassword, ConsulToken, "glsa_", "deploy:", "Tr0ub4dor", "S3cret" })
            serialized.Should().NotContain(value);
        var keyBody = key.Split('\n')[1];
        serialized.Should().NotContain(keyBody[..20]);
        findings.Where(f => f.Rule.StartsWith("@secretlint", StringComparison.Ordinal)).Should().OnlyContain(f => f.Message.Contains("****"));
    }

    [Test]
    public async Task The_private_folder_is_700_with_600_files_and_is_gone_after_a_scan()
    {
        using var root = new TempDir();
        var findings = await Scanner(root.Path).ScanAsync([new SecretSource("env", $"DB_PASSWORD={Password}\n")]);

        findings.Should().ContainSingle();
        Directory.GetFileSystemEntries(root.Path).Should().BeEmpty();
    }

    [Test]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task The_folder_is_gone_and_the_problem_named_when_secretlint_fails_or_overruns()
    {
        using var root = new TempDir();
        var record = root.Combine("..", Path.GetFileName(root.Path) + "-record.txt");
        using var tools = new TempDir();
        // A stand-in secretlint: records the modes of the folder and the files it was given, then fails.
        var failing = tools.File("secretlint", $"#!/bin/sh\nd=\"${{1%/\\*\\*/\\*}}\"\nstat -c %a \"$(dirname \"$d\")\" > '{record}'\nstat -c %a \"$d\" \"$d\"/* >> '{record}'\necho boom >&2\nexit 2\n");
        File.SetUnixFileMode(failing, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            var act = () => new SecretScanner(secretlint: failing, tempRoot: root.Path).ScanAsync([new SecretSource("a", "x=1"), new SecretSource("b", "y=2")]);
            (await act.Should().ThrowAsync<EnvironmentProblemException>()).Which.Message.Should().Contain("exit 2").And.Contain("boom");
            Directory.GetFileSystemEntries(root.Path).Should().BeEmpty();
            File.ReadAllLines(record).Should().Equal("700", "700", "600", "600");

            var slow = tools.File("slow", "#!/bin/sh\nexec sleep 30\n");
            File.SetUnixFileMode(slow, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var overrun = () => new SecretScanner(deadline: TimeSpan.FromSeconds(1), secretlint: slow, tempRoot: root.Path).ScanAsync([new SecretSource("a", "x=1")]);
            (await overrun.Should().ThrowAsync<EnvironmentProblemException>()).Which.Message.Should().Contain("did not finish within 1 s");
            Directory.GetFileSystemEntries(root.Path).Should().BeEmpty();
        }
        finally
        {
            File.Delete(record);
        }
    }

    [Test]
    public async Task Nothing_to_scan_runs_nothing_and_finds_nothing()
    {
        var findings = await new SecretScanner(secretlint: "/nonexistent/secretlint").ScanAsync([]);
        findings.Should().BeEmpty();
    }

    [Test]
    public async Task Twenty_small_sources_scan_in_one_run_well_inside_the_deadline()
    {
        var sources = Enumerable.Range(1, 20).Select(i => new SecretSource($"Nomad job job-{i}, task t, env",
            $"A=1\nB=two\nLOG_LEVEL=info\nDB_PASSWORD_FILE=/run/secrets/db\n{(i == 7 ? $"DB_PASSWORD={Password}\n" : "")}")).ToList();
        var scanner = Scanner();
        var clock = Stopwatch.StartNew();
        var findings = await scanner.ScanAsync(sources);
        clock.Stop();

        TestContext.Out.WriteLine($"20 sources scanned in {clock.Elapsed.TotalSeconds:F2} s");
        findings.Select(f => f.Location).Should().Equal("Nomad job job-7, task t, env:5: acceptance/password-literal");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30));
    }
}

using System.Text;
using System.Text.Json.Nodes;
using Acceptance.Support.Configuration;
using Acceptance.Support.Consul;
using Acceptance.Support.Evidence;
using Acceptance.Support.Nomad;
using Acceptance.Support.Secrets;
using FluentAssertions;

namespace Acceptance.Secrets.Tests;

/// <summary>
/// The secret scan against the sandbox's live services: a literal password put in a registered Nomad job's task env, and a
/// private key put in a Consul KV value, are found and named by place and rule (never by value); the sandbox's own jobs, KV
/// and files stay quiet. What a test writes is removed in its teardown.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class SecretScanProofs
{
    private const string LiteralPassword = "fm-Literal-Passw0rd-7Qz";
    private TargetEnvironment _target = null!;
    private EvidenceLog _evidence = null!;
    private NomadClient _nomad = null!;
    private ConsulClient _consul = null!;
    private readonly List<Func<Task>> _undo = [];

    [SetUp]
    public void Connect()
    {
        if (!File.Exists(Repository.SandboxTarget)) Assert.Ignore("the sandbox is not up (no target file)");
        if (SecretScanner.Locate() is null) Assert.Ignore($"secretlint is not installed: {SecretScanner.InstallCommand}");
        _target = TargetFileLoader.Load(Repository.SandboxTarget);
        _evidence = new EvidenceLog();
        _nomad = new NomadClient(_target, _evidence);
        _consul = new ConsulClient(_target, _evidence);
    }

    [TearDown]
    public async Task Undo()
    {
        if (_nomad is null) return;
        foreach (var undo in _undo) await undo();
        _undo.Clear();
        _nomad.Dispose();
        _consul.Dispose();
    }

    private static string Serialized(IEnumerable<SecretFinding> findings) => string.Join("\n", findings.Select(f => $"{f.Place}|{f.Line}|{f.Rule}|{f.Message}"));

    [Test]
    public async Task A_literal_password_in_a_registered_jobs_task_env_is_found_and_named_by_place()
    {
        var nomad = _nomad;
        var id = "acceptance-secretscan-" + Guid.NewGuid().ToString("N")[..6];
        var job = new JsonObject
        {
            ["ID"] = id, ["Name"] = id, ["Type"] = "batch", ["Datacenters"] = new JsonArray("dc1"),
            ["TaskGroups"] = new JsonArray(new JsonObject
            {
                ["Name"] = "g", ["Count"] = 1,
                ["Tasks"] = new JsonArray(new JsonObject
                {
                    ["Name"] = "t", ["Driver"] = "raw_exec", ["Config"] = new JsonObject { ["command"] = "/bin/true" },
                    ["Env"] = new JsonObject { ["LOG_LEVEL"] = "info", ["DB_PASSWORD"] = LiteralPassword },
                    ["Resources"] = new JsonObject { ["CPU"] = 50, ["MemoryMB"] = 32 },
                }),
            }),
        };
        (await nomad.SendAsync(HttpMethod.Post, "v1/jobs", new JsonObject { ["Job"] = job })).IsSuccess.Should().BeTrue();
        _undo.Add(async () => await nomad.SendAsync(HttpMethod.Delete, $"v1/job/{id}?purge=true"));

        var sources = await new SecretSources(nomad, null, null, null, new SecretsOptions(), _evidence).ReadAsync();
        var findings = await new SecretScanner(_evidence).ScanAsync(sources);

        findings.Should().Contain(f => f.Place == $"Nomad job {id}, group g, task t, env");
        Serialized(findings).Should().NotContain(LiteralPassword, "a finding names the place and the rule, never the value");
        SecretRules.NoHardcodedCredentials(sources, findings).Holds.Should().BeFalse();
        findings.Where(f => !f.Place.Contains("acceptance-secretscan-")).Should().BeEmpty("the sandbox's own jobs carry no literal credential");
    }

    [Test]
    public async Task A_private_key_in_a_Consul_KV_value_is_found_and_named_by_key()
    {
        var consul = _consul;
        var prefix = "acceptance/secretscan-" + Guid.NewGuid().ToString("N")[..6];
        var key = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB\naFDrBz9vFqU4yQ0Ybzy1Kk2rHdd8i3Zs2q3K1tW9R9YfYc8JYv2E0s7GkQ1h3bAA\n-----END RSA PRIVATE KEY-----\n";
        var put = await consul.Http.SendAsync(HttpMethod.Put, $"v1/kv/{prefix}/tls/key.pem", new StringContent(key, Encoding.UTF8));
        put.IsSuccess.Should().BeTrue(put.ToString());
        _undo.Add(async () => await consul.Http.SendAsync(HttpMethod.Delete, $"v1/kv/{prefix}?recurse=true"));

        var sources = await new SecretSources(null, consul, null, null, new SecretsOptions { ConsulKvPrefixes = [prefix] }, _evidence).ReadAsync();
        var findings = await new SecretScanner(_evidence).ScanAsync(sources);

        findings.Should().Contain(f => f.Place == $"Consul KV {prefix}/tls/key.pem");
        Serialized(findings).Should().NotContain("MIIEpAIBAAKCAQEA0Z3VS5JJcds3xfn");
    }

    [Test]
    public async Task The_sandboxs_own_jobs_containers_and_files_stay_quiet()
    {
        var nomad = _nomad;
        var sources = await new SecretSources(nomad, null, null, null, _target.Configuration.Secrets, _evidence, _target.Service("ssh") as Acceptance.Support.Ssh.SshOptions).ReadAsync();

        var findings = await new SecretScanner(_evidence).ScanAsync(sources);

        sources.Should().NotBeEmpty();
        findings.Where(f => !f.Place.Contains("acceptance-secretscan-")).Should()
            .BeEmpty("references ({{ with secret }}, ${var.x}, *_FILE paths) are not credentials: " + Serialized(findings));
    }

    [Test]
    public async Task A_password_in_a_file_on_the_SSH_host_is_found_and_an_unknown_host_key_is_refused()
    {
        var ssh = _target.Service("ssh") as Acceptance.Support.Ssh.SshOptions;
        if (ssh?.KnownHosts is null) { Assert.Ignore("the sandbox's target declares no SSH host with known_hosts"); return; }
        using var dir = new TempDir("ssh-scan");
        var file = dir.File("app.env", $"LOG_LEVEL=info\nDB_PASSWORD={LiteralPassword}\n");

        var sources = await new SecretSources(null, null, null, null, new SecretsOptions { ScanFilesSsh = [file] }, _evidence, ssh).ReadAsync();
        var findings = await new SecretScanner(_evidence).ScanAsync(sources);

        findings.Should().ContainSingle(f => f.Place == $"ssh://{ssh.User}@{ssh.Address}:{ssh.Port}{file}" && f.Line == 2);
        Serialized(findings).Should().NotContain(LiteralPassword);

        var otherHosts = dir.File("known_hosts", $"[{ssh.Address}]:{ssh.Port} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGtQ0MVB2+0rnqlYER7giv8TotCC53M0EC9uPyTB2FVX\n");
        var untrusted = new SecretSources(null, null, null, null, new SecretsOptions { ScanFilesSsh = [file] }, _evidence, ssh with { KnownHosts = otherHosts });
        (await FluentActions.Awaiting(() => untrusted.ReadAsync()).Should().ThrowAsync<Acceptance.Support.Outcomes.EnvironmentProblemException>())
            .Which.Message.Should().Contain("is not listed for").And.Contain(otherHosts);
    }
}

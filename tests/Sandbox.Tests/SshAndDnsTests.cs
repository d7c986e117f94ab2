using System.Net;
using DnsClient;
using FluentAssertions;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Acceptance.Sandbox.Tests;

public class SshTests
{
    private static int Port => Sandbox.Port("SSH_PORT");
    private static string User => Environment.UserName;

    private static void PinHostKey(BaseClient client)
    {
        var expected = File.ReadAllText(Sandbox.StatePath("ssh", "ssh_host_ed25519_key.pub")).Split(' ')[1];
        client.HostKeyReceived += (_, e) => e.CanTrust = Convert.ToBase64String(e.HostKey) == expected;
    }

    [Test]
    public void Only_publickey_authentication_is_offered()
    {
        using var client = new SshClient(new ConnectionInfo(Sandbox.Host, Port, User, new NoneAuthenticationMethod(User)));
        PinHostKey(client);
        var ex = Assert.Throws<SshAuthenticationException>(() => client.Connect());
        ex!.Message.TrimEnd('.').Should().EndWith("(publickey)");
    }

    [Test]
    public void Password_authentication_is_refused()
    {
        using var client = new SshClient(new ConnectionInfo(Sandbox.Host, Port, User, new PasswordAuthenticationMethod(User, "not-a-password")));
        PinHostKey(client);
        Assert.Throws<SshAuthenticationException>(() => client.Connect());
    }

    [Test]
    public void The_generated_key_logs_in_and_runs_a_command()
    {
        using var key = new PrivateKeyFile(Sandbox.StatePath("ssh", "id_ed25519"));
        using var client = new SshClient(new ConnectionInfo(Sandbox.Host, Port, User, new PrivateKeyAuthenticationMethod(User, key)));
        PinHostKey(client);
        client.Connect();
        client.RunCommand("echo sandbox-ok").Result.Trim().Should().Be("sandbox-ok");
    }
}

public class DnsTests
{
    private static readonly LookupClient Dns = new(new LookupClientOptions(new NameServer(IPAddress.Loopback, Sandbox.Port("DNS_PORT")))
    {
        UseCache = false, Timeout = TimeSpan.FromSeconds(3), Retries = 3, UseTcpFallback = true,
    });

    public static IEnumerable<TestCaseData> Names() => new (string Svc, string PortVar)[]
    {
        ("prometheus", "PROMETHEUS_PORT"), ("pushgateway", "PUSHGATEWAY_PORT"), ("alertmanager", "ALERTMANAGER_PORT"),
        ("grafana", "GRAFANA_PORT"), ("consul", "CONSUL_PORT"), ("nomad", "NOMAD_PORT"),
        ("node-exporter", "NODE_EXPORTER_PORT"), ("haproxy", "HAPROXY_HTTPS_PORT"), ("lb", "HAPROXY_HTTPS_PORT"),
    }.Select(n => new TestCaseData(n.Svc, n.PortVar).SetName($"Dns_answers_{n.Svc.Replace('-', '_')}"));

    [TestCaseSource(nameof(Names))]
    public async Task Dns_answers_A_and_both_SRV_forms(string svc, string portVar)
    {
        var a = await Dns.QueryAsync($"{svc}.service.consul", QueryType.A);
        a.HasError.Should().BeFalse(a.ErrorMessage);
        a.Answers.ARecords().Select(r => r.Address).Should().Contain(IPAddress.Loopback);

        foreach (var name in new[] { $"_{svc}._tcp.service.consul", $"{svc}.service.consul" })
        {
            var srv = await Dns.QueryAsync(name, QueryType.SRV);
            srv.HasError.Should().BeFalse(srv.ErrorMessage);
            var records = srv.Answers.SrvRecords().ToList();
            records.Should().NotBeEmpty(name);
            records.Should().OnlyContain(r => r.Port == Sandbox.Port(portVar) && r.Target.Value.TrimEnd('.') == $"{svc}.service.consul", name);
        }
    }

    [Test]
    public async Task Names_outside_the_sandbox_are_not_answered()
    {
        var r = await Dns.QueryAsync("nosuchservice.service.consul", QueryType.A);
        r.Answers.ARecords().Should().BeEmpty();
        var outside = await Dns.QueryAsync("example.com", QueryType.A);
        outside.Answers.ARecords().Should().BeEmpty("no upstream resolver (no-resolv)");
    }
}

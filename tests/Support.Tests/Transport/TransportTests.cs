using Acceptance.TestSupport;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Acceptance.Support.Evidence;
using Acceptance.Support.Outcomes;
using Acceptance.Support.Tests.Http;
using Acceptance.Support.Transport;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Transport;

/// <summary>The non-HTTP transport contract: deadline, evidence, one clear environment problem naming system, operation and target.</summary>
public sealed class TransportTests
{
    private static string Attachments(EvidenceLog log) =>
        string.Join("\n", log.Drain().Select(i => i.Name + "\n" + Encoding.UTF8.GetString(i.Content)));

    [Test]
    public async Task A_finished_exchange_is_recorded_with_its_outcome_and_detail()
    {
        var log = new EvidenceLog();
        var recorder = new TransportRecorder("DNS", log);

        var n = await recorder.RecordAsync("SRV query", "x.service.consul @ 127.0.0.1:53", _ => Task.FromResult(3), r => ($"NOERROR, {r} record(s)", "a\nb\nc"));

        n.Should().Be(3);
        Attachments(log).Should().Contain("DNS SRV query x.service.consul @ 127.0.0.1:53 → NOERROR, 3 record(s)").And.Contain("a\nb\nc");
    }

    [Test]
    public async Task A_refused_connection_is_one_environment_problem_naming_system_operation_and_target()
    {
        var port = Ports.Free();
        var log = new EvidenceLog();
        var act = () => new TransportRecorder("TLS", log).RecordAsync("handshake", $"127.0.0.1:{port}", async ct =>
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync("127.0.0.1", port, ct);
            return 0;
        }, _ => ("", ""));

        (await act.Should().ThrowAsync<EnvironmentProblemException>()).Which.Message
            .Should().Be($"TLS handshake 127.0.0.1:{port}: connection refused (is the service running?)");
        Attachments(log).Should().Contain("connection refused");
    }

    [Test]
    public async Task No_answer_within_the_deadline_is_an_environment_problem_within_the_deadline()
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var act = () => new TransportRecorder("SSH", new EvidenceLog(), TimeSpan.FromMilliseconds(300))
            .RecordAsync("command", "bastion:22", async ct => { await Task.Delay(Timeout.Infinite, ct); return 0; }, _ => ("", ""));

        (await act.Should().ThrowAsync<EnvironmentProblemException>()).Which.Message.Should().Contain("SSH command bastion:22: no answer within 0 s");
        sw.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
    }

    [Test]
    public async Task A_command_is_run_for_real_and_its_exit_code_and_output_recorded()
    {
        var log = new EvidenceLog();
        var result = await new CommandRunner("sh", log, TimeSpan.FromSeconds(30)).RunAsync(["-c", "echo checked; exit 3"]);

        result.ExitCode.Should().Be(3);
        result.Output.Should().Be("checked");
        Attachments(log).Should().Contain("→ exit 3").And.Contain("checked");
    }

    [Test]
    public async Task A_tool_that_is_not_installed_makes_the_check_not_verified()
    {
        var act = () => new CommandRunner("no-such-tool-xyz", new EvidenceLog(), TimeSpan.FromSeconds(5), "NO_SUCH_TOOL").RunAsync(["check"]);
        (await act.Should().ThrowAsync<NotVerifiedException>()).Which.Reason.Should().Contain("no-such-tool-xyz is not on PATH").And.Contain("$NO_SUCH_TOOL");
    }

    [Test]
    public async Task A_TLS_handshake_reports_the_certificate_and_whether_the_chain_is_trusted()
    {
        using var certs = new TestCertificates();
        await using var server = new TinyServer(tls: certs.ServerCertificate());
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(certs.CaFile);
        var other = new X509Certificate2Collection();
        other.ImportFromPemFile(certs.OtherCaFile);
        var log = new EvidenceLog();
        var client = new TlsHandshakeClient(log);

        var trusted = await client.HandshakeAsync("127.0.0.1", server.Port, "localhost", roots);
        var untrusted = await client.HandshakeAsync("127.0.0.1", server.Port, "localhost", other);

        trusted.Subject.Should().Be("CN=localhost");
        trusted.Issuer.Should().Be("CN=support-tests-ca");
        trusted.DnsNames.Should().Contain("localhost");
        trusted.NotAfter.Should().BeAfter(DateTimeOffset.UtcNow);
        (trusted.PolicyErrors & SslPolicyErrors.RemoteCertificateChainErrors).Should().Be(SslPolicyErrors.None);
        (untrusted.PolicyErrors & SslPolicyErrors.RemoteCertificateChainErrors).Should().NotBe(SslPolicyErrors.None);
        untrusted.ChainStatus.Should().NotBeEmpty();
        Attachments(log).Should().Contain($"TLS handshake 127.0.0.1:{server.Port}").And.Contain("CN=support-tests-ca");
    }

}

using System.Net;
using System.Net.Sockets;
using Acceptance.Support.Configuration;
using Acceptance.Support.Evidence;
using Acceptance.Support.Network;
using Acceptance.Support.Outcomes;
using Acceptance.Support.Tests.Http;
using Acceptance.Support.Tests.Rules;
using Acceptance.Support.Tls;
using Acceptance.Support.Transport;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Transport;

/// <summary>The real scanners (sslscan, nmap) against throwaway loopback servers; skipped with the reason where a tool is missing.</summary>
public sealed class SecurityScannerTests
{
    private static void Need(string tool)
    {
        if (CommandRunner.Locate(tool) is null) Assert.Ignore($"{tool} is not installed here (apt-get install {tool}; sandbox/up installs it)");
    }

    [Test]
    public async Task Sslscan_reads_the_protocols_of_a_real_tls_server_and_the_probe_attaches_the_auditor_block()
    {
        Need("sslscan");
        using var certs = new TestCertificates();
        await using var server = new TinyServer(tls: certs.ServerCertificate());
        var evidence = new EvidenceLog();
        var target = TestTarget.With(new ServiceEndpoint { Key = "consul", Address = $"https://127.0.0.1:{server.Port}", CaFile = certs.CaFile, TlsServerName = "localhost" });
        var probe = new CertificateProbe(target, evidence);

        var scanned = await probe.ScanAsync(probe.Endpoints().Tls);

        scanned.Should().ContainSingle();
        scanned[0].Scan.Protocols.Should().ContainKey("TLSv1.2");
        (scanned[0].Scan.Protocols["TLSv1.2"] || scanned[0].Scan.Protocols["TLSv1.3"]).Should().BeTrue();
        scanned[0].Certificate.Handshake.Sha256.Should().MatchRegex("^([0-9A-F]{2}:){31}[0-9A-F]{2}$");
        var items = evidence.Drain();
        items.Select(i => i.Name).Should().Contain(n => n.StartsWith("certificate of consul")).And.Contain(n => n.StartsWith("sslscan 127.0.0.1"));
    }

    [Test]
    public async Task Nmap_finds_a_listening_port_open_and_a_free_one_closed()
    {
        Need("nmap");
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var open = ((IPEndPoint)listener.LocalEndpoint).Port;
        int closed;
        using (var probe = new TcpListener(IPAddress.Loopback, 0)) { probe.Start(); closed = ((IPEndPoint)probe.LocalEndpoint).Port; }

        var ports = await new PortScan(new FirewallOptions { MustBeOpen = [$"127.0.0.1:{open}"], MustBeClosed = [$"127.0.0.1:{closed}"] }, new EvidenceLog()).ScanAsync();

        ports.Should().HaveCount(2);
        FirewallRules.PortsAsListed(ports).Holds.Should().BeTrue(FirewallRules.PortsAsListed(ports).Sentence);
        FirewallRules.PortsAsListed(ports.Select(p => p with { MustBeOpen = false }).ToList()).Shortfalls
            .Should().ContainSingle().Which.Should().Be($"127.0.0.1:{open} answers but must be closed (open port: conn-refused)".Replace("conn-refused", ports.First(p => p.Port == open).Reason));
    }

    [Test]
    public async Task A_target_listing_no_ports_leaves_the_firewall_not_verified()
    {
        var act = () => new PortScan(new FirewallOptions(), new EvidenceLog()).ScanAsync();
        await act.Should().ThrowAsync<NotVerifiedException>().WithMessage("*lists no firewall.must_be_open or firewall.must_be_closed*");
    }
}

using Acceptance.Support.Network;
using Acceptance.Support.Outcomes;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Rules;

public sealed class FirewallRulesTests
{
    private const string NmapXml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <nmaprun scanner="nmap" args="nmap -sT -Pn -n -p 18443,18499,2375 -oX - 127.0.0.1" version="7.93">
        <host starttime="1795864270" endtime="1795864270"><status state="up" reason="user-set" reason_ttl="0"/>
        <address addr="127.0.0.1" addrtype="ipv4"/>
        <ports><port protocol="tcp" portid="18443"><state state="open" reason="syn-ack" reason_ttl="0"/></port>
        <port protocol="tcp" portid="18499"><state state="open" reason="syn-ack" reason_ttl="0"/></port>
        <port protocol="tcp" portid="2375"><state state="closed" reason="conn-refused" reason_ttl="0"/></port>
        </ports></host><runstats><finished time="1795864270" summary="Nmap done: 1 IP address (1 host up) scanned in 0.05 seconds"/></runstats></nmaprun>
        """;

    [Test]
    public void An_open_port_that_must_be_closed_fails_naming_host_and_port()
    {
        var states = PortScan.Parse(NmapXml, "127.0.0.1", [18443, 18499, 2375]);
        var ports = new[] { states[18443] with { MustBeOpen = true }, states[18499], states[2375] };

        FirewallRules.PortsAsListed(ports).Shortfalls.Should().Equal("127.0.0.1:18499 answers but must be closed (open port: syn-ack)");
        FirewallRules.PortsAsListed([states[18443] with { MustBeOpen = true }, states[2375]]).Holds.Should().BeTrue();
    }

    [Test]
    public void A_must_be_open_port_that_is_closed_or_filtered_fails()
    {
        var v = FirewallRules.PortsAsListed([new PortState("10.0.0.5", 443, "filtered", "no-response", true)]);
        v.Shortfalls.Should().Equal("10.0.0.5:443 must be open but is filtered (no-response)");
    }

    [Test]
    public void Ports_nmap_folds_into_extraports_take_that_state()
    {
        const string xml = """<?xml version="1.0"?><nmaprun><host><ports><extraports state="closed" count="100"/></ports></host></nmaprun>""";
        PortScan.Parse(xml, "h", [1, 2])[2].State.Should().Be("closed");
    }

    [Test]
    public void Entries_are_host_port_or_a_bounded_range()
    {
        PortExpectation.Parse("127.0.0.1:8000-8010", "firewall.must_be_closed", false).Should().Be(new PortExpectation("127.0.0.1", 8000, 8010, false));
        PortExpectation.Parse("[::1]:22", "firewall.must_be_open", true).Host.Should().Be("::1");
        var bad = () => PortExpectation.Parse("127.0.0.1", "firewall.must_be_open", true);
        bad.Should().Throw<EnvironmentProblemException>().WithMessage("firewall.must_be_open: '127.0.0.1' is not host:port*");
        var wide = () => PortExpectation.Parse("h:1-65535", "firewall.must_be_closed", false);
        wide.Should().Throw<EnvironmentProblemException>().WithMessage("*at most 4096 ports*");
    }
}

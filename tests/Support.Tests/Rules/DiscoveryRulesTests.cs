using System.Text.Json.Nodes;
using Acceptance.Support.Consul;
using Acceptance.Support.Evidence;
using Acceptance.Support.Network;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Rules;

/// <summary>
/// <see cref="DiscoveryRules"/>: each rule on the project's own small DNS answers and catalogs (healthy and faulty), then
/// against the documented Consul catalog (../shared/fixtures/consul) read by the real <see cref="ConsulClient"/>.
/// </summary>
public sealed class DiscoveryRulesTests
{
    private const string Server = "127.0.0.1:8600";

    private static DnsServiceAnswer Answer(string service, IReadOnlyList<SrvAnswer> srv, IReadOnlyList<string> a,
        string srvCode = "NoError", string aCode = "NoError") =>
        new(service, $"{service}.service.consul", Server, srvCode, srv, aCode, a);

    private static DnsServiceAnswer Resolving(string service, string address, int port) =>
        Answer(service, [new SrvAnswer($"node1.node.dc1.consul", port, 1, 1)], [address]);

    private static Dictionary<string, IReadOnlyList<CatalogInstance>> Catalog(params CatalogInstance[] instances) =>
        instances.GroupBy(i => i.Service).ToDictionary(g => g.Key, g => (IReadOnlyList<CatalogInstance>)g.ToList());

    // ---------------------------------------------------------------- DnsResolves

    [Test]
    public void DnsResolves_holds_when_every_service_has_srv_and_a_answers()
    {
        var v = DiscoveryRules.DnsResolves([Resolving("web", "10.0.1.1", 8080), Resolving("api", "10.0.1.2", 9090)], Server);

        v.Holds.Should().BeTrue(v.Sentence);
        v.Expected.Should().Be("<service>.service.<domain> has an SRV and an A answer at 127.0.0.1:8600");
        v.Observed.Should().Contain("web.service.consul @ 127.0.0.1:8600: SRV NoError [node1.node.dc1.consul:8080], A NoError [10.0.1.1]");
    }

    [Test]
    public void DnsResolves_names_a_service_without_answers_with_both_response_codes()
    {
        var v = DiscoveryRules.DnsResolves([Resolving("web", "10.0.1.1", 8080), Answer("api", [], [], "NxDomain", "NxDomain")], Server);

        v.Shortfalls.Should().Equal("api.service.consul does not resolve (SRV NxDomain, 0 record(s); A NxDomain, 0 record(s))");
    }

    [Test]
    public void DnsResolves_needs_both_an_srv_and_an_a_answer()
    {
        var srvOnly = Answer("web", [new SrvAnswer("node1.node.dc1.consul", 8080, 1, 1)], []);
        var aOnly = Answer("api", [], ["10.0.1.2"]);

        var v = DiscoveryRules.DnsResolves([srvOnly, aOnly], Server);

        v.Shortfalls.Should().Equal(
            "web.service.consul does not resolve (SRV NoError, 1 record(s); A NoError, 0 record(s))",
            "api.service.consul does not resolve (SRV NoError, 0 record(s); A NoError, 1 record(s))");
    }

    // ---------------------------------------------------------------- DnsMatchesCatalog

    [Test]
    public void DnsMatchesCatalog_holds_when_every_port_and_address_is_a_catalog_instance()
    {
        var v = DiscoveryRules.DnsMatchesCatalog(
            [Resolving("web", "10.0.1.1", 8080), Resolving("api", "10.0.1.2", 9090)],
            Catalog(new CatalogInstance("web", "n1", "10.0.1.1", 8080), new CatalogInstance("web", "n2", "10.0.1.3", 8080), new CatalogInstance("api", "n2", "10.0.1.2", 9090)));

        v.Holds.Should().BeTrue(v.Sentence);
    }

    [Test]
    public void DnsMatchesCatalog_names_a_port_and_an_address_the_catalog_does_not_list()
    {
        var v = DiscoveryRules.DnsMatchesCatalog([Resolving("web", "10.0.9.9", 8081)], Catalog(new CatalogInstance("web", "n1", "10.0.1.1", 8080)));

        v.Shortfalls.Should().Equal(
            "web: SRV port 8081 not in catalog ports [8080]",
            "web: A 10.0.9.9 not in catalog addresses [10.0.1.1]");
    }

    [Test]
    public void DnsMatchesCatalog_names_a_service_missing_from_the_catalog_and_one_dns_does_not_resolve()
    {
        var v = DiscoveryRules.DnsMatchesCatalog(
            [Resolving("web", "10.0.1.1", 8080), Answer("api", [], [], "NxDomain", "NxDomain")],
            new Dictionary<string, IReadOnlyList<CatalogInstance>> { ["web"] = [], ["api"] = [new("api", "n2", "10.0.1.2", 9090)] });

        v.Shortfalls.Should().HaveCount(2);
        v.Shortfalls[0].Should().Be("web: not registered in the Consul catalog");
        v.Shortfalls[1].Should().StartWith("api: DNS does not resolve (api.service.consul @ 127.0.0.1:8600: SRV NxDomain []");
    }

    [Test]
    public void DnsMatchesCatalog_fails_for_a_service_absent_from_the_catalog_map()
    {
        var v = DiscoveryRules.DnsMatchesCatalog([Resolving("web", "10.0.1.1", 8080)], new Dictionary<string, IReadOnlyList<CatalogInstance>>());

        v.Shortfalls.Should().Equal("web: not registered in the Consul catalog");
    }

    // ---------------------------------------------------------------- the documented catalog through the real client

    private static async Task<IReadOnlyDictionary<string, IReadOnlyList<CatalogInstance>>> DocumentedCatalog(bool listWeb = true)
    {
        var services = SharedFixtures.Json("consul/catalog-services.json");
        if (listWeb) services["web"] = new JsonArray("prod"); // catalog-service.json ("web") is a separate sample
        await using var server = new FixtureServer()
            .On("/v1/catalog/services", services.ToJsonString())
            .On("/v1/catalog/service/web", SharedFixtures.Text("consul/catalog-service.json"));
        using var client = new ConsulClient(TestTarget.With(new ConsulOptions { Key = "consul", Address = server.Url }), new EvidenceLog());
        return await new ConsulProbe(client, new EvidenceLog()).CatalogAsync(["web"]);
    }

    [Test]
    public async Task Dns_answering_the_documented_service_address_and_port_matches_the_catalog()
    {
        var catalog = await DocumentedCatalog();

        var v = DiscoveryRules.DnsMatchesCatalog([Resolving("web", "172.17.0.3", 5000)], catalog);

        v.Holds.Should().BeTrue(v.Sentence);
        v.Observed.Should().EndWith("| catalog: web on t2.320 at 172.17.0.3:5000");
    }

    [Test]
    public async Task Dns_answering_the_node_address_instead_of_the_documented_service_address_does_not_match()
    {
        var catalog = await DocumentedCatalog();

        var v = DiscoveryRules.DnsMatchesCatalog([Resolving("web", "192.168.10.10", 5000)], catalog);

        v.Shortfalls.Should().Equal("web: A 192.168.10.10 not in catalog addresses [172.17.0.3]");
    }

    [Test]
    public async Task Dns_answer_for_a_service_the_documented_catalog_list_does_not_contain()
    {
        var catalog = await DocumentedCatalog(listWeb: false);

        var v = DiscoveryRules.DnsMatchesCatalog([Resolving("web", "172.17.0.3", 5000)], catalog);

        v.Shortfalls.Should().Equal("web: not registered in the Consul catalog");
    }

    // ---------------------------------------------------------------- RecordsForAllServices (INFRA-NC-2)

    [Test]
    public void Records_at_every_resolver_matching_the_catalog_hold()
    {
        var catalog = Catalog(new CatalogInstance("web", "n1", "10.0.0.5", 8080));
        var v = DiscoveryRules.RecordsForAllServices([Resolving("web", "10.0.0.5", 8080), Resolving("web", "10.0.0.5", 8080) with { Server = "10.0.0.53:53" }], catalog);
        v.Holds.Should().BeTrue(v.Sentence);
    }

    [Test]
    public void An_nxdomain_is_named_with_its_resolver()
    {
        var catalog = Catalog(new CatalogInstance("web", "n1", "10.0.0.5", 8080));
        var v = DiscoveryRules.RecordsForAllServices([Answer("web", [], [], "NotExistentDomain", "NotExistentDomain")], catalog);
        v.Shortfalls.Should().Equal($"web.service.consul at {Server}: NXDOMAIN (SRV NXDOMAIN, A NXDOMAIN)");
    }

    [Test]
    public void A_wrong_address_or_port_and_a_missing_srv_are_named()
    {
        var catalog = Catalog(new CatalogInstance("web", "n1", "10.0.0.5", 8080), new CatalogInstance("db", "n1", "10.0.0.6", 5432));
        var v = DiscoveryRules.RecordsForAllServices([Resolving("web", "10.0.0.9", 9090), Answer("db", [], ["10.0.0.6"])], catalog);
        v.Shortfalls.Should().Equal(
            $"web.service.consul at {Server}: SRV port 9090 is not a catalog port [8080]",
            $"web.service.consul at {Server}: A 10.0.0.9 is not a catalog address [10.0.0.5]",
            $"db.service.consul at {Server}: no SRV record (SRV NoError)");
    }
}

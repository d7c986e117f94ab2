using System.Text.Json.Nodes;
using Acceptance.Support.Consul;
using Acceptance.Support.Evidence;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Rules;

/// <summary>
/// <see cref="ConsulRules"/>: each rule on the project's own small facts (healthy and faulty), then on the documented Consul
/// bodies (../shared/fixtures/consul) read by the real <see cref="ConsulClient"/> through <see cref="ConsulProbe"/>.
/// </summary>
public sealed class ConsulRulesTests
{
    private static readonly Dictionary<string, string> Deny = new() { [ConsulClient.DefaultAclPolicyHeader] = "deny" };

    private static HealthCheck Check(string node, string id, string status = "passing", string output = "", string service = "") =>
        new(node, id, id, service, status, output);

    private static ServiceInstanceHealth Instance(string service, string node, params HealthCheck[] checks) =>
        new(service, service + "-" + node, node, "10.0.1.1", 8080, checks);

    private readonly List<ConsulClient> _clients = [];

    private ConsulProbe Probe(FixtureServer server)
    {
        var client = new ConsulClient(TestTarget.With(new ConsulOptions { Key = "consul", Address = server.Url }), new EvidenceLog());
        _clients.Add(client);
        return new ConsulProbe(client, new EvidenceLog());
    }

    [TearDown]
    public void DisposeClients()
    {
        foreach (var c in _clients) c.Dispose();
        _clients.Clear();
    }

    // ---------------------------------------------------------------- AnonymousDenied (own facts)

    [Test]
    public void AnonymousDenied_holds_for_open_status_denied_agent_and_deny_header()
    {
        var v = ConsulRules.AnonymousDenied(new ConsulAnonymousAccess(200, 403, "Permission denied", "deny"));

        v.Holds.Should().BeTrue(v.Sentence);
        v.Observed.Should().Contain("anonymous GET /v1/agent/self → 403").And.Contain("X-Consul-Default-ACL-Policy: deny");
    }

    [Test]
    public void AnonymousDenied_fails_when_anonymous_callers_reach_the_agent_with_default_allow()
    {
        var v = ConsulRules.AnonymousDenied(new ConsulAnonymousAccess(200, 200, "(agent configuration)", "allow"));

        v.Shortfalls.Should().Equal(
            "anonymous /v1/agent/self answered 200, not 403: anonymous callers reach the agent API",
            "X-Consul-Default-ACL-Policy is allow, not deny");
    }

    [Test]
    public void AnonymousDenied_fails_when_status_is_closed_and_the_header_absent()
    {
        var v = ConsulRules.AnonymousDenied(new ConsulAnonymousAccess(403, 403, "Permission denied", null));

        v.Shortfalls.Should().Equal(
            "anonymous /v1/status/leader answered 403, not 200",
            "X-Consul-Default-ACL-Policy is (absent), not deny");
        v.Observed.Should().Contain("X-Consul-Default-ACL-Policy: (absent)");
    }

    // ---------------------------------------------------------------- ServicesHealthy (own facts)

    [Test]
    public void ServicesHealthy_holds_when_every_instance_passes_every_check()
    {
        var v = ConsulRules.ServicesHealthy([
            new ServiceHealth("api", [Instance("api", "n1", Check("n1", "service:api"), Check("n1", "serfHealth"))]),
            new ServiceHealth("web", [Instance("web", "n2", Check("n2", "service:web"))]),
        ]);

        v.Holds.Should().BeTrue(v.Sentence);
        v.Expected.Should().Contain("each of [api, web]");
    }

    [Test]
    public void ServicesHealthy_names_the_failing_check_of_the_failing_instance()
    {
        var v = ConsulRules.ServicesHealthy([
            new ServiceHealth("api", [
                Instance("api", "n1", Check("n1", "service:api")),
                Instance("api", "n2", Check("n2", "service:api", "critical", "dial tcp 10.0.1.1:8080: connect: connection refused")),
            ]),
            new ServiceHealth("web", [Instance("web", "n3", Check("n3", "service:web"))]),
        ]);

        v.Shortfalls.Should().ContainSingle().Which.Should()
            .StartWith("api: NOT healthy [")
            .And.Contain("n2/service:api critical: dial tcp 10.0.1.1:8080: connect: connection refused");
    }

    [Test]
    public void ServicesHealthy_fails_for_a_service_without_instances_and_for_a_warning()
    {
        var v = ConsulRules.ServicesHealthy([
            new ServiceHealth("web", []),
            new ServiceHealth("db", [Instance("db", "n4", Check("n4", "mem", "warning", "91% used"))]),
        ]);

        v.Shortfalls.Should().HaveCount(2);
        v.Shortfalls[0].Should().Be("web: not registered");
        v.Shortfalls[1].Should().Contain("db: NOT healthy").And.Contain("n4/mem warning: 91% used");
    }

    // ---------------------------------------------------------------- AllChecksPassing (own facts)

    [Test]
    public void AllChecksPassing_holds_when_every_check_passes()
    {
        var v = ConsulRules.AllChecksPassing([Check("n1", "serfHealth"), Check("n1", "service:api")]);

        v.Holds.Should().BeTrue();
        v.Observed.Should().Be("2/2 passing");
    }

    [Test]
    public void AllChecksPassing_names_each_check_that_is_not_passing()
    {
        var v = ConsulRules.AllChecksPassing([
            Check("n1", "serfHealth"),
            Check("n2", "serfHealth", "critical", "Agent not live or unreachable"),
            Check("n3", "disk", "warning"),
        ]);

        v.Shortfalls.Should().Equal("n2/serfHealth critical: Agent not live or unreachable", "n3/disk warning");
        v.Observed.Should().Be("1/3 passing");
    }

    [Test]
    public void AllChecksPassing_fails_when_there_is_no_check_at_all()
    {
        var v = ConsulRules.AllChecksPassing([]);

        v.Shortfalls.Should().Equal("/v1/health/state/any lists no check at all");
        v.Observed.Should().Be("0/0 passing");
    }

    // ---------------------------------------------------------------- CatalogComplete (own facts)

    [Test]
    public void CatalogComplete_holds_when_each_service_has_instances_with_address_and_port()
    {
        var v = ConsulRules.CatalogComplete(new Dictionary<string, IReadOnlyList<CatalogInstance>>
        {
            ["api"] = [new("api", "n1", "10.0.1.1", 8080), new("api", "n2", "10.0.1.2", 8080)],
            ["web"] = [new("web", "n3", "10.0.1.3", 80)],
        });

        v.Holds.Should().BeTrue(v.Sentence);
        v.Observed.Should().Be("api on n1 at 10.0.1.1:8080, api on n2 at 10.0.1.2:8080; web on n3 at 10.0.1.3:80");
    }

    [Test]
    public void CatalogComplete_names_unregistered_services_and_instances_without_address_or_port()
    {
        var v = ConsulRules.CatalogComplete(new Dictionary<string, IReadOnlyList<CatalogInstance>>
        {
            ["api"] = [new("api", "n1", "10.0.1.1", 0)],
            ["web"] = [],
            ["db"] = [new("db", "n4", "", 5432)],
        });

        v.Shortfalls.Should().Equal(
            "api on n1 at 10.0.1.1:0: no address or port",
            "web: not registered",
            "db on n4 at :5432: no address or port");
    }

    // ---------------------------------------------------------------- documented bodies: anonymous access

    [Test]
    public async Task Documented_default_deny_holds_status_200_agent_403_and_deny_header()
    {
        await using var server = new FixtureServer()
            .On("/v1/status/leader", SharedFixtures.Text("consul/status-leader.json"), 200, Deny)
            .On("/v1/agent/self", "Permission denied", 403, Deny, "text/plain");

        var access = await Probe(server).AnonymousAccessAsync();
        var v = ConsulRules.AnonymousDenied(access);

        access.Should().Be(new ConsulAnonymousAccess(200, 403, "Permission denied", "deny"));
        v.Holds.Should().BeTrue(v.Sentence);
    }

    [Test]
    public async Task Documented_agent_self_answered_200_to_an_anonymous_caller_fails()
    {
        await using var server = new FixtureServer()
            .On("/v1/status/leader", SharedFixtures.Text("consul/status-leader.json"), 200, Deny)
            .On("/v1/agent/self", SharedFixtures.Text("consul/agent-self.json"), 200, Deny);

        var v = ConsulRules.AnonymousDenied(await Probe(server).AnonymousAccessAsync());

        v.Shortfalls.Should().Equal("anonymous /v1/agent/self answered 200, not 403: anonymous callers reach the agent API");
        v.Observed.Should().Contain("(agent configuration)");
    }

    [Test]
    public async Task Documented_answers_without_the_default_policy_header_fail()
    {
        await using var server = new FixtureServer()
            .On("/v1/status/leader", SharedFixtures.Text("consul/status-leader.json"))
            .On("/v1/agent/self", "Permission denied", 403, contentType: "text/plain");

        var v = ConsulRules.AnonymousDenied(await Probe(server).AnonymousAccessAsync());

        v.Shortfalls.Should().Equal("X-Consul-Default-ACL-Policy is (absent), not deny");
    }

    [Test]
    public async Task The_default_policy_header_of_status_leader_counts_when_agent_self_lacks_it()
    {
        await using var server = new FixtureServer()
            .On("/v1/status/leader", SharedFixtures.Text("consul/status-leader.json"), 200, Deny)
            .On("/v1/agent/self", "Permission denied", 403, contentType: "text/plain");

        var v = ConsulRules.AnonymousDenied(await Probe(server).AnonymousAccessAsync());

        v.Holds.Should().BeTrue(v.Sentence);
    }

    // ---------------------------------------------------------------- documented bodies: service health

    [Test]
    public async Task Documented_health_of_redis_holds()
    {
        await using var server = new FixtureServer().On("/v1/health/service/redis", SharedFixtures.Text("consul/health-service.json"));

        var health = await Probe(server).ServicesHealthAsync(["redis"]);
        var v = ConsulRules.ServicesHealthy(health);

        health.Single().Instances.Single().Should().BeEquivalentTo(new { Service = "redis", Id = "redis", Node = "foobar", Address = "10.1.10.12", Port = 8000 });
        health.Single().Instances.Single().Checks.Select(c => c.CheckId).Should().Equal("service:redis", "serfHealth");
        v.Holds.Should().BeTrue(v.Sentence);
    }

    [Test]
    public async Task Documented_health_with_a_critical_check_names_the_node_check_and_output()
    {
        var body = SharedFixtures.Json("consul/health-service.json");
        body[0]!["Checks"]![0]!["Status"] = "critical";
        body[0]!["Checks"]![0]!["Output"] = "dial tcp 10.1.10.12:8000: connect: connection refused";
        await using var server = new FixtureServer().On("/v1/health/service/redis", body.ToJsonString());

        var v = ConsulRules.ServicesHealthy(await Probe(server).ServicesHealthAsync(["redis"]));

        v.Shortfalls.Should().ContainSingle().Which.Should()
            .StartWith("redis: NOT healthy [redis (redis on foobar 10.1.10.12:8000)")
            .And.Contain("foobar/service:redis critical: dial tcp 10.1.10.12:8000: connect: connection refused");
    }

    [Test]
    public async Task Documented_health_of_an_unregistered_service_is_an_empty_array()
    {
        await using var server = new FixtureServer()
            .On("/v1/health/service/redis", SharedFixtures.Text("consul/health-service.json"))
            .On("/v1/health/service/web", "[]");

        var v = ConsulRules.ServicesHealthy(await Probe(server).ServicesHealthAsync(["redis", "web"]));

        v.Shortfalls.Should().Equal("web: not registered");
    }

    // ---------------------------------------------------------------- documented bodies: all checks

    [Test]
    public async Task Documented_check_states_all_passing_hold()
    {
        // /v1/health/state/any answers the same array shape as the documented /v1/health/state/passing.
        await using var server = new FixtureServer().On("/v1/health/state/any", SharedFixtures.Text("consul/health-state-passing.json"));

        var v = ConsulRules.AllChecksPassing(await Probe(server).AllChecksAsync());

        v.Holds.Should().BeTrue(v.Sentence);
        v.Observed.Should().Be("2/2 passing");
    }

    [Test]
    public async Task Documented_check_states_with_a_critical_serf_check_fail_naming_it()
    {
        var body = SharedFixtures.Json("consul/health-state-passing.json");
        body[0]!["Status"] = "critical";
        body[0]!["Output"] = "Agent not live or unreachable";
        await using var server = new FixtureServer().On("/v1/health/state/any", body.ToJsonString());

        var v = ConsulRules.AllChecksPassing(await Probe(server).AllChecksAsync());

        v.Shortfalls.Should().Equal("foobar/serfHealth critical: Agent not live or unreachable");
        v.Observed.Should().Be("1/2 passing");
    }

    // ---------------------------------------------------------------- documented bodies: catalog

    private static JsonNode CatalogWithWeb()
    {
        // catalog-services.json and catalog-service.json ("web") are separate doc samples: the list lacks "web".
        var services = SharedFixtures.Json("consul/catalog-services.json");
        services["web"] = new JsonArray("prod");
        return services;
    }

    [Test]
    public async Task Documented_catalog_entry_of_web_is_complete()
    {
        await using var server = new FixtureServer()
            .On("/v1/catalog/services", CatalogWithWeb().ToJsonString())
            .On("/v1/catalog/service/web", SharedFixtures.Text("consul/catalog-service.json"));

        var catalog = await Probe(server).CatalogAsync(["web"]);
        var v = ConsulRules.CatalogComplete(catalog);

        catalog["web"].Should().Equal(new CatalogInstance("web", "t2.320", "172.17.0.3", 5000));
        v.Holds.Should().BeTrue(v.Sentence);
    }

    [Test]
    public async Task Documented_catalog_entry_without_ServiceAddress_uses_the_node_address()
    {
        var entry = SharedFixtures.Json("consul/catalog-service.json");
        entry[0]!["ServiceAddress"] = "";
        await using var server = new FixtureServer()
            .On("/v1/catalog/services", CatalogWithWeb().ToJsonString())
            .On("/v1/catalog/service/web", entry.ToJsonString());

        var catalog = await Probe(server).CatalogAsync(["web"]);

        catalog["web"].Should().Equal(new CatalogInstance("web", "t2.320", "192.168.10.10", 5000));
        ConsulRules.CatalogComplete(catalog).Holds.Should().BeTrue();
    }

    [Test]
    public async Task Documented_catalog_as_published_does_not_list_web()
    {
        await using var server = new FixtureServer()
            .On("/v1/catalog/services", SharedFixtures.Text("consul/catalog-services.json"))
            .On("/v1/catalog/service/web", SharedFixtures.Text("consul/catalog-service.json"));

        var v = ConsulRules.CatalogComplete(await Probe(server).CatalogAsync(["web"]));

        v.Shortfalls.Should().Equal("web: not registered");
        server.Requests.Should().NotContain("GET /v1/catalog/service/web", "a service the catalog does not list is not read");
    }

    [Test]
    public async Task Documented_catalog_entry_without_a_port_fails_naming_the_instance()
    {
        var entry = SharedFixtures.Json("consul/catalog-service.json");
        entry[0]!["ServicePort"] = 0;
        await using var server = new FixtureServer()
            .On("/v1/catalog/services", CatalogWithWeb().ToJsonString())
            .On("/v1/catalog/service/web", entry.ToJsonString());

        var v = ConsulRules.CatalogComplete(await Probe(server).CatalogAsync(["web"]));

        v.Shortfalls.Should().Equal("web on t2.320 at 172.17.0.3:0: no address or port");
    }
}

using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using FluentAssertions;
using NUnit.Framework;
using StandIns.Tests.Support;

[assembly: Parallelizable(ParallelScope.Fixtures)]
[assembly: LevelOfParallelism(3)]

namespace StandIns.Tests;

[TestFixture]
public class ConsulContractTests
{
    private StandInUnderTest _c = null!;
    private string _token = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _c = await StandInUnderTest.StartAsync("consul");
        _token = _c.Secret("consul.token");
        using var put = await _c.Send(HttpMethod.Put, "/v1/kv/acceptance/zip", _token, "X-Consul-Token", "test");
        put.StatusCode.Should().Be(HttpStatusCode.OK);
        using var put2 = await _c.Send(HttpMethod.Put, "/v1/kv/acceptance/web/foo", _token, "X-Consul-Token", "bar");
    }

    [OneTimeTearDown]
    public async Task Stop() => await _c.DisposeAsync();

    [TestCase("/v1/status/leader", "status-leader.json")]
    [TestCase("/v1/status/peers", "status-peers.json")]
    [TestCase("/v1/operator/raft/configuration", "operator-raft-configuration.json")]
    [TestCase("/v1/agent/members", "agent-members.json")]
    [TestCase("/v1/agent/self", "agent-self.json")]
    [TestCase("/v1/operator/autopilot/health", "operator-autopilot-health.json")]
    [TestCase("/v1/operator/autopilot/configuration", "operator-autopilot-configuration.json")]
    [TestCase("/v1/catalog/services", "catalog-services.json")]
    [TestCase("/v1/catalog/service/consul", "catalog-service.json")]
    [TestCase("/v1/health/service/consul", "health-service.json")]
    [TestCase("/v1/health/state/passing", "health-state-passing.json")]
    [TestCase("/v1/kv/acceptance/zip", "kv-get.json")]
    [TestCase("/v1/kv/acceptance/?keys&separator=/", "kv-keys.json")]
    [TestCase("/v1/connect/ca/roots", "connect-ca-roots.json")]
    [TestCase("/v1/acl/token/self", "acl-token-self.json")]
    public async Task Endpoint_matches_documented_shape(string path, string fixture)
    {
        using var r = await _c.Get(path, _token, "X-Consul-Token");
        var body = await r.Content.ReadAsStringAsync();
        r.StatusCode.Should().Be(HttpStatusCode.OK, body);
        r.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        r.Headers.GetValues("X-Consul-Default-ACL-Policy").Should().Equal("deny");
        r.Headers.GetValues("X-Sandbox-Standin").Should().Equal("consul");
        var actual = JsonNode.Parse(body);
        JsonShape.Compare(Fixture.Json("consul/" + fixture), actual, "consul", rootIsMap: fixture == "catalog-services.json")
            .Should().BeEmpty();
        (actual is JsonArray { Count: 0 } || actual is JsonObject { Count: 0 }).Should().BeFalse("the everyday token sees data");
    }

    [Test]
    public async Task Agent_self_debug_config_has_the_golden_shape_and_the_sandbox_values()
    {
        var self = await _c.GetJson("/v1/agent/self", _token, "X-Consul-Token");
        var dbg = self["DebugConfig"]!;
        JsonShape.Compare(Fixture.Json("consul/agent-self.debugconfig.golden.json"), dbg, "consul").Should().BeEmpty();
        dbg["ACLsEnabled"]!.GetValue<bool>().Should().BeTrue();
        dbg["ACLResolverSettings"]!["ACLDefaultPolicy"]!.GetValue<string>().Should().Be("deny");
        dbg["DNSPort"]!.GetValue<int>().Should().Be(18600);
        dbg["TLS"]!["HTTPS"]!["VerifyIncoming"]!.GetValue<bool>().Should().BeFalse();
        self["Config"]!["Version"]!.GetValue<string>().Should().EndWith("-standin");
    }

    [Test]
    public async Task Cluster_view_has_three_alive_servers_and_clients()
    {
        var members = (await _c.GetJson("/v1/agent/members", _token, "X-Consul-Token")).AsArray();
        members.Count(m => m!["Tags"]!["role"]!.GetValue<string>() == "consul").Should().Be(3);
        members.Should().OnlyContain(m => m!["Status"]!.GetValue<int>() == 1);
        members.Count.Should().BeGreaterThan(3);
        (await _c.GetJson("/v1/status/peers")).AsArray().Should().HaveCount(3);
        using var ap = await _c.Get("/v1/operator/autopilot/health", _token, "X-Consul-Token");
        var health = JsonNode.Parse(await ap.Content.ReadAsStringAsync())!;
        health["Healthy"]!.GetValue<bool>().Should().BeTrue();
        health["FailureTolerance"]!.GetValue<int>().Should().Be(1);
    }

    [Test]
    public async Task Catalog_lists_the_sandbox_services()
    {
        var services = (await _c.GetJson("/v1/catalog/services", _token, "X-Consul-Token")).AsObject();
        services.Select(kv => kv.Key).Should().Contain(["prometheus", "pushgateway", "alertmanager", "node-exporter", "lb", "grafana", "nomad", "consul"]);
        var prom = (await _c.GetJson("/v1/catalog/service/prometheus", _token, "X-Consul-Token")).AsArray();
        prom.Should().ContainSingle();
    }

    [Test]
    public async Task Kv_put_get_raw_recurse_delete()
    {
        using (var put = await _c.Send(HttpMethod.Put, "/v1/kv/acceptance/kvtest/a", _token, "X-Consul-Token", "hello"))
            (await put.Content.ReadAsStringAsync()).Should().Be("true");
        using (var raw = await _c.Get("/v1/kv/acceptance/kvtest/a?raw", _token, "X-Consul-Token"))
        {
            (await raw.Content.ReadAsStringAsync()).Should().Be("hello");
            long.Parse(raw.Headers.GetValues("X-Consul-Index").Single()).Should().BePositive();
        }
        var entry = (await _c.GetJson("/v1/kv/acceptance/kvtest/a", _token, "X-Consul-Token"))[0]!;
        entry["Value"]!.GetValue<string>().Should().Be(Convert.ToBase64String("hello"u8.ToArray()));
        (await _c.GetJson("/v1/kv/acceptance/kvtest?recurse", _token, "X-Consul-Token")).AsArray().Should().HaveCount(1);
        using (var del = await _c.Send(HttpMethod.Delete, "/v1/kv/acceptance/kvtest/a", _token, "X-Consul-Token"))
            del.StatusCode.Should().Be(HttpStatusCode.OK);
        using var gone = await _c.Get("/v1/kv/acceptance/kvtest/a", _token, "X-Consul-Token");
        gone.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await gone.Content.ReadAsStringAsync()).Should().BeEmpty();
    }

    [Test]
    public async Task Metrics_in_prometheus_format_need_agent_read()
    {
        using var anon = await _c.Get("/v1/agent/metrics?format=prometheus");
        anon.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        using var r = await _c.Get("/v1/agent/metrics?format=prometheus", _token, "X-Consul-Token");
        var text = await r.Content.ReadAsStringAsync();
        r.StatusCode.Should().Be(HttpStatusCode.OK);
        text.Should().Contain("# TYPE consul_autopilot_healthy gauge").And.Contain("consul_autopilot_healthy 1");
    }

    [Test]
    public async Task Unknown_path_is_404()
    {
        using var r = await _c.Get("/v1/no/such/thing", _token, "X-Consul-Token");
        r.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }
}

[TestFixture]
public class ConsulAclTests
{
    private StandInUnderTest _c = null!;

    [OneTimeSetUp] public async Task Start() => _c = await StandInUnderTest.StartAsync("consul");
    [OneTimeTearDown] public async Task Stop() => await _c.DisposeAsync();

    [Test]
    public async Task Anonymous_gets_status_and_filtered_lists_but_not_agent_self()
    {
        using (var leader = await _c.Get("/v1/status/leader")) leader.StatusCode.Should().Be(HttpStatusCode.OK);
        using (var services = await _c.Get("/v1/catalog/services"))
        {
            services.StatusCode.Should().Be(HttpStatusCode.OK);
            (await services.Content.ReadAsStringAsync()).Should().Be("{}");
            services.Headers.Contains("X-Consul-Results-Filtered-By-ACLs").Should().BeFalse("only sent to non-anonymous tokens");
        }
        (await _c.GetJson("/v1/agent/members")).AsArray().Should().BeEmpty();
        (await _c.GetJson("/v1/health/state/any")).AsArray().Should().BeEmpty();
        using var self = await _c.Get("/v1/agent/self");
        self.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        self.Headers.GetValues("X-Consul-Default-ACL-Policy").Should().Equal("deny");
        (await self.Content.ReadAsStringAsync()).Should().Contain("Permission denied").And.Contain("anonymous token lacks permission 'agent:read'");
        using var tokenSelf = await _c.Get("/v1/acl/token/self");
        tokenSelf.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await tokenSelf.Content.ReadAsStringAsync()).Should().Contain("ACL not found");
    }

    [Test]
    public async Task Unknown_token_is_ACL_not_found()
    {
        using var r = await _c.Get("/v1/catalog/services", Guid.NewGuid().ToString(), "X-Consul-Token");
        r.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await r.Content.ReadAsStringAsync()).Should().Contain("ACL not found");
    }

    [Test]
    public async Task Everyday_token_reads_everything_writes_only_acceptance_and_is_not_management()
    {
        var t = _c.Secret("consul.token");
        var self = await _c.GetJson("/v1/acl/token/self", t); // Authorization: Bearer works too
        self["Policies"]!.AsArray().Select(p => p!["Name"]!.GetValue<string>()).Should().NotContain("global-management");
        using (var ok = await _c.Send(HttpMethod.Put, "/v1/kv/acceptance/x", t, "X-Consul-Token", "1")) ok.StatusCode.Should().Be(HttpStatusCode.OK);
        using (var no = await _c.Send(HttpMethod.Put, "/v1/kv/other/x", t, "X-Consul-Token", "1"))
        {
            no.StatusCode.Should().Be(HttpStatusCode.Forbidden);
            (await no.Content.ReadAsStringAsync()).Should().Contain("lacks permission 'key:write'");
        }
        using (var acl = await _c.Get("/v1/acl/tokens", t, "X-Consul-Token")) acl.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        using var filtered = await _c.Get("/v1/catalog/services", t, "X-Consul-Token");
        filtered.Headers.Contains("X-Consul-Results-Filtered-By-ACLs").Should().BeFalse();
    }

    [Test]
    public async Task Management_token_has_global_management()
    {
        var self = await _c.GetJson("/v1/acl/token/self", _c.Secret("consul-management.token"), "X-Consul-Token");
        self["Policies"]!.AsArray().Select(p => p!["Name"]!.GetValue<string>()).Should().Contain("global-management");
        self["SecretID"]!.GetValue<string>().Should().Be(_c.Secret("consul-management.token"));
    }
}

[TestFixture]
public class ConsulFaultTests
{
    private StandInUnderTest _c = null!;
    private string _t = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _c = await StandInUnderTest.StartAsync("consul");
        _t = _c.Secret("consul.token");
    }

    [OneTimeTearDown] public async Task Stop() => await _c.DisposeAsync();

    private async Task<(int status, JsonNode body)> Autopilot()
    {
        using var r = await _c.Get("/v1/operator/autopilot/health", _t, "X-Consul-Token");
        return ((int)r.StatusCode, JsonNode.Parse(await r.Content.ReadAsStringAsync())!);
    }

    [Test]
    public async Task No_leader()
    {
        _c.Fault("consul.no-leader", true);
        try
        {
            (await _c.GetJson("/v1/status/leader")).GetValue<string>().Should().BeEmpty();
            var (status, body) = await Autopilot();
            status.Should().Be(429);
            body["Healthy"]!.GetValue<bool>().Should().BeFalse();
        }
        finally { _c.Fault("consul.no-leader", false); }
        (await _c.GetJson("/v1/status/leader")).GetValue<string>().Should().NotBeEmpty();
        (await Autopilot()).status.Should().Be(200);
    }

    [Test]
    public async Task Server_down()
    {
        _c.Fault("consul.server-down", true);
        try
        {
            var members = (await _c.GetJson("/v1/agent/members", _t, "X-Consul-Token")).AsArray();
            members.Should().Contain(m => m!["Tags"]!["role"]!.GetValue<string>() == "consul" && m["Status"]!.GetValue<int>() != 1);
            (await _c.GetJson("/v1/status/peers")).AsArray().Should().HaveCount(2);
            var (status, body) = await Autopilot();
            status.Should().Be(429);
            body["Healthy"]!.GetValue<bool>().Should().BeFalse();
            body["FailureTolerance"]!.GetValue<int>().Should().Be(0);
        }
        finally { _c.Fault("consul.server-down", false); }
        (await _c.GetJson("/v1/status/peers")).AsArray().Should().HaveCount(3);
        (await Autopilot()).body["FailureTolerance"]!.GetValue<int>().Should().Be(1);
    }

    [Test]
    public async Task Acl_disabled()
    {
        _c.Fault("consul.acl-disabled", true);
        try
        {
            using var self = await _c.Get("/v1/agent/self");
            self.StatusCode.Should().Be(HttpStatusCode.OK);
            self.Headers.GetValues("X-Consul-Default-ACL-Policy").Should().Equal("allow");
            (await _c.GetJson("/v1/catalog/services")).AsObject().Count.Should().BeGreaterThan(5);
            using var tokenSelf = await _c.Get("/v1/acl/token/self", _t, "X-Consul-Token");
            tokenSelf.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            (await tokenSelf.Content.ReadAsStringAsync()).Should().Contain("ACL support disabled");
            var dbg = (await _c.GetJson("/v1/agent/self"))["DebugConfig"]!;
            dbg["ACLsEnabled"]!.GetValue<bool>().Should().BeFalse();
        }
        finally { _c.Fault("consul.acl-disabled", false); }
        using var again = await _c.Get("/v1/agent/self");
        again.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task Check_critical_while_the_service_is_up()
    {
        _c.Fault("consul.check-critical", true, "grafana");
        try
        {
            var checks = (await _c.GetJson("/v1/health/checks/grafana", _t, "X-Consul-Token")).AsArray();
            checks.Should().OnlyContain(c => c!["Status"]!.GetValue<string>() == "critical");
            checks[0]!["Output"]!.GetValue<string>().Should().Contain("consul.check-critical");
            (await _c.GetJson("/v1/health/service/grafana?passing", _t, "X-Consul-Token")).AsArray().Should().BeEmpty();
        }
        finally { _c.Fault("consul.check-critical", false); }
        var after = (await _c.GetJson("/v1/health/checks/grafana", _t, "X-Consul-Token")).AsArray();
        after[0]!["Output"]!.GetValue<string>().Should().NotContain("consul.check-critical");
    }
}

[TestFixture]
public class ConsulHealthCheckTests
{
    [Test]
    public async Task Check_follows_the_real_service_up_then_down()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var c = await StandInUnderTest.StartAsync("consul", new Dictionary<string, int> { ["PROMETHEUS_PORT"] = port }, TimeSpan.FromMilliseconds(500));
        var t = c.Secret("consul.token");
        async Task<string> Status() => (await c.GetJson("/v1/health/checks/prometheus", t, "X-Consul-Token"))[0]!["Status"]!.GetValue<string>();
        await Eventually.Until(Status, s => s == "passing", "prometheus check passing");
        (await c.GetJson("/v1/health/service/prometheus?passing", t, "X-Consul-Token")).AsArray().Should().ContainSingle();
        listener.Stop();
        await Eventually.Until(Status, s => s == "critical", "prometheus check critical after the service stopped");
        (await c.GetJson("/v1/health/service/prometheus?passing", t, "X-Consul-Token")).AsArray().Should().BeEmpty();
        var crit = (await c.GetJson("/v1/health/state/critical", t, "X-Consul-Token")).AsArray();
        crit.Should().Contain(x => x!["ServiceName"]!.GetValue<string>() == "prometheus" && x["Output"]!.GetValue<string>().Contains("connection refused"));
    }
}

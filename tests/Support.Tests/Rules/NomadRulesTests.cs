using System.Text.Json.Nodes;
using Acceptance.Support.Evidence;
using Acceptance.Support.Nomad;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Rules;

/// <summary>
/// <see cref="NomadRules"/>: each rule on the project's own small facts (healthy and faulty), then on the documented Nomad
/// bodies (../shared/fixtures/nomad) read by the real <see cref="NomadClient"/> through <see cref="NomadProbe"/>.
/// </summary>
public sealed class NomadRulesTests
{
    private static readonly string[] DockerExec = ["docker", "exec"];

    private static NomadDriver Usable(string name) => new(name, true, true, "Driver is available and responsive");

    private static NomadNode Node(string name, string status = "ready", string eligibility = "eligible", bool drain = false, params NomadDriver[] drivers) =>
        new(name + "-id", name, status, "", eligibility, drain, drivers.Length > 0 ? drivers : [Usable("docker"), Usable("exec")],
            16, 65536, 2_048_000, 500L << 30, 25_000, "10.0.2.1:4646", "10.0.2.1", new Dictionary<string, string>(), []);

    private readonly List<NomadClient> _clients = [];

    private NomadProbe Probe(FixtureServer server, string? region = null)
    {
        var client = new NomadClient(TestTarget.With(new NomadOptions { Key = "nomad", Address = server.Url, Region = region }), new EvidenceLog());
        _clients.Add(client);
        return new NomadProbe(client, new EvidenceLog());
    }

    [TearDown]
    public void DisposeClients()
    {
        foreach (var c in _clients) c.Dispose();
        _clients.Clear();
    }

    // ---------------------------------------------------------------- NodesSchedulable (own facts)

    [Test]
    public void NodesSchedulable_holds_for_ready_eligible_nodes_with_healthy_drivers()
    {
        var v = NomadRules.NodesSchedulable([Node("w1"), Node("w2")], DockerExec);

        v.Holds.Should().BeTrue(v.Sentence);
        v.Expected.Should().Contain("drivers [docker, exec] (expect.nomad_drivers)");
        v.Observed.Should().StartWith("w1: ready, eligible drivers docker: detected, healthy, exec: detected, healthy");
    }

    [Test]
    public void NodesSchedulable_names_a_down_an_ineligible_and_a_draining_node()
    {
        var v = NomadRules.NodesSchedulable([
            Node("w1"),
            Node("w2", status: "down") with { StatusDescription = "node heartbeat missed" },
            Node("w3", eligibility: "ineligible"),
            Node("w4", drain: true),
        ], DockerExec);

        v.Shortfalls.Should().Equal(
            "w2: down, eligible (node heartbeat missed)",
            "w3: ready, ineligible",
            "w4: ready, eligible, draining");
    }

    [Test]
    public void NodesSchedulable_names_a_missing_and_an_unhealthy_driver()
    {
        var v = NomadRules.NodesSchedulable([
            Node("w1", drivers: [Usable("docker")]),
            Node("w2", drivers: [Usable("docker"), new NomadDriver("exec", true, false, "failed to start exec plugin")]),
        ], DockerExec);

        v.Shortfalls.Should().Equal(
            "w1: driver exec not fingerprinted",
            "w2: driver exec: detected=True healthy=False (failed to start exec plugin)");
    }

    [Test]
    public void NodesSchedulable_fails_without_client_nodes()
    {
        var v = NomadRules.NodesSchedulable([], DockerExec);

        v.Shortfalls.Should().Equal("no client nodes registered");
    }

    // ---------------------------------------------------------------- AnonymousDenied (own facts)

    [Test]
    public void AnonymousDenied_holds_for_403_or_401_on_every_protected_endpoint()
    {
        var v = NomadRules.AnonymousDenied([new("v1/jobs", 403, "Permission denied"), new("v1/nodes", 401, "")]);

        v.Holds.Should().BeTrue(v.Sentence);
        v.Observed.Should().Be("anonymous GET /v1/jobs → 403 (Permission denied); anonymous GET /v1/nodes → 401 ()");
    }

    [Test]
    public void AnonymousDenied_names_each_endpoint_an_anonymous_caller_reads()
    {
        var v = NomadRules.AnonymousDenied([new("v1/jobs", 200, "[]"), new("v1/nodes", 403, "Permission denied")]);

        v.Shortfalls.Should().Equal("anonymous GET /v1/jobs answered 200: ACLs are not enforced");
    }

    [Test]
    public void AnonymousDenied_does_not_accept_a_server_error_as_a_denial()
    {
        var v = NomadRules.AnonymousDenied([new("v1/jobs", 500, "rpc error"), new("v1/nodes", 404, "")]);

        v.Shortfalls.Should().Equal(
            "anonymous GET /v1/jobs answered 500: ACLs are not enforced",
            "anonymous GET /v1/nodes answered 404: ACLs are not enforced");
    }

    // ---------------------------------------------------------------- documented bodies: client nodes

    private const string NodeId = "f7476465-4d6e-c0de-26d0-e383c49be941";

    /// <summary>
    /// The documented /v1/nodes sample, and its node served as /v1/node/:id: ../shared holds no /v1/node/:id sample, and the
    /// list stub carries the fields this rule reads (Status, SchedulingEligibility, Drain, Drivers) in the same shape.
    /// </summary>
    private static FixtureServer NodesDocs(Action<JsonNode>? mutate = null)
    {
        var list = SharedFixtures.Json("nomad/nodes-list.json");
        var node = list[0]!.DeepClone();
        mutate?.Invoke(node);
        return new FixtureServer()
            .On("/v1/nodes", list.ToJsonString())
            .On("/v1/node/" + NodeId, node.ToJsonString());
    }

    [Test]
    public async Task Documented_node_is_schedulable_with_docker_and_exec()
    {
        await using var server = NodesDocs();

        var nodes = await Probe(server).NodesAsync();
        var v = NomadRules.NodesSchedulable(nodes, DockerExec);

        nodes.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Id = NodeId, Name = "nomad-4", Status = "ready", SchedulingEligibility = "eligible", Drain = false });
        nodes[0].Drivers.Select(d => d.Name).Should().BeEquivalentTo("java", "qemu", "rkt", "docker", "exec", "raw_exec");
        v.Holds.Should().BeTrue(v.Sentence);
        server.Requests.Should().Contain("GET /v1/node/" + NodeId);
    }

    [Test]
    public async Task Documented_node_does_not_offer_qemu()
    {
        await using var server = NodesDocs();

        var v = NomadRules.NodesSchedulable(await Probe(server).NodesAsync(), ["docker", "qemu"]);

        v.Shortfalls.Should().Equal("nomad-4: driver qemu: detected=False healthy=False");
    }

    [Test]
    public async Task Documented_node_down_fails_naming_the_node_and_status()
    {
        await using var server = NodesDocs(n => { n["Status"] = "down"; n["StatusDescription"] = "node is not reachable"; });

        var v = NomadRules.NodesSchedulable(await Probe(server).NodesAsync(), DockerExec);

        v.Shortfalls.Should().Equal("nomad-4: down, eligible (node is not reachable)");
    }

    [Test]
    public async Task Documented_node_draining_and_ineligible_fails()
    {
        await using var server = NodesDocs(n => { n["Drain"] = true; n["SchedulingEligibility"] = "ineligible"; });

        var v = NomadRules.NodesSchedulable(await Probe(server).NodesAsync(), DockerExec);

        v.Shortfalls.Should().Equal("nomad-4: ready, ineligible, draining");
    }

    [Test]
    public async Task Documented_node_with_an_unhealthy_docker_driver_fails_naming_the_driver()
    {
        await using var server = NodesDocs(n =>
        {
            n["Drivers"]!["docker"]!["Healthy"] = false;
            n["Drivers"]!["docker"]!["HealthDescription"] = "Docker is unresponsive";
        });

        var v = NomadRules.NodesSchedulable(await Probe(server).NodesAsync(), DockerExec);

        v.Shortfalls.Should().Equal("nomad-4: driver docker: detected=True healthy=False (Docker is unresponsive)");
    }

    [Test]
    public async Task An_empty_node_list_has_no_client_nodes()
    {
        await using var server = new FixtureServer().On("/v1/nodes", "[]");

        var v = NomadRules.NodesSchedulable(await Probe(server).NodesAsync(), DockerExec);

        v.Shortfalls.Should().Equal("no client nodes registered");
    }

    // ---------------------------------------------------------------- documented bodies: anonymous access

    [Test]
    public async Task Anonymous_403_on_jobs_and_nodes_holds()
    {
        await using var server = new FixtureServer()
            .On("/v1/jobs", "Permission denied", 403, contentType: "text/plain")
            .On("/v1/nodes", "Permission denied", 403, contentType: "text/plain");

        var access = await Probe(server).AnonymousAccessAsync();
        var v = NomadRules.AnonymousDenied(access);

        access.Select(a => (a.Path, a.Status)).Should().Equal(("v1/jobs", 403), ("v1/nodes", 403));
        v.Holds.Should().BeTrue(v.Sentence);
    }

    [Test]
    public async Task Documented_job_and_node_lists_answered_to_an_anonymous_caller_fail()
    {
        await using var server = new FixtureServer()
            .On("/v1/jobs", SharedFixtures.Text("nomad/jobs-list.json"))
            .On("/v1/nodes", SharedFixtures.Text("nomad/nodes-list.json"));

        var v = NomadRules.AnonymousDenied(await Probe(server).AnonymousAccessAsync());

        v.Shortfalls.Should().Equal(
            "anonymous GET /v1/jobs answered 200: ACLs are not enforced",
            "anonymous GET /v1/nodes answered 200: ACLs are not enforced");
    }

    [Test]
    public async Task The_region_is_sent_only_when_configured()
    {
        await using var withRegion = new FixtureServer()
            .On("/v1/jobs", "Permission denied", 403, contentType: "text/plain")
            .On("/v1/nodes", "Permission denied", 403, contentType: "text/plain");
        await using var withoutRegion = new FixtureServer()
            .On("/v1/jobs", "Permission denied", 403, contentType: "text/plain")
            .On("/v1/nodes", "Permission denied", 403, contentType: "text/plain");

        await Probe(withRegion, region: "eu west").AnonymousAccessAsync();
        await Probe(withoutRegion).AnonymousAccessAsync();

        withRegion.Requests.Should().Equal("GET /v1/jobs?region=eu%20west", "GET /v1/nodes?region=eu%20west");
        withoutRegion.Requests.Should().Equal("GET /v1/jobs", "GET /v1/nodes");
    }
}

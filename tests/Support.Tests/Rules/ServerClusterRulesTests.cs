using System.Text.Json.Nodes;
using Acceptance.Support.Configuration;
using Acceptance.Support.Consul;
using Acceptance.Support.Evidence;
using Acceptance.Support.Nomad;
using Acceptance.Support.ServerCluster;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Rules;

/// <summary>
/// <see cref="ServerClusterRules"/>: each rule on the project's own small facts (healthy and faulty), then on the documented
/// Consul and Nomad bodies (../shared/fixtures) read by the real clients through <see cref="ServerClusterProbe"/>.
/// </summary>
public sealed class ServerClusterRulesTests
{
    private const string L = "10.0.0.1:8300";
    private const string F2 = "10.0.0.2:8300";
    private const string F3 = "10.0.0.3:8300";

    private static RaftServer Raft(string node, string address, bool leader) => new(node + "-id", node, address, leader, true);

    private static AutopilotServer Ap(string name, string address, bool leader, bool healthy = true, string serf = "alive") =>
        new(name + "-id", name, address, serf, leader, true, healthy, leader ? "0s" : "12ms");

    private static AutopilotHealth Autopilot(params AutopilotServer[] servers) =>
        new("Consul", true, 1, servers.FirstOrDefault(s => s.Leader)?.Id ?? "", servers, 200);

    private static Leadership Healthy() => new("Consul", L, [L, F2, F3],
        [Raft("c1", L, true), Raft("c2", F2, false), Raft("c3", F3, false)], null,
        Autopilot(Ap("c1", L, true), Ap("c2", F2, false), Ap("c3", F3, false)));

    private static TokenFacts Token(bool management = false, string[]? policies = null) =>
        new("Consul", 200, true, "acc-1", "suite token", policies ?? ["checklist-read"], management, "");

    // ---------------------------------------------------------------- LeaderAgreed (own facts)

    [Test]
    public void LeaderAgreed_holds_when_status_raft_autopilot_and_peers_name_the_same_leader()
    {
        var v = ServerClusterRules.LeaderAgreed(Healthy());

        v.Holds.Should().BeTrue(v.Sentence);
        v.IsTerminal.Should().BeFalse();
        v.Rule.Should().Be("Consul: one leader that every server agrees on");
        v.Observed.Should().Contain($"leader '{L}'").And.Contain("c1 10.0.0.1:8300 (leader)");
        v.Sentence.Should().EndWith("Verdict: holds");
    }

    [Test]
    public void LeaderAgreed_without_a_leader_is_terminal_and_says_so_once()
    {
        var v = ServerClusterRules.LeaderAgreed(new Leadership("Nomad", "", [], null, "not read: no leader",
            new AutopilotHealth("Nomad", false, 0, "", [], 0)));

        v.Holds.Should().BeFalse();
        v.IsTerminal.Should().BeTrue("the product itself answers that there is no leader; waiting does not help a poll");
        v.Shortfalls.Should().Equal("/v1/status/leader is empty: no leader elected");
        v.Sentence.Should().Contain("Verdict: NOT met: /v1/status/leader is empty: no leader elected");
    }

    [Test]
    public void LeaderAgreed_names_an_unreadable_raft_configuration_and_is_not_terminal()
    {
        var v = ServerClusterRules.LeaderAgreed(Healthy() with { Raft = null, RaftError = "Consul GET http://c1/v1/operator/raft/configuration → 500: No cluster leader" });

        v.Holds.Should().BeFalse();
        v.IsTerminal.Should().BeFalse("a leader exists; the raft view may still converge");
        v.Shortfalls.Should().Equal("raft configuration unreadable: Consul GET http://c1/v1/operator/raft/configuration → 500: No cluster leader");
    }

    [Test]
    public void LeaderAgreed_fails_when_raft_names_two_leaders_or_none()
    {
        var two = ServerClusterRules.LeaderAgreed(Healthy() with { Raft = [Raft("c1", L, true), Raft("c2", F2, true), Raft("c3", F3, false)] });
        var none = ServerClusterRules.LeaderAgreed(Healthy() with { Raft = [Raft("c1", L, false), Raft("c2", F2, false), Raft("c3", F3, false)] });

        two.Shortfalls.Should().Equal("raft configuration names 2 leaders (c1 10.0.0.1:8300 (leader), c2 10.0.0.2:8300 (leader))");
        none.Shortfalls.Should().Equal("raft configuration names 0 leaders ()");
    }

    [Test]
    public void LeaderAgreed_fails_when_raft_names_another_leader()
    {
        var v = ServerClusterRules.LeaderAgreed(Healthy() with { Raft = [Raft("c1", L, false), Raft("c2", F2, true), Raft("c3", F3, false)] });

        v.Shortfalls.Should().Equal("raft configuration leader c2 10.0.0.2:8300 (leader) is not 10.0.0.1:8300");
    }

    [Test]
    public void LeaderAgreed_fails_when_autopilot_names_no_leader_or_another_one()
    {
        var none = ServerClusterRules.LeaderAgreed(Healthy() with
        {
            Autopilot = new AutopilotHealth("Consul", true, 1, "", [Ap("c1", L, false), Ap("c2", F2, false), Ap("c3", F3, false)], 200),
        });
        var other = ServerClusterRules.LeaderAgreed(Healthy() with { Autopilot = Autopilot(Ap("c1", L, false), Ap("c2", F2, true), Ap("c3", F3, false)) });

        none.Shortfalls.Should().Equal("autopilot names no leader");
        other.Shortfalls.Should().ContainSingle().Which.Should().StartWith("autopilot leader c2 10.0.0.2:8300").And.EndWith("is not 10.0.0.1:8300");
    }

    [Test]
    public void LeaderAgreed_finds_autopilot_leader_by_its_id_when_no_server_is_flagged()
    {
        // Nomad and Consul also give the leader's ID at the top level ("Leader"); the per-server flag may be absent.
        var v = ServerClusterRules.LeaderAgreed(Healthy() with
        {
            Autopilot = new AutopilotHealth("Consul", true, 1, "c1-id", [Ap("c1", L, false), Ap("c2", F2, false), Ap("c3", F3, false)], 200),
        });

        v.Holds.Should().BeTrue(v.Sentence);
    }

    [Test]
    public void LeaderAgreed_names_each_server_that_does_not_follow_the_leader()
    {
        var v = ServerClusterRules.LeaderAgreed(Healthy() with
        {
            Autopilot = Autopilot(Ap("c1", L, true), Ap("c2", F2, false, healthy: false), Ap("c3", F3, false, serf: "failed")),
        });

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().HaveCount(2);
        v.Shortfalls[0].Should().StartWith("server c2 does not follow the leader (c2 10.0.0.2:8300").And.Contain("healthy=False");
        v.Shortfalls[1].Should().StartWith("server c3 does not follow the leader (c3 10.0.0.3:8300").And.Contain("serf=failed");
    }

    [Test]
    public void LeaderAgreed_fails_when_the_leader_is_not_a_raft_peer()
    {
        var v = ServerClusterRules.LeaderAgreed(Healthy() with { Peers = [F2, F3] });

        v.Shortfalls.Should().Equal("leader 10.0.0.1:8300 is not among the raft peers [10.0.0.2:8300, 10.0.0.3:8300]");
    }

    // ---------------------------------------------------------------- EnoughPeers / RecommendedPeers (own facts)

    [Test]
    public void EnoughPeers_holds_at_the_expected_count_with_no_checklist_difference_at_the_default()
    {
        var v = ServerClusterRules.EnoughPeers("Consul", [L, F2, F3], 3, "consul_servers", new Expectations());

        v.Holds.Should().BeTrue(v.Sentence);
        v.ChecklistDifference.Should().BeNull();
        v.IsRecommendation.Should().BeFalse();
        v.Observed.Should().Be("3 raft peers [10.0.0.1:8300, 10.0.0.2:8300, 10.0.0.3:8300]");
    }

    [TestCase(2)]
    [TestCase(0)]
    public void EnoughPeers_fails_below_the_expected_count_naming_both_numbers(int count)
    {
        var peers = new[] { L, F2, F3 }.Take(count).ToList();

        var v = ServerClusterRules.EnoughPeers("Consul", peers, 3, "consul_servers", new Expectations());

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal($"Consul has {count} raft peers, fewer than expect.consul_servers (3)");
        v.Sentence.Should().Contain("Verdict: NOT met: ");
    }

    [Test]
    public void EnoughPeers_reports_the_lowered_number_of_its_own_key_only()
    {
        var nomadLowered = new Expectations { NomadServers = 1 };

        var nomad = ServerClusterRules.EnoughPeers("Nomad", ["127.0.0.1:4647"], 1, "nomad_servers", nomadLowered);
        var consul = ServerClusterRules.EnoughPeers("Consul", [L, F2, F3], 3, "consul_servers", nomadLowered);

        nomad.Holds.Should().BeTrue();
        nomad.ChecklistDifference.Should().Be("expect.nomad_servers is 1 on this target; the checklist says 3");
        nomad.Sentence.Should().Contain("Threshold: expect.nomad_servers is 1 on this target; the checklist says 3");
        consul.ChecklistDifference.Should().BeNull("expect.consul_servers is still the checklist's 3");
    }

    [Test]
    public void RecommendedPeers_holds_with_five_servers()
    {
        var v = ServerClusterRules.RecommendedPeers("Nomad", ["a", "b", "c", "d", "e"], new Expectations());

        v.Holds.Should().BeTrue();
        v.IsRecommendation.Should().BeTrue();
        v.ChecklistDifference.Should().BeNull();
        v.Sentence.Should().EndWith("Verdict: holds");
    }

    [Test]
    public void RecommendedPeers_below_five_is_a_recommendation_not_met()
    {
        var v = ServerClusterRules.RecommendedPeers("Consul", [L, F2, F3], new Expectations());

        v.Holds.Should().BeFalse();
        v.IsRecommendation.Should().BeTrue();
        v.Shortfalls.Should().Equal("the checklist recommends 5 Consul servers, Consul has 3");
        v.Sentence.Should().Contain("Verdict: RECOMMENDATION not met (non-critical, not a requirement): the checklist recommends 5 Consul servers, Consul has 3");
    }

    [Test]
    public void RecommendedPeers_at_a_lowered_recommendation_holds_and_says_the_checklist_number()
    {
        var v = ServerClusterRules.RecommendedPeers("Consul", [L, F2, F3], new Expectations { RecommendedServers = 3 });

        v.Holds.Should().BeTrue();
        v.ChecklistDifference.Should().Be("expect.recommended_servers is 3 on this target; the checklist says 5");
    }

    // ---------------------------------------------------------------- AutopilotHealthy (own facts)

    [Test]
    public void AutopilotHealthy_holds_when_healthy_with_failure_tolerance_one()
    {
        var v = ServerClusterRules.AutopilotHealthy(Healthy().Autopilot);

        v.Holds.Should().BeTrue(v.Sentence);
        v.Observed.Should().Contain("healthy=True (HTTP 200), failure tolerance 1, leader c1");
    }

    [Test]
    public void AutopilotHealthy_names_the_unhealthy_server_the_status_and_the_lost_tolerance()
    {
        var a = new AutopilotHealth("Consul", false, 0, "c1-id", [Ap("c1", L, true), Ap("c2", F2, false), Ap("c3", F3, false, healthy: false)], 429);

        var v = ServerClusterRules.AutopilotHealthy(a);

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal(
            "autopilot Healthy=false (HTTP 429): unhealthy c3",
            "failure tolerance 0: losing one server loses quorum");
    }

    [Test]
    public void AutopilotHealthy_fails_on_zero_tolerance_even_when_healthy()
    {
        var v = ServerClusterRules.AutopilotHealthy(Healthy().Autopilot with { FailureTolerance = 0 });

        v.Shortfalls.Should().Equal("failure tolerance 0: losing one server loses quorum");
    }

    [Test]
    public void AutopilotHealthy_fails_when_unhealthy_although_every_server_is_healthy()
    {
        var v = ServerClusterRules.AutopilotHealthy(Healthy().Autopilot with { Healthy = false, HttpStatus = 429 });

        v.Shortfalls.Should().Equal("autopilot Healthy=false (HTTP 429)");
    }

    // ---------------------------------------------------------------- MembersAlive (own facts)

    [Test]
    public void MembersAlive_holds_when_every_member_is_alive()
    {
        var v = ServerClusterRules.MembersAlive("Consul", [new("c1", "10.0.0.1", "server", "alive", true), new("web-1", "10.0.1.1", "client", "alive", true)]);

        v.Holds.Should().BeTrue();
        v.Expected.Should().Be("every member Status 1 (alive)");
        v.Observed.Should().StartWith("2/2 alive: c1 (server, 10.0.0.1): alive");
    }

    [Test]
    public void MembersAlive_names_each_member_that_is_not_alive()
    {
        var v = ServerClusterRules.MembersAlive("Consul", [
            new("c1", "10.0.0.1", "server", "alive", true),
            new("c2", "10.0.0.2", "server", "failed", false),
            new("web-1", "10.0.1.1", "client", "left", false),
        ]);

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("c2 (server) is failed", "web-1 (client) is left");
        v.Observed.Should().StartWith("1/3 alive");
    }

    [Test]
    public void MembersAlive_fails_on_an_empty_member_list()
    {
        var v = ServerClusterRules.MembersAlive("Nomad", []);

        v.Shortfalls.Should().Equal("/v1/agent/members lists no member");
        v.Expected.Should().Be("every server Status \"alive\"");
    }

    // ---------------------------------------------------------------- TokenAccepted / TokenLeastPrivilege (own facts)

    [Test]
    public void TokenAccepted_holds_for_an_accepted_token()
    {
        var v = ServerClusterRules.TokenAccepted(Token(), "consul");

        v.Holds.Should().BeTrue();
        v.Rule.Should().Be("Consul: the token in services.consul.token is accepted");
    }

    [Test]
    public void TokenAccepted_for_a_refused_token_is_terminal_and_names_the_status()
    {
        var refused = new TokenFacts("Nomad", 403, false, "", "", [], false, "GET /v1/jobs: Permission denied");

        var v = ServerClusterRules.TokenAccepted(refused, "nomad");

        v.Holds.Should().BeFalse();
        v.IsTerminal.Should().BeTrue();
        v.Shortfalls.Should().Equal("the configured Nomad token is refused (HTTP 403)");
        v.Observed.Should().Be("Nomad token refused: HTTP 403 GET /v1/jobs: Permission denied");
    }

    [Test]
    public void TokenLeastPrivilege_holds_for_a_token_without_management()
    {
        var v = ServerClusterRules.TokenLeastPrivilege(Token(), "consul", allowManagement: false);

        v.Holds.Should().BeTrue();
        v.Expected.Should().Be("not a management token (services.consul.allow_management_token is false)");
    }

    [Test]
    public void TokenLeastPrivilege_fails_for_a_management_token_unless_allowed()
    {
        var management = Token(management: true, policies: ["global-management"]);

        var denied = ServerClusterRules.TokenLeastPrivilege(management, "consul", allowManagement: false);
        var allowed = ServerClusterRules.TokenLeastPrivilege(management, "consul", allowManagement: true);

        denied.Holds.Should().BeFalse();
        denied.Shortfalls.Should().Equal("the suite's Consul token is a management token (set services.consul.allow_management_token: true to accept one)");
        denied.Observed.Should().Contain("MANAGEMENT token");
        allowed.Holds.Should().BeTrue();
        allowed.Expected.Should().Contain("allow_management_token is true");
    }

    [Test]
    public void TokenLeastPrivilege_does_not_pass_a_refused_token_or_one_of_unknown_type()
    {
        var refused = ServerClusterRules.TokenLeastPrivilege(new TokenFacts("Consul", 403, false, "", "", [], false, "ACL not found"), "consul", false);
        var unknown = ServerClusterRules.TokenLeastPrivilege(
            new TokenFacts("Nomad", 400, true, "", "GET /v1/acl/token/self answered 400: ACL support disabled", [], false, "", TypeKnown: false), "nomad", true);

        refused.Shortfalls.Should().Equal("the token is refused (HTTP 403): its privileges cannot be judged");
        unknown.Shortfalls.Should().Equal("the token's type cannot be read (GET /v1/acl/token/self answered 400: ACL support disabled): least privilege is not shown");
    }

    // ---------------------------------------------------------------- ServerClusterProbe.LeadershipAsync

    private static ConsulClient Consul(FixtureServer server) =>
        new(TestTarget.With(new ConsulOptions { Key = "consul", Address = server.Url }), new EvidenceLog());

    private static NomadClient Nomad(FixtureServer server, string? region = null) =>
        new(TestTarget.With(new NomadOptions { Key = "nomad", Address = server.Url, Region = region }), new EvidenceLog());

    private const string OwnRaft = """
        {"Servers":[{"ID":"c1-id","Node":"c1","Address":"10.0.0.1:8300","Leader":true,"Voter":true},
                    {"ID":"c2-id","Node":"c2","Address":"10.0.0.2:8300","Leader":false,"Voter":true},
                    {"ID":"c3-id","Node":"c3","Address":"10.0.0.3:8300","Leader":false,"Voter":true}],"Index":9}
        """;

    private const string OwnAutopilot = """
        {"Healthy":true,"FailureTolerance":1,"Leader":"c1-id","Servers":[
          {"ID":"c1-id","Name":"c1","Address":"10.0.0.1:8300","SerfStatus":"alive","Leader":true,"Voter":true,"Healthy":true,"LastContact":"0s"},
          {"ID":"c2-id","Name":"c2","Address":"10.0.0.2:8300","SerfStatus":"alive","Leader":false,"Voter":true,"Healthy":true,"LastContact":"9ms"},
          {"ID":"c3-id","Name":"c3","Address":"10.0.0.3:8300","SerfStatus":"alive","Leader":false,"Voter":true,"Healthy":true,"LastContact":"11ms"}]}
        """;

    [Test]
    public async Task LeadershipAsync_without_a_leader_reads_neither_raft_nor_autopilot()
    {
        await using var server = new FixtureServer()
            .On("/v1/status/leader", "\"\"")
            .On("/v1/status/peers", "[]")
            .On("/v1/operator/raft/configuration", OwnRaft)
            .On("/v1/operator/autopilot/health", OwnAutopilot);
        using var client = Consul(server);

        var l = await new ServerClusterProbe(client, new EvidenceLog()).LeadershipAsync();

        l.HasLeader.Should().BeFalse();
        l.StatusLeader.Should().BeEmpty();
        l.Peers.Should().BeEmpty();
        l.Raft.Should().BeNull();
        l.RaftError.Should().Be("not read: no leader");
        l.Autopilot.Servers.Should().BeEmpty();
        server.Requests.Should().Contain("GET /v1/status/leader")
            .And.NotContain(r => r.Contains("/v1/operator/"), "raft and autopilot answer 500 without a leader, so they are not asked");
        var v = ServerClusterRules.LeaderAgreed(l);
        v.IsTerminal.Should().BeTrue();
        v.Shortfalls.Should().Equal("/v1/status/leader is empty: no leader elected");
    }

    [Test]
    public async Task LeadershipAsync_with_a_leader_reads_raft_and_autopilot()
    {
        await using var server = new FixtureServer()
            .On("/v1/status/leader", $"\"{L}\"")
            .On("/v1/status/peers", $"[\"{L}\",\"{F2}\",\"{F3}\"]")
            .On("/v1/operator/raft/configuration", OwnRaft)
            .On("/v1/operator/autopilot/health", OwnAutopilot);
        using var client = Consul(server);

        var l = await new ServerClusterProbe(client, new EvidenceLog()).LeadershipAsync();

        l.HasLeader.Should().BeTrue();
        l.StatusLeader.Should().Be(L);
        l.Peers.Should().Equal(L, F2, F3);
        l.Raft.Should().Equal(Raft("c1", L, true), Raft("c2", F2, false), Raft("c3", F3, false));
        l.RaftError.Should().BeNull();
        l.Autopilot.FailureTolerance.Should().Be(1);
        l.Autopilot.LeaderServer!.Name.Should().Be("c1");
        server.Requests.Should().Contain("GET /v1/operator/raft/configuration").And.Contain("GET /v1/operator/autopilot/health");
        ServerClusterRules.LeaderAgreed(l).Holds.Should().BeTrue();
    }

    [Test]
    public async Task LeadershipAsync_with_a_leader_but_a_failing_raft_read_keeps_the_answer_as_the_reason()
    {
        await using var server = new FixtureServer()
            .On("/v1/status/leader", $"\"{L}\"")
            .On("/v1/status/peers", $"[\"{L}\",\"{F2}\",\"{F3}\"]")
            .On("/v1/operator/raft/configuration", "rpc error: No cluster leader", 500, contentType: "text/plain")
            .On("/v1/operator/autopilot/health", OwnAutopilot);
        using var client = Consul(server);

        var l = await new ServerClusterProbe(client, new EvidenceLog()).LeadershipAsync();

        l.Raft.Should().BeNull();
        l.RaftError.Should().Be($"Consul GET {server.Url}/v1/operator/raft/configuration → 500: rpc error: No cluster leader");
        var v = ServerClusterRules.LeaderAgreed(l);
        v.IsTerminal.Should().BeFalse();
        v.Shortfalls.Should().Equal($"raft configuration unreadable: Consul GET {server.Url}/v1/operator/raft/configuration → 500: rpc error: No cluster leader");
    }

    [Test]
    public async Task LeadershipAsync_treats_Nomads_500_no_cluster_leader_as_no_leader()
    {
        await using var server = new FixtureServer()
            .On("/v1/status/leader", "No cluster leader", 500, contentType: "text/plain")
            .On("/v1/status/peers", "No cluster leader", 500, contentType: "text/plain");
        using var client = Nomad(server);

        var l = await new ServerClusterProbe(client, new EvidenceLog()).LeadershipAsync();

        l.HasLeader.Should().BeFalse();
        l.Peers.Should().BeEmpty();
        server.Requests.Should().NotContain(r => r.Contains("/v1/operator/"));
        ServerClusterRules.LeaderAgreed(l).IsTerminal.Should().BeTrue();
    }

    // ---------------------------------------------------------------- documented Consul bodies through the real client

    private static FixtureServer ConsulDocs(JsonNode? leader = null, JsonNode? peers = null, JsonNode? autopilot = null, int autopilotStatus = 200) =>
        new FixtureServer()
            .On("/v1/status/leader", leader?.ToJsonString() ?? SharedFixtures.Text("consul/status-leader.json"))
            .On("/v1/status/peers", peers?.ToJsonString() ?? SharedFixtures.Text("consul/status-peers.json"))
            .On("/v1/operator/raft/configuration", SharedFixtures.Text("consul/operator-raft-configuration.json"))
            .On("/v1/operator/autopilot/health", autopilot?.ToJsonString() ?? SharedFixtures.Text("consul/operator-autopilot-health.json"), autopilotStatus)
            .On("/v1/agent/members", SharedFixtures.Text("consul/agent-members.json"));

    [Test]
    public async Task Consul_documented_samples_come_from_different_clusters_so_the_leaders_disagree()
    {
        // status-leader.json names 10.1.10.12:8300; the raft and autopilot samples name 127.0.0.1:8300.
        await using var server = ConsulDocs();
        using var client = Consul(server);

        var v = ServerClusterRules.LeaderAgreed(await new ServerClusterProbe(client, new EvidenceLog()).LeadershipAsync());

        v.Holds.Should().BeFalse();
        v.IsTerminal.Should().BeFalse();
        v.Shortfalls.Should().HaveCount(2);
        v.Shortfalls[0].Should().Be("raft configuration leader alice 127.0.0.1:8300 (leader) is not 10.1.10.12:8300");
        v.Shortfalls[1].Should().StartWith("autopilot leader node1 127.0.0.1:8300").And.EndWith("is not 10.1.10.12:8300");
    }

    [Test]
    public async Task Consul_documented_raft_and_autopilot_with_a_matching_leader_and_peers_agree()
    {
        var peers = new JsonArray("127.0.0.1:8300", "127.0.0.2:8300", "127.0.0.3:8300"); // the raft sample's servers
        await using var server = ConsulDocs(leader: JsonValue.Create("127.0.0.1:8300"), peers: peers);
        using var client = Consul(server);

        var l = await new ServerClusterProbe(client, new EvidenceLog()).LeadershipAsync();
        var v = ServerClusterRules.LeaderAgreed(l);

        v.Holds.Should().BeTrue(v.Sentence);
        l.Raft!.Select(r => r.Node).Should().Equal("alice", "bob", "carol");
        l.Autopilot.Servers.Select(s => s.Name).Should().Equal("node1", "node2");
    }

    [Test]
    public async Task Consul_documented_leadership_with_a_failed_follower_does_not_agree()
    {
        var autopilot = SharedFixtures.Json("consul/operator-autopilot-health.json");
        autopilot["Servers"]![1]!["SerfStatus"] = "failed";
        await using var server = ConsulDocs(leader: JsonValue.Create("127.0.0.1:8300"), peers: new JsonArray("127.0.0.1:8300"), autopilot: autopilot);
        using var client = Consul(server);

        var v = ServerClusterRules.LeaderAgreed(await new ServerClusterProbe(client, new EvidenceLog()).LeadershipAsync());

        v.Shortfalls.Should().ContainSingle().Which.Should().StartWith("server node2 does not follow the leader (node2 127.0.0.1:8205 serf=failed");
    }

    [Test]
    public async Task Consul_documented_autopilot_sample_has_failure_tolerance_zero_so_it_does_not_hold()
    {
        // The docs sample is Healthy=true with one voter and one non-voter: FailureTolerance 0.
        await using var server = ConsulDocs();
        using var client = Consul(server);

        var a = await new ServerClusterProbe(client, new EvidenceLog()).AutopilotAsync();
        var v = ServerClusterRules.AutopilotHealthy(a);

        a.Healthy.Should().BeTrue();
        a.HttpStatus.Should().Be(200);
        v.Shortfalls.Should().Equal("failure tolerance 0: losing one server loses quorum");
    }

    [Test]
    public async Task Consul_documented_autopilot_with_failure_tolerance_one_holds()
    {
        var autopilot = SharedFixtures.Json("consul/operator-autopilot-health.json");
        autopilot["FailureTolerance"] = 1;
        await using var server = ConsulDocs(autopilot: autopilot);
        using var client = Consul(server);

        var v = ServerClusterRules.AutopilotHealthy(await new ServerClusterProbe(client, new EvidenceLog()).AutopilotAsync());

        v.Holds.Should().BeTrue(v.Sentence);
    }

    [Test]
    public async Task Consul_documented_autopilot_unhealthy_429_names_the_server_and_the_tolerance()
    {
        var autopilot = SharedFixtures.Json("consul/operator-autopilot-health.json");
        autopilot["Healthy"] = false;
        autopilot["FailureTolerance"] = 0;
        autopilot["Servers"]![1]!["Healthy"] = false;
        await using var server = ConsulDocs(autopilot: autopilot, autopilotStatus: 429);
        using var client = Consul(server);

        var v = ServerClusterRules.AutopilotHealthy(await new ServerClusterProbe(client, new EvidenceLog()).AutopilotAsync());

        v.Shortfalls.Should().Equal("autopilot Healthy=false (HTTP 429): unhealthy node2", "failure tolerance 0: losing one server loses quorum");
    }

    [Test]
    public async Task Consul_documented_peers_meet_the_requirement_but_not_the_recommendation()
    {
        await using var server = ConsulDocs();
        using var client = Consul(server);

        var peers = await new ServerClusterProbe(client, new EvidenceLog()).PeersAsync();

        peers.Should().HaveCount(3);
        ServerClusterRules.EnoughPeers("Consul", peers, 3, "consul_servers", new Expectations()).Holds.Should().BeTrue();
        var rec = ServerClusterRules.RecommendedPeers("Consul", peers, new Expectations());
        rec.Holds.Should().BeFalse();
        rec.Sentence.Should().Contain("RECOMMENDATION not met").And.Contain("Consul has 3");
    }

    [Test]
    public async Task Consul_documented_members_are_alive()
    {
        await using var server = ConsulDocs();
        using var client = Consul(server);

        var members = await new ServerClusterProbe(client, new EvidenceLog()).MembersAsync();
        var v = ServerClusterRules.MembersAlive("Consul", members);

        members.Should().Equal(new ClusterMember("foobar", "10.1.10.12", "server", "alive", true));
        v.Holds.Should().BeTrue(v.Sentence);
    }

    [TestCase(4, "failed")]
    [TestCase(3, "left")]
    public async Task Consul_documented_member_with_serf_status_not_alive_is_named(int status, string name)
    {
        var members = SharedFixtures.Json("consul/agent-members.json");
        members[0]!["Status"] = status;
        await using var server = ConsulDocs().On("/v1/agent/members", members.ToJsonString());
        using var client = Consul(server);

        var v = ServerClusterRules.MembersAlive("Consul", await client.MembersAsync());

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal($"foobar (server) is {name}");
    }

    [Test]
    public async Task Consul_documented_token_is_accepted_and_least_privilege()
    {
        await using var server = new FixtureServer().On("/v1/acl/token/self", SharedFixtures.Text("consul/acl-token-self.json"));
        using var client = Consul(server);

        var token = await new ServerClusterProbe(client, new EvidenceLog()).TokenAsync();

        token.AccessorId.Should().Be("6a1253d2-1785-24fd-91c2-f8e78c745511");
        token.Policies.Should().Equal("node1-write", "node-read");
        ServerClusterRules.TokenAccepted(token, "consul").Holds.Should().BeTrue();
        ServerClusterRules.TokenLeastPrivilege(token, "consul", false).Holds.Should().BeTrue();
    }

    [TestCase("global-management", "e359bd81-baca-903e-7e64-1ccd9fdc78f5")]
    [TestCase("renamed-admin", ConsulClient.GlobalManagementPolicyId)]
    public async Task Consul_documented_token_with_the_global_management_policy_is_not_least_privilege(string name, string id)
    {
        var token = SharedFixtures.Json("consul/acl-token-self.json");
        token["Policies"]![1]!["Name"] = name;
        token["Policies"]![1]!["ID"] = id;
        await using var server = new FixtureServer().On("/v1/acl/token/self", token.ToJsonString());
        using var client = Consul(server);

        var v = ServerClusterRules.TokenLeastPrivilege(await client.TokenAsync(), "consul", false);

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("the suite's Consul token is a management token (set services.consul.allow_management_token: true to accept one)");
    }

    [Test]
    public async Task Consul_legacy_management_token_is_not_least_privilege()
    {
        var token = SharedFixtures.Json("consul/acl-token-self.json");
        token["Policies"] = new System.Text.Json.Nodes.JsonArray();
        token["Type"] = "management";
        await using var server = new FixtureServer().On("/v1/acl/token/self", token.ToJsonString());
        using var client = Consul(server);

        ServerClusterRules.TokenLeastPrivilege(await client.TokenAsync(), "consul", false).Holds.Should().BeFalse();
    }

    [Test]
    public async Task Consul_refused_token_403_acl_not_found_is_terminal()
    {
        await using var server = new FixtureServer().On("/v1/acl/token/self", "ACL not found", 403, contentType: "text/plain");
        using var client = Consul(server);

        var token = await client.TokenAsync();
        var v = ServerClusterRules.TokenAccepted(token, "consul");

        v.Holds.Should().BeFalse();
        v.IsTerminal.Should().BeTrue();
        v.Shortfalls.Should().Equal("the configured Consul token is refused (HTTP 403)");
        v.Observed.Should().Be("Consul token refused: HTTP 403 ACL not found");
        ServerClusterRules.TokenLeastPrivilege(token, "consul", false).Holds.Should().BeFalse();
    }

    // ---------------------------------------------------------------- documented Nomad bodies through the real client

    /// <summary>No Nomad raft-configuration sample is in ../shared: a small own body in the same shape, naming the documented leader.</summary>
    private const string NomadRaft = """
        {"Index":12,"Servers":[{"ID":"e349749b-3303-3ddf-959c-b5885a0e1f6e","Node":"node1.global","Address":"127.0.0.1:4647","Leader":true,"Voter":true,"RaftProtocol":"3"}]}
        """;

    private static FixtureServer NomadDocs(JsonNode? members = null, JsonNode? autopilot = null, int autopilotStatus = 200) =>
        new FixtureServer()
            .On("/v1/status/leader", SharedFixtures.Text("nomad/status-leader.json"))
            .On("/v1/status/peers", SharedFixtures.Text("nomad/status-peers.json"))
            .On("/v1/operator/raft/configuration", NomadRaft)
            .On("/v1/operator/autopilot/health", autopilot?.ToJsonString() ?? SharedFixtures.Text("nomad/operator-autopilot-health.json"), autopilotStatus)
            .On("/v1/agent/members", members?.ToJsonString() ?? SharedFixtures.Text("nomad/agent-members.json"));

    [Test]
    public async Task Nomad_documented_leadership_agrees()
    {
        await using var server = NomadDocs();
        using var client = Nomad(server);

        var l = await new ServerClusterProbe(client, new EvidenceLog()).LeadershipAsync();
        var v = ServerClusterRules.LeaderAgreed(l);

        l.StatusLeader.Should().Be("127.0.0.1:4647");
        l.Autopilot.LeaderId.Should().Be("e349749b-3303-3ddf-959c-b5885a0e1f6e");
        v.Holds.Should().BeTrue(v.Sentence);
        v.Rule.Should().StartWith("Nomad:");
    }

    [Test]
    public async Task Nomad_documented_leadership_whose_autopilot_leader_is_another_server_does_not_agree()
    {
        var autopilot = SharedFixtures.Json("nomad/operator-autopilot-health.json");
        autopilot["Servers"]![0]!["Leader"] = false;
        autopilot["Servers"]![1]!["Leader"] = true;
        await using var server = NomadDocs(autopilot: autopilot);
        using var client = Nomad(server);

        var v = ServerClusterRules.LeaderAgreed(await new ServerClusterProbe(client, new EvidenceLog()).LeadershipAsync());

        v.Shortfalls.Should().ContainSingle().Which.Should().StartWith("autopilot leader node2 127.0.0.1:4747").And.EndWith("is not 127.0.0.1:4647");
    }

    [Test]
    public async Task Nomad_documented_autopilot_sample_has_failure_tolerance_zero_and_an_unhealthy_variant_names_node2()
    {
        var unhealthy = SharedFixtures.Json("nomad/operator-autopilot-health.json");
        unhealthy["Healthy"] = false;
        unhealthy["Servers"]![1]!["Healthy"] = false;
        await using var docs = NomadDocs();
        await using var faulty = NomadDocs(autopilot: unhealthy, autopilotStatus: 429);
        using var docsClient = Nomad(docs);
        using var faultyClient = Nomad(faulty);

        var asDocumented = ServerClusterRules.AutopilotHealthy(await docsClient.AutopilotHealthAsync());
        var broken = ServerClusterRules.AutopilotHealthy(await faultyClient.AutopilotHealthAsync());

        asDocumented.Shortfalls.Should().Equal("failure tolerance 0: losing one server loses quorum");
        broken.Shortfalls.Should().Equal("autopilot Healthy=false (HTTP 429): unhealthy node2", "failure tolerance 0: losing one server loses quorum");
    }

    [Test]
    public async Task Nomad_documented_single_peer_is_fewer_than_three_servers()
    {
        await using var server = NomadDocs();
        using var client = Nomad(server);

        var peers = await new ServerClusterProbe(client, new EvidenceLog()).PeersAsync();
        var v = ServerClusterRules.EnoughPeers("Nomad", peers, 3, "nomad_servers", new Expectations());

        v.Shortfalls.Should().Equal("Nomad has 1 raft peers, fewer than expect.nomad_servers (3)");
    }

    [Test]
    public async Task Nomad_documented_members_are_alive_and_a_failed_one_is_named()
    {
        var failed = SharedFixtures.Json("nomad/agent-members.json");
        failed["Members"]![0]!["Status"] = "failed";
        await using var docs = NomadDocs();
        await using var faulty = NomadDocs(members: failed);
        using var docsClient = Nomad(docs);
        using var faultyClient = Nomad(faulty);

        var members = await docsClient.MembersAsync();
        var ok = ServerClusterRules.MembersAlive("Nomad", members);
        var broken = ServerClusterRules.MembersAlive("Nomad", await faultyClient.MembersAsync());

        members.Should().Equal(new ClusterMember("bacon-mac.global", "127.0.0.1:4648", "server", "alive", true));
        ok.Holds.Should().BeTrue(ok.Sentence);
        broken.Shortfalls.Should().Equal("bacon-mac.global (server) is failed");
    }

    [Test]
    public async Task Nomad_documented_client_token_is_accepted_and_least_privilege()
    {
        await using var server = new FixtureServer()
            .On("/v1/jobs", SharedFixtures.Text("nomad/jobs-list.json"))
            .On("/v1/acl/token/self", SharedFixtures.Text("nomad/acl-token-self.json"));
        using var client = Nomad(server);

        var token = await new ServerClusterProbe(client, new EvidenceLog()).TokenAsync();

        token.Description.Should().Be("Read-write token (type client)");
        token.Policies.Should().Equal("readwrite");
        token.IsManagement.Should().BeFalse();
        ServerClusterRules.TokenAccepted(token, "nomad").Holds.Should().BeTrue();
        ServerClusterRules.TokenLeastPrivilege(token, "nomad", false).Holds.Should().BeTrue();
    }

    [Test]
    public async Task Nomad_documented_management_token_is_not_least_privilege()
    {
        // acl-bootstrap.json is the documented management token shape (Type management, Policies null).
        await using var server = new FixtureServer()
            .On("/v1/jobs", SharedFixtures.Text("nomad/jobs-list.json"))
            .On("/v1/acl/token/self", SharedFixtures.Text("nomad/acl-bootstrap.json"));
        using var client = Nomad(server);

        var token = await client.TokenAsync();
        var v = ServerClusterRules.TokenLeastPrivilege(token, "nomad", false);

        token.IsManagement.Should().BeTrue();
        token.Policies.Should().BeEmpty();
        v.Shortfalls.Should().Equal("the suite's Nomad token is a management token (set services.nomad.allow_management_token: true to accept one)");
        ServerClusterRules.TokenLeastPrivilege(token, "nomad", true).Holds.Should().BeTrue();
    }

    [Test]
    public async Task Nomad_token_refused_by_a_protected_endpoint_is_terminal()
    {
        await using var server = new FixtureServer()
            .On("/v1/jobs", "Permission denied", 403, contentType: "text/plain")
            .On("/v1/acl/token/self", SharedFixtures.Text("nomad/acl-token-self.json"));
        using var client = Nomad(server);

        var token = await client.TokenAsync();
        var v = ServerClusterRules.TokenAccepted(token, "nomad");

        v.IsTerminal.Should().BeTrue();
        v.Shortfalls.Should().Equal("the configured Nomad token is refused (HTTP 403)");
        v.Observed.Should().Be("Nomad token refused: HTTP 403 GET /v1/jobs: Permission denied");
        server.Requests.Should().NotContain("GET /v1/acl/token/self");
    }

    [Test]
    public async Task Nomad_token_whose_self_lookup_is_refused_is_accepted_but_of_unknown_type()
    {
        await using var server = new FixtureServer()
            .On("/v1/jobs", SharedFixtures.Text("nomad/jobs-list.json"))
            .On("/v1/acl/token/self", "ACL support disabled", 400, contentType: "text/plain");
        using var client = Nomad(server);

        var token = await client.TokenAsync();

        ServerClusterRules.TokenAccepted(token, "nomad").Holds.Should().BeTrue();
        ServerClusterRules.TokenLeastPrivilege(token, "nomad", false).Shortfalls.Should()
            .Equal("the token's type cannot be read (GET /v1/acl/token/self answered 400: ACL support disabled): least privilege is not shown");
    }
}

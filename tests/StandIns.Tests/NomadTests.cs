using System.Net;
using System.Text.Json.Nodes;
using FluentAssertions;
using NUnit.Framework;
using StandIns.Tests.Support;

namespace StandIns.Tests;

/// <summary>Helpers shared by the Nomad tests.</summary>
public static class NomadApi
{
    public const string H = "X-Nomad-Token";

    public static string Job(string id, string type, string command, string[] args, string driver = "raw_exec", string extra = "", string group = "g", string task = "t") => $$"""
        job "{{id}}" {
          type        = "{{type}}"
          datacenters = ["dc1"]
          {{extra}}
          group "{{group}}" {
            count = 1
            task "{{task}}" {
              driver = "{{driver}}"
              config {
                command = "{{command}}"
                args    = [{{string.Join(", ", args.Select(a => "\"" + a.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\""))}}]
              }
              env {
                GREETING = "hello"
              }
              resources {
                cpu    = 100
                memory = 64
              }
            }
          }
        }
        """;

    public static async Task<JsonObject> Parse(StandInUnderTest n, string token, string hcl)
    {
        using var r = await n.Send(HttpMethod.Post, "/v1/jobs/parse", token, H, new JsonObject { ["JobHCL"] = hcl, ["Canonicalize"] = true }.ToJsonString());
        var body = await r.Content.ReadAsStringAsync();
        r.StatusCode.Should().Be(HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!.AsObject();
    }

    public static async Task<JsonObject> Register(StandInUnderTest n, string token, JsonObject job)
    {
        using var r = await n.Send(HttpMethod.Post, "/v1/jobs", token, H, new JsonObject { ["Job"] = job.DeepClone() }.ToJsonString());
        var body = await r.Content.ReadAsStringAsync();
        r.StatusCode.Should().Be(HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!.AsObject();
    }

    public static async Task<JsonArray> Allocs(StandInUnderTest n, string token, string job) =>
        (await n.GetJson($"/v1/job/{Uri.EscapeDataString(job)}/allocations", token, H)).AsArray();

    public static async Task<JsonNode> WaitAlloc(StandInUnderTest n, string token, string job, Func<JsonNode, bool> ok, string what, int index = 0) =>
        (await Eventually.Until(() => Allocs(n, token, job), a => a.Count > index && ok(a[index]!), what, 30))[index]!;
}

[TestFixture]
public class NomadContractTests
{
    private StandInUnderTest _n = null!;
    private string _t = null!;
    private string _allocId = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _n = await StandInUnderTest.StartAsync("nomad");
        _t = _n.Secret("nomad.token");
        var job = await NomadApi.Parse(_n, _t, NomadApi.Job("contract", "batch", "/bin/sh", ["-c", "echo contract-output; sleep 0.2"], task: "redis", group: "cache"));
        await NomadApi.Register(_n, _t, job);
        var alloc = await NomadApi.WaitAlloc(_n, _t, "contract", a => a["ClientStatus"]!.GetValue<string>() == "complete", "contract job complete");
        _allocId = alloc["ID"]!.GetValue<string>();
    }

    [OneTimeTearDown] public async Task Stop() => await _n.DisposeAsync();

    [TestCase("/v1/status/leader", "status-leader.json")]
    [TestCase("/v1/status/peers", "status-peers.json")]
    [TestCase("/v1/agent/members", "agent-members.json")]
    [TestCase("/v1/agent/self", "agent-self.json")]
    [TestCase("/v1/nodes?os=true", "nodes-list.json")]
    [TestCase("/v1/operator/autopilot/health", "operator-autopilot-health.json")]
    [TestCase("/v1/acl/token/self", "acl-token-self.json")]
    [TestCase("/v1/jobs", "jobs-list.json")]
    [TestCase("/v1/job/contract/allocations", "job-allocations.json")]
    [TestCase("/v1/job/contract/evaluations", "job-evaluations.json")]
    public async Task Get_endpoint_matches_documented_shape(string path, string fixture)
    {
        using var r = await _n.Get(path, _t, NomadApi.H);
        var body = await r.Content.ReadAsStringAsync();
        r.StatusCode.Should().Be(HttpStatusCode.OK, body);
        r.Headers.GetValues("X-Sandbox-Standin").Should().Equal("nomad");
        r.Headers.Contains("X-Nomad-Index").Should().BeTrue();
        JsonShape.Compare(Fixture.Json("nomad/" + fixture), JsonNode.Parse(body), "nomad").Should().BeEmpty();
    }

    [Test]
    public async Task Management_token_self_has_the_bootstrap_shape()
    {
        var self = await _n.GetJson("/v1/acl/token/self", _n.Secret("nomad-management.token"), NomadApi.H);
        JsonShape.Compare(Fixture.Json("nomad/acl-bootstrap.json"), self, "nomad").Should().BeEmpty();
        self["Type"]!.GetValue<string>().Should().Be("management");
        (await _n.GetJson("/v1/acl/token/self", _t, NomadApi.H))["Type"]!.GetValue<string>().Should().Be("client");
    }

    [Test]
    public async Task Evaluation_read_matches_documented_shape()
    {
        var evals = (await _n.GetJson("/v1/job/contract/evaluations", _t, NomadApi.H)).AsArray();
        var eval = await _n.GetJson($"/v1/evaluation/{evals[0]!["ID"]}?related=true", _t, NomadApi.H);
        JsonShape.Compare(Fixture.Json("nomad/evaluation-read.json"), eval, "nomad").Should().BeEmpty();
        eval["Status"]!.GetValue<string>().Should().Be("complete");
    }

    [Test]
    public async Task Parse_of_the_documented_request_matches_documented_response()
    {
        using var r = await _n.Send(HttpMethod.Post, "/v1/jobs/parse", _t, NomadApi.H, Fixture.Text("nomad/jobs-parse.request.json"));
        var body = await r.Content.ReadAsStringAsync();
        r.StatusCode.Should().Be(HttpStatusCode.OK, body);
        var job = JsonNode.Parse(body)!;
        JsonShape.Compare(Fixture.Json("nomad/jobs-parse.json"), job, "nomad").Should().BeEmpty();
        job["ID"]!.GetValue<string>().Should().Be("example");
        job["TaskGroups"]![0]!["Name"]!.GetValue<string>().Should().Be("cache");
    }

    [Test]
    public async Task Invalid_hcl_is_400()
    {
        using var r = await _n.Send(HttpMethod.Post, "/v1/jobs/parse", _t, NomadApi.H, """{"JobHCL":"job \"x\" { type = ","Canonicalize":true}""");
        r.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task Validate_reports_errors_in_the_documented_shape()
    {
        var job = Fixture.Json("nomad/jobs-register.request.json")["Job"]!.AsObject();
        job["TaskGroups"]![0]!["Tasks"]![0]!["Resources"] = new JsonObject { ["CPU"] = 0, ["MemoryMB"] = 64 };
        using var r = await _n.Send(HttpMethod.Post, "/v1/validate/job", _t, NomadApi.H, new JsonObject { ["Job"] = job.DeepClone() }.ToJsonString());
        var body = JsonNode.Parse(await r.Content.ReadAsStringAsync())!;
        r.StatusCode.Should().Be(HttpStatusCode.OK);
        JsonShape.Compare(Fixture.Json("nomad/validate-job.json"), body, "nomad").Should().BeEmpty();
        body["Error"]!.GetValue<string>().Should().Contain("minimum CPU value is 1; got 0");
    }

    [Test]
    public async Task Plan_of_the_documented_job_matches_documented_shape()
    {
        var req = Fixture.Json("nomad/jobs-register.request.json").AsObject();
        req["Diff"] = true;
        using var r = await _n.Send(HttpMethod.Post, "/v1/job/cache/plan", _t, NomadApi.H, req.ToJsonString());
        var body = JsonNode.Parse(await r.Content.ReadAsStringAsync())!;
        r.StatusCode.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        JsonShape.Compare(Fixture.Json("nomad/job-plan.json"), body, "nomad").Should().BeEmpty();
        body["Diff"]!["Type"]!.GetValue<string>().Should().Be("Added");
        body["FailedTGAllocs"]!["cache"]!["ConstraintFiltered"]!["missing drivers"]!.GetValue<int>().Should().BePositive("docker is not available in the sandbox");
    }

    [Test]
    public async Task Register_response_matches_documented_shape()
    {
        var job = await NomadApi.Parse(_n, _t, NomadApi.Job("contract-register", "batch", "/bin/true", []));
        var resp = await NomadApi.Register(_n, _t, job);
        JsonShape.Compare(Fixture.Json("nomad/jobs-register.json"), resp, "nomad").Should().BeEmpty();
        resp["EvalID"]!.GetValue<string>().Should().NotBeEmpty();
    }

    [Test]
    public async Task Logs_framed_and_plain()
    {
        using var framed = await _n.Get($"/v1/client/fs/logs/{_allocId}?task=redis&type=stdout", _t, NomadApi.H);
        var frame = JsonNode.Parse(await framed.Content.ReadAsStringAsync())!;
        JsonShape.Compare(Fixture.Json("nomad/client-fs-logs.frame.json"), frame, "nomad").Should().BeEmpty();
        System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(frame["Data"]!.GetValue<string>())).Should().Be("contract-output\n");
        using var plain = await _n.Get($"/v1/client/fs/logs/{_allocId}?task=redis&type=stdout&plain=true", _t, NomadApi.H);
        (await plain.Content.ReadAsStringAsync()).Should().Be("contract-output\n");
    }

    [Test]
    public async Task Nodes_report_this_machine_and_the_documented_node_fields()
    {
        var nodes = (await _n.GetJson("/v1/nodes", _t, NomadApi.H)).AsArray();
        nodes.Should().HaveCountGreaterThanOrEqualTo(2).And.OnlyContain(n => n!["Status"]!.GetValue<string>() == "ready" && n["SchedulingEligibility"]!.GetValue<string>() == "eligible");
        nodes[0]!["Drivers"]!["raw_exec"]!["Healthy"]!.GetValue<bool>().Should().BeTrue();
        var node = await _n.GetJson($"/v1/node/{nodes[0]!["ID"]}", _t, NomadApi.H);
        node["Attributes"]!["cpu.numcores"]!.GetValue<string>().Should().Be(Environment.ProcessorCount.ToString());
        node["Attributes"]!["unique.network.ip-address"]!.GetValue<string>().Should().Be("127.0.0.1");
        node["Attributes"]!["meta.network_segment"]!.GetValue<string>().Should().BeOneOf("data", "management");
        node["NodeResources"]!["Memory"]!["MemoryMB"]!.GetValue<long>().Should().BeGreaterThan(256);
        node["HostVolumes"]!.AsObject().Select(kv => kv.Key).Should().Contain(["prometheus-data", "training-data"]);
        Directory.Exists(node["HostVolumes"]!["training-data"]!["Path"]!.GetValue<string>()).Should().BeTrue();
    }

    [Test]
    public async Task Metrics_in_prometheus_format()
    {
        using var r = await _n.Get("/v1/metrics?format=prometheus", _t, NomadApi.H);
        (await r.Content.ReadAsStringAsync()).Should().Contain("nomad_client_allocated_cpu").And.Contain("nomad_client_unallocated_memory");
        (await _n.GetJson("/v1/agent/self", _t, NomadApi.H))["config"]!["Version"]!.GetValue<string>().Should().EndWith("-standin");
    }
}

[TestFixture]
public class NomadAclTests
{
    private StandInUnderTest _n = null!;

    [OneTimeSetUp] public async Task Start() => _n = await StandInUnderTest.StartAsync("nomad");
    [OneTimeTearDown] public async Task Stop() => await _n.DisposeAsync();

    [TestCase("/v1/nodes")]
    [TestCase("/v1/jobs")]
    [TestCase("/v1/agent/self")]
    [TestCase("/v1/agent/members")]
    [TestCase("/v1/operator/autopilot/health")]
    public async Task Anonymous_is_denied_on_protected_endpoints(string path)
    {
        using var r = await _n.Get(path);
        r.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await r.Content.ReadAsStringAsync()).Should().Contain("Permission denied");
    }

    [Test]
    public async Task Status_is_open_tokens_work_in_both_headers_and_unknown_is_denied()
    {
        using (var r = await _n.Get("/v1/status/leader")) r.StatusCode.Should().Be(HttpStatusCode.OK);
        using (var r = await _n.Get("/v1/nodes", _n.Secret("nomad.token"))) r.StatusCode.Should().Be(HttpStatusCode.OK);
        using (var r = await _n.Get("/v1/nodes", _n.Secret("nomad.token"), NomadApi.H)) r.StatusCode.Should().Be(HttpStatusCode.OK);
        using (var r = await _n.Get("/v1/nodes", Guid.NewGuid().ToString(), NomadApi.H)) r.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        using (var r = await _n.Get("/v1/acl/tokens", _n.Secret("nomad.token"), NomadApi.H)) r.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        using (var r = await _n.Get("/v1/acl/tokens", _n.Secret("nomad-management.token"), NomadApi.H)) r.StatusCode.Should().Be(HttpStatusCode.OK);
        using (var r = await _n.Get("/v1/jobs?namespace=other", _n.Secret("nomad.token"), NomadApi.H)) r.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        var anon = await _n.GetJson("/v1/acl/token/self");
        anon["AccessorID"]!.GetValue<string>().Should().Be("anonymous");
    }
}

[TestFixture]
public class NomadFaultTests : NomadStandInFixture
{
    private async Task<int> AutopilotStatus()
    {
        using var r = await _n.Get("/v1/operator/autopilot/health", _t, NomadApi.H);
        return (int)r.StatusCode;
    }

    [Test]
    public async Task No_leader()
    {
        _n.Fault("nomad.no-leader", true);
        try
        {
            (await _n.GetJson("/v1/status/leader")).GetValue<string>().Should().BeEmpty();
            (await AutopilotStatus()).Should().Be(429);
            var job = await NomadApi.Parse(_n, _t, NomadApi.Job("noleader", "batch", "/bin/true", []));
            using var reg = await _n.Send(HttpMethod.Post, "/v1/jobs", _t, NomadApi.H, new JsonObject { ["Job"] = job }.ToJsonString());
            ((int)reg.StatusCode).Should().Be(500);
            (await reg.Content.ReadAsStringAsync()).Should().Contain("No cluster leader");
        }
        finally { _n.Fault("nomad.no-leader", false); }
        (await _n.GetJson("/v1/status/leader")).GetValue<string>().Should().NotBeEmpty();
        (await AutopilotStatus()).Should().Be(200);
    }

    [Test]
    public async Task Server_down()
    {
        _n.Fault("nomad.server-down", true);
        try
        {
            var members = (await _n.GetJson("/v1/agent/members", _t, NomadApi.H))["Members"]!.AsArray();
            members.Should().Contain(m => m!["Status"]!.GetValue<string>() == "failed");
            (await _n.GetJson("/v1/status/peers")).AsArray().Should().HaveCount(2);
            using var ap = await _n.Get("/v1/operator/autopilot/health", _t, NomadApi.H);
            ((int)ap.StatusCode).Should().Be(429);
            JsonNode.Parse(await ap.Content.ReadAsStringAsync())!["FailureTolerance"]!.GetValue<int>().Should().Be(0);
        }
        finally { _n.Fault("nomad.server-down", false); }
        (await _n.GetJson("/v1/status/peers")).AsArray().Should().HaveCount(3);
    }

    [Test]
    public async Task Acl_disabled()
    {
        _n.Fault("nomad.acl-disabled", true);
        try
        {
            using var r = await _n.Get("/v1/nodes");
            r.StatusCode.Should().Be(HttpStatusCode.OK);
            (await _n.GetJson("/v1/acl/token/self"))["AccessorID"]!.GetValue<string>().Should().Be("acls-disabled");
            (await _n.GetJson("/v1/agent/self"))["config"]!["ACL"]!["Enabled"]!.GetValue<bool>().Should().BeFalse();
        }
        finally { _n.Fault("nomad.acl-disabled", false); }
        using var again = await _n.Get("/v1/nodes");
        again.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task Node_down()
    {
        _n.Fault("nomad.node-down", true);
        try
        {
            var nodes = (await _n.GetJson("/v1/nodes", _t, NomadApi.H)).AsArray();
            nodes.Should().Contain(n => n!["Status"]!.GetValue<string>() == "down");
        }
        finally { _n.Fault("nomad.node-down", false); }
        (await _n.GetJson("/v1/nodes", _t, NomadApi.H)).AsArray().Should().OnlyContain(n => n!["Status"]!.GetValue<string>() == "ready");
    }

    [Test]
    public async Task Low_capacity()
    {
        var id = (await _n.GetJson("/v1/nodes", _t, NomadApi.H))[0]!["ID"]!.GetValue<string>();
        var before = await _n.GetJson($"/v1/node/{id}", _t, NomadApi.H);
        _n.Fault("nomad.low-capacity", true);
        try
        {
            var low = await _n.GetJson($"/v1/node/{id}", _t, NomadApi.H);
            low["NodeResources"]!["Memory"]!["MemoryMB"]!.GetValue<long>().Should().BeLessThan(4096);
            low["Attributes"]!["cpu.numcores"]!.GetValue<string>().Should().Be("1");
            low["NodeResources"]!["Disk"]!["DiskMB"]!.GetValue<long>().Should().BeLessThan(50 * 1024);
        }
        finally { _n.Fault("nomad.low-capacity", false); }
        var after = await _n.GetJson($"/v1/node/{id}", _t, NomadApi.H);
        after["NodeResources"]!["Memory"]!.ToJsonString().Should().Be(before["NodeResources"]!["Memory"]!.ToJsonString());
    }

    [Test]
    public async Task Flat_network()
    {
        async Task<List<string>> Segments()
        {
            var result = new List<string>();
            foreach (var n in (await _n.GetJson("/v1/nodes", _t, NomadApi.H)).AsArray())
                result.Add((await _n.GetJson($"/v1/node/{n!["ID"]!.GetValue<string>()}", _t, NomadApi.H))["Meta"]!["network_segment"]!.GetValue<string>());
            return result;
        }
        _n.Fault("nomad.flat-network", true);
        try { (await Segments()).Should().OnlyContain(s => s == "data"); }
        finally { _n.Fault("nomad.flat-network", false); }
        (await Segments()).Should().Contain("management").And.Contain("data");
    }

    [Test]
    public async Task Job_fails()
    {
        _n.Fault("nomad.job-fails", true);
        try
        {
            await NomadApi.Register(_n, _t, await NomadApi.Parse(_n, _t, NomadApi.Job("forced-fail", "batch", "/bin/true", [])));
            var a = await NomadApi.WaitAlloc(_n, _t, "forced-fail", x => x["ClientStatus"]!.GetValue<string>() is "failed" or "complete", "forced-fail terminal");
            a["ClientStatus"]!.GetValue<string>().Should().Be("failed");
            using var err = await _n.Get($"/v1/client/fs/logs/{a["ID"]}?task=t&type=stderr&plain=true", _t, NomadApi.H);
            (await err.Content.ReadAsStringAsync()).Should().Contain("nomad.job-fails");
        }
        finally { _n.Fault("nomad.job-fails", false); }
        await NomadApi.Register(_n, _t, await NomadApi.Parse(_n, _t, NomadApi.Job("after-fault", "batch", "/bin/true", [])));
        (await NomadApi.WaitAlloc(_n, _t, "after-fault", x => x["ClientStatus"]!.GetValue<string>() is "failed" or "complete", "after-fault terminal"))
            ["ClientStatus"]!.GetValue<string>().Should().Be("complete");
    }
}

using System.Net;
using System.Text.Json.Nodes;
using FluentAssertions;
using NUnit.Framework;
using StandIns.Tests.Support;

namespace StandIns.Tests;

/// <summary>
/// The suite's own Nomad jobs (deploy/nomad/): parsed by /v1/jobs/parse with their variables as the platform registers
/// them, the parameterized one requires a change ticket, the periodic one runs nightly without overlap, both run the
/// image with the docker driver on the host network and write to the client's host volumes. (tests/nightly-job.sh runs
/// them for real on the sandbox.)
/// </summary>
[TestFixture]
public class AcceptanceJobSpecTests : NomadStandInFixture
{
    private static string Spec(string name) => File.ReadAllText(Path.Combine(Acceptance.TestSupport.Repository.Root, "deploy", "nomad", $"{name}.nomad.hcl"));

    private const string Variables = """
        image = "ml-platform/acceptance:0123456789ab"
        target_mounts = ["/srv/acceptance:/srv/acceptance:ro"]
        target_file = "/srv/acceptance/target.yaml"
        """;

    private async Task<JsonObject> Parse(string name)
    {
        var req = new JsonObject { ["JobHCL"] = Spec(name), ["Canonicalize"] = true, ["Variables"] = Variables };
        using var r = await _n.Send(HttpMethod.Post, "/v1/jobs/parse", _t, NomadApi.H, req.ToJsonString());
        var body = await r.Content.ReadAsStringAsync();
        r.StatusCode.Should().Be(HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!.AsObject();
    }

    private static JsonObject Task(JsonObject job) => job["TaskGroups"]![0]!["Tasks"]![0]!.AsObject();

    [Test]
    public async Task The_dispatch_job_requires_a_change_ticket_and_takes_tags_and_operator()
    {
        var job = await Parse("acceptance-dispatch");
        job["Type"]!.GetValue<string>().Should().Be("batch");
        var p = job["ParameterizedJob"]!;
        p["MetaRequired"]!.AsArray().Select(x => x!.GetValue<string>()).Should().Equal("change_ticket");
        p["MetaOptional"]!.AsArray().Select(x => x!.GetValue<string>()).Should().BeEquivalentTo(["tags", "operator"]);
        p["Payload"]!.GetValue<string>().Should().Be("forbidden");
        job["Periodic"].Should().BeNull();
    }

    [Test]
    public async Task The_nightly_job_is_periodic_without_overlap_in_UTC()
    {
        var job = await Parse("acceptance-nightly");
        var p = job["Periodic"]!;
        p["Enabled"]!.GetValue<bool>().Should().BeTrue();
        p["Spec"]!.GetValue<string>().Should().Be("30 2 * * *");
        p["ProhibitOverlap"]!.GetValue<bool>().Should().BeTrue();
        p["TimeZone"]!.GetValue<string>().Should().Be("UTC");
        job["ParameterizedJob"].Should().BeNull();
    }

    [TestCase("acceptance-dispatch")]
    [TestCase("acceptance-nightly")]
    public async Task Both_run_the_image_on_the_host_network_with_the_target_mounted_read_only_and_no_retry(string name)
    {
        var job = await Parse(name);
        var group = job["TaskGroups"]![0]!;
        group["RestartPolicy"]!["Attempts"]!.GetValue<long>().Should().Be(0, "a run is evidence: never repeated behind the reader's back");
        group["ReschedulePolicy"]!["Attempts"]!.GetValue<long>().Should().Be(0);
        var task = Task(job);
        task["Driver"]!.GetValue<string>().Should().Be("docker");
        var cfg = task["Config"]!;
        cfg["image"]!.GetValue<string>().Should().Be("ml-platform/acceptance:0123456789ab");
        cfg["network_mode"]!.GetValue<string>().Should().Be("host");
        cfg["volumes"]!.AsArray().Select(x => x!.GetValue<string>()).Should().Equal("/srv/acceptance:/srv/acceptance:ro");
        task["Env"]!["ACCEPTANCE_TARGET_FILE"]!.GetValue<string>().Should().Be("/srv/acceptance/target.yaml");
        task["KillTimeout"]!.GetValue<long>().Should().BeGreaterThanOrEqualTo(60L * 1_000_000_000, "run-tests.sh undoes what it created and writes the evidence when stopped");
        Spec(name).Should().NotContainAny(["token =", "password", "secret_id"], "no credential is written in the job spec");
    }

    [Test]
    public async Task The_host_volumes_the_jobs_mount_exist_on_the_sandbox_clients()
    {
        var job = await Parse("acceptance-dispatch");
        var sources = job["TaskGroups"]![0]!["Volumes"]!.AsObject().Select(kv => kv.Value!["Source"]!.GetValue<string>()).ToList();
        sources.Should().BeEquivalentTo(["acceptance-reports", "acceptance-evidence"]);
        var node = await _n.GetJson("/v1/node/ml-worker-1", _t, NomadApi.H);
        node["HostVolumes"]!.AsObject().Select(kv => kv.Key).Should().Contain(sources);
    }
}

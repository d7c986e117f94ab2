using System.Net;
using System.Text.Json.Nodes;
using FluentAssertions;
using NUnit.Framework;
using StandIns.Tests.Support;

namespace StandIns.Tests;

[TestFixture]
public class NomadLifecycleTests : NomadStandInFixture
{
    private static string Status(JsonNode a) => a["ClientStatus"]!.GetValue<string>();

    [Test]
    public async Task Raw_exec_job_runs_for_real_versions_revert_stop_and_purge()
    {
        var job = await NomadApi.Parse(_n, _t, NomadApi.Job("hello", "batch", "/bin/sh", ["-c", "echo hello-$NOMAD_ALLOC_ID $GREETING; sleep 1.5"]));
        var reg = await NomadApi.Register(_n, _t, job);
        var evalId = reg["EvalID"]!.GetValue<string>();

        var seen = new HashSet<string>();
        var running = await NomadApi.WaitAlloc(_n, _t, "hello", a => { seen.Add(Status(a)); return Status(a) == "running"; }, "alloc running");
        (await _n.GetJson("/v1/job/hello", _t, NomadApi.H))["Status"]!.GetValue<string>().Should().Be("running");
        var done = await NomadApi.WaitAlloc(_n, _t, "hello", a => { seen.Add(Status(a)); return Status(a) is "complete" or "failed"; }, "alloc complete");
        Status(done).Should().Be("complete");
        seen.Should().Contain("running");
        var events = done["TaskStates"]!["t"]!["Events"]!.AsArray().Select(e => e!["Type"]!.GetValue<string>()).ToList();
        events.Should().ContainInOrder("Received", "Task Setup", "Started", "Terminated");
        done["TaskStates"]!["t"]!["State"]!.GetValue<string>().Should().Be("dead");
        (await _n.GetJson($"/v1/evaluation/{evalId}", _t, NomadApi.H))["Status"]!.GetValue<string>().Should().Be("complete");

        var allocId = done["ID"]!.GetValue<string>();
        using (var logs = await _n.Get($"/v1/client/fs/logs/{allocId}?task=t&type=stdout&plain=true", _t, NomadApi.H))
            (await logs.Content.ReadAsStringAsync()).Should().Be($"hello-{allocId} hello\n");
        Directory.Exists(Path.Combine(_n.StateDir, "allocs", allocId, "t")).Should().BeTrue();
        (await _n.GetJson("/v1/job/hello", _t, NomadApi.H))["Status"]!.GetValue<string>().Should().Be("dead");

        // version 1 (changed command), then revert to version 0
        var v1 = await NomadApi.Parse(_n, _t, NomadApi.Job("hello", "batch", "/bin/sh", ["-c", "echo version-one"]));
        await NomadApi.Register(_n, _t, v1);
        var second = await NomadApi.WaitAlloc(_n, _t, "hello", a => Status(a) == "complete", "v1 alloc complete", index: 1);
        using (var logs = await _n.Get($"/v1/client/fs/logs/{second["ID"]}?task=t&type=stdout&plain=true", _t, NomadApi.H))
            (await logs.Content.ReadAsStringAsync()).Should().Be("version-one\n");
        var versions = (await _n.GetJson("/v1/job/hello/versions", _t, NomadApi.H))["Versions"]!.AsArray();
        versions.Select(v => v!["Version"]!.GetValue<long>()).Should().Equal(1, 0);
        using (var rv = await _n.Send(HttpMethod.Post, "/v1/job/hello/revert", _t, NomadApi.H, """{"JobID":"hello","JobVersion":0}"""))
            rv.StatusCode.Should().Be(HttpStatusCode.OK, await rv.Content.ReadAsStringAsync());
        var reverted = await _n.GetJson("/v1/job/hello", _t, NomadApi.H);
        reverted["Version"]!.GetValue<long>().Should().Be(2);
        reverted["TaskGroups"]![0]!["Tasks"]![0]!["Config"]!["args"]![1]!.GetValue<string>().Should().Contain("hello-$NOMAD_ALLOC_ID");
        await NomadApi.WaitAlloc(_n, _t, "hello", a => Status(a) == "complete", "reverted alloc complete", index: 2);

        // stop + purge
        using (var stop = await _n.Send(HttpMethod.Delete, "/v1/job/hello?purge=true", _t, NomadApi.H))
        {
            var body = JsonNode.Parse(await stop.Content.ReadAsStringAsync())!;
            JsonShape.Compare(Fixture.Json("nomad/job-stop.json"), body, "nomad").Should().BeEmpty();
        }
        using var gone = await _n.Get("/v1/job/hello", _t, NomadApi.H);
        gone.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Stopping_a_service_job_kills_its_process()
    {
        var marker = Path.Combine(_n.StateDir, "svc-marker");
        await NomadApi.Register(_n, _t, await NomadApi.Parse(_n, _t, NomadApi.Job("svc", "service", "/bin/sh", ["-c", $"echo $$ > {marker}; exec sleep 300"])));
        var running = await NomadApi.WaitAlloc(_n, _t, "svc", a => Status(a) == "running", "service alloc running");
        await Eventually.Until(() => Task.FromResult(File.Exists(marker) && File.ReadAllText(marker).Trim().Length > 0), x => x, "pid marker");
        var pid = int.Parse(File.ReadAllText(marker).Trim());
        Directory.Exists($"/proc/{pid}").Should().BeTrue();
        using (var stop = await _n.Send(HttpMethod.Delete, "/v1/job/svc", _t, NomadApi.H)) stop.StatusCode.Should().Be(HttpStatusCode.OK);
        var stopped = await NomadApi.WaitAlloc(_n, _t, "svc", a => Status(a) == "complete", "service alloc stopped");
        stopped["DesiredStatus"]!.GetValue<string>().Should().Be("stop");
        stopped["TaskStates"]!["t"]!["Events"]!.AsArray().Select(e => e!["Type"]!.GetValue<string>()).Should().Contain(["Killing", "Killed"]);
        await Eventually.Until(() => Task.FromResult(Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ")), alive => !alive, "task process gone");
        (await _n.GetJson("/v1/job/svc", _t, NomadApi.H))["Status"]!.GetValue<string>().Should().Be("dead");
    }

    [Test]
    public async Task Failing_command_gives_failed()
    {
        await NomadApi.Register(_n, _t, await NomadApi.Parse(_n, _t, NomadApi.Job("fails", "batch", "/bin/sh", ["-c", "echo boom >&2; exit 3"])));
        var a = await NomadApi.WaitAlloc(_n, _t, "fails", x => Status(x) is "complete" or "failed", "failing alloc terminal");
        Status(a).Should().Be("failed");
        var term = a["TaskStates"]!["t"]!["Events"]!.AsArray().First(e => e!["Type"]!.GetValue<string>() == "Terminated")!;
        term["ExitCode"]!.GetValue<int>().Should().Be(3);
        a["TaskStates"]!["t"]!["Failed"]!.GetValue<bool>().Should().BeTrue();
        using var err = await _n.Get($"/v1/client/fs/logs/{a["ID"]}?task=t&type=stderr&plain=true", _t, NomadApi.H);
        (await err.Content.ReadAsStringAsync()).Should().Be("boom\n");
    }

    [Test]
    public async Task Docker_job_without_an_engine_is_blocked_on_missing_drivers()
    {
        // no DOCKER_HOST and no $STATE/docker/engine in this state dir: the docker driver is not detected, so (as in
        // Nomad) no node is feasible and the evaluation is blocked with ConstraintFiltered "missing drivers"
        var node = await _n.GetJson("/v1/node/ml-worker-1", _t, NomadApi.H);
        node["Drivers"]!["docker"]!["Detected"]!.GetValue<bool>().Should().BeFalse();
        node["Drivers"]!["docker"]!["HealthDescription"]!.GetValue<string>().Should().Contain("docker/engine");
        var reg = await NomadApi.Register(_n, _t, await NomadApi.Parse(_n, _t, NomadApi.Job("dockerjob", "batch", "x", [], driver: "docker")));
        var eval = await Eventually.Until(() => _n.GetJson($"/v1/evaluation/{reg["EvalID"]}", _t, NomadApi.H), e => e["Status"]!.GetValue<string>() == "complete", "eval complete");
        eval["FailedTGAllocs"]!["g"]!["ConstraintFiltered"]!["missing drivers"]!.GetValue<int>().Should().Be(2);
        eval["BlockedEval"]!.GetValue<string>().Should().NotBeEmpty();
        (await NomadApi.Allocs(_n, _t, "dockerjob")).Should().BeEmpty();
        using var stop = await _n.Send(HttpMethod.Delete, "/v1/job/dockerjob?purge=true", _t, NomadApi.H);
    }

    [Test]
    public async Task Parameterized_job_dispatch_runs_a_child_with_meta_and_payload()
    {
        var hcl = NomadApi.Job("param", "batch", "/bin/sh", ["-c", "echo model=$NOMAD_META_model; cat ${NOMAD_TASK_DIR}/input.txt"],
            extra: """
            parameterized {
              payload       = "optional"
              meta_required = ["model"]
            }
            """).Replace("      env {", "      dispatch_payload {\n        file = \"input.txt\"\n      }\n      env {");
        var reg = await NomadApi.Register(_n, _t, await NomadApi.Parse(_n, _t, hcl));
        reg["EvalID"]!.GetValue<string>().Should().BeEmpty("a parameterized job is not evaluated until dispatched");
        using (var bad = await _n.Send(HttpMethod.Post, "/v1/job/param/dispatch", _t, NomadApi.H, "{}"))
            bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var req = Fixture.Json("nomad/job-dispatch.request.json").AsObject();
        req["Payload"] = Convert.ToBase64String("payload-data\n"u8.ToArray());
        req["Meta"] = new JsonObject { ["model"] = "resnet" };
        using var r = await _n.Send(HttpMethod.Post, "/v1/job/param/dispatch", _t, NomadApi.H, req.ToJsonString());
        var body = JsonNode.Parse(await r.Content.ReadAsStringAsync())!;
        r.StatusCode.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        JsonShape.Compare(Fixture.Json("nomad/job-dispatch.json"), body, "nomad").Should().BeEmpty();
        var child = body["DispatchedJobID"]!.GetValue<string>();
        child.Should().StartWith("param/dispatch-");
        var a = await NomadApi.WaitAlloc(_n, _t, child, x => Status(x) is "complete" or "failed", "dispatched alloc terminal");
        Status(a).Should().Be("complete");
        using var logs = await _n.Get($"/v1/client/fs/logs/{a["ID"]}?task=t&type=stdout&plain=true", _t, NomadApi.H);
        (await logs.Content.ReadAsStringAsync()).Should().Be("model=resnet\npayload-data\n");
        var summary = (await _n.GetJson("/v1/jobs?prefix=param", _t, NomadApi.H)).AsArray();
        summary.Should().Contain(j => j!["ID"]!.GetValue<string>() == "param" && j["ParameterizedJob"]!.GetValue<bool>());
        summary.Should().Contain(j => j!["ParentID"]!.GetValue<string>() == "param");
    }

    [Test]
    public async Task Periodic_job_is_shown_and_can_be_forced()
    {
        var hcl = NomadApi.Job("nightly", "batch", "/bin/sh", ["-c", "echo nightly"], extra: """
            periodic {
              crons            = ["0 2 * * *"]
              prohibit_overlap = true
            }
            """);
        var job = await NomadApi.Parse(_n, _t, hcl);
        job["Periodic"]!["Spec"]!.GetValue<string>().Should().Be("0 2 * * *");
        await NomadApi.Register(_n, _t, job);
        (await _n.GetJson("/v1/job/nightly", _t, NomadApi.H))["Periodic"]!["ProhibitOverlap"]!.GetValue<bool>().Should().BeTrue();
        (await NomadApi.Allocs(_n, _t, "nightly")).Should().BeEmpty();
        using var f = await _n.Send(HttpMethod.Post, "/v1/job/nightly/periodic/force", _t, NomadApi.H);
        f.StatusCode.Should().Be(HttpStatusCode.OK);
        var jobs = (await _n.GetJson("/v1/jobs?prefix=nightly/periodic-", _t, NomadApi.H)).AsArray();
        var child = jobs.Should().ContainSingle().Subject!["ID"]!.GetValue<string>();
        (await NomadApi.WaitAlloc(_n, _t, child, x => Status(x) is "complete" or "failed", "periodic child terminal"))["ClientStatus"]!
            .GetValue<string>().Should().Be("complete");
    }
}

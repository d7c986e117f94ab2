using System.Diagnostics;
using Acceptance.TestSupport;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Suite.Tests;

/// <summary>
/// How the suite behaves when the environment fails under it (features/monitoring-and-alerting.feature's first
/// slice against a private throwaway stack): an unreachable Prometheus makes every scenario BROKEN within seconds,
/// naming the endpoint, and what a scenario created is removed even then. The verdicts of these checks are
/// unit-tested (tests/Support.Tests/Rules); their healthy run is the main job.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class MonitoringSliceTests
{
    private static readonly string[] SliceNames =
    [
        "Prometheus is ready to serve queries",
        "Prometheus scrapes all its configured targets successfully",
        "Metrics retention is configured appropriately",
        "A metric pushed to Pushgateway reaches Prometheus and is removed afterwards",
    ];


    [Test]
    public async Task With_Prometheus_stopped_every_scenario_is_broken_within_seconds_naming_the_endpoint()
    {
        using var stack = ThrowawayStack.Start();
        stack.StopPrometheus();
        var sw = Stopwatch.StartNew();
        var results = await SuiteRun.RunByNameAsync(SliceNames, stack.TargetFile);
        sw.Stop();
        TestContext.Out.WriteLine($"run with Prometheus stopped took {sw.Elapsed.TotalSeconds:F1} s (child dotnet test included)");
        results.Should().HaveCount(SliceNames.Length);
        results.Should().OnlyContain(r => r.Status == "broken", string.Join("\n", results));
        results.Should().OnlyContain(r => r.Message!.Contains($"127.0.0.1:{stack.PrometheusPort}") && r.Message.Contains("connection refused"));
        // Generous for a loaded 2-core machine, far below the 60 s poll deadline the target sets: polls stop at once.
        sw.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(45));
    }

    [Test]
    public async Task The_pushed_group_is_deleted_even_when_the_scenario_breaks()
    {
        using var stack = ThrowawayStack.Start();
        stack.StopPrometheus();
        var results = await SuiteRun.RunByNameAsync([SliceNames[3]], stack.TargetFile);
        results.Should().ContainSingle().Which.Status.Should().Be("broken");
        using var http = new HttpClient();
        var groups = await http.GetStringAsync($"http://127.0.0.1:{stack.PushgatewayPort}/api/v1/metrics");
        groups.Should().NotContain("acceptance_probe_value", "the cleanup stack must delete the pushed group");
    }

    [Test]
    public async Task An_answer_of_another_shape_is_broken_naming_the_exchange()
    {
        await using var prometheus = new FixtureServer()
            .On("/api/v1/targets", """{"status":"success","data":{"droppedTargets":[]}}""")
            .On("/api/v1/status/runtimeinfo", """{"status":"success","data":["not","an","object"]}""");
        using var dir = new TempDir("shape");
        var target = dir.File("target.yaml", $"name: shape\nenvironment: test\nservices:\n  prometheus: {{ address: '{prometheus.Url}' }}\n");

        var results = await SuiteRun.RunByNameAsync(["Prometheus scrapes all its configured targets successfully"], target);

        var r = results.Should().ContainSingle().Subject;
        r.Status.Should().Be("broken", r.ToString());
        r.Message.Should().Contain($"Prometheus GET {prometheus.Url}/api/v1/targets?state=active → 200").And.Contain("does not have the shape the suite reads");
    }
}

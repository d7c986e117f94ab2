using System.Diagnostics;
using Acceptance.TestSupport;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Suite.Tests;

/// <summary>
/// The first real slice (features/monitoring-and-alerting.feature: readiness, targets, retention,
/// Pushgateway round trip) passes against a healthy Prometheus and fails, or breaks, on its faults.
/// Runs the real suite as a child process against a private throwaway stack.
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
    public async Task The_slice_passes_against_a_healthy_stack()
    {
        using var stack = ThrowawayStack.Start();
        var results = await SuiteRun.RunByNameAsync(SliceNames, stack.TargetFile);
        foreach (var name in SliceNames)
            results.Should().Contain(r => r.Name == name && r.Status == "passed", "scenario '{0}' must pass: {1}", name, string.Join("\n", results));
    }

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
    public async Task Retention_shorter_than_the_policy_fails_naming_both()
    {
        using var stack = ThrowawayStack.Start(retention: "2d");
        var results = await SuiteRun.RunByNameAsync([SliceNames[2]], stack.TargetFile);
        var r = results.Should().ContainSingle().Subject;
        r.Status.Should().Be("failed");
        r.Message.Should().Contain("retention_min_days is 15").And.Contain("2d");
    }

    [Test]
    public async Task A_target_that_is_down_fails_the_scrape_check_naming_it()
    {
        using var stack = ThrowawayStack.Start();
        // Add a scrape job whose target nobody serves, then reload.
        var config = Path.Combine(stack.Folder, "prometheus.yml");
        var deadPort = ThrowawayStack.FreePort();
        File.AppendAllText(config, $"\n  - job_name: missing-exporter\n    static_configs: [{{targets: ['127.0.0.1:{deadPort}']}}]\n");
        var target = File.ReadAllText(stack.TargetFile).Replace("poll_timeout_seconds: 60", "poll_timeout_seconds: 8");
        File.WriteAllText(stack.TargetFile, target);
        Process.Start("kill", $"-HUP {stack.Prometheus!.Id}")!.WaitForExit();
        var results = await SuiteRun.RunByNameAsync([SliceNames[1]], stack.TargetFile);
        var scrape = results.Should().ContainSingle(r => r.Name == "Prometheus scrapes all its configured targets successfully").Subject;
        scrape.Status.Should().Be("failed");
        scrape.Message.Should().Contain($"missing-exporter/127.0.0.1:{deadPort}");
    }
}

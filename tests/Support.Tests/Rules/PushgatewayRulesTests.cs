using System.Net;
using System.Text.Json.Nodes;
using Acceptance.Support.Evidence;
using Acceptance.Support.Http;
using Acceptance.Support.Pushgateway;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Rules;

/// <summary>
/// Every rule of <see cref="PushgatewayRules"/>, healthy and faulty: on the project's own exchanges and groups, then on the
/// documented /api/v1/metrics body (../shared/fixtures/pushgateway) read through the real <see cref="PushgatewayDriver"/>.
/// </summary>
public sealed class PushgatewayRulesTests
{
    private static readonly MetricGroup Batch = new("batch", new Dictionary<string, string>());

    private static HttpExchange Health(HttpStatusCode status, string body) =>
        new("Pushgateway", "GET", new Uri("http://pushgateway:9091/-/healthy"), status, body, new Dictionary<string, string>(), TimeSpan.FromMilliseconds(3));

    // ---------------------------------------------------------------- own fixtures

    [Test]
    public void Healthy_holds_on_200()
    {
        var v = PushgatewayRules.Healthy(Health(HttpStatusCode.OK, "OK\n"));

        v.Holds.Should().BeTrue();
        v.Observed.Should().Be("Pushgateway GET http://pushgateway:9091/-/healthy → 200: OK");
    }

    [Test]
    public void Healthy_names_the_status_otherwise()
    {
        var v = PushgatewayRules.Healthy(Health(HttpStatusCode.ServiceUnavailable, "Service Unavailable"));

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("/-/healthy answered 503");
    }

    [Test]
    public void GroupGone_holds_when_the_group_is_no_longer_held()
    {
        var group = new MetricGroup("acceptance-run-1", new Dictionary<string, string> { ["instance"] = "a" });

        var v = PushgatewayRules.GroupGone(group, stillHeld: false);

        v.Holds.Should().BeTrue();
        v.Observed.Should().Be("job=acceptance-run-1,instance=a is not held");
        v.Expected.Should().Be("GET /api/v1/metrics no longer lists job=acceptance-run-1,instance=a");
    }

    [Test]
    public void GroupGone_names_a_group_still_held_after_deletion()
    {
        var v = PushgatewayRules.GroupGone(new MetricGroup("acceptance-run-1", new Dictionary<string, string> { ["instance"] = "a" }), stillHeld: true);

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("job=acceptance-run-1,instance=a was deleted but is still held");
    }

    // ---------------------------------------------------------------- documented bodies through the real driver

    private static PushgatewayDriver Driver(FixtureServer server) =>
        new(TestTarget.With(new PushgatewayOptions { Key = "pushgateway", Address = server.Url }), new EvidenceLog());

    [Test]
    public async Task The_documented_batch_group_is_still_held()
    {
        await using var server = new FixtureServer().On("/api/v1/metrics", SharedFixtures.Text("pushgateway/api-v1-metrics.json"));
        using var driver = Driver(server);

        var v = PushgatewayRules.GroupGone(Batch, await driver.HoldsAsync(Batch));

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("job=batch was deleted but is still held");
    }

    [Test]
    public async Task Another_job_or_grouping_key_is_not_held_by_the_documented_body()
    {
        await using var server = new FixtureServer().On("/api/v1/metrics", SharedFixtures.Text("pushgateway/api-v1-metrics.json"));
        using var driver = Driver(server);
        var otherJob = new MetricGroup("acceptance-run-1", new Dictionary<string, string>());
        var otherKey = new MetricGroup("batch", new Dictionary<string, string> { ["instance"] = "worker-1" });

        PushgatewayRules.GroupGone(otherJob, await driver.HoldsAsync(otherJob)).Holds.Should().BeTrue();
        PushgatewayRules.GroupGone(otherKey, await driver.HoldsAsync(otherKey)).Holds.Should().BeTrue();
    }

    [Test]
    public async Task A_documented_body_without_groups_holds_nothing()
    {
        var body = SharedFixtures.Json("pushgateway/api-v1-metrics.json");
        body["data"] = new JsonArray();
        await using var server = new FixtureServer().On("/api/v1/metrics", body.ToJsonString());
        using var driver = Driver(server);

        PushgatewayRules.GroupGone(Batch, await driver.HoldsAsync(Batch)).Holds.Should().BeTrue();
    }

    [Test]
    public async Task Healthy_reads_the_healthy_endpoint()
    {
        await using var ok = new FixtureServer().On("/-/healthy", "OK", contentType: "text/plain");
        await using var failing = new FixtureServer().On("/-/healthy", "storage failure", status: 500, contentType: "text/plain");
        using var okDriver = Driver(ok);
        using var failingDriver = Driver(failing);

        PushgatewayRules.Healthy(await okDriver.HealthAsync()).Holds.Should().BeTrue();
        var v = PushgatewayRules.Healthy(await failingDriver.HealthAsync());
        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("/-/healthy answered 500");
        v.Observed.Should().EndWith("/-/healthy → 500: storage failure");
    }

    [Test]
    public async Task A_pushed_group_is_deleted_once_by_its_handle()
    {
        await using var server = new FixtureServer().On("/metrics/job/batch/instance/worker-1", "", status: 202, contentType: "text/plain");
        using var driver = Driver(server);
        var group = new MetricGroup("batch", new Dictionary<string, string> { ["instance"] = "worker-1" });

        var handle = await driver.PushAsync(group, "# TYPE my_job_duration_seconds gauge\nmy_job_duration_seconds 0.27");
        await handle.DisposeAsync();
        await handle.DisposeAsync();

        server.Requests.Should().Equal("PUT /metrics/job/batch/instance/worker-1", "DELETE /metrics/job/batch/instance/worker-1");
    }
}

using System.Net;
using System.Text.Json.Nodes;
using FluentAssertions;
using NUnit.Framework;
using StandIns.Nomad;
using StandIns.Tests.Support;

namespace StandIns.Tests;

/// <summary>The stand-ins' backup surface: Nomad's cron matching, Consul's snapshot round trip in its own labelled format.</summary>
[TestFixture]
public class BackupStandInTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 28, 6, 30, 0, TimeSpan.Zero); // a Saturday

    [TestCase("* * * * *", true)]
    [TestCase("*/15 * * * *", true)]
    [TestCase("30 6 * * *", true)]
    [TestCase("0,30 1-7 * * 6", true)]
    [TestCase("10 */6 * * *", false)]
    [TestCase("30 6 * * 1-5", false)]
    [TestCase("* * *", false)]
    public void Cron_matches_the_minute(string spec, bool matches) => Cron.Matches(spec, At).Should().Be(matches);

    [Test]
    public async Task A_consul_snapshot_restores_the_kv_store_and_says_what_format_it_is()
    {
        await using var c = await StandInUnderTest.StartAsync("consul");
        var mgmt = c.Secret("consul-management.token");
        using (var put = await c.Send(HttpMethod.Put, "/v1/kv/acceptance/canary", mgmt, "X-Consul-Token", "before")) put.StatusCode.Should().Be(HttpStatusCode.OK);
        using var snap = await c.Get("/v1/snapshot", mgmt, "X-Consul-Token");
        var body = await snap.Content.ReadAsStringAsync();
        snap.StatusCode.Should().Be(HttpStatusCode.OK, body);
        JsonNode.Parse(body)!["Format"]!.ToString().Should().Contain("stand-in format");
        using (var everyday = await c.Get("/v1/snapshot", c.Secret("consul.token"), "X-Consul-Token")) everyday.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        using (var del = await c.Send(HttpMethod.Delete, "/v1/kv/acceptance/canary", mgmt, "X-Consul-Token")) del.StatusCode.Should().Be(HttpStatusCode.OK);
        using (var restore = await c.Send(HttpMethod.Put, "/v1/snapshot", mgmt, "X-Consul-Token", body)) restore.StatusCode.Should().Be(HttpStatusCode.OK);
        using var get = await c.Get("/v1/kv/acceptance/canary?raw", mgmt, "X-Consul-Token");
        (await get.Content.ReadAsStringAsync()).Should().Be("before");
        using var foreign = await c.Send(HttpMethod.Put, "/v1/snapshot", mgmt, "X-Consul-Token", "not a snapshot");
        foreign.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }
}

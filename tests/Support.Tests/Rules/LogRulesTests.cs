using Acceptance.Support.Evidence;
using Acceptance.Support.Logs;
using Acceptance.Support.Outcomes;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Rules;

/// <summary>
/// <see cref="LogRules.RecentLines"/>, healthy and faulty: on the project's own records, and through the real
/// <see cref="LokiClient"/> on small Loki query_range answers of the project's own (../shared has no Loki body).
/// </summary>
public sealed class LogRulesTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    // ---------------------------------------------------------------- own fixtures

    [Test]
    public void RecentLines_holds_with_a_line_in_the_window()
    {
        var v = LogRules.RecentLines(new RecentLogs("{job=\"nomad\"}", Window, 2, 7, "level=info msg=\"alloc started\""));

        v.Holds.Should().BeTrue();
        v.Expected.Should().Be("at least one line for {job=\"nomad\"} in the last 15 min");
        v.Observed.Should().Be("7 line(s) in 2 stream(s) for {job=\"nomad\"} over the last 15 min; newest: level=info msg=\"alloc started\"");
    }

    [Test]
    public void RecentLines_does_not_hold_without_a_line()
    {
        var v = LogRules.RecentLines(new RecentLogs("{job=\"nomad\"}", Window, 1, 0, null));

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("no log line received in the window");
        v.Observed.Should().Be("0 line(s) in 1 stream(s) for {job=\"nomad\"} over the last 15 min");
    }

    // ---------------------------------------------------------------- through the real client

    private const string Answer = """
        {"status":"success","data":{"resultType":"streams","result":[
          {"stream":{"job":"nomad","host":"n1"},"values":[["1736100000000000000","level=info msg=\"alloc started\""],["1736099990000000000","level=info msg=\"pulling image\""]]},
          {"stream":{"job":"consul","host":"n1"},"values":[["1736099980000000000","agent: Synced node info"]]}
        ],"stats":{}}}
        """;

    private static LokiClient Client(FixtureServer server) =>
        new(TestTarget.With(new LokiOptions { Key = "loki", Address = server.Url }), new EvidenceLog());

    [Test]
    public async Task Lines_returned_by_loki_hold()
    {
        await using var server = new FixtureServer().On("/" + LokiClient.Paths.QueryRange, Answer);
        using var client = Client(server);

        var logs = await client.RecentAsync(Window);

        logs.Should().Be(new RecentLogs("{job=~\".+\"}", Window, 2, 3, "level=info msg=\"alloc started\""));
        LogRules.RecentLines(logs).Holds.Should().BeTrue();
        server.Requests.Should().ContainSingle().Which.Should()
            .StartWith("GET /loki/api/v1/query_range?query=%7Bjob%3D~%22.%2B%22%7D&limit=100&direction=backward&start=");
    }

    [Test]
    public async Task An_empty_loki_answer_does_not_hold()
    {
        await using var server = new FixtureServer().On("/" + LokiClient.Paths.QueryRange,
            """{"status":"success","data":{"resultType":"streams","result":[]}}""");
        using var client = Client(server);

        var v = LogRules.RecentLines(await client.RecentAsync(Window));

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("no log line received in the window");
        v.Observed.Should().Be("0 line(s) in 0 stream(s) for {job=~\".+\"} over the last 15 min");
    }

    [Test]
    public async Task An_answer_that_is_not_a_loki_query_answer_is_an_environment_problem_naming_the_url()
    {
        await using var server = new FixtureServer().On("/" + LokiClient.Paths.QueryRange, """{"status":"success"}""");
        using var client = Client(server);

        var act = () => client.RecentAsync(Window);

        (await act.Should().ThrowAsync<EnvironmentProblemException>())
            .WithMessage($"Loki GET {server.Url}/loki/api/v1/query_range?query=*: not a Loki query answer");
    }

    [Test]
    public void A_target_without_a_log_endpoint_is_not_verified()
    {
        var act = () => new LokiClient(TestTarget.With(), new EvidenceLog());

        act.Should().Throw<NotVerifiedException>().WithMessage("The target file (target.yaml) declares no log aggregation endpoint*");
    }
}

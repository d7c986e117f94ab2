using System.Net;
using System.Text.Json.Nodes;
using FluentAssertions;
using NUnit.Framework;
using StandIns.Tests.Support;

namespace StandIns.Tests;

[TestFixture]
public class GrafanaTests
{
    private StandInUnderTest _g = null!;
    private FakePrometheus _prom = null!;
    private string _t = null!;
    private string _admin = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        const string password = "prom-secret";
        _prom = await FakePrometheus.StartAsync("acceptance", password);
        _g = await StandInUnderTest.StartAsync("grafana", prometheusUrl: _prom.Url, prepareState: state =>
        {
            Directory.CreateDirectory(Path.Combine(state, "secrets"));
            File.WriteAllText(Path.Combine(state, "secrets", "prometheus.password"), password + "\n");
        });
        _t = _g.Secret("grafana.token");
        _admin = "admin:" + _g.Secret("grafana-admin.password");
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _g.DisposeAsync();
        await _prom.DisposeAsync();
    }

    private async Task<(HttpStatusCode status, JsonNode? body)> Call(string path, string who, string? body = null)
    {
        using var r = who == "admin"
            ? await _g.Send(body == null ? HttpMethod.Get : HttpMethod.Post, path, basicAuth: _admin, body: body)
            : await _g.Send(body == null ? HttpMethod.Get : HttpMethod.Post, path, who == "sa" ? _t : null, body: body);
        var text = await r.Content.ReadAsStringAsync();
        r.Headers.GetValues("X-Sandbox-Standin").Should().Equal("grafana");
        return (r.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    [TestCase("/api/health", "anonymous", "api-health.json")]
    [TestCase("/api/datasources", "admin", "datasources-list.json")]
    [TestCase("/api/datasources/uid/prometheus", "admin", "datasource-by-uid.json")]
    [TestCase("/api/datasources/uid/prometheus/health", "sa", "datasource-health.json")]
    [TestCase("/api/search", "sa", "search.json")]
    [TestCase("/api/dashboards/uid/ml-training-overview", "sa", "dashboard-by-uid.json")]
    [TestCase("/api/org/users", "admin", "org-users.json")]
    [TestCase("/api/admin/settings", "admin", "admin-settings.json")]
    [TestCase("/api/v1/provisioning/alert-rules/ml-training-job-failed", "sa", "provisioning-alert-rule.json")]
    public async Task Endpoint_matches_documented_shape(string path, string who, string fixture)
    {
        var (status, body) = await Call(path, who);
        status.Should().Be(HttpStatusCode.OK, body?.ToJsonString());
        JsonShape.Compare(Fixture.Json("grafana/" + fixture), body, "grafana").Should().BeEmpty();
    }

    [Test]
    public async Task Service_account_tokens_are_listed_with_their_creation_time_and_the_old_token_fault_ages_them()
    {
        var (status, search) = await Call("/api/serviceaccounts/search", "sa");
        status.Should().Be(HttpStatusCode.OK);
        var id = search!["serviceAccounts"]![0]!["id"]!.GetValue<long>();
        var (_, tokens) = await Call($"/api/serviceaccounts/{id}/tokens", "sa");
        DateTimeOffset.Parse(tokens![0]!["created"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)
            .Should().BeAfter(DateTimeOffset.UtcNow.AddDays(-1));
        tokens[0]!["expiration"].Should().BeNull("the sandbox's token never expires");
        _g.Fault("grafana.token-old", true);
        try
        {
            var (_, old) = await Call($"/api/serviceaccounts/{id}/tokens", "sa");
            DateTimeOffset.Parse(old![0]!["created"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)
                .Should().BeBefore(DateTimeOffset.UtcNow.AddDays(-399));
        }
        finally { _g.Fault("grafana.token-old", false); }
        (await Call($"/api/serviceaccounts/{id}/tokens", "anonymous")).status.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task Health_reports_a_standin_version_and_the_datasource_really_queries_prometheus()
    {
        (await Call("/api/health", "anonymous")).body!["version"]!.GetValue<string>().Should().EndWith("-standin");
        var (status, body) = await Call("/api/datasources/uid/prometheus/health", "sa");
        status.Should().Be(HttpStatusCode.OK);
        body!["status"]!.GetValue<string>().Should().Be("OK");
        body["message"]!.GetValue<string>().Should().Be("Successfully queried the Prometheus API.");
        lock (_prom.Queries) _prom.Queries.Should().Contain("1+1");
    }

    [Test]
    public async Task Ds_query_returns_frames_in_the_documented_shape()
    {
        var req = Fixture.Json("grafana/ds-query.request.json").AsObject();
        var q = req["queries"]![0]!.AsObject();
        q["datasource"] = new JsonObject { ["uid"] = "prometheus", ["type"] = "prometheus" };
        q["expr"] = "up";
        var (status, body) = await Call("/api/ds/query", "sa", req.ToJsonString());
        status.Should().Be(HttpStatusCode.OK, body?.ToJsonString());
        JsonShape.Compare(Fixture.Json("grafana/ds-query.json"), body, "grafana").Should().BeEmpty();
        var frames = body!["results"]!["A"]!["frames"]!.AsArray();
        frames.Should().HaveCount(2, "query_range.json has two series");
        frames[0]!["data"]!["values"]![0]![0]!.GetValue<long>().Should().Be(1435781430781);
        frames[0]!["schema"]!["fields"]![1]!["labels"]!["job"]!.GetValue<string>().Should().Be("prometheus");

        q["instant"] = true;
        var (_, instant) = await Call("/api/ds/query", "sa", req.ToJsonString());
        instant!["results"]!["A"]!["frames"]!.AsArray().Should().HaveCount(2, "query.json has two samples");
    }

    [Test]
    public async Task Auth_and_roles()
    {
        var (s1, b1) = await Call("/api/search", "anonymous");
        s1.Should().Be(HttpStatusCode.Unauthorized);
        b1!["message"]!.GetValue<string>().Should().NotBeEmpty();
        using (var wrong = await _g.Send(HttpMethod.Get, "/api/search", "glsa_wrong_token"))
            wrong.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        using (var wrongPw = await _g.Send(HttpMethod.Get, "/api/search", basicAuth: "admin:nope"))
            wrongPw.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await Call("/api/admin/settings", "sa")).status.Should().Be(HttpStatusCode.Forbidden);
        (await Call("/api/users", "sa")).status.Should().Be(HttpStatusCode.Forbidden);
        (await Call("/api/users", "admin")).status.Should().Be(HttpStatusCode.OK);
        (await Call("/api/org/users", "sa")).status.Should().Be(HttpStatusCode.OK, "org.users:read needs the org Admin role, which the suite's service account has");
        (await Call("/api/org/users", "anonymous")).status.Should().Be(HttpStatusCode.Unauthorized);
        (await Call("/api/v1/provisioning/alert-rules", "sa")).body!.AsArray().Should().NotBeEmpty();
        var (_, search) = await Call("/api/search?type=dash-db", "sa");
        search!.AsArray().Select(d => d!["uid"]!.GetValue<string>()).Should().Contain("ml-training-overview");
        var (_, missing) = await Call("/api/dashboards/uid/nope", "sa");
        missing!["message"]!.GetValue<string>().Should().Be("Dashboard not found");
    }

    [Test]
    public async Task Html_pages_and_metrics()
    {
        foreach (var p in new[] { "/", "/login" })
        {
            using var r = await _g.Get(p);
            r.StatusCode.Should().Be(HttpStatusCode.OK);
            (await r.Content.ReadAsStringAsync()).Should().Contain("<title>Grafana</title>");
        }
        using var m = await _g.Get("/metrics");
        (await m.Content.ReadAsStringAsync()).Should().Contain("grafana_build_info{");
    }

    [Test, NonParallelizable]
    public async Task Fault_datasource_unhealthy()
    {
        _g.Fault("grafana.datasource-unhealthy", true);
        try
        {
            var (status, body) = await Call("/api/datasources/uid/prometheus/health", "sa");
            status.Should().Be(HttpStatusCode.BadRequest);
            body!["status"]!.GetValue<string>().Should().Be("ERROR");
        }
        finally { _g.Fault("grafana.datasource-unhealthy", false); }
        (await Call("/api/datasources/uid/prometheus/health", "sa")).status.Should().Be(HttpStatusCode.OK);
    }

    [Test, NonParallelizable]
    public async Task Fault_panel_no_data()
    {
        var dash = (await Call("/api/dashboards/uid/ml-training-overview", "sa")).body!["dashboard"]!;
        var expr = dash["panels"]![0]!["targets"]![0]!["expr"]!.GetValue<string>();
        var req = new JsonObject
        {
            ["queries"] = new JsonArray(new JsonObject { ["refId"] = "A", ["expr"] = expr, ["datasource"] = new JsonObject { ["uid"] = "prometheus" } }),
            ["from"] = "now-5m", ["to"] = "now",
        }.ToJsonString();
        _g.Fault("grafana.panel-no-data", true);
        try
        {
            var (status, body) = await Call("/api/ds/query", "sa", req);
            status.Should().Be(HttpStatusCode.OK);
            body!["results"]!["A"]!["frames"]!.AsArray().Should().BeEmpty();
        }
        finally { _g.Fault("grafana.panel-no-data", false); }
        (await Call("/api/ds/query", "sa", req)).body!["results"]!["A"]!["frames"]!.AsArray().Should().NotBeEmpty();
    }

    [Test, NonParallelizable]
    public async Task Anonymous_callers_are_refused_unless_the_fault_turns_anonymous_access_on()
    {
        (await Call("/api/frontend/settings", "anonymous")).status.Should().Be(HttpStatusCode.Unauthorized);
        (await Call("/api/search", "anonymous")).status.Should().Be(HttpStatusCode.Unauthorized);
        (await Call("/api/frontend/settings", "sa")).body!["anonymousEnabled"]!.GetValue<bool>().Should().BeFalse();
        _g.Fault("grafana.anonymous", true);
        try
        {
            var (status, body) = await Call("/api/frontend/settings", "anonymous");
            status.Should().Be(HttpStatusCode.OK);
            body!["anonymousEnabled"]!.GetValue<bool>().Should().BeTrue();
            (await Call("/api/search", "anonymous")).status.Should().Be(HttpStatusCode.OK);
            (await Call("/api/org/users", "anonymous")).status.Should().Be(HttpStatusCode.Forbidden, "the anonymous role is Viewer");
            (await Call("/api/user", "anonymous")).status.Should().Be(HttpStatusCode.Unauthorized, "/api/user is reqSignedInNoAnonymous");
            (await Call("/api/admin/settings", "admin")).body!["auth.anonymous"]!["enabled"]!.GetValue<string>().Should().Be("true");
        }
        finally { _g.Fault("grafana.anonymous", false); }
    }

    [Test, NonParallelizable]
    public async Task The_default_admin_login_is_refused_unless_the_fault_keeps_the_default_password()
    {
        const string login = "{\"user\":\"admin\",\"password\":\"admin\"}";
        using (var r = await _g.Send(HttpMethod.Post, "/login", body: login)) r.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        _g.Fault("grafana.default-admin", true);
        try
        {
            using var r = await _g.Send(HttpMethod.Post, "/login", body: login);
            r.StatusCode.Should().Be(HttpStatusCode.OK);
            r.Headers.GetValues("Set-Cookie").Should().ContainSingle().Which.Should().StartWith("grafana_session=");
            (await _g.Send(HttpMethod.Get, "/api/user", basicAuth: "admin:admin")).StatusCode.Should().Be(HttpStatusCode.OK);
        }
        finally { _g.Fault("grafana.default-admin", false); }
    }

    [Test]
    public async Task The_suites_service_account_reads_its_own_org_role()
    {
        var (status, body) = await Call("/api/user/orgs", "sa");
        status.Should().Be(HttpStatusCode.OK);
        body!.AsArray().Should().ContainSingle().Which!["role"]!.GetValue<string>().Should().Be("Admin");
        (await Call("/api/user", "sa")).body!["isGrafanaAdmin"]!.GetValue<bool>().Should().BeFalse();
    }
}

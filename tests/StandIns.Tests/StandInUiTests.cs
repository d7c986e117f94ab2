using System.Net;
using System.Text.Json.Nodes;
using FluentAssertions;
using NUnit.Framework;
using StandIns.Tests.Support;

namespace StandIns.Tests;

/// <summary>The stand-ins' "stand-in UI" pages at the real UIs' routes, and the API the Consul UI's services page calls.</summary>
[TestFixture]
public class StandInUiTests
{
    private StandInUnderTest _consul = null!;
    private StandInUnderTest _nomad = null!;
    private StandInUnderTest _grafana = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _consul = await StandInUnderTest.StartAsync("consul");
        _nomad = await StandInUnderTest.StartAsync("nomad");
        _grafana = await StandInUnderTest.StartAsync("grafana");
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _consul.DisposeAsync();
        await _nomad.DisposeAsync();
        await _grafana.DisposeAsync();
    }

    [TestCase("consul", "/", "/ui/dc1/services")]
    [TestCase("consul", "/ui/", "/ui/dc1/services")]
    [TestCase("nomad", "/", "/ui/jobs")]
    [TestCase("nomad", "/ui/clients", "/ui/clients")]
    public async Task The_real_uis_routes_lead_to_a_page_labelled_stand_in_ui(string service, string path, string landing)
    {
        var s = service == "consul" ? _consul : _nomad;
        using var r = await s.Get(path);
        var html = await r.Content.ReadAsStringAsync();
        r.StatusCode.Should().Be(HttpStatusCode.OK);
        r.RequestMessage!.RequestUri!.AbsolutePath.Should().Be(landing);
        r.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        html.Should().Contain("<b>stand-in UI</b>").And.Contain("(stand-in UI)</title>");
        html.Should().Contain(service == "consul" ? "localStorage.getItem('consul:token')" : "localStorage.getItem('nomadTokenSecret')");
    }

    [Test]
    public async Task The_services_page_api_lists_each_service_with_its_check_counts_and_the_critical_fault()
    {
        var token = _consul.Secret("consul.token");
        // The counts agree with what /v1/health/service reports for the same service (its checks and its node's).
        async Task<(int Passing, int Critical, int ApiCritical)> Counts(string name)
        {
            var row = (await _consul.GetJson("/v1/internal/ui/services?dc=dc1", token, "X-Consul-Token")).AsArray()
                .Single(s => s!["Name"]!.GetValue<string>() == name)!;
            var checks = (await _consul.GetJson($"/v1/health/service/{name}", token, "X-Consul-Token")).AsArray()
                .SelectMany(i => i!["Checks"]!.AsArray()).ToList();
            row["InstanceCount"]!.GetValue<int>().Should().Be(1);
            (row["ChecksPassing"]!.GetValue<int>() + row["ChecksWarning"]!.GetValue<int>() + row["ChecksCritical"]!.GetValue<int>()).Should().Be(checks.Count);
            return (row["ChecksPassing"]!.GetValue<int>(), row["ChecksCritical"]!.GetValue<int>(),
                checks.Count(c => c!["Status"]!.GetValue<string>() == "critical"));
        }
        var healthy = await Counts("prometheus");
        healthy.Critical.Should().Be(healthy.ApiCritical);
        _consul.Fault("consul.check-critical", true);
        try
        {
            var faulted = await Counts("prometheus");
            faulted.Critical.Should().Be(faulted.ApiCritical).And.BeGreaterThan(0);
            faulted.Passing.Should().Be(1, "serfHealth of the node stays passing");
        }
        finally { _consul.Fault("consul.check-critical", false); }
        (await _consul.GetJson("/v1/internal/ui/services?dc=dc1")).AsArray().Should().BeEmpty("an anonymous caller sees nothing under default deny");
    }

    [Test]
    public async Task A_dashboard_page_sends_a_visitor_without_credentials_to_the_login_page_and_shows_one_with_a_token()
    {
        using var anonymous = await _grafana.Get("/d/ml-training-overview/ml-training-overview");
        anonymous.RequestMessage!.RequestUri!.AbsolutePath.Should().Be("/login");
        (await anonymous.Content.ReadAsStringAsync()).Should().NotContain("/api/dashboards/uid/");
        using var suite = await _grafana.Get("/d/ml-training-overview/ml-training-overview", _grafana.Secret("grafana.token"));
        suite.StatusCode.Should().Be(HttpStatusCode.OK);
        (await suite.Content.ReadAsStringAsync()).Should().Contain("<b>stand-in UI</b>").And.Contain("data-testid Panel status error")
            .And.Contain("/api/ds/query");
    }

    [Test]
    public async Task The_panel_error_fault_fails_the_first_panels_query_with_an_error_the_page_shows_as_a_badge()
    {
        var req = new JsonObject
        {
            ["queries"] = new JsonArray(new JsonObject { ["refId"] = "A", ["expr"] = "sum(up)", ["datasource"] = new JsonObject { ["uid"] = "prometheus" } }),
            ["from"] = "now-5m", ["to"] = "now",
        }.ToJsonString();
        _grafana.Fault("grafana.panel-error", true);
        try
        {
            using var r = await _grafana.Send(HttpMethod.Post, "/api/ds/query", _grafana.Secret("grafana.token"), body: req);
            ((int)r.StatusCode).Should().Be(207);
            JsonNode.Parse(await r.Content.ReadAsStringAsync())!["results"]!["A"]!["error"]!.GetValue<string>().Should().Contain("grafana.panel-error");
        }
        finally { _grafana.Fault("grafana.panel-error", false); }
    }
}

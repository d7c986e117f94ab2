using Acceptance.Support.Browser;
using Acceptance.TestSupport;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Browser;

/// <summary>The browser checks' rules, on what a page showed (small inline visits, and the documented API bodies the pages render).</summary>
public sealed class UiRulesTests
{
    private const string Origin = "https://consul.example:8501";

    private static UiVisit Visit(string text = "", int? status = 200, IReadOnlyList<UiRequest>? requests = null, IReadOnlyList<string>? console = null,
        IReadOnlyList<UiData>? data = null, bool standIn = false, UiVisitor visitor = UiVisitor.Suite) =>
        new("Consul UI", visitor, "/ui/dc1/services", Origin, Origin + "/ui/dc1/services", status, standIn, "Services", console ?? [], requests ?? [],
            text, data ?? [], TimeSpan.FromMilliseconds(900));

    private static readonly ConsulUiService Passing = new("prometheus", 1, 2, 0, 0);

    [Test]
    public void A_page_that_lists_every_expected_service_with_passing_checks_holds()
    {
        var v = UiRules.ConsulServicesShown(Visit("prometheus All health checks passing"), [Passing], ["prometheus"]);
        v.Holds.Should().BeTrue(v.Sentence);
    }

    [Test]
    public void A_critical_check_shown_for_an_expected_service_is_named()
    {
        var v = UiRules.ConsulServicesShown(Visit("prometheus 1 critical"), [Passing with { ChecksPassing = 1, ChecksCritical = 1 }], ["prometheus"]);
        v.Shortfalls.Should().ContainSingle().Which.Should().Be("service prometheus shows 1 critical and 0 warning check(s)");
    }

    [Test]
    public void An_expected_service_the_page_does_not_show_is_named_even_when_the_api_returned_it()
    {
        var v = UiRules.ConsulServicesShown(Visit("loading…"), [Passing], ["prometheus"]);
        v.Shortfalls.Should().ContainSingle().Which.Should().Be("service prometheus is not listed on the page");
    }

    [Test]
    public void A_failing_request_to_the_uis_own_origin_is_named_and_other_origins_are_not_judged()
    {
        var v = UiRules.ConsulServicesShown(Visit("prometheus", requests:
        [
            new("GET", Origin + "/ui/assets/vendor.js", 404, null),
            new("GET", "https://fonts.example/x.woff", null, "net::ERR_NAME_NOT_RESOLVED"),
            new("GET", Origin + "/v1/internal/ui/services?dc=dc1", 200, null),
        ]), [Passing], ["prometheus"]);
        v.Shortfalls.Should().ContainSingle().Which.Should().Be($"Consul UI: request GET {Origin}/ui/assets/vendor.js → 404");
    }

    [Test]
    public void A_console_error_and_a_page_that_did_not_answer_2xx_are_named()
    {
        var v = UiRules.NomadJobsShown(Visit("", status: 404, console: ["uncaught: TypeError: x is undefined at app.js:1"]) with { Ui = "Nomad UI" }, ["ml-training-nightly"]);
        v.Shortfalls.Should().Contain(s => s.Contains("the page answered 404")).And.Contain("Nomad UI: console error: uncaught: TypeError: x is undefined at app.js:1")
            .And.Contain("job ml-training-nightly is not listed on the page");
    }

    [Test]
    public void A_tolerated_console_error_is_named_in_the_observation_but_does_not_fail()
    {
        var visit = Visit("prometheus") with { ToleratedConsoleErrors = ["uncaught: SyntaxError: Unexpected token 'export' at popper.min.js:1"] };
        var v = UiRules.ConsulServicesShown(visit, [Passing], ["prometheus"]);
        v.Holds.Should().BeTrue();
        v.Observed.Should().Contain("1 known one(s) tolerated: uncaught: SyntaxError: Unexpected token 'export'");
    }

    [Test]
    public void A_stand_in_page_is_labelled_stand_in_ui_in_the_verdict()
    {
        var v = UiRules.ConsulServicesShown(Visit("prometheus", standIn: true), [Passing], ["prometheus"]);
        v.Rule.Should().Contain("Consul UI (stand-in UI)");
        v.Observed.Should().StartWith("Consul UI (stand-in UI) /ui/dc1/services");
    }

    [Test]
    public void A_client_node_that_is_down_is_named_and_no_node_at_all_falls_short()
    {
        UiRules.NomadClientsReady(Visit("ml-worker-1 ready ml-mgmt-1 down"), [new("ml-worker-1", "ready", "eligible"), new("ml-mgmt-1", "down", "ineligible")])
            .Shortfalls.Should().ContainSingle().Which.Should().Be("node ml-mgmt-1: down");
        UiRules.NomadClientsReady(Visit(""), []).Shortfalls.Should().Contain("the page lists no client node");
    }

    [Test]
    public void The_query_table_must_hold_a_row_for_every_expected_scrape_job()
    {
        string[] rows = ["up{instance=\"127.0.0.1:9090\",job=\"prometheus\"} 1"];
        UiRules.PrometheusQueryShowsTargets(Visit(), rows, ["prometheus"]).Holds.Should().BeTrue();
        UiRules.PrometheusQueryShowsTargets(Visit(), rows, ["prometheus", "node"]).Shortfalls.Should().ContainSingle().Which.Should().Be("no row for job node");
        UiRules.PrometheusQueryShowsTargets(Visit(), [], ["prometheus"]).Shortfalls.Should().ContainSingle().Which.Should().Be("the query `up` showed no result table");
    }

    [Test]
    public void A_panel_with_an_error_badge_or_a_query_error_or_missing_panels_falls_short()
    {
        var dashboard = new Acceptance.Support.Grafana.DashboardRef("ml", "ML Training Overview", "/d/ml/ml");
        var view = new GrafanaDashboardView(dashboard, Visit("ML Training Overview") with { Ui = "Grafana UI" }, ["Scrape targets up"],
            ["Scrape targets up: A: parse error"], ["query A: parse error"]);
        var v = UiRules.GrafanaDashboardsRender([view], new Dictionary<string, int> { ["ml"] = 2 });
        v.Shortfalls.Should().BeEquivalentTo(
            "ML Training Overview: 1 of 2 panel(s) rendered",
            "ML Training Overview: panel Scrape targets up: A: parse error shows an error badge",
            "ML Training Overview: query A: parse error");
        UiRules.GrafanaDashboardsRender([view with { Panels = ["a", "b"], ErroredPanels = [], QueryErrors = [] }], new Dictionary<string, int> { ["ml"] = 2 })
            .Holds.Should().BeTrue();
    }

    [Test]
    public void An_anonymous_visitor_who_sees_a_protected_name_on_the_page_or_in_its_data_makes_the_rule_fail_at_once()
    {
        var refused = Visit("", status: 401, visitor: UiVisitor.Anonymous);
        UiRules.AnonymousSeesNothing(refused, ["prometheus"], "an ACL token").Holds.Should().BeTrue();
        var open = Visit("prometheus nomad", visitor: UiVisitor.Anonymous, data: [new("/v1/internal/ui/services", 200, """[{"Name":"grafana"}]""")]);
        var v = UiRules.AnonymousSeesNothing(open, ["prometheus", "grafana", "pushgateway"], "an ACL token");
        v.Shortfalls.Should().BeEquivalentTo(
            "prometheus is shown to an anonymous visitor: the UI answers without auth",
            "grafana is shown to an anonymous visitor: the UI answers without auth");
        v.IsTerminal.Should().BeTrue();
    }

    [Test]
    public void A_dashboard_shown_to_an_anonymous_visitor_is_named()
    {
        var dashboard = new Acceptance.Support.Grafana.DashboardRef("ml", "ML Training Overview", "/d/ml/ml");
        var login = new GrafanaDashboardView(dashboard, Visit("Email or username Password Log in", visitor: UiVisitor.Anonymous), [], [], []);
        UiRules.AnonymousSeesNoDashboard([login]).Holds.Should().BeTrue();
        UiRules.AnonymousSeesNoDashboard([login with { Visit = Visit("ML Training Overview 9 panels", visitor: UiVisitor.Anonymous) }])
            .Shortfalls.Should().ContainSingle().Which.Should().Be("ML Training Overview is shown to an anonymous visitor: the UI answers without auth");
    }

    [Test]
    public void The_nodes_the_clients_page_was_given_are_read_from_the_documented_node_list()
    {
        var body = SharedFixtures.Text("nomad/nodes-list.json");
        var nodes = UiProbe.NomadNodes(Visit(data: [new("/v1/nodes", 200, body)]));
        nodes.Should().ContainSingle().Which.Should().Be(new NomadUiNode("nomad-4", "ready", "eligible"));
    }

    [Test]
    public void The_query_errors_a_dashboard_page_received_are_read_from_its_ds_query_answers()
    {
        var ok = SharedFixtures.Text("grafana/ds-query.json");
        UiProbe.QueryErrors(Visit(data: [new("/api/ds/query", 200, ok)])).Should().BeEmpty();
        var failed = """{"results":{"A":{"error":"bad_data: parse error","errorSource":"downstream","status":400}}}""";
        UiProbe.QueryErrors(Visit(data: [new("/api/ds/query", 207, failed)])).Should().ContainSingle().Which.Should().Be("query A: bad_data: parse error");
        UiProbe.QueryErrors(Visit(data: [new("/api/ds/query", 401, """{"message":"Unauthorized"}""")])).Should().ContainSingle()
            .Which.Should().Be("/api/ds/query → 401: Unauthorized");
    }

    [Test]
    public void The_services_the_consul_page_was_given_are_read_with_their_check_counts()
    {
        var body = """[{"Name":"prometheus","Datacenter":"dc1","InstanceCount":2,"ChecksPassing":3,"ChecksWarning":1,"ChecksCritical":0,"Kind":""}]""";
        UiProbe.ConsulServices(Visit(data: [new("/v1/internal/ui/services", 200, body)])).Should().ContainSingle()
            .Which.Should().Be(new ConsulUiService("prometheus", 2, 3, 1, 0));
        UiProbe.ConsulServices(Visit(data: [new("/v1/internal/ui/services", 403, "Permission denied")])).Should().BeEmpty();
    }
}

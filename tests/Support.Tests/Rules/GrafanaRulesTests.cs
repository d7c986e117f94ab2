using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Acceptance.Support.Evidence;
using Acceptance.Support.Grafana;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Rules;

/// <summary>
/// Every rule of <see cref="GrafanaRules"/>, healthy and faulty: on the project's own small records, then on the documented
/// Grafana API bodies (../shared/fixtures/grafana) read through the real <see cref="GrafanaClient"/> and <see cref="GrafanaProbe"/>,
/// and on real-world dashboards (../shared/fixtures-real/grafana).
/// </summary>
public sealed class GrafanaRulesTests
{
    private static readonly TimeSpan Range = TimeSpan.FromMinutes(15);

    // ---------------------------------------------------------------- own fixtures

    private static readonly GrafanaDatasource Prometheus = new("prom", "Prometheus", "prometheus", "http://prometheus:9090", true);
    private static readonly GrafanaDatasource Loki = new("loki", "Loki", "loki", "http://loki:3100", false);

    private static PanelQuery Query(int id, string panel, string expr = "up") => new("Nodes", id, panel, "A", "prom", "prometheus", expr, false);

    [Test]
    public void UiServes_holds_on_health_ok_and_a_login_page()
    {
        var v = GrafanaRules.UiServes(new GrafanaUi(200, "ok", 200));

        v.Holds.Should().BeTrue();
        v.Observed.Should().Be("/api/health → 200 (database 'ok'); GET /login → 200");
    }

    [Test]
    public void UiServes_names_the_failing_health_the_database_and_the_login_page()
    {
        GrafanaRules.UiServes(new GrafanaUi(503, "failing", 200)).Shortfalls
            .Should().Equal("/api/health answered 503", "database is 'failing', not ok");
        GrafanaRules.UiServes(new GrafanaUi(200, "ok", 502)).Shortfalls.Should().Equal("GET /login answered 502");
    }

    [Test]
    public void DatasourcesHealthy_holds_when_every_datasource_answers_OK()
    {
        var v = GrafanaRules.DatasourcesHealthy([new DatasourceHealth(Prometheus, 200, "OK", "Successfully queried the Prometheus API.")]);

        v.Holds.Should().BeTrue();
        v.Observed.Should().Be("Prometheus (prometheus, uid prom) → http://prometheus:9090: HTTP 200 status OK 'Successfully queried the Prometheus API.'");
    }

    [Test]
    public void DatasourcesHealthy_names_each_failing_datasource()
    {
        var v = GrafanaRules.DatasourcesHealthy([
            new DatasourceHealth(Prometheus, 200, "OK", "Successfully queried the Prometheus API."),
            new DatasourceHealth(Loki, 400, "ERROR", "Unable to connect with Loki. Please check the server logs for more details."),
            new DatasourceHealth(Loki with { Uid = "loki2", Name = "Loki 2" }, 200, "UNKNOWN", "plugin health check not implemented"),
        ]);

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal(
            "Loki (loki, uid loki) → http://loki:3100: HTTP 400 status ERROR 'Unable to connect with Loki. Please check the server logs for more details.'",
            "Loki 2 (loki, uid loki2) → http://loki:3100: HTTP 200 status UNKNOWN 'plugin health check not implemented'");
    }

    [Test]
    public void DatasourcesHealthy_does_not_hold_with_none_configured()
    {
        var none = GrafanaRules.DatasourcesHealthy([]);
        none.Holds.Should().BeFalse();
        none.Shortfalls.Should().Equal("Grafana has no datasource configured");
        none.Observed.Should().Be("no datasources");

        GrafanaRules.DatasourcesHealthy([], "prometheus ").Shortfalls.Should().Equal("Grafana has no prometheus datasource configured");
    }

    [Test]
    public void DashboardsPresent_holds_when_each_expected_dashboard_is_found_and_names_the_missing_ones()
    {
        var nodes = new DashboardRef("nodes", "Nodes", "/d/nodes/nodes");
        GrafanaRules.DashboardsPresent(new DashboardPresence(["Nodes"], [nodes], [])).Holds.Should().BeTrue();

        var v = GrafanaRules.DashboardsPresent(new DashboardPresence(["Nodes", "Consul", "nomad-jobs"], [nodes], ["Consul", "nomad-jobs"]));
        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("dashboard Consul is missing", "dashboard nomad-jobs is missing");
        v.Observed.Should().Be("expected [Nodes, Consul, nomad-jobs]; Grafana has [Nodes (uid nodes)]; MISSING [Consul, nomad-jobs]");
    }

    [Test]
    public void PanelsHaveData_holds_when_every_panel_query_returns_a_value()
    {
        var v = GrafanaRules.PanelsHaveData([new QueryOutcome(Query(2, "CPU"), 200, 1, 120, null)], Range);

        v.Holds.Should().BeTrue();
        v.Observed.Should().Be("1/1 panel queries returned data");
        v.Expected.Should().Be("every panel query returns at least one value over the last 15 min through /api/ds/query");
    }

    [Test]
    public void PanelsHaveData_does_not_hold_without_any_panel_query()
    {
        var v = GrafanaRules.PanelsHaveData([], Range);

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("the dashboards have no panel with a query");
    }

    [Test]
    public void PanelsHaveData_names_a_no_data_panel_and_a_failing_query()
    {
        var v = GrafanaRules.PanelsHaveData([
            new QueryOutcome(Query(2, "CPU"), 200, 1, 120, null),
            new QueryOutcome(Query(3, "Memory", "node_memory_MemAvailable_bytes"), 200, 1, 0, null),
            new QueryOutcome(Query(4, "Disk", "rate(x[5m]"), 400, 0, 0, "bad_data: 1:8: parse error: unclosed left parenthesis"),
        ], Range);

        v.Holds.Should().BeFalse();
        v.Observed.Should().Be("1/3 panel queries returned data");
        v.Shortfalls.Should().Equal(
            "dashboard 'Nodes' panel 'Memory' (id 3) query A: node_memory_MemAvailable_bytes → NO DATA (1 frame(s), no values)",
            "dashboard 'Nodes' panel 'Disk' (id 4) query A: rate(x[5m] → ERROR (HTTP 400): bad_data: 1:8: parse error: unclosed left parenthesis");
    }

    // ---------------------------------------------------------------- documented bodies through the real client

    private static string PathOf(string clientPath) => "/" + clientPath.Split('?')[0];

    private static string HealthPath(string uid) => "/" + string.Format(GrafanaClient.Paths.DatasourceHealth, uid);

    private static string DashboardPath(string uid) => "/" + GrafanaClient.Paths.DashboardByUid + uid;

    private static async Task<T> Probe<T>(FixtureServer server, Func<GrafanaProbe, Task<T>> read)
    {
        using var client = new GrafanaClient(TestTarget.With(new GrafanaOptions { Key = "grafana", Address = server.Url }), new EvidenceLog());
        return await read(new GrafanaProbe(client, new EvidenceLog()));
    }

    [Test]
    public async Task The_documented_health_and_a_login_page_serve_the_ui()
    {
        await using var server = new FixtureServer()
            .On(PathOf(GrafanaClient.Paths.Health), SharedFixtures.Text("grafana/api-health.json"))
            .On("/login", "<!DOCTYPE html><html><title>Grafana</title></html>", contentType: "text/html");

        var ui = await Probe(server, p => p.UiAsync());

        GrafanaRules.UiServes(ui).Holds.Should().BeTrue();
        ui.Should().Be(new GrafanaUi(200, "ok", 200));
        RunFacts.Snapshot().Should().Contain(new KeyValuePair<string, string>("grafana.version", "5.1.3"));
    }

    [Test]
    public async Task A_documented_health_answering_503_with_a_failing_database_does_not_hold()
    {
        var body = SharedFixtures.Json("grafana/api-health.json");
        body["database"] = "failing";
        await using var server = new FixtureServer()
            .On(PathOf(GrafanaClient.Paths.Health), body.ToJsonString(), status: 503)
            .On("/login", "<html></html>", contentType: "text/html");

        var v = GrafanaRules.UiServes(await Probe(server, p => p.UiAsync()));

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("/api/health answered 503", "database is 'failing', not ok");
    }

    [Test]
    public async Task A_missing_login_page_does_not_hold()
    {
        await using var server = new FixtureServer().On(PathOf(GrafanaClient.Paths.Health), SharedFixtures.Text("grafana/api-health.json"));

        GrafanaRules.UiServes(await Probe(server, p => p.UiAsync())).Shortfalls.Should().Equal("GET /login answered 404");
    }

    [Test]
    public async Task The_documented_datasource_is_healthy()
    {
        await using var server = new FixtureServer()
            .On(PathOf(GrafanaClient.Paths.Datasources), SharedFixtures.Text("grafana/datasources-list.json"))
            .On(HealthPath("H8joYFVGz"), SharedFixtures.Text("grafana/datasource-health.json"));

        var health = await Probe(server, p => p.DatasourceHealthAsync());

        var v = GrafanaRules.DatasourcesHealthy(health);
        v.Holds.Should().BeTrue();
        v.Observed.Should().StartWith("datasource_elastic (elasticsearch, uid H8joYFVGz) → http://mydatasource.com: HTTP 200 status OK '1. Successfully queried");
    }

    [Test]
    public async Task A_documented_datasource_whose_health_is_ERROR_is_named()
    {
        var body = SharedFixtures.Json("grafana/datasource-health.json");
        body["status"] = "ERROR";
        body["message"] = "Elasticsearch error: dial tcp: lookup mydatasource.com: no such host";
        await using var server = new FixtureServer()
            .On(PathOf(GrafanaClient.Paths.Datasources), SharedFixtures.Text("grafana/datasources-list.json"))
            .On(HealthPath("H8joYFVGz"), body.ToJsonString(), status: 400);

        var v = GrafanaRules.DatasourcesHealthy(await Probe(server, p => p.DatasourceHealthAsync()));

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("datasource_elastic (elasticsearch, uid H8joYFVGz) → http://mydatasource.com: HTTP 400 status ERROR " +
                                    "'Elasticsearch error: dial tcp: lookup mydatasource.com: no such host'");
    }

    [Test]
    public async Task No_datasource_or_none_of_the_kind_asked_for_does_not_hold()
    {
        await using var empty = new FixtureServer().On(PathOf(GrafanaClient.Paths.Datasources), "[]");
        await using var documented = new FixtureServer().On(PathOf(GrafanaClient.Paths.Datasources), SharedFixtures.Text("grafana/datasources-list.json"));

        GrafanaRules.DatasourcesHealthy(await Probe(empty, p => p.DatasourceHealthAsync())).Shortfalls
            .Should().Equal("Grafana has no datasource configured");
        GrafanaRules.DatasourcesHealthy(await Probe(documented, p => p.DatasourceHealthAsync("prometheus")), "prometheus ").Shortfalls
            .Should().Equal("Grafana has no prometheus datasource configured");
        documented.Requests.Should().NotContain(r => r.Contains("/health"), "the elasticsearch datasource is not of the kind asked for");
    }

    [Test]
    public async Task The_documented_search_has_production_overview_and_no_folder_counts_as_a_dashboard()
    {
        await using var server = new FixtureServer().On(PathOf(GrafanaClient.Paths.Search), SharedFixtures.Text("grafana/search.json"));

        var present = await Probe(server, p => p.DashboardsAsync(["production overview", "cIBgcSjkk"]));
        var missing = await Probe(server, p => p.DashboardsAsync(["Production Overview", "Folder", "Node Exporter Full"]));

        GrafanaRules.DashboardsPresent(present).Holds.Should().BeTrue();
        var v = GrafanaRules.DashboardsPresent(missing);
        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("dashboard Folder is missing", "dashboard Node Exporter Full is missing");
        server.Requests.Should().Contain("GET /api/search?type=dash-db&limit=5000");
    }

    /// <summary>The documented /api/ds/query answer, repeated for every refId a dashboard's queries use.</summary>
    private static string DsQueryForEveryRefId(IEnumerable<string> refIds, Action<JsonNode>? mutate = null)
    {
        var documented = SharedFixtures.Json("grafana/ds-query.json");
        var results = new JsonObject();
        foreach (var refId in refIds.Distinct())
        {
            var result = documented["results"]!["A"]!.DeepClone();
            result["frames"]![0]!["schema"]!["refId"] = refId;
            mutate?.Invoke(result);
            results[refId] = result;
        }
        return new JsonObject { ["results"] = results }.ToJsonString();
    }

    private static JsonNode DocumentedDashboardWithPanel()
    {
        var body = SharedFixtures.Json("grafana/dashboard-by-uid.json");
        body["dashboard"]!["panels"] = JsonNode.Parse("""
            [ { "id": 7, "title": "Requests", "type": "timeseries", "datasource": { "type": "prometheus", "uid": "prom" },
                "targets": [ { "refId": "A", "expr": "sum(rate(http_requests_total[5m]))" },
                             { "refId": "B", "expr": "up", "hide": true } ] } ]
            """);
        return body;
    }

    private static async Task<IReadOnlyList<QueryOutcome>> PanelDataAsync(string dashboardBody, string dsQueryBody, string uid = "cIBgcSjkk",
        string title = "Production Overview", int dsQueryStatus = 200, string? datasourcesBody = null)
    {
        await using var server = new FixtureServer()
            .On(PathOf(GrafanaClient.Paths.Datasources), datasourcesBody ?? SharedFixtures.Text("grafana/datasources-list.json"))
            .On(DashboardPath(uid), dashboardBody)
            .On(PathOf(GrafanaClient.Paths.DsQuery), dsQueryBody, status: dsQueryStatus);
        return await Probe(server, p => p.PanelDataAsync([new DashboardRef(uid, title, $"/d/{uid}")], Range));
    }

    [Test]
    public async Task The_documented_dashboard_has_no_panel_so_no_panel_shows_data()
    {
        var outcomes = await PanelDataAsync(SharedFixtures.Text("grafana/dashboard-by-uid.json"), SharedFixtures.Text("grafana/ds-query.json"));

        outcomes.Should().BeEmpty();
        GrafanaRules.PanelsHaveData(outcomes, Range).Shortfalls.Should().Equal("the dashboards have no panel with a query");
    }

    [Test]
    public async Task A_panel_answered_with_the_documented_frame_has_data()
    {
        var outcomes = await PanelDataAsync(DocumentedDashboardWithPanel().ToJsonString(), SharedFixtures.Text("grafana/ds-query.json"));

        outcomes.Should().ContainSingle("the hidden target is not queried");
        outcomes[0].Values.Should().Be(6, "the time column is not counted");
        outcomes[0].Query.Should().Be(new PanelQuery("Production Overview", 7, "Requests", "A", "prom", "prometheus", "sum(rate(http_requests_total[5m]))", false));
        GrafanaRules.PanelsHaveData(outcomes, Range).Holds.Should().BeTrue();
    }

    [Test]
    public async Task A_panel_whose_query_returns_no_values_is_named()
    {
        var answer = SharedFixtures.Json("grafana/ds-query.json");
        answer["results"]!["A"]!["frames"]![0]!["data"]!["values"]![1] = JsonNode.Parse("[null, null, null, null, null, null]");

        var v = GrafanaRules.PanelsHaveData(await PanelDataAsync(DocumentedDashboardWithPanel().ToJsonString(), answer.ToJsonString()), Range);

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("dashboard 'Production Overview' panel 'Requests' (id 7) query A: sum(rate(http_requests_total[5m])) → " +
                                    "NO DATA (1 frame(s), no values)");
    }

    [Test]
    public async Task A_panel_whose_query_fails_is_named_with_the_error()
    {
        var answer = SharedFixtures.Json("grafana/ds-query.json");
        answer["results"]!["A"] = JsonNode.Parse("""{ "error": "bad_data: invalid parameter \"query\": 1:5: parse error", "status": 400 }""");
        var v = GrafanaRules.PanelsHaveData(await PanelDataAsync(DocumentedDashboardWithPanel().ToJsonString(), answer.ToJsonString(),
            dsQueryStatus: 400), Range);

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().ContainSingle().Which.Should().EndWith("→ ERROR (HTTP 400): bad_data: invalid parameter \"query\": 1:5: parse error");
    }

    // ---------------------------------------------------------------- real-world dashboards

    private static JsonElement RealDashboard(string file) => JsonDocument.Parse(SharedFixtures.RealText($"grafana/{file}")).RootElement.Clone();

    private static GrafanaDatasource Documented() =>
        new("H8joYFVGz", "datasource_elastic", "elasticsearch", "http://mydatasource.com", false);

    [Test]
    public async Task The_kube_prometheus_nodes_dashboard_has_17_queries_that_all_show_data()
    {
        var model = SharedFixtures.RealText("grafana/kube-prometheus-node-mixin-nodes.json");
        var dashboard = $$"""{ "dashboard": {{model}}, "meta": {} }""";

        // The browser asks the Prometheus datasource for the $instance values (label_values): so does the suite.
        var datasources = SharedFixtures.Json("grafana/datasources-list.json").AsArray();
        datasources.Add(JsonNode.Parse("""{ "id": 9, "uid": "prom", "name": "Prometheus", "type": "prometheus", "url": "http://p:9090", "isDefault": true }"""));
        var answer = JsonNode.Parse(DsQueryForEveryRefId(["A"]))!;
        answer["results"]!["V"] = JsonNode.Parse("""{ "frames": [ { "schema": { "refId": "V", "fields": [ { "name": "Value", "type": "number", "labels": { "instance": "node-1:9100" } } ] } } ] }""");

        var outcomes = await PanelDataAsync(dashboard, answer.ToJsonString(), "7d57716318ee0dddbac5a7f451fb7753", "Node Exporter / Nodes",
            datasourcesBody: datasources.ToJsonString());

        outcomes.Should().HaveCount(17);
        outcomes.Should().OnlyContain(o => !o.Query.Expression.Contains('$'), "dashboard and built-in variables are substituted before the query is sent");
        outcomes.Should().OnlyContain(o => o.Query.Expression.Contains("node-1:9100") || !o.Query.Expression.Contains("instance="));
        outcomes.Select(o => o.Query.RefId).Should().OnlyContain(r => r == "A", "the mixin's targets carry no refId");
        GrafanaRules.PanelsHaveData(outcomes, Range).Holds.Should().BeTrue();

        var emptyAnswer = JsonNode.Parse(DsQueryForEveryRefId(["A"], r => r["frames"] = new JsonArray()))!;
        emptyAnswer["results"]!["V"] = answer["results"]!["V"]!.DeepClone();
        var empty = await PanelDataAsync(dashboard, emptyAnswer.ToJsonString(), "7d57716318ee0dddbac5a7f451fb7753", "Node Exporter / Nodes",
            datasourcesBody: datasources.ToJsonString());
        var v = GrafanaRules.PanelsHaveData(empty, Range);
        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().HaveCount(17);
        v.Shortfalls[0].Should().StartWith("dashboard 'Node Exporter / Nodes' panel 'CPU Usage' (id 2) query A:").And.EndWith("→ NO DATA (0 frame(s), no values)");
    }

    [Test]
    public void Panels_nested_in_collapsed_rows_are_queried_and_hidden_targets_are_not()
    {
        var model = RealDashboard("node-exporter-full-rfmoz.json");
        var topLevel = model.GetProperty("panels").EnumerateArray().Select(p => p.GetProperty("id").GetInt32()).ToHashSet();

        var queries = GrafanaProbe.Queries("Node Exporter Full", model, [Prometheus], Prometheus).ToList();

        queries.Should().HaveCount(275, "the 11 hidden targets are not queried");
        queries.Where(q => !topLevel.Contains(q.PanelId)).Select(q => q.PanelId).Distinct()
            .Should().HaveCount(110, "the README counts 110 panels nested in the collapsed rows");
        queries.Should().Contain(q => q.RefId == "Memory some");
    }

    [Test]
    public void A_template_datasource_resolves_to_a_datasource_of_its_type_not_to_the_first_one()
    {
        // {"type": "prometheus", "uid": "$datasource"}: Grafana resolves the variable to a Prometheus datasource. The
        // documented datasource (elasticsearch) comes first and none is default: the queries must still go to Prometheus.
        var prometheus = Prometheus with { IsDefault = false };
        var datasources = new[] { Documented(), Loki, prometheus };

        foreach (var file in new[] { "kube-prometheus-node-mixin-nodes.json", "node-exporter-full-rfmoz.json" })
        {
            var queries = GrafanaProbe.Queries(file, RealDashboard(file), datasources, datasources[0]).ToList();

            queries.Should().NotBeEmpty();
            queries.Should().OnlyContain(q => q.DatasourceUid == "prom" && q.DatasourceType == "prometheus", file);
        }
    }

    [Test]
    public void A_template_datasource_prefers_the_default_of_its_type_and_falls_back_without_one()
    {
        var model = RealDashboard("kube-prometheus-node-mixin-nodes.json");
        var second = new GrafanaDatasource("prom2", "Prometheus 2", "prometheus", "http://p2:9090", true);

        GrafanaProbe.Queries("n", model, [Prometheus with { IsDefault = false }, second], null).Select(q => q.DatasourceUid).Distinct()
            .Should().Equal("prom2");
        GrafanaProbe.Queries("n", model, [Documented()], Documented()).Select(q => q.DatasourceUid).Distinct()
            .Should().Equal(new[] { "H8joYFVGz" }, "without a Prometheus datasource the fallback is all there is");
    }

    [Test]
    public void Saved_variable_values_and_the_built_ins_are_substituted_as_the_browser_does()
    {
        var model = JsonDocument.Parse("""
            { "templating": { "list": [
                { "name": "job", "type": "query", "current": { "value": "node" } },
                { "name": "instance", "type": "query", "multi": true, "current": { "value": ["a:9100", "b:9100"] } },
                { "name": "env", "type": "custom", "includeAll": true, "allValue": ".+", "current": { "value": "$__all" } },
                { "name": "ds", "type": "datasource", "query": "prometheus", "current": { "value": "Prometheus" } },
                { "name": "nothing", "type": "query" } ] } }
            """).RootElement;

        var v = DashboardVariables.From(model, TimeSpan.FromMinutes(5));

        v.Substitute("rate(x{job=\"$job\",instance=~\"${instance}\",env=~\"[[env]]\"}[$__rate_interval]) / $__range_s")
            .Should().Be("rate(x{job=\"node\",instance=~\"(a:9100|b:9100)\",env=~\".+\"}[1m]) / 300");
        v.Substitute("${instance:csv}").Should().Be("a:9100,b:9100");
        v.DatasourceOf("$ds").Should().Be("Prometheus");
        v.UnresolvedIn("up{x=\"$nothing\",job=\"$job\"}").Should().Equal("nothing");
        v.Substitute("$unknown_var").Should().Be("$unknown_var", "a name the dashboard does not define stays as written");
    }

    [Test]
    public async Task A_query_variable_without_a_saved_value_is_asked_of_the_datasource_with_earlier_variables_substituted()
    {
        var model = JsonDocument.Parse("""
            { "templating": { "list": [
                { "name": "cluster", "type": "query", "includeAll": true, "allValue": ".*", "query": "label_values(up, cluster)" },
                { "name": "instance", "type": "query", "query": { "query": "label_values(node_uname_info{cluster=~\"$cluster\"}, instance)" } } ] } }
            """).RootElement;
        var asked = new List<(string, string)>();

        var v = await DashboardVariables.ResolveAsync(model, TimeSpan.FromMinutes(5), (selector, label) =>
        {
            asked.Add((selector, label));
            return Task.FromResult<IReadOnlyList<string>>(label == "instance" ? ["n2:9100", "n1:9100"] : []);
        });

        asked.Should().Equal(("up", "cluster"), ("node_uname_info{cluster=~\".*\"}", "instance"));
        v.Substitute("up{cluster=~\"$cluster\",instance=\"$instance\"}").Should().Be("up{cluster=~\".*\",instance=\"n2:9100\"}",
            "All with no values is its allValue; otherwise the first value the datasource offers");
    }

    [Test]
    public void A_panel_whose_datasource_is_a_variable_goes_to_the_datasource_the_variable_selects()
    {
        var model = JsonDocument.Parse("""
            { "templating": { "list": [ { "name": "ds", "type": "datasource", "query": "prometheus", "current": { "value": "prom2" } } ] },
              "panels": [ { "id": 1, "title": "Up", "datasource": { "type": "prometheus", "uid": "${ds}" }, "targets": [ { "refId": "A", "expr": "up" } ] } ] }
            """).RootElement;
        var second = new GrafanaDatasource("prom2", "Prometheus 2", "prometheus", "http://p2:9090", false);

        var queries = GrafanaProbe.Queries("d", model, [Prometheus, second], Prometheus, DashboardVariables.From(model, TimeSpan.FromMinutes(5))).ToList();

        queries.Should().ContainSingle().Which.DatasourceUid.Should().Be("prom2");
    }
}

using System.Text.Json.Nodes;
using Acceptance.Support.Alertmanager;
using Acceptance.Support.Evidence;
using Acceptance.Support.Outcomes;
using Acceptance.Support.Prometheus;
using Acceptance.Support.Pushgateway;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Rules;

/// <summary>
/// Every rule of <see cref="AlertmanagerRules"/>, healthy and faulty: on routing trees parsed from small YAML configurations
/// (the project's own) and from the documented /api/v2/status body read through the real <see cref="AlertmanagerClient"/>.
/// </summary>
public sealed class AlertmanagerRulesTests
{
    private static Dictionary<string, string> Labels(params (string Key, string Value)[] labels) => labels.ToDictionary(l => l.Key, l => l.Value);

    private static string Config(string criticalReceiver = "team-chat") => $"""
        route:
          receiver: default
          routes:
            - receiver: {criticalReceiver}
              matchers:
                - severity="critical"
            - receiver: team-chat
              match:
                severity: warning
        receivers:
          - name: default
            email_configs:
              - to: ops@example.org
          - name: team-chat
            slack_configs:
              - channel: '#ops'
          - name: oncall-pager
            webhook_configs:
              - url: http://pager.example/hook
        """;

    // ---------------------------------------------------------------- own fixtures

    [Test]
    public void RoutesTo_holds_when_the_tree_sends_critical_to_the_expected_receiver()
    {
        var routing = AlertmanagerRouting.Parse(Config("oncall-pager"));

        var v = AlertmanagerRules.RoutesTo(routing.Match(Labels(("severity", "critical"))), "oncall-pager", "critical_receiver");

        v.Holds.Should().BeTrue();
        v.Rule.Should().Be("Alertmanager routes {severity=\"critical\"} to the receiver services.alertmanager.critical_receiver names");
        v.Observed.Should().Be("{severity=\"critical\"} → receiver(s) [oncall-pager] via root(default) → root.routes[0][severity=\"critical\"](oncall-pager)");
    }

    [Test]
    public void RoutesTo_names_the_wrong_receiver_critical_alerts_reach()
    {
        var routing = AlertmanagerRouting.Parse(Config());

        var v = AlertmanagerRules.RoutesTo(routing.Match(Labels(("severity", "critical"))), "oncall-pager", "critical_receiver");

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("the alert reaches [team-chat], not oncall-pager");
        v.Expected.Should().Be("the route tree (config.original of /api/v2/status) delivers to oncall-pager");
        v.Sentence.Should().Contain("Verdict: NOT met: the alert reaches [team-chat], not oncall-pager");
    }

    [Test]
    public void RoutesTo_an_unmatched_severity_falls_back_to_the_root_receiver()
    {
        var routing = AlertmanagerRouting.Parse(Config());

        var warning = AlertmanagerRules.RoutesTo(routing.Match(Labels(("severity", "warning"))), "team-chat", "warning_receiver");
        var info = AlertmanagerRules.RoutesTo(routing.Match(Labels(("severity", "info"))), "team-chat", "warning_receiver");

        warning.Holds.Should().BeTrue();
        info.Holds.Should().BeFalse();
        info.Shortfalls.Should().Equal("the alert reaches [default], not team-chat");
        info.Observed.Should().EndWith("via root(default)");
    }

    [Test]
    public void RoutesTo_follows_continue_regex_matchers_nesting_and_inherited_receivers()
    {
        var routing = AlertmanagerRouting.Parse("""
            route:
              receiver: default
              routes:
                - receiver: audit
                  continue: true
                  match_re:
                    severity: critical|page
                - matchers: ['team="db"']
                  receiver: db-team
                  routes:
                    - matchers: ['{severity=~"critical|page", env!="staging"}']
                - receiver: oncall-pager
                  matchers: [severity=critical]
            receivers:
              - name: default
              - name: audit
              - name: db-team
              - name: oncall-pager
            """);

        var page = routing.Match(Labels(("severity", "page"), ("team", "db"), ("env", "prod")));
        page.Receivers.Should().Equal("audit", "db-team");
        page.Path.Should().Equal("root(default)", "root.routes[0][severity=~\"critical|page\"](audit)", "root.routes[1][team=\"db\"](db-team)",
            "root.routes[1].routes[0][severity=~\"critical|page\",env!=\"staging\"](db-team)");
        AlertmanagerRules.RoutesTo(page, "db-team", "critical_receiver").Holds.Should().BeTrue();

        var critical = routing.Match(Labels(("severity", "critical")));
        critical.Receivers.Should().Equal("audit", "oncall-pager");
        AlertmanagerRules.RoutesTo(critical, "oncall-pager", "critical_receiver").Holds.Should().BeTrue();

        var staging = routing.Match(Labels(("severity", "critical"), ("team", "db"), ("env", "staging")));
        staging.Receivers.Should().Equal("audit", "db-team");
        AlertmanagerRules.RoutesTo(staging, "oncall-pager", "critical_receiver").Shortfalls
            .Should().Equal("the alert reaches [audit, db-team], not oncall-pager");
    }

    [Test]
    public void SendResolved_is_read_where_written_and_defaults_per_integration()
    {
        var routing = AlertmanagerRouting.Parse(Config() + """

              - name: quiet-hook
                webhook_configs:
                  - url: http://hook.example
                    send_resolved: false
              - name: loud-chat
                slack_configs:
                  - channel: '#x'
                    send_resolved: true
            """);

        routing.SendResolved.Should().BeEquivalentTo(new Dictionary<string, bool>
        {
            ["default"] = false, ["team-chat"] = false, ["oncall-pager"] = true, ["quiet-hook"] = false, ["loud-chat"] = true,
        });
    }

    [TestCase("route: [unclosed", "Alertmanager configuration is not YAML*")]
    [TestCase("", "Alertmanager configuration is empty")]
    [TestCase("receivers: []", "Alertmanager configuration has no route")]
    [TestCase("route:\n  receiver: x\n  matchers: ['severity critical']", "Alertmanager route matcher not understood: 'severity critical'")]
    public void A_configuration_that_cannot_be_routed_is_an_environment_problem(string yaml, string message)
    {
        var act = () => AlertmanagerRouting.Parse(yaml);

        act.Should().Throw<EnvironmentProblemException>().WithMessage(message);
    }

    [Test]
    public void StageReached_holds_for_a_reached_stage()
    {
        var v = AlertmanagerRules.StageReached(new PipelineStage("firing in Prometheus", true, TimeSpan.FromSeconds(42), "MLTrainingJobFailed{} firing"),
            TimeSpan.FromSeconds(120));

        v.Holds.Should().BeTrue();
        v.Rule.Should().Be("alert pipeline stage 'firing in Prometheus' is reached");
        v.Expected.Should().Be("within 120 s of the push (thresholds.alert_pipeline_timeout_seconds)");
    }

    [Test]
    public void StageReached_names_the_stage_and_its_last_state_when_not_reached()
    {
        var v = AlertmanagerRules.StageReached(new PipelineStage("firing notification delivered", false, TimeSpan.FromSeconds(120),
            "no notification for job=acceptance-run-1 at http://hook:8080/notifications yet"), TimeSpan.FromSeconds(120));

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("'firing notification delivered' not reached: no notification for job=acceptance-run-1 at http://hook:8080/notifications yet");
        v.Observed.Should().StartWith("firing notification delivered: NOT reached by +120");
    }

    // ---------------------------------------------------------------- documented bodies through the real client

    private static AlertmanagerClient Client(FixtureServer server) =>
        new(TestTarget.With(new AlertmanagerOptions { Key = "alertmanager", Address = server.Url, CriticalReceiver = "web.hook" }), new EvidenceLog());

    private static async Task<(AlertmanagerRouting Routing, string Version)> StatusAsync(string body)
    {
        await using var server = new FixtureServer().On("/" + AlertmanagerClient.Paths.Status, body);
        using var client = Client(server);
        var (yaml, version) = await client.StatusAsync();
        return (AlertmanagerRouting.Parse(yaml), version);
    }

    [Test]
    public async Task The_documented_status_routes_critical_alerts_to_web_hook_which_sends_resolved()
    {
        var (routing, version) = await StatusAsync(SharedFixtures.Text("alertmanager/api-v2-status.json"));

        version.Should().Be("0.27.0");
        var decision = routing.Match(Labels(("severity", "critical")));
        AlertmanagerRules.RoutesTo(decision, "web.hook", "critical_receiver").Holds.Should().BeTrue();
        AlertmanagerRules.RoutesTo(decision, "oncall-pager", "critical_receiver").Shortfalls.Should().Equal("the alert reaches [web.hook], not oncall-pager");
        routing.SendResolved.Should().Equal(new Dictionary<string, bool> { ["web.hook"] = true });
    }

    [Test]
    public async Task A_documented_status_whose_tree_routes_critical_elsewhere_does_not_hold()
    {
        var body = SharedFixtures.Json("alertmanager/api-v2-status.json");
        var original = body["config"]!["original"]!.GetValue<string>();
        const string root = "route:\n  receiver: web.hook\n";
        original.Should().Contain(root, "the documented tree starts this way");
        body["config"]!["original"] = original
            .Replace(root, root + "  routes:\n  - receiver: blackhole\n    matchers:\n    - severity=\"critical\"\n")
            .Replace("receivers:\n", "receivers:\n- name: blackhole\n");

        var (routing, _) = await StatusAsync(body.ToJsonString());

        var v = AlertmanagerRules.RoutesTo(routing.Match(Labels(("severity", "critical"))), "web.hook", "critical_receiver");
        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("the alert reaches [blackhole], not web.hook");
        v.Observed.Should().EndWith("via root(web.hook) → root.routes[0][severity=\"critical\"](blackhole)");
        AlertmanagerRules.RoutesTo(routing.Match(Labels(("severity", "warning"))), "web.hook", "warning_receiver").Holds.Should().BeTrue();
    }

    [Test]
    public async Task A_documented_status_without_config_is_an_environment_problem()
    {
        var body = SharedFixtures.Json("alertmanager/api-v2-status.json");
        body.AsObject().Remove("config");

        var act = () => StatusAsync(body.ToJsonString());

        await act.Should().ThrowAsync<EnvironmentProblemException>().WithMessage("Alertmanager configuration is empty");
    }

    [Test]
    public async Task Documented_alerts_and_receivers_are_read_with_their_routing()
    {
        await using var server = new FixtureServer()
            .On("/" + AlertmanagerClient.Paths.Alerts, SharedFixtures.Text("alertmanager/api-v2-alerts.json"))
            .On("/" + AlertmanagerClient.Paths.Receivers, SharedFixtures.Text("alertmanager/api-v2-receivers.json"));
        using var client = Client(server);

        var alerts = await client.AlertsAsync("alertname=\"metric:alerting_rule\"");
        var receivers = await client.ReceiversAsync();

        alerts.Should().ContainSingle().Which.ToString().Should().Be("metric:alerting_rule{} active → receivers [default]");
        alerts[0].Fingerprint.Should().Be("114212a24ca97549");
        receivers.Should().Equal("team-X", "team-Y");
        server.Requests.Should().Contain("GET /api/v2/alerts?filter=alertname%3D%22metric%3Aalerting_rule%22");
    }

    /// <summary>The live pipeline's Alertmanager stage on the documented /api/v2/alerts body.</summary>
    private static async Task<PipelineStage> AlertmanagerStageAsync(string alertsBody, string expectedReceiver)
    {
        await using var server = new FixtureServer().On("/" + AlertmanagerClient.Paths.Alerts, alertsBody);
        var target = TestTarget.With(
            new AlertmanagerOptions { Key = "alertmanager", Address = server.Url },
            new PrometheusOptions { Key = "prometheus", Address = server.Url },
            new PushgatewayOptions { Key = "pushgateway", Address = server.Url });
        var evidence = new EvidenceLog();
        using var prometheus = new PrometheusClient(target, evidence);
        using var pushgateway = new PushgatewayDriver(target, evidence);
        using var alertmanager = new AlertmanagerClient(target, evidence);
        var driver = new AlertPipelineDriver(prometheus, pushgateway, alertmanager, null, evidence, TimeSpan.FromSeconds(1))
        {
            AlertName = "metric:alerting_rule",
        };
        var (stage, _) = await driver.AlertmanagerAsync(expectedReceiver);
        return stage;
    }

    [Test]
    public async Task The_documented_alert_reaches_its_receiver_stage()
    {
        var stage = await AlertmanagerStageAsync(SharedFixtures.Text("alertmanager/api-v2-alerts.json"), "default");

        var v = AlertmanagerRules.StageReached(stage, TimeSpan.FromSeconds(1));
        v.Holds.Should().BeTrue();
        stage.Name.Should().Be("in Alertmanager, routed to default");
        stage.Detail.Should().Be("metric:alerting_rule{} active → receivers [default]");
    }

    [Test]
    public async Task The_documented_alert_routed_to_another_receiver_does_not_reach_the_stage()
    {
        var body = SharedFixtures.Json("alertmanager/api-v2-alerts.json");
        body[0]!["receivers"] = new JsonArray(new JsonObject { ["name"] = "blackhole" });

        var stage = await AlertmanagerStageAsync(body.ToJsonString(), "default");

        var v = AlertmanagerRules.StageReached(stage, TimeSpan.FromSeconds(1));
        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("'in Alertmanager, routed to default' not reached: metric:alerting_rule{} active → receivers [blackhole]");
    }
}

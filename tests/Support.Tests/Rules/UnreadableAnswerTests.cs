using Acceptance.Support.Alertmanager;
using Acceptance.Support.Capacity;
using Acceptance.Support.Checks;
using Acceptance.Support.Consul;
using Acceptance.Support.Evidence;
using Acceptance.Support.Grafana;
using Acceptance.Support.Nomad;
using Acceptance.Support.Outcomes;
using Acceptance.Support.Prometheus;
using Acceptance.Support.Pushgateway;
using Acceptance.Support.ServerCluster;
using Acceptance.TestSupport;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Rules;

/// <summary>
/// The fail-safe rule, per check family: a check that cannot read its facts is broken or not verified, never passed.
/// Each family's read is fed answers it cannot read (not JSON, another shape, an empty body) and must end not-passed:
/// an exception the run classifies as broken, or a verdict that does not hold.
/// </summary>
public sealed class UnreadableAnswerTests
{
    private static readonly string[] Unreadable = ["<html>maintenance</html>", "{}", "[]", "\"\"", "{\"status\":\"success\",\"data\":42}"];

    private static IEnumerable<TestCaseData> Families()
    {
        foreach (var body in Unreadable)
        {
            yield return Case("Consul members alive", "/v1/agent/members", body, async url =>
                ServerClusterRules.MembersAlive("Consul", await Consul(url).MembersAsync()));
            yield return Case("Consul services healthy", "/v1/health/service/*", body, async url =>
                ConsulRules.ServicesHealthy(await new ConsulProbe(Consul(url), new EvidenceLog()).ServicesHealthAsync(["prometheus"])));
            yield return Case("Consul autopilot", "/v1/operator/autopilot/health", body, async url =>
                ServerClusterRules.AutopilotHealthy(await Consul(url).AutopilotHealthAsync()));
            yield return Case("Nomad nodes schedulable", "/v1/nodes", body, async url =>
                NomadRules.NodesSchedulable(await new NomadProbe(Nomad(url), new EvidenceLog()).NodesAsync(), ["raw_exec"]));
            yield return Case("Nomad node capacity", "/v1/nodes", body, async url =>
                CapacityRules.NodeMinimums(await new NomadProbe(Nomad(url), new EvidenceLog()).NodesAsync(), new NodeMinimums()));
            yield return Case("Prometheus targets up", "/api/v1/targets", body, async url =>
                PrometheusRules.AllTargetsUp(await Prometheus(url).TargetsAsync()));
            yield return Case("Prometheus rules healthy", "/api/v1/rules", body, async url =>
                PrometheusRules.RulesHealthy(await Prometheus(url).RulesAsync()));
            yield return Case("Alertmanager routing", "/api/v2/status", body, async url =>
                AlertmanagerRules.RoutesTo(AlertmanagerRouting.Parse((await Alertmanager(url).StatusAsync()).ConfigYaml)
                    .Match(new Dictionary<string, string> { ["severity"] = "critical" }), "oncall", "critical_receiver"));
            yield return Case("Grafana datasources healthy", "/api/datasources", body, async url =>
                GrafanaRules.DatasourcesHealthy(await new GrafanaProbe(Grafana(url), new EvidenceLog()).DatasourceHealthAsync()));
            yield return Case("Pushgateway group gone", "/api/v1/metrics", body, async url =>
            {
                var group = new MetricGroup("acceptance", new Dictionary<string, string>());
                return PushgatewayRules.GroupGone(group, await Pushgateway(url).HoldsAsync(group));
            });
        }
    }

    [TestCaseSource(nameof(Families))]
    public async Task An_unreadable_answer_never_passes(string route, string body, Func<string, Task<Verdict>> check)
    {
        await using var server = new FixtureServer().On(route, body, contentType: body.StartsWith('<') ? "text/html" : "application/json");
        Verdict? verdict = null;
        Exception? error = null;
        try { verdict = await check(server.Url); }
        catch (Exception e) { error = AnswerShape.Explain(e, "the exchange") ?? e; }

        if (error is not null)
            OutcomeClassifier.Classify(error).Should().BeOneOf([OutcomeKind.Broken, OutcomeKind.Skipped],
                "an answer the check cannot read is an environment problem, not a verdict: {0}", error);
        else
            verdict!.Holds.Should().BeFalse("a check that could not read its facts must not pass: {0}", verdict);
    }

    private static TestCaseData Case(string family, string route, string body, Func<string, Task<Verdict>> check) =>
        new TestCaseData(route, body, check).SetName($"{family} on {Describe(body)}");

    private static string Describe(string body) => body switch
    {
        "{}" => "an empty object", "[]" => "an empty list", "\"\"" => "an empty string",
        _ when body.StartsWith('<') => "an HTML page", _ => "a data field of another type",
    };

    private static ConsulClient Consul(string url) => new(TestTarget.With(new ConsulOptions { Key = "consul", Address = url }), new EvidenceLog());
    private static NomadClient Nomad(string url) => new(TestTarget.With(new NomadOptions { Key = "nomad", Address = url }), new EvidenceLog());
    private static PrometheusClient Prometheus(string url) => new(TestTarget.With(new PrometheusOptions { Key = "prometheus", Address = url }), new EvidenceLog());
    private static AlertmanagerClient Alertmanager(string url) => new(TestTarget.With(new AlertmanagerOptions { Key = "alertmanager", Address = url }), new EvidenceLog());
    private static GrafanaClient Grafana(string url) => new(TestTarget.With(new GrafanaOptions { Key = "grafana", Address = url }), new EvidenceLog());
    private static PushgatewayDriver Pushgateway(string url) => new(TestTarget.With(new PushgatewayOptions { Key = "pushgateway", Address = url }), new EvidenceLog());
}

using Acceptance.StepDefinitions.Infrastructure;
using Acceptance.Support.Grafana;
using Acceptance.Support.Outcomes;
using FluentAssertions;
using Reqnroll;

namespace Acceptance.StepDefinitions.Monitoring;

/// <summary>Steps about Grafana: UI, datasources, dashboards and the data their panels show.</summary>
[Binding]
public sealed class GrafanaSteps(MonitoringServices monitoring)
{
    private static readonly TimeSpan PanelRange = TimeSpan.FromMinutes(5);

    [Then("Grafana answers its health check and serves its web UI")]
    public async Task ThenGrafanaUiAnswers()
    {
        var (health, database, ui) = await monitoring.GrafanaProbe.UiAsync();
        (health, database, ui).Should().Be((200, "ok", 200), "Grafana must answer /api/health 200 with database ok and serve /login (health {0}, database '{1}', UI {2})", health, database, ui);
    }

    [Then("every Grafana datasource is healthy")]
    public async Task ThenEveryDatasourceIsHealthy()
    {
        var health = await monitoring.GrafanaProbe.DatasourceHealthAsync();
        health.Should().NotBeEmpty("Grafana must have datasources configured");
        health.Where(h => !h.IsHealthy).Should().BeEmpty("every datasource must pass Grafana's health test: {0}", string.Join("; ", health.Where(h => !h.IsHealthy)));
    }

    [Then("Grafana has every dashboard the target expects")]
    public async Task ThenEveryExpectedDashboardExists()
    {
        var presence = await monitoring.GrafanaProbe.DashboardsAsync(ExpectedDashboards());
        presence.Missing.Should().BeEmpty("every dashboard of expect.dashboards must be provisioned: {0}", presence);
    }

    [Then("every panel of the expected dashboards returns data")]
    public async Task ThenExpectedPanelsReturnData()
    {
        var presence = await monitoring.GrafanaProbe.DashboardsAsync(ExpectedDashboards());
        presence.Missing.Should().BeEmpty("the expected dashboards must exist before their panels can be checked: {0}", presence);
        AssertData(await monitoring.GrafanaProbe.PanelDataAsync(presence.Found, PanelRange));
    }

    [Then("every panel of every Grafana dashboard returns data")]
    public async Task ThenEveryPanelReturnsData() =>
        AssertData(await monitoring.GrafanaProbe.PanelDataAsync(await monitoring.Grafana.DashboardsAsync(), PanelRange));

    private IReadOnlyList<string> ExpectedDashboards() => monitoring.Target.Expect.Dashboards.Count > 0
        ? monitoring.Target.Expect.Dashboards
        : throw new NotVerifiedException($"The target file {monitoring.Target.SourceFile} lists no expect.dashboards.");

    private static void AssertData(IReadOnlyList<QueryOutcome> outcomes)
    {
        outcomes.Should().NotBeEmpty("the dashboards must have panels with queries");
        outcomes.Where(o => !o.HasData).Should().BeEmpty("every panel must show data (a panel without data hides an outage): {0}",
            string.Join("; ", outcomes.Where(o => !o.HasData)));
    }
}

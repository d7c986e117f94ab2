using Acceptance.StepDefinitions.Infrastructure;
using Acceptance.Support.Grafana;
using Reqnroll;

namespace Acceptance.StepDefinitions.Monitoring;

/// <summary>Steps about Grafana: UI, datasources, dashboards and the data their panels show.</summary>
[Binding]
public sealed class GrafanaSteps(ScenarioServices services, Checks checks)
{
    private static readonly TimeSpan PanelRange = TimeSpan.FromMinutes(5);

    [Then("Grafana answers its health check and serves its web UI")]
    public async Task ThenGrafanaUiAnswers() => checks.Assert(GrafanaRules.UiServes(await services.GrafanaProbe.UiAsync()));

    [Then("every Grafana datasource is healthy")]
    public async Task ThenEveryDatasourceIsHealthy() => checks.Assert(GrafanaRules.DatasourcesHealthy(await services.GrafanaProbe.DatasourceHealthAsync()));

    [Then("Grafana has every dashboard the target expects")]
    public async Task ThenEveryExpectedDashboardExists() => checks.Assert(GrafanaRules.DashboardsPresent(await ExpectedDashboardsAsync()));

    [Then("every panel of the expected dashboards returns data")]
    public async Task ThenExpectedPanelsReturnData()
    {
        var presence = await ExpectedDashboardsAsync();
        checks.Assert(GrafanaRules.DashboardsPresent(presence));
        checks.Assert(GrafanaRules.PanelsHaveData(await services.GrafanaProbe.PanelDataAsync(presence.Found, PanelRange), PanelRange));
    }

    [Then("every panel of every Grafana dashboard returns data")]
    public async Task ThenEveryPanelReturnsData() =>
        checks.Assert(GrafanaRules.PanelsHaveData(await services.GrafanaProbe.PanelDataAsync(await services.Grafana.DashboardsAsync(), PanelRange), PanelRange));

    private Task<DashboardPresence> ExpectedDashboardsAsync() =>
        services.GrafanaProbe.DashboardsAsync(services.Target.RequireListed(services.Target.Expect.Dashboards, "expect.dashboards"));
}

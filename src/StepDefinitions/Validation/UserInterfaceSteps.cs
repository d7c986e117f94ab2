using Acceptance.StepDefinitions.Infrastructure;
using Acceptance.Support.Browser;
using Acceptance.Support.Lifecycle;
using Reqnroll;

namespace Acceptance.StepDefinitions.Validation;

/// <summary>The scenario's UI probe (one per scenario by context injection; its browser contexts close with the cleanup stack).</summary>
public sealed class ScenarioUi(ScenarioServices services, CleanupStack cleanup)
{
    private UiProbe? _probe;

    /// <summary>What a user does in each UI, in the run's Chromium.</summary>
    public UiProbe Probe => _probe ??= new UiProbe(services.Target, new UiBrowser(services.Target, services.Evidence, cleanup));
}

/// <summary>Steps about the monitoring UIs, opened in a real browser as a user opens them (POSTVAL-FT-1..4).</summary>
[Binding]
public sealed class UserInterfaceSteps(ScenarioServices services, ScenarioUi ui, Checks checks)
{
    /// <summary>Closes the run's browser after the last scenario.</summary>
    [AfterTestRun]
    public static Task CloseBrowser() => BrowserSession.CloseAsync();

    [Then("the Consul UI's services page lists every expected service with passing checks")]
    public async Task ThenConsulUiListsServices()
    {
        var (visit, shown) = await ui.Probe.ConsulServicesAsync(await services.Consul.DatacenterAsync(), UiVisitor.Suite, ExpectedServices);
        checks.Assert(UiRules.ConsulServicesShown(visit, shown, ExpectedServices));
    }

    [Then("an anonymous visitor of the Consul UI sees none of the expected services")]
    public async Task ThenAnonymousSeesNoConsulService() =>
        checks.Assert(UiRules.AnonymousSeesNothing((await ui.Probe.ConsulServicesAsync(await services.Consul.DatacenterAsync(), UiVisitor.Anonymous, ExpectedServices)).Visit,
            ExpectedServices, "an ACL token (services.consul.token)"));

    [Then("the Nomad UI's jobs page lists every expected job")]
    public async Task ThenNomadUiListsJobs() => checks.Assert(UiRules.NomadJobsShown(await ui.Probe.NomadJobsAsync(UiVisitor.Suite, ExpectedJobs), ExpectedJobs));

    [Then("the Nomad UI's clients page lists ready client nodes")]
    public async Task ThenNomadUiListsReadyNodes()
    {
        var (visit, nodes) = await ui.Probe.NomadClientsAsync(UiVisitor.Suite);
        checks.Assert(UiRules.NomadClientsReady(visit, nodes));
    }

    [Then("an anonymous visitor of the Nomad UI sees none of the expected jobs")]
    public async Task ThenAnonymousSeesNoNomadJob() =>
        checks.Assert(UiRules.AnonymousSeesNothing(await ui.Probe.NomadJobsAsync(UiVisitor.Anonymous, ExpectedJobs), ExpectedJobs, "an ACL token (services.nomad.token)"));

    [Then("the Prometheus UI shows a result row for every expected scrape job when a user runs the query up")]
    public async Task ThenPrometheusUiShowsTargets()
    {
        var (visit, rows) = await ui.Probe.PrometheusQueryAsync(UiVisitor.Suite);
        checks.Assert(UiRules.PrometheusQueryShowsTargets(visit, rows, ScrapeJobs));
    }

    [Then("an anonymous visitor of the Prometheus UI sees none of the scrape jobs")]
    public async Task ThenAnonymousSeesNoPrometheusJob() =>
        checks.Assert(UiRules.AnonymousSeesNothing((await ui.Probe.PrometheusQueryAsync(UiVisitor.Anonymous)).Visit,
            ScrapeJobs.Select(j => $"job=\"{j}\"").ToList(), "basic auth (services.prometheus.basic_auth)"));

    [Then("every expected dashboard opens in the Grafana UI with every panel rendered and no error badge")]
    public async Task ThenGrafanaDashboardsRender()
    {
        var dashboards = await ExpectedDashboardsAsync();
        checks.Assert(UiRules.GrafanaDashboardsRender(await ui.Probe.GrafanaDashboardsAsync(dashboards, UiVisitor.Suite),
            await UiProbe.PanelCountsAsync(services.Grafana, dashboards)));
    }

    [Then("an anonymous visitor of the Grafana UI sees none of the expected dashboards")]
    public async Task ThenAnonymousSeesNoDashboard() =>
        checks.Assert(UiRules.AnonymousSeesNoDashboard(await ui.Probe.GrafanaDashboardsAsync(await ExpectedDashboardsAsync(), UiVisitor.Anonymous)));

    private IReadOnlyList<string> ExpectedServices => services.Target.RequireListed(services.Target.Expect.Services, "expect.services");

    private IReadOnlyList<string> ExpectedJobs => services.Target.RequireListed(services.Target.Nomad.ExpectJobs, "services.nomad.expect_jobs");

    private IReadOnlyList<string> ScrapeJobs => services.Target.RequireListed(services.Target.Expect.ScrapeJobs, "expect.scrape_jobs");

    private async Task<IReadOnlyList<Support.Grafana.DashboardRef>> ExpectedDashboardsAsync()
    {
        var presence = await services.GrafanaProbe.DashboardsAsync(services.Target.RequireListed(services.Target.Expect.Dashboards, "expect.dashboards"));
        checks.Assert(Support.Grafana.GrafanaRules.DashboardsPresent(presence));
        return presence.Found;
    }
}

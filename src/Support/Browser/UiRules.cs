using Acceptance.Support.Checks;

namespace Acceptance.Support.Browser;

/// <summary>
/// Rules about what a user sees in a UI: the page loads (its document 2xx), without console errors, every request to its
/// own origin succeeds (a failing one is named), and it shows the data the target expects. A sandbox stand-in page says
/// "stand-in UI" in every verdict.
/// </summary>
public static class UiRules
{
    /// <summary>The shortfalls every page is judged on: document status, console errors, failed requests to its own origin.</summary>
    public static IEnumerable<string> PageShortfalls(UiVisit visit)
    {
        if (visit.DocumentStatus is not (>= 200 and < 300))
            yield return $"{visit.Label} {visit.Route}: the page answered {visit.DocumentStatus?.ToString() ?? "nothing"} (landed on {visit.FinalUrl})";
        foreach (var r in visit.FailedOwnRequests) yield return $"{visit.Label}: request {r}";
        foreach (var e in visit.ConsoleErrors) yield return $"{visit.Label}: console error: {e}";
    }

    /// <summary>POSTVAL-FT-1: the services page lists every expected service with its checks passing.</summary>
    public static Verdict ConsulServicesShown(UiVisit visit, IReadOnlyList<ConsulUiService> services, IReadOnlyList<string> expected) => Verdict.From(
        $"the {visit.Label} services page loads without console errors or failed requests and lists every service of expect.services with passing checks",
        $"{visit.Route} shows [{string.Join(", ", expected)}], each with no warning or critical check",
        $"{visit}; the page was given: {(services.Count == 0 ? "no service" : string.Join("; ", services))}",
        PageShortfalls(visit).Concat(expected.SelectMany(name =>
        {
            var s = services.FirstOrDefault(x => x.Name == name);
            if (s is null || !Shows(visit, name)) return [$"service {name} is not listed on the page"];
            return s.ChecksCritical + s.ChecksWarning > 0
                ? [$"service {name} shows {s.ChecksCritical} critical and {s.ChecksWarning} warning check(s)"]
                : Array.Empty<string>();
        })));

    /// <summary>POSTVAL-FT-2: the jobs page lists every expected job.</summary>
    public static Verdict NomadJobsShown(UiVisit visit, IReadOnlyList<string> expected) => Verdict.From(
        $"the {visit.Label} jobs page loads without console errors or failed requests and lists every job of services.nomad.expect_jobs",
        $"{visit.Route} shows [{string.Join(", ", expected)}]",
        visit.ToString(),
        PageShortfalls(visit).Concat(expected.Where(j => !Shows(visit, j)).Select(j => $"job {j} is not listed on the page")));

    /// <summary>POSTVAL-FT-2: the clients page lists client nodes, every one ready.</summary>
    public static Verdict NomadClientsReady(UiVisit visit, IReadOnlyList<NomadUiNode> nodes) => Verdict.From(
        $"the {visit.Label} clients page loads without console errors or failed requests and every client node it lists is ready",
        $"{visit.Route} lists at least one client node, each with status ready",
        $"{visit}; the page was given: {(nodes.Count == 0 ? "no node" : string.Join("; ", nodes))}",
        PageShortfalls(visit)
            .Concat(nodes.Count == 0 ? ["the page lists no client node"] : [])
            .Concat(nodes.Where(n => !Shows(visit, n.Name)).Select(n => $"node {n.Name} is not shown on the page"))
            .Concat(nodes.Where(n => n.Status != "ready").Select(n => $"node {n.Name}: {n.Status}")));

    /// <summary>POSTVAL-FT-3: the query page runs <c>up</c> and its result table holds a series of every expected scrape job.</summary>
    public static Verdict PrometheusQueryShowsTargets(UiVisit visit, IReadOnlyList<string> rows, IReadOnlyList<string> expectedJobs) => Verdict.From(
        $"the {visit.Label} query page loads without console errors or failed requests and the query `up` shows a row for every job of expect.scrape_jobs",
        $"a result table with up{{job=\"...\"}} for [{string.Join(", ", expectedJobs)}]",
        $"{visit}; {rows.Count} result row(s): {string.Join("; ", rows.Take(30))}",
        PageShortfalls(visit)
            .Concat(rows.Count == 0 ? ["the query `up` showed no result table"] : [])
            .Concat(rows.Count == 0 ? [] : expectedJobs.Where(j => !rows.Any(r => r.Contains($"job=\"{j}\"", StringComparison.Ordinal)))
                .Select(j => $"no row for job {j}")));

    /// <summary>POSTVAL-FT-4: each expected dashboard opens, every panel renders, none with an error badge, every query answered.</summary>
    public static Verdict GrafanaDashboardsRender(IReadOnlyList<GrafanaDashboardView> views, IReadOnlyDictionary<string, int> panelCounts) => Verdict.From(
        "every dashboard of expect.dashboards opens in the Grafana UI without console errors or failed requests, and every panel renders without an error badge",
        $"[{string.Join(", ", views.Select(v => $"{v.Dashboard.Title}: {panelCounts.GetValueOrDefault(v.Dashboard.Uid)} panel(s)"))}] rendered, no error badge, no query error",
        string.Join("; ", views.Select(v => $"{v.Visit}; {v}")),
        views.SelectMany(v => PageShortfalls(v.Visit)
            .Concat(v.Panels.Count < panelCounts.GetValueOrDefault(v.Dashboard.Uid)
                ? [$"{v.Dashboard.Title}: {v.Panels.Count} of {panelCounts[v.Dashboard.Uid]} panel(s) rendered"] : [])
            .Concat(v.ErroredPanels.Select(p => $"{v.Dashboard.Title}: panel {p} shows an error badge"))
            .Concat(v.QueryErrors.Select(e => $"{v.Dashboard.Title}: {e}"))));

    /// <summary>An anonymous visitor sees none of what the UI protects (the target requires a credential).</summary>
    public static Verdict AnonymousSeesNothing(UiVisit visit, IReadOnlyList<string> protectedNames, string credential) => Verdict.From(
        $"the {visit.Label} shows an anonymous visitor none of its data: the target requires {credential}",
        $"{visit.Route} without a credential shows none of [{string.Join(", ", protectedNames)}] (a login page, a refusal or an empty list)",
        $"{visit}; visible: {Excerpt(visit.VisibleText)}",
        protectedNames.Where(n => Shows(visit, n) || visit.Data.Any(d => d.Status is >= 200 and < 300 && d.Body.Contains($"\"{n}\"", StringComparison.Ordinal)))
            .Select(n => $"{n} is shown to an anonymous visitor: the UI answers without auth")) with { IsTerminal = true };

    /// <summary>An anonymous visitor of each expected dashboard's page sees none of them (Grafana sends them to its login page).</summary>
    public static Verdict AnonymousSeesNoDashboard(IReadOnlyList<GrafanaDashboardView> views) => Verdict.From(
        "the Grafana UI shows an anonymous visitor none of the dashboards of expect.dashboards: the target requires a service-account token (services.grafana.token)",
        $"{string.Join(", ", views.Select(v => v.Visit.Route))} without a credential show none of [{string.Join(", ", views.Select(v => v.Dashboard.Title))}] (a login page or a refusal)",
        string.Join("; ", views.Select(v => $"{v.Visit}; visible: {Excerpt(v.Visit.VisibleText)}")),
        views.Where(v => Shows(v.Visit, v.Dashboard.Title)).Select(v => $"{v.Dashboard.Title} is shown to an anonymous visitor: the UI answers without auth")) with { IsTerminal = true };

    private static bool Shows(UiVisit visit, string text) => visit.VisibleText.Contains(text, StringComparison.Ordinal);

    private static string Excerpt(string text)
    {
        var t = string.Join(' ', text.Split((char[])['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        return t.Length == 0 ? "(nothing)" : t.Length <= 200 ? t : t[..200] + "…";
    }
}

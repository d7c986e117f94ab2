using Acceptance.Support.Checks;

namespace Acceptance.Support.Grafana;

/// <summary>Grafana rules: pure functions of <see cref="GrafanaProbe"/>'s facts.</summary>
public static class GrafanaRules
{
    /// <summary>/api/health answers 200 with database ok, and the web UI (GET /login) answers 200.</summary>
    public static Verdict UiServes(GrafanaUi ui)
    {
        var shortfalls = new List<string>();
        if (ui.HealthStatus != 200) shortfalls.Add($"/api/health answered {ui.HealthStatus}");
        if (ui.Database != "ok") shortfalls.Add($"database is '{ui.Database}', not ok");
        if (ui.UiStatus != 200) shortfalls.Add($"GET /login answered {ui.UiStatus}");
        return Verdict.From("Grafana answers its health check and serves its web UI", "/api/health 200 with database ok; GET /login 200", ui.ToString(), shortfalls);
    }

    /// <summary>There is at least one datasource (of the kind named) and every one passes Grafana's health test.</summary>
    public static Verdict DatasourcesHealthy(IReadOnlyList<DatasourceHealth> health, string kind = "")
    {
        var shortfalls = health.Where(h => !h.IsHealthy).Select(h => h.ToString()).ToList();
        if (health.Count == 0) shortfalls.Add($"Grafana has no {kind}datasource configured");
        return Verdict.From($"every Grafana {kind}datasource is healthy", "/api/datasources/uid/:uid/health answers 200 with status OK for each",
            health.Count == 0 ? "no datasources" : string.Join("; ", health), shortfalls);
    }

    /// <summary>Each of expect.dashboards matches a dashboard's uid or title.</summary>
    public static Verdict DashboardsPresent(DashboardPresence presence) => Verdict.From("Grafana has every dashboard of expect.dashboards",
        $"each of [{string.Join(", ", presence.Expected)}] matches a dashboard's uid or title", presence.ToString(),
        presence.Missing.Select(m => $"dashboard {m} is missing"));

    /// <summary>There are panel queries, and every one returns at least one value (a panel without data hides an outage).</summary>
    public static Verdict PanelsHaveData(IReadOnlyList<QueryOutcome> outcomes, TimeSpan range)
    {
        var shortfalls = outcomes.Where(o => !o.HasData).Select(o => o.ToString()).ToList();
        if (outcomes.Count == 0) shortfalls.Add("the dashboards have no panel with a query");
        return Verdict.From("every panel of the dashboards returns data",
            $"every panel query returns at least one value over the last {range.TotalMinutes:F0} min through /api/ds/query",
            $"{outcomes.Count(o => o.HasData)}/{outcomes.Count} panel queries returned data", shortfalls);
    }
}

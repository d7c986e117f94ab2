using System.Text.Json;
using Acceptance.Support.Evidence;

namespace Acceptance.Support.Grafana;

/// <summary>A dashboard as /api/search lists it.</summary>
public sealed record DashboardRef(string Uid, string Title, string Url)
{
    /// <inheritdoc />
    public override string ToString() => $"{Title} (uid {Uid})";
}

/// <summary>One query of one panel, resolved to a datasource.</summary>
public sealed record PanelQuery(string Dashboard, int PanelId, string Panel, string RefId, string DatasourceUid, string DatasourceType,
    string Expression, bool Instant)
{
    /// <inheritdoc />
    public override string ToString() => $"dashboard '{Dashboard}' panel '{Panel}' (id {PanelId}) query {RefId}: {Expression}";
}

/// <summary>What the datasource query API answered for one panel query.</summary>
public sealed record QueryOutcome(PanelQuery Query, int HttpStatus, int Frames, int Values, string? Error)
{
    /// <summary>The label set of every series the query returned (the frames' value fields' labels).</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> Series { get; init; } = [];

    /// <summary>No error and at least one non-null value in a non-time field.</summary>
    public bool HasData => Error is null && Values > 0;

    /// <inheritdoc />
    public override string ToString() => Error is not null
        ? $"{Query} → ERROR (HTTP {HttpStatus}): {Error}"
        : HasData ? $"{Query} → {Frames} frame(s), {Values} value(s)" : $"{Query} → NO DATA ({Frames} frame(s), no values)";
}

/// <summary>Which expected dashboards Grafana has.</summary>
public sealed record DashboardPresence(IReadOnlyList<string> Expected, IReadOnlyList<DashboardRef> Found, IReadOnlyList<string> Missing)
{
    /// <inheritdoc />
    public override string ToString() => $"expected [{string.Join(", ", Expected)}]; Grafana has [{string.Join(", ", Found)}]" +
                                         (Missing.Count > 0 ? $"; MISSING [{string.Join(", ", Missing)}]" : "");
}

/// <summary>Grafana's health endpoint and login page.</summary>
public sealed record GrafanaUi(int HealthStatus, string Database, int UiStatus)
{
    /// <inheritdoc />
    public override string ToString() => $"/api/health → {HealthStatus} (database '{Database}'); GET /login → {UiStatus}";
}

/// <summary>Reads Grafana's state (datasources, dashboards, panel data) and returns facts.</summary>
public sealed class GrafanaProbe(GrafanaClient client, EvidenceLog evidence)
{
    /// <summary>Health of every datasource (of <paramref name="type"/> only, when given), as Grafana's own datasource test answers.</summary>
    public async Task<IReadOnlyList<DatasourceHealth>> DatasourceHealthAsync(string? type = null, CancellationToken ct = default)
    {
        var list = new List<DatasourceHealth>();
        foreach (var ds in (await DatasourcesAsync(ct)).Where(d => type is null || d.Type == type)) list.Add(await client.DatasourceHealthAsync(ds, ct));
        return list;
    }

    /// <summary>
    /// The datasources: /api/datasources, or, for a token that may query but not list them (403: datasources:read
    /// is an Admin permission), those the dashboards reference.
    /// </summary>
    public async Task<IReadOnlyList<GrafanaDatasource>> DatasourcesAsync(CancellationToken ct = default)
    {
        try
        {
            return await client.DatasourcesAsync(ct);
        }
        catch (Http.ServiceResponseException e) when (e.Exchange.StatusCode == 403)
        {
            var found = new List<GrafanaDatasource>();
            foreach (var d in await client.DashboardsAsync(ct)) found.AddRange(await client.DashboardDatasourcesAsync(d.Uid, ct));
            var list = found.DistinctBy(d => d.Uid).ToList();
            evidence.Note($"Grafana refuses to list datasources to this token ({e.Exchange}); the dashboards reference: {string.Join("; ", list)}");
            return list;
        }
    }

    /// <summary>The expected dashboards (by uid or title, case-insensitive) that Grafana has and lacks.</summary>
    public async Task<DashboardPresence> DashboardsAsync(IReadOnlyList<string> expected, CancellationToken ct = default)
    {
        var all = await client.DashboardsAsync(ct);
        var found = expected.Select(e => all.FirstOrDefault(d => Same(d.Uid, e) || Same(d.Title, e))).OfType<DashboardRef>().ToList();
        var missing = expected.Where(e => !all.Any(d => Same(d.Uid, e) || Same(d.Title, e))).ToList();
        return new DashboardPresence(expected, found, missing);
    }

    /// <summary>Runs every query of every panel of the dashboards through /api/ds/query.</summary>
    public async Task<IReadOnlyList<QueryOutcome>> PanelDataAsync(IEnumerable<DashboardRef> dashboards, TimeSpan range, CancellationToken ct = default)
    {
        var datasources = await DatasourcesAsync(ct);
        var fallback = datasources.FirstOrDefault(d => d.IsDefault) ?? datasources.FirstOrDefault();
        var outcomes = new List<QueryOutcome>();
        foreach (var dashboard in dashboards)
        {
            var model = await client.DashboardAsync(dashboard.Uid, ct);
            var prometheus = datasources.Where(d => d.Type == "prometheus").OrderByDescending(d => d.IsDefault).FirstOrDefault();
            var variables = await DashboardVariables.ResolveAsync(model, range, prometheus is null ? null
                : (selector, label) => client.LabelValuesAsync(prometheus, selector, label, ct));
            foreach (var query in Queries(dashboard.Title, model, datasources, fallback, variables))
                outcomes.Add(variables.UnresolvedIn(query.Expression) is { Count: > 0 } unresolved
                    ? new QueryOutcome(query, 0, 0, 0, $"uses dashboard variable(s) ${string.Join(", $", unresolved)} with no saved value or option: the panel cannot be queried as the browser shows it")
                    : await client.QueryAsync(query with { Expression = variables.Substitute(query.Expression) }, range, ct));
        }
        return outcomes;
    }

    /// <summary>
    /// The queries of the expected dashboards' panels whose expression reads <paramref name="metric"/>, run as the browser runs
    /// them (the panel's datasource, the last <paramref name="range"/>), with the series each returned.
    /// </summary>
    public async Task<IReadOnlyList<QueryOutcome>> PanelsReadingAsync(IReadOnlyList<string> dashboards, string metric, TimeSpan range, CancellationToken ct = default)
    {
        var found = (await DashboardsAsync(dashboards, ct)).Found;
        var outcomes = new List<QueryOutcome>();
        var datasources = await DatasourcesAsync(ct);
        var fallback = datasources.FirstOrDefault(d => d.IsDefault) ?? datasources.FirstOrDefault();
        foreach (var dashboard in found)
            foreach (var query in Queries(dashboard.Title, await client.DashboardAsync(dashboard.Uid, ct), datasources, fallback).Where(q => q.Expression.Contains(metric, StringComparison.Ordinal)))
                outcomes.Add(await client.QueryAsync(query, range, ct));
        evidence.Note($"panels reading {metric}: {(outcomes.Count == 0 ? "none" : string.Join("; ", outcomes))}");
        return outcomes;
    }

    /// <summary>The panel queries of a dashboard model (rows' nested panels included; hidden targets skipped).</summary>
    public static IEnumerable<PanelQuery> Queries(string dashboard, JsonElement model, IReadOnlyList<GrafanaDatasource> datasources,
        GrafanaDatasource? fallback, DashboardVariables? variables = null)
    {
        if (!model.TryGetProperty("panels", out var panels)) yield break;
        foreach (var panel in Flatten(panels))
        {
            if (!panel.TryGetProperty("targets", out var targets) || targets.ValueKind != JsonValueKind.Array) continue;
            var panelDs = panel.TryGetProperty("datasource", out var pd) ? pd : default;
            var id = panel.TryGetProperty("id", out var pid) && pid.ValueKind == JsonValueKind.Number ? pid.GetInt32() : 0;
            var title = panel.TryGetProperty("title", out var t) ? t.GetString() ?? "" : "";
            foreach (var target in targets.EnumerateArray())
            {
                if (target.TryGetProperty("hide", out var hide) && hide.ValueKind == JsonValueKind.True) continue;
                var expr = target.TryGetProperty("expr", out var e) ? e.GetString() ?? "" : "";
                if (expr.Length == 0) continue;
                var reference = target.TryGetProperty("datasource", out var td) ? td : panelDs;
                var ds = Resolve(reference, datasources) ?? ThroughVariable(reference, datasources, variables) ?? OfReferencedType(reference, datasources) ?? fallback;
                var instant = target.TryGetProperty("instant", out var i) && i.ValueKind == JsonValueKind.True &&
                              !(target.TryGetProperty("range", out var r) && r.ValueKind == JsonValueKind.True);
                yield return new PanelQuery(dashboard, id, title, target.TryGetProperty("refId", out var rid) ? rid.GetString() ?? "A" : "A",
                    ds?.Uid ?? "", ds?.Type ?? "prometheus", expr, instant);
            }
        }
    }

    /// <summary>The UI and health endpoint: GET /api/health (database ok) and GET /login (the web UI page).</summary>
    public async Task<GrafanaUi> UiAsync(CancellationToken ct = default)
    {
        var health = await client.HealthAsync(ct);
        // 503 carries {"database": "failing"}: read it whatever the status, so the evidence says what Grafana said.
        var database = health.Body.TrimStart().StartsWith('{') && health.Json().TryGetProperty("database", out var d) ? d.GetString() ?? "" : "";
        var ui = await client.Http.SendAsync(HttpMethod.Get, "login", authenticate: false, record: false, ct: ct);
        return new GrafanaUi(health.StatusCode, database, ui.StatusCode);
    }

    private static IEnumerable<JsonElement> Flatten(JsonElement panels)
    {
        foreach (var p in panels.EnumerateArray())
        {
            yield return p;
            if (p.TryGetProperty("panels", out var nested) && nested.ValueKind == JsonValueKind.Array)
                foreach (var n in Flatten(nested)) yield return n;
        }
    }

    private static GrafanaDatasource? Resolve(JsonElement reference, IReadOnlyList<GrafanaDatasource> datasources) => reference.ValueKind switch
    {
        JsonValueKind.Object when reference.TryGetProperty("uid", out var uid) && uid.GetString() is { } u && !u.StartsWith('$') =>
            datasources.FirstOrDefault(d => d.Uid == u) ?? new GrafanaDatasource(u, u, reference.TryGetProperty("type", out var ty) ? ty.GetString() ?? "" : "", "", false),
        JsonValueKind.String when reference.GetString() is { } name && !name.StartsWith('$') => datasources.FirstOrDefault(d => d.Name == name || d.Uid == name),
        _ => null,
    };

    /// <summary>The datasource a datasource variable ("$datasource", "${DS_PROMETHEUS}") selects, by uid or name.</summary>
    private static GrafanaDatasource? ThroughVariable(JsonElement reference, IReadOnlyList<GrafanaDatasource> datasources, DashboardVariables? variables)
    {
        var text = reference.ValueKind switch
        {
            JsonValueKind.Object when reference.TryGetProperty("uid", out var uid) && uid.ValueKind == JsonValueKind.String => uid.GetString(),
            JsonValueKind.String => reference.GetString(),
            _ => null,
        };
        return text is null || variables?.DatasourceOf(text) is not { } selected ? null
            : datasources.FirstOrDefault(d => d.Uid == selected || d.Name == selected);
    }

    /// <summary>
    /// A datasource of the type a template reference names ({"type": "prometheus", "uid": "$datasource"}), the default one
    /// first: Grafana resolves such a variable to a datasource of that type, never to one of another type.
    /// </summary>
    private static GrafanaDatasource? OfReferencedType(JsonElement reference, IReadOnlyList<GrafanaDatasource> datasources) =>
        reference.ValueKind == JsonValueKind.Object && reference.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String &&
        t.GetString() is { Length: > 0 } type
            ? datasources.Where(d => d.Type == type).OrderByDescending(d => d.IsDefault).FirstOrDefault()
            : null;

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}

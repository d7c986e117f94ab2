using System.Text.Json;
using Acceptance.Support.Configuration;
using Acceptance.Support.Consul;
using Acceptance.Support.Grafana;
using Acceptance.Support.Nomad;
using Acceptance.Support.Prometheus;
using Microsoft.Playwright;
using static Acceptance.Support.Http.Json;

namespace Acceptance.Support.Browser;

/// <summary>A service as the Consul UI's services page lists it (GET /v1/internal/ui/services, the call the page makes).</summary>
public sealed record ConsulUiService(string Name, int InstanceCount, int ChecksPassing, int ChecksWarning, int ChecksCritical)
{
    /// <inheritdoc />
    public override string ToString() => $"{Name} ({InstanceCount} instance(s), checks {ChecksPassing} passing, {ChecksWarning} warning, {ChecksCritical} critical)";
}

/// <summary>A client node as the Nomad UI's clients page lists it (GET /v1/nodes).</summary>
public sealed record NomadUiNode(string Name, string Status, string Eligibility)
{
    /// <inheritdoc />
    public override string ToString() => $"{Name} {Status} ({Eligibility})";
}

/// <summary>What a Grafana dashboard page showed: its panels, those with an error badge, and the datasource answers.</summary>
public sealed record GrafanaDashboardView(DashboardRef Dashboard, UiVisit Visit, IReadOnlyList<string> Panels, IReadOnlyList<string> ErroredPanels,
    IReadOnlyList<string> QueryErrors)
{
    /// <inheritdoc />
    public override string ToString() => $"{Dashboard.Title}: {Panels.Count} panel(s) rendered [{string.Join(", ", Panels)}]" +
        (ErroredPanels.Count > 0 ? $", error badge on [{string.Join(", ", ErroredPanels)}]" : ", no error badge");
}

/// <summary>
/// What a user does on each UI's landing route, in a real browser, against the products' documented routes: Consul
/// <c>/ui/&lt;dc&gt;/services</c> (token in localStorage <c>consul:token</c>), Nomad <c>/ui/jobs</c> and <c>/ui/clients</c>
/// (token in localStorage <c>nomadTokenSecret</c>), Prometheus's landing page (classic <c>/classic/graph</c> of Debian's
/// build, <c>/graph</c> of 2.x, <c>/query</c> of 3.x: type <c>up</c>, execute, read the table), Grafana <c>/d/&lt;uid&gt;</c>
/// (service-account token as Bearer). Facts only; <see cref="UiRules"/> judges them.
/// </summary>
public sealed class UiProbe(TargetEnvironment target, UiBrowser browser)
{
    private static readonly float ContentWait = 10_000;

    /// <summary>The Consul UI's services page of <paramref name="datacenter"/>.</summary>
    public async Task<(UiVisit Visit, IReadOnlyList<ConsulUiService> Services)> ConsulServicesAsync(string datacenter, UiVisitor visitor, IReadOnlyList<string> expected)
    {
        var consul = target.Consul;
        var credential = visitor == UiVisitor.Suite && consul.Token?.Resolve() is { } token
            ? new UiCredential.LocalStorage("consul:token", JsonSerializer.Serialize(new { AccessorID = "", SecretID = token }))
            : null;
        var visit = await browser.VisitAsync(new UiPage("Consul UI", consul, $"ui/{Uri.EscapeDataString(datacenter)}/services", credential, ["/v1/internal/ui/services"]),
            (page, _) => WaitForTextsAsync(page, visitor == UiVisitor.Suite ? expected : []));
        return (visit, ConsulServices(visit));
    }

    /// <summary>The Nomad UI's jobs page.</summary>
    public async Task<UiVisit> NomadJobsAsync(UiVisitor visitor, IReadOnlyList<string> expected) =>
        await browser.VisitAsync(new UiPage("Nomad UI", target.Nomad, "ui/jobs", NomadCredential(visitor), ["/v1/jobs", "/v1/jobs/statuses"]),
            (page, _) => WaitForTextsAsync(page, visitor == UiVisitor.Suite ? expected : []));

    /// <summary>The Nomad UI's clients page and the nodes it was given.</summary>
    public async Task<(UiVisit Visit, IReadOnlyList<NomadUiNode> Nodes)> NomadClientsAsync(UiVisitor visitor)
    {
        var visit = await browser.VisitAsync(new UiPage("Nomad UI", target.Nomad, "ui/clients", NomadCredential(visitor), ["/v1/nodes"]),
            (page, _) => visitor == UiVisitor.Suite ? WaitForSelectorAsync(page, "table tbody tr, [data-test-client-node-row]") : Task.CompletedTask);
        return (visit, NomadNodes(visit));
    }

    /// <summary>
    /// Prometheus's landing page (the address as given: it redirects to its query page), then what a user does: type
    /// <c>up</c>, execute, and read the result table's rows.
    /// </summary>
    public async Task<(UiVisit Visit, IReadOnlyList<string> Rows)> PrometheusQueryAsync(UiVisitor visitor)
    {
        var prometheus = target.Prometheus;
        var credential = visitor == UiVisitor.Suite && prometheus.Username is { } user && prometheus.Password?.Resolve() is { } password
            ? new UiCredential.Basic(user, password) : null;
        IReadOnlyList<string> rows = [];
        var visit = await browser.VisitAsync(new UiPage("Prometheus UI", prometheus, "", credential, ["/api/v1/query"], prometheus.UiKnownConsoleErrors), async (page, document) =>
        {
            // An anonymous visitor tries too: a Prometheus that answers without auth shows the rows to anyone.
            if (document?.Status is >= 200 and < 300) rows = await RunQueryAsync(page, "up");
        });
        return (visit, rows);
    }

    /// <summary>Each dashboard's page, as a user opens it from its link.</summary>
    public async Task<IReadOnlyList<GrafanaDashboardView>> GrafanaDashboardsAsync(IReadOnlyList<DashboardRef> dashboards, UiVisitor visitor)
    {
        var grafana = target.Grafana;
        var credential = visitor == UiVisitor.Suite && grafana.Token?.Resolve() is { } token ? new UiCredential.Bearer(token) : null;
        var views = new List<GrafanaDashboardView>();
        foreach (var d in dashboards)
        {
            IReadOnlyList<string> panels = [], errored = [];
            var route = (d.Url.Length > 0 ? d.Url : $"/d/{Uri.EscapeDataString(d.Uid)}").TrimStart('/');
            var visit = await browser.VisitAsync(new UiPage("Grafana UI", grafana, route, credential, ["/api/ds/query"]), async (page, _) =>
            {
                if (visitor == UiVisitor.Anonymous) return;
                await WaitForSelectorAsync(page, PanelHeader);
                try { await page.WaitForLoadStateAsync(LoadState.NetworkIdle, new PageWaitForLoadStateOptions { Timeout = 5_000 }); }
                catch (TimeoutException) { }
                panels = await TestIdsAsync(page, PanelHeader, "data-testid Panel header ");
                errored = await ErroredPanelsAsync(page);
            });
            views.Add(new GrafanaDashboardView(d, visit, panels, errored, QueryErrors(visit)));
        }
        return views;
    }

    /// <summary>The number of panels of each dashboard's model (rows not counted): what the page must render.</summary>
    public static async Task<IReadOnlyDictionary<string, int>> PanelCountsAsync(GrafanaClient grafana, IReadOnlyList<DashboardRef> dashboards)
    {
        var counts = new Dictionary<string, int>();
        foreach (var d in dashboards)
            counts[d.Uid] = Obj(await grafana.DashboardAsync(d.Uid), "panels") is { ValueKind: JsonValueKind.Array } panels
                ? panels.EnumerateArray().Count(p => Str(p, "type") != "row") : 0;
        return counts;
    }

    // Grafana's own e2e selectors (packages/grafana-e2e-selectors): "data-testid Panel header <title>" on every panel,
    // "data-testid Panel status error" on the error badge of a panel whose query failed.
    private const string PanelHeader = "[data-testid^='data-testid Panel header']";
    private const string PanelErrorBadge = "[data-testid='data-testid Panel status error']";

    private UiCredential? NomadCredential(UiVisitor visitor) =>
        visitor == UiVisitor.Suite && target.Nomad.Token?.Resolve() is { } token ? new UiCredential.LocalStorage("nomadTokenSecret", token) : null;

    /// <summary>The services in the page's /v1/internal/ui/services answers (the last 2xx one).</summary>
    public static IReadOnlyList<ConsulUiService> ConsulServices(UiVisit visit) =>
        LastJsonArray(visit, "/v1/internal/ui/services").Select(s => new ConsulUiService(Str(s, "Name"), (int)Long(s, "InstanceCount"),
            (int)Long(s, "ChecksPassing"), (int)Long(s, "ChecksWarning"), (int)Long(s, "ChecksCritical"))).ToList();

    /// <summary>The nodes in the page's /v1/nodes answer.</summary>
    public static IReadOnlyList<NomadUiNode> NomadNodes(UiVisit visit) =>
        LastJsonArray(visit, "/v1/nodes").Select(n => new NomadUiNode(Str(n, "Name"), Str(n, "Status"), Str(n, "SchedulingEligibility"))).ToList();

    /// <summary>The per-query errors in the page's /api/ds/query answers (results.&lt;refId&gt;.error), and non-2xx answers.</summary>
    public static IReadOnlyList<string> QueryErrors(UiVisit visit)
    {
        var errors = new List<string>();
        foreach (var d in visit.Data.Where(d => d.Path.EndsWith("/api/ds/query", StringComparison.Ordinal)))
        {
            JsonElement j;
            try { j = JsonDocument.Parse(d.Body).RootElement.Clone(); }
            catch (JsonException) { errors.Add($"/api/ds/query → {d.Status}: not JSON"); continue; }
            if (Obj(j, "results") is { ValueKind: JsonValueKind.Object } results)
                foreach (var r in results.EnumerateObject())
                    if (Str(r.Value, "error") is { Length: > 0 } e) errors.Add($"query {r.Name}: {e}");
            if (d.Status >= 400 && errors.Count == 0) errors.Add($"/api/ds/query → {d.Status}: {Str(j, "message")}");
        }
        return errors;
    }

    private static IEnumerable<JsonElement> LastJsonArray(UiVisit visit, string path)
    {
        var body = visit.Data.LastOrDefault(d => d.Path.EndsWith(path, StringComparison.Ordinal) && d.Status is >= 200 and < 300)?.Body;
        if (body is null) return [];
        try
        {
            var j = JsonDocument.Parse(body).RootElement.Clone();
            return j.ValueKind == JsonValueKind.Array ? j.EnumerateArray().ToList() : [];
        }
        catch (JsonException) { return []; }
    }

    /// <summary>Types a query the way each Prometheus UI takes it and returns the result table's rows.</summary>
    private static async Task<IReadOnlyList<string>> RunQueryAsync(IPage page, string expr)
    {
        var classic = page.Locator("textarea.expression_input").First;     // Debian's build: the classic UI
        var editor = page.Locator(".cm-content").First;                     // Prometheus 2.x React UI, 3.x UI: CodeMirror
        try { await page.Locator("textarea.expression_input, .cm-content").First.WaitForAsync(new() { Timeout = ContentWait }); }
        catch (TimeoutException) { return []; }
        if (await classic.CountAsync() > 0)
        {
            await classic.FillAsync(expr);
            await page.Locator(".execute_btn").First.ClickAsync();
        }
        else
        {
            await editor.ClickAsync();
            await page.Keyboard.TypeAsync(expr);
            await page.GetByRole(AriaRole.Button, new() { Name = "Execute" }).First.ClickAsync();
            var table = page.GetByRole(AriaRole.Tab, new() { Name = "Table" });
            if (await table.CountAsync() > 0) await table.First.ClickAsync();
        }
        var row = page.Locator("table tr", new() { HasTextString = "job=" });
        try { await row.First.WaitForAsync(new() { Timeout = ContentWait }); }
        catch (TimeoutException) { return []; }
        return (await row.AllInnerTextsAsync()).Select(r => string.Join(' ', r.Split((char[])['\n', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries)).Trim()).ToList();
    }

    private static async Task WaitForTextsAsync(IPage page, IReadOnlyList<string> texts)
    {
        if (texts.Count == 0) return;
        try
        {
            await page.WaitForFunctionAsync("names => names.every(n => document.body && document.body.innerText.includes(n))", texts.ToArray(),
                new PageWaitForFunctionOptions { Timeout = ContentWait, PollingInterval = 200 });
        }
        catch (TimeoutException) { /* judged on what the page shows */ }
    }

    private static async Task WaitForSelectorAsync(IPage page, string selector)
    {
        try { await page.Locator(selector).First.WaitForAsync(new() { Timeout = ContentWait }); }
        catch (TimeoutException) { }
    }

    private static async Task<IReadOnlyList<string>> TestIdsAsync(IPage page, string selector, string prefix) =>
        (await page.Locator(selector).EvaluateAllAsync<string[]>("els => els.map(e => e.getAttribute('data-testid'))"))
            .Select(t => t.StartsWith(prefix, StringComparison.Ordinal) ? t[prefix.Length..] : t).ToList();

    private static async Task<IReadOnlyList<string>> ErroredPanelsAsync(IPage page) =>
        await page.Locator(PanelErrorBadge).EvaluateAllAsync<string[]>(
            "els => els.map(e => { const p = e.closest('[data-testid^=\"data-testid Panel header\"]') || e.closest('section'); " +
            "const t = p ? (p.getAttribute('data-testid') || '').replace('data-testid Panel header ', '') : '?'; " +
            "return t + ((e.getAttribute('title') || e.getAttribute('aria-label')) ? ': ' + (e.getAttribute('title') || e.getAttribute('aria-label')) : ''); })");
}

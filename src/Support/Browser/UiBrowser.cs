using System.Diagnostics;
using System.Text;
using Acceptance.Support.Configuration;
using Acceptance.Support.Evidence;
using Acceptance.Support.Lifecycle;
using Acceptance.Support.Outcomes;
using Microsoft.Playwright;

namespace Acceptance.Support.Browser;

/// <summary>What to open: the UI's name, its endpoint (origin and CA), the route, and how the visitor authenticates.</summary>
/// <param name="Ui">"Consul UI", "Prometheus UI".</param>
/// <param name="Endpoint">The service's endpoint in the target file (address, ca_file).</param>
/// <param name="Route">Path (and query) under the address, as a user types it.</param>
/// <param name="Credential">The suite's credential in the UI's own way (null: anonymous).</param>
/// <param name="DataPaths">API paths whose answers the page renders (their bodies are kept to judge what was shown).</param>
/// <param name="KnownConsoleErrors">Console errors the target file accepts (substrings): tolerated, and named as such.</param>
public sealed record UiPage(string Ui, ServiceEndpoint Endpoint, string Route, UiCredential? Credential, IReadOnlyList<string> DataPaths,
    IReadOnlyList<string>? KnownConsoleErrors = null);

/// <summary>
/// The scenario's browser: one Chromium context per UI and visitor (the run's browser is shared, see
/// <see cref="BrowserSession"/>), closed by the scenario's cleanup stack. Each visit records a screenshot (PNG), the
/// console log and the list of requests with their status as evidence, redacted; a credential is never put in a URL, a
/// screenshot or the request list (request headers are not recorded; no trace is taken).
/// </summary>
public sealed class UiBrowser(TargetEnvironment target, EvidenceLog evidence, CleanupStack cleanup)
{
    private static readonly TimeSpan NavigationTimeout = TimeSpan.FromSeconds(20);
    private readonly Dictionary<string, IBrowserContext> _contexts = [];

    /// <summary>
    /// Opens <paramref name="page"/>'s route, lets <paramref name="act"/> do what a user does there (type a query, wait
    /// for the list; it is given the page's document answer), and returns what was seen. Unreachable, TLS refused or no browser: BROKEN / NOT VERIFIED, naming it.
    /// </summary>
    public async Task<UiVisit> VisitAsync(UiPage page, Func<IPage, IResponse?, Task>? act = null, CancellationToken ct = default)
    {
        // chromium aborts what is in flight when an interface of this machine comes or goes (net::ERR_NETWORK_CHANGED: a
        // container or a job's network starting elsewhere on the runner, e.g. a scenario of another feature running at the
        // same time). That says nothing about the UI: the visit is made again (at most three visits, 2 s apart), and every
        // earlier visit stays in the evidence.
        for (var attempt = 1; ; attempt++)
        {
            string? changed;
            try
            {
                var visit = await VisitOnceAsync(page, act, ct);
                changed = visit.Requests.FirstOrDefault(r => r.Failure?.Contains(NetworkChanged, StringComparison.Ordinal) == true)?.Url;
                if (changed is null || attempt == 3) return visit;
            }
            catch (EnvironmentProblemException e) when (e.Message.Contains(NetworkChanged, StringComparison.Ordinal) && attempt < 3)
            {
                changed = e.Message;
            }
            evidence.Note($"{page.Ui}: the runner's network changed during visit {attempt} ({NetworkChanged}: {changed}); visiting again");
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
        }
    }

    private const string NetworkChanged = "ERR_NETWORK_CHANGED";

    private async Task<UiVisit> VisitOnceAsync(UiPage page, Func<IPage, IResponse?, Task>? act, CancellationToken ct)
    {
        var origin = page.Endpoint.BaseUri.GetLeftPart(UriPartial.Authority);
        var url = new Uri(page.Endpoint.BaseUri, page.Route.TrimStart('/')).ToString();
        var context = await ContextAsync(page, origin, ct);
        var tab = await context.NewPageAsync();
        tab.SetDefaultTimeout((float)NavigationTimeout.TotalMilliseconds);
        var requests = new List<UiRequest>();
        var console = new List<string>();
        var bodies = new List<Task<UiData?>>();
        var uncaught = new List<string>();
        tab.Console += (_, m) =>
        {
            if (m.Type == "error") lock (console) console.Add($"{m.Text} ({m.Location})");
            else if (m.Type == "debug" && m.Text.StartsWith(UncaughtMarker, StringComparison.Ordinal)) lock (console) console.Add("uncaught: " + m.Text[UncaughtMarker.Length..]);
        };
        // An uncaught error is reported with its script and line by the init script below; PageError only when it did not.
        tab.PageError += (_, e) => { lock (uncaught) uncaught.Add(e); };
        var answered = new HashSet<IRequest>();
        tab.Response += (_, r) =>
        {
            lock (requests) { requests.Add(new UiRequest(r.Request.Method, r.Url, r.Status, null)); answered.Add(r.Request); }
            var path = new Uri(r.Url).AbsolutePath;
            if (r.Url.StartsWith(origin, StringComparison.Ordinal) && page.DataPaths.Any(p => path.EndsWith(p, StringComparison.Ordinal)))
                lock (bodies) bodies.Add(ReadBodyAsync(r, path));
        };
        // A request that got an answer and then failed (chromium aborts the body of a script answered 404) is listed once, with its status.
        tab.RequestFailed += (_, r) => { lock (requests) if (!answered.Contains(r)) requests.Add(new UiRequest(r.Method, r.Url, null, r.Failure ?? "failed")); };
        var sw = Stopwatch.StartNew();
        try
        {
            IResponse? document = null;
            var authDemanded = false;
            try { document = await OpenAsync(tab, url, page); }
            catch (PlaywrightException e) when (e.Message.Contains("ERR_INVALID_AUTH_CREDENTIALS", StringComparison.Ordinal) && page.Credential is null)
            {
                authDemanded = true;   // 401 with WWW-Authenticate and nothing to answer it: the anonymous visitor is refused
            }
            catch (PlaywrightException e)
            {
                var why = e.Message.Split('\n')[0];
                if (why.Contains("ERR_INVALID_AUTH_CREDENTIALS", StringComparison.Ordinal))
                    why += $": the suite's credential for {page.Ui} was refused ({page.Credential})";
                evidence.Note($"{page.Ui} {url}: {why}");
                throw new EnvironmentProblemException($"{page.Ui} {url}: the browser could not open the page: {why}", e);
            }
            if (act is not null && !authDemanded) await act(tab, document);
            try { await tab.WaitForLoadStateAsync(LoadState.NetworkIdle, new PageWaitForLoadStateOptions { Timeout = 5_000 }); }
            catch (TimeoutException) { /* a UI that polls never goes idle: what it shows now is judged */ }
            var text = authDemanded ? "" : await tab.InnerTextAsync("body");
            UiData?[] data;
            Task<UiData?>[] pending;
            lock (bodies) pending = [.. bodies];
            data = await Task.WhenAll(pending);
            var standIn = document is not null && (await document.AllHeadersAsync()).ContainsKey("x-sandbox-standin");
            UiRequest[] seen;
            lock (requests) seen = [.. requests];
            List<string> errors;
            lock (console) errors = [.. console];
            lock (uncaught) errors.AddRange(uncaught.Where(u => !errors.Any(e => e.StartsWith("uncaught: " + u.Split('\n')[0], StringComparison.Ordinal))).Select(u => "uncaught: " + u.Split('\n')[0]));
            var known = page.KnownConsoleErrors ?? [];
            var tolerated = errors.Where(e => known.Any(k => e.Contains(k, StringComparison.Ordinal))).ToList();
            var visit = new UiVisit(page.Ui, page.Credential is null ? UiVisitor.Anonymous : UiVisitor.Suite, "/" + page.Route.TrimStart('/'), origin,
                SecretRegistry.Redact(authDemanded ? url : tab.Url), authDemanded ? 401 : document?.Status, standIn, SecretRegistry.Redact(await tab.TitleAsync()),
                errors.Except(tolerated).Select(SecretRegistry.Redact).ToList(), seen.Select(r => r with { Url = SecretRegistry.Redact(r.Url) }).ToList(),
                text, data.OfType<UiData>().ToList(), sw.Elapsed) { ToleratedConsoleErrors = tolerated.Select(SecretRegistry.Redact).ToList() };
            await RecordAsync(tab, visit);
            return visit;
        }
        finally { await tab.CloseAsync(); }
    }

    /// <summary>
    /// Opens the page as a user would: a navigation that fails on the way (a reset connection, a load that overran its
    /// deadline on a loaded machine) is tried once more, as a user reloads, and the first failure is noted in the
    /// evidence; a credential refused is never retried. The second failure is the answer.
    /// </summary>
    private async Task<IResponse?> OpenAsync(IPage tab, string url, UiPage page)
    {
        try { return await tab.GotoAsync(url, new PageGotoOptions { WaitUntil = WaitUntilState.Load }); }
        catch (PlaywrightException e) when (!e.Message.Contains("ERR_INVALID_AUTH_CREDENTIALS", StringComparison.Ordinal))
        {
            evidence.Note($"{page.Ui} {url}: the first load failed ({e.Message.Split('\n')[0]}); loading it once more, as a user would");
            await Task.Delay(TimeSpan.FromSeconds(1));
            return await tab.GotoAsync(url, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        }
    }

    private async Task<IBrowserContext> ContextAsync(UiPage page, string origin, CancellationToken ct)
    {
        var key = $"{origin} {page.Credential?.GetType().Name ?? "anonymous"}";
        if (_contexts.TryGetValue(key, out var existing)) return existing;
        var cas = new[] { page.Endpoint.CaFile ?? target.CaFile }.Concat(target.Services.Values.OfType<ServiceEndpoint>().Select(s => s.CaFile ?? target.CaFile))
            .Where(c => c is not null).Select(c => c!);
        var browser = await BrowserSession.GetAsync(cas, ct);
        var options = new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 }, Locale = "en-US" };
        if (page.Credential is UiCredential.Basic basic)
        {
            SecretRegistry.RegisterBasic(basic.Username, basic.Password);
            options.HttpCredentials = new HttpCredentials { Username = basic.Username, Password = basic.Password, Origin = origin, Send = HttpCredentialsSend.Always };
        }
        var context = await browser.NewContextAsync(options);
        await context.AddInitScriptAsync(
            $"window.addEventListener('error', e => {{ if (e.filename) console.debug({Js(UncaughtMarker)} + String(e.message).replace(/^Uncaught /, '') + ' at ' + e.filename + ':' + e.lineno); }});");
        switch (page.Credential)
        {
            case UiCredential.LocalStorage item:
                SecretRegistry.Register(item.Value);
                // Set before the UI's own scripts run, on the UI's origin only, as if the user had pasted the token.
                await context.AddInitScriptAsync(
                    $"if (location.origin === {Js(origin)}) window.localStorage.setItem({Js(item.Key)}, {Js(item.Value)});");
                break;
            case UiCredential.Bearer bearer:
                SecretRegistry.Register(bearer.Token);
                await context.RouteAsync(origin + "/**", async route =>
                {
                    var headers = new Dictionary<string, string>(route.Request.Headers) { ["authorization"] = $"Bearer {bearer.Token}" };
                    await route.ContinueAsync(new RouteContinueOptions { Headers = headers });
                });
                break;
        }
        _contexts[key] = context;
        cleanup.Push(new ClosedContext(context, $"browser context for {page.Ui} ({(page.Credential is null ? "anonymous" : "the suite's credential")})"));
        return context;
    }

    private async Task RecordAsync(IPage tab, UiVisit visit)
    {
        var title = $"{visit.Label} {visit.Route}{(visit.Visitor == UiVisitor.Anonymous ? " (anonymous)" : "")}";
        // A page that shows a credential is never photographed (the screenshot could not be redacted).
        if (SecretRegistry.ContainsRegistered(visit.VisibleText) || SecretRegistry.ContainsRegistered(visit.FinalUrl))
            evidence.Note($"screenshot of {title} withheld: the page shows a secret the suite holds");
        else
            evidence.AttachBinary($"screenshot: {title}", await tab.ScreenshotAsync(new PageScreenshotOptions { FullPage = true, Type = ScreenshotType.Png }), "image/png", "png");
        var console = (visit.ConsoleErrors.Count == 0 ? "no console error" : string.Join("\n", visit.ConsoleErrors)) +
            (visit.ToleratedConsoleErrors.Count == 0 ? "" : "\n\ntolerated (known to the target file):\n" + string.Join("\n", visit.ToleratedConsoleErrors));
        evidence.AttachText($"console: {title}", console);
        var list = new StringBuilder().AppendLine(visit.ToString()).AppendLine();
        foreach (var r in visit.Requests) list.AppendLine(r.ToString());
        evidence.AttachText($"requests: {title}", list.ToString());
        evidence.Note(visit.ToString());
        Console.WriteLine($"[browser] {title}: {visit.Elapsed.TotalMilliseconds:F0} ms");
    }

    private static async Task<UiData?> ReadBodyAsync(IResponse response, string path)
    {
        try { return new UiData(path, response.Status, await response.TextAsync()); }
        catch (PlaywrightException) { return null; }   // a redirect or a body the page discarded
    }

    private const string UncaughtMarker = "acceptance-uncaught: ";

    private static string Js(string s) => System.Text.Json.JsonSerializer.Serialize(s);

    private sealed class ClosedContext(IBrowserContext context, string name) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try { await context.CloseAsync(); }
            catch (PlaywrightException) { /* the browser is gone already */ }
        }

        public override string ToString() => name;
    }
}

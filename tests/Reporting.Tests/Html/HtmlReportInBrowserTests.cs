using System.Text;
using System.Text.Json;
using Acceptance.Reporting.Allure;
using Acceptance.Reporting.Checklist;
using Acceptance.Support.Evidence;
using CliWrap;
using CliWrap.Buffered;
using FluentAssertions;
using Microsoft.Playwright;
using NUnit.Framework;

namespace Acceptance.Reporting.Tests.Html;

/// <summary>
/// The HTML report as a release manager opens it: a small run's results (the project's own fixtures, written by the
/// suite's writer), the `report` command, then tools/allure/generate.mjs exactly as run-tests.sh calls it; the pages
/// opened from file:// in Debian's chromium through Microsoft.Playwright. Screenshots go to reports/tests/screenshots/.
/// </summary>
[NonParallelizable]
public sealed class HtmlReportInBrowserTests
{
    private static readonly string Chromium = Environment.GetEnvironmentVariable("ACCEPTANCE_CHROMIUM") is { Length: > 0 } c ? c : "/usr/bin/chromium";
    private static readonly string Screenshots = Path.Combine(Repository.Root, "reports", "tests", "screenshots");
    private TempDir _dir = null!;
    private string _reports = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    private string Awesome => Path.Combine(_reports, "allure-report", "awesome", "index.html");
    private string Dashboard => Path.Combine(_reports, "allure-report", "dashboard", "index.html");

    [OneTimeSetUp]
    public async Task GenerateTheReportAndStartChromium()
    {
        if (!File.Exists(Chromium)) Assert.Ignore($"chromium is not installed ({Chromium}): apt-get install chromium fonts-liberation");
        if (await Which("node") is null) Assert.Ignore("node is not installed: the HTML report needs Node.js 20+");
        File.Exists(Path.Combine(Repository.Root, "tools", "allure", "node_modules", ".bin", "allure")).Should()
            .BeTrue("tests/run.sh installs the pinned Allure (cd tools/allure && npm ci)");

        _dir = new TempDir("html-report");
        var results = _dir.Combine("allure-results");
        _reports = _dir.Combine("reports");
        Directory.CreateDirectory(_reports);
        WriteFixtureRun(results);

        var report = await CliWrap.Cli.Wrap("dotnet")
            .WithArguments([CliDll(), "report", "--results", results, "--checklist", Repository.ChecklistDir, "--out", _reports, "--run-id", "test-run", "--change", "CHG-TEST-1"])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        File.Exists(Path.Combine(_reports, "summary.json")).Should().BeTrue($"the report command writes summary.json: {report.StandardOutput}{report.StandardError}");
        // The banner and the static document are the report command's (banner.html, checklist.html); until it writes
        // them, this test's own samples stand in.
        var own = Path.Combine(Repository.Root, "tests", "Reporting.Tests", "Html");
        if (!File.Exists(Path.Combine(_reports, "banner.html"))) File.Copy(Path.Combine(own, "sample-banner.html"), Path.Combine(_reports, "banner.html"));
        if (!File.Exists(Path.Combine(_reports, "checklist.html"))) File.Copy(Path.Combine(own, "sample-checklist.html"), Path.Combine(_reports, "checklist.html"));

        var generate = await CliWrap.Cli.Wrap("node")
            .WithArguments([Path.Combine(Repository.Root, "tools", "allure", "generate.mjs"), results, _reports])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        generate.ExitCode.Should().Be(0, $"generate.mjs wrote the report: {generate.StandardOutput}{generate.StandardError}");
        File.Exists(Awesome).Should().BeTrue();
        TestContext.Out.WriteLine(generate.StandardOutput.Trim());

        Directory.CreateDirectory(Screenshots);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium, Headless = true, Timeout = 60_000,
            Args = ["--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking", "--disable-component-update"],
        });
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
        _dir?.Dispose();
    }

    private async Task<IPage> Open(string file, bool javaScript = true)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            JavaScriptEnabled = javaScript, ViewportSize = new ViewportSize { Width = 1400, Height = 1000 },
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(file).AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Commit, Timeout = 60_000 });
        return page;
    }

    [Test]
    public async Task The_landing_page_paints_the_banner_with_the_line_counts_within_two_seconds_then_the_checklist_tree()
    {
        var page = await Open(Awesome);
        var banner = page.Locator("#acceptance-banner");
        await banner.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible, Timeout = 30_000 });
        // The browser's own clock: the banner is the page's first content, so its first contentful paint is the banner's.
        var fcp = await page.EvaluateAsync<double>(
            "() => new Promise(r => { const e = performance.getEntriesByName('first-contentful-paint')[0]; if (e) r(e.startTime); " +
            "else new PerformanceObserver(l => r(l.getEntries()[0].startTime)).observe({ type: 'paint', buffered: true }); })");
        TestContext.Out.WriteLine($"first contentful paint (the banner) {fcp:F0} ms after navigation start, from file://");
        var text = await banner.InnerTextAsync();
        text.Should().MatchRegex("(?i)partial").And.Contain("108").And.Contain("not verified");
        fcp.Should().BeLessThan(2000, "the landing content shows the banner and counts within 2 s (issue 18)");

        // Then the report's application: the checklist's first phase, numbered, and no pass rate standing for the sign-off.
        await page.GetByText("1 Pre-Deployment Phase").First.WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        (await page.Locator("[data-testid=report-header]").InnerTextAsync()).Should().NotContain("100%");
        (await page.GetByText("Quality Gates").First.IsVisibleAsync()).Should().BeTrue();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "report-landing.png") });

        // The tree opens the groups that hold a failure by itself; otherwise a reader opens them.
        var failed = page.GetByText("MON-AC-4 · False-positive alerts are minimised").First;
        foreach (var group in new[] { "3 Post-Deployment Phase", "3.1 Monitoring and Alerting", "3.1.2 Alert Configuration" })
            if (!await failed.IsVisibleAsync()) await page.GetByText(group, new PageGetByTextOptions { Exact = true }).First.ClickAsync();
        await failed.ClickAsync();
        var description = page.FrameLocator("[data-testid=test-result-description-frame]");
        await description.GetByText("Outcome: FAILED").WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        (await page.Locator("[data-testid=test-result-error-header]").First.InnerTextAsync()).Trim().Should().Be("Why", "not \"Error\"");
        (await description.Locator("body").InnerTextAsync()).Should().Contain("Rule:").And.Contain("Expected:").And.Contain("Observed:").And.Contain("Verdict:");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "report-failed-scenario.png") });
    }

    [Test]
    public async Task The_banner_needs_no_script_and_every_page_has_it_with_a_favicon_and_a_viewport()
    {
        foreach (var file in new[] { Awesome, Dashboard })
        {
            var html = await File.ReadAllTextAsync(file);
            html.IndexOf("id=\"acceptance-banner\"", StringComparison.Ordinal).Should().BeLessThan(html.IndexOf("<script", html.IndexOf("<body", StringComparison.Ordinal), StringComparison.Ordinal),
                $"{file}: the banner comes before any script of the body");
            html.Should().MatchRegex("<link rel=\"icon\" href=\"data:").And.Contain("name=\"viewport\"").And.NotContain("googletagmanager");
            var page = await Open(file, javaScript: false);
            await page.Locator("#acceptance-banner").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible, Timeout = 30_000 });
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, $"{Path.GetFileName(Path.GetDirectoryName(file))}-without-javascript.png") });
        }
    }

    [Test]
    public async Task The_dashboard_shows_the_trend_and_the_critical_checks_not_a_pass_rate()
    {
        var page = await Open(Dashboard);
        await page.GetByText("Critical checks not verified, failed or broken").First.WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        (await page.GetByText("Results by status, run over run").First.IsVisibleAsync()).Should().BeTrue();
        (await page.Locator("#app").InnerTextAsync()).Should().NotMatchRegex(@"\d+(\.\d+)?%", "no pass-rate ring");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "dashboard.png"), FullPage = true });
    }

    [Test]
    public async Task The_summary_page_does_not_call_a_partial_run_passed()
    {
        var page = await Open(Path.Combine(_reports, "allure-report", "index.html"));
        await page.GetByText("Production deployment checklist").First.WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        (await page.Locator("#app").InnerTextAsync()).Should().Contain("unknown").And.NotContain("passed\n", "Allure's word is the worst result status");
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_reports, "allure-report", "awesome", "summary.json")));
        summary.RootElement.GetProperty("status").GetString().Should().Be("unknown", "a Partial sign-off is not passed");
        summary.RootElement.GetProperty("checks")[0].GetProperty("name").GetString().Should().Be("Sign-off: Partial");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "summary.png") });
    }

    [Test]
    public async Task The_checklist_document_has_no_script_and_renders_without_javascript()
    {
        var file = Path.Combine(_reports, "checklist.html");
        var html = await File.ReadAllTextAsync(file);
        html.Should().NotContainEquivalentOf("<script").And.NotContainEquivalentOf("javascript:");
        var page = await Open(file, javaScript: false);
        await page.WaitForLoadStateAsync(LoadState.Load);
        (await page.Locator("body").InnerTextAsync()).Should().Contain("INFRA-HR-1").And.Contain("MON-AC-4");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "checklist-document.png"), FullPage = true });
    }

    // A small run as the suite's listener writes it: a verified critical line, a failed normal line (sign-off Partial), a
    // line not verified.
    private static void WriteFixtureRun(string results)
    {
        var catalog = ChecklistCatalog.Load(Path.Combine(Repository.ChecklistDir, "checklist-items.tsv"));
        var writer = new AllureResultsWriter(results);
        writer.WriteEnvironment([new("target.name", "report-fixture"), new("target.environment", "test"), new("consul.kind", "stand-in")]);
        Scenario(writer, catalog, "INFRA-HR-1", "critical", "Consul runs at least the minimum number of servers for high availability",
            AllureStatus.Passed, null, new("Consul: raft peers >= expect.consul_servers", "at least 3 raft peers", "3 raft peers [a, b, c]", true, [], false, null, null));
        var notMet = new RecordedVerdict("Alertmanager: no alert fired more than once an hour without an incident", "at most 2 false positives",
            "5 alerts resolved within 2 minutes", false, ["3 false positives over the limit"], false, null, null);
        Scenario(writer, catalog, "MON-AC-4", "normal", "False-positive alerts are minimised", AllureStatus.Failed,
            "Rule: Alertmanager: no alert fired more than once an hour without an incident\nVerdict: NOT met: 3 false positives over the limit", notMet);
        Scenario(writer, catalog, "MON-MS-3", "normal", "Log aggregation returns recent log lines", AllureStatus.Skipped,
            "The target file declares no log aggregation endpoint (services.loki): this line cannot be verified on this target.", null);
    }

    private static void Scenario(AllureResultsWriter writer, ChecklistCatalog catalog, string id, string severity, string title, string status,
        string? message, RecordedVerdict? verdict)
    {
        var lines = ChecklistPlacement.InChecklistOrder(catalog, [catalog.Find(id)!]);
        var attachments = new List<AllureAttachment>();
        if (verdict is not null)
            attachments.Add(writer.WriteAttachment(new EvidenceItem("verdict", "application/json", JsonSerializer.SerializeToUtf8Bytes(new
            {
                rule = verdict.Rule, expected = verdict.Expected, observed = verdict.Observed, holds = verdict.Holds, shortfalls = verdict.Shortfalls,
            }), "json")));
        attachments.Add(writer.WriteAttachment(new EvidenceItem("GET https://127.0.0.1:18501/v1/status/peers → 200", "text/plain",
            Encoding.UTF8.GetBytes("HTTP/1.1 200 OK\n[\"a\",\"b\",\"c\"]"), "txt")));
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var result = new AllureResult
        {
            Name = ChecklistPlacement.Title(lines, title),
            FullName = $"fixture.feature: {title}",
            Status = status,
            StatusDetails = message is null ? null : new AllureStatusDetails(message, null),
            Description = ChecklistPlacement.Description(verdict is null ? [] : [verdict], status, message, lines, null),
            Start = now - 1000,
            Stop = now,
            Steps = [new AllureStep { Name = $"Then {title}", Status = status, Start = now - 900, Stop = now, Attachments = attachments }],
            Labels =
            [
                .. ChecklistPlacement.Labels(catalog.Items, lines, "Fixture"), new(AllureLabelName.Suite, "Fixture"),
                new(AllureLabelName.Tag, ChecklistCatalog.TagPrefix + id), new(AllureLabelName.Severity, severity),
            ],
        };
        result.TestCaseId = result.HistoryId = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(Encoding.UTF8.GetBytes(result.FullName)));
        writer.WriteResult(result);
    }

    private static string CliDll()
    {
        var here = Path.Combine(AppContext.BaseDirectory, "acceptance.dll");
        if (File.Exists(here) && File.Exists(Path.Combine(AppContext.BaseDirectory, "acceptance.runtimeconfig.json"))) return here;
        return Path.Combine(Repository.Root, "src", "Cli", "bin", "Release", "net10.0", "acceptance.dll");
    }

    private static async Task<string?> Which(string tool)
    {
        var r = await CliWrap.Cli.Wrap("sh").WithArguments(["-c", $"command -v {tool}"]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        return r.ExitCode == 0 ? r.StandardOutput.Trim() : null;
    }
}

using Acceptance.Support.Browser;
using Acceptance.Support.Configuration;
using Acceptance.Support.Evidence;
using Acceptance.Support.Lifecycle;
using Acceptance.Support.Tests.Rules;
using Acceptance.TestSupport;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Browser;

/// <summary>
/// The browser driver against a small page in the real chromium (skipped where chromium is not installed): what it records
/// (console errors with their script, failed requests, the stand-in marker, a screenshot) and what it never records (the
/// token it hands the page).
/// </summary>
[NonParallelizable]
public sealed class UiBrowserTests
{
    private const string Token = "ui-browser-test-token-6f1c2e";

    [OneTimeSetUp]
    public void RequireChromium()
    {
        if (!File.Exists(BrowserSession.ChromiumPath)) Assert.Ignore($"{BrowserSession.ChromiumPath} is not installed ({BrowserSession.InstallHint})");
    }

    [OneTimeTearDown]
    public Task CloseBrowser() => BrowserSession.CloseAsync();

    private static async Task<(UiVisit Visit, IReadOnlyList<EvidenceItem> Evidence)> VisitAsync(FixtureServer server, string route, UiCredential? credential)
    {
        var evidence = new EvidenceLog();
        var cleanup = new CleanupStack(evidence);
        var endpoint = new ServiceEndpoint { Key = "ui", Address = server.Url };
        var browser = new UiBrowser(TestTarget.With(endpoint), evidence, cleanup);
        var visit = await browser.VisitAsync(new UiPage("Test UI", endpoint, route, credential, ["/api/data"]));
        await cleanup.RunAsync();
        return (visit, evidence.Drain());
    }

    [Test]
    public async Task A_page_with_a_missing_asset_and_an_uncaught_error_is_recorded_with_both_named_and_a_screenshot()
    {
        await using var server = new FixtureServer()
            .On("/ui/", """
                <!doctype html><html><head><link rel="icon" href="data:,"><title>Test</title></head><body><h1>Jobs</h1><p id="who"></p>
                <script src="/ui/missing.js"></script>
                <script>
                  document.getElementById('who').textContent = localStorage.getItem('testToken') ? 'token present' : 'no token';
                  fetch('/api/data', { headers: { 'X-Test-Token': localStorage.getItem('testToken') || '' } })
                    .then(r => r.text()).then(t => { document.body.insertAdjacentHTML('beforeend', '<p>' + t + '</p>'); });
                </script>
                <script>undefinedFunction();</script>
                </body></html>
                """, contentType: "text/html", headers: new Dictionary<string, string> { ["X-Sandbox-Standin"] = "test" })
            .On("/api/data", "[\"ml-training-nightly\"]");
        var (visit, evidence) = await VisitAsync(server, "ui/", new UiCredential.LocalStorage("testToken", Token));

        visit.StandIn.Should().BeTrue();
        visit.Label.Should().Be("Test UI (stand-in UI)");
        visit.DocumentStatus.Should().Be(200);
        visit.VisibleText.Should().Contain("token present").And.Contain("ml-training-nightly");
        visit.Data.Should().ContainSingle().Which.Body.Should().Contain("ml-training-nightly");
        visit.FailedOwnRequests.Should().ContainSingle().Which.ToString().Should().Be($"GET {server.Url}/ui/missing.js → 404");
        visit.ConsoleErrors.Should().Contain(e => e.StartsWith("uncaught: ReferenceError: undefinedFunction is not defined at " + server.Url + "/ui/", StringComparison.Ordinal));
        UiRules.PageShortfalls(visit).Should().HaveCount(3, "the 404, its console line and the uncaught error");

        evidence.Should().Contain(e => e.MimeType == "image/png" && e.Name == "screenshot: Test UI (stand-in UI) /ui/" && e.Content.Length > 1000);
        evidence.Should().Contain(e => e.Name.StartsWith("console: ", StringComparison.Ordinal));
        evidence.Should().Contain(e => e.Name.StartsWith("requests: ", StringComparison.Ordinal)
            && System.Text.Encoding.UTF8.GetString(e.Content).Contains("/ui/missing.js → 404"));
        evidence.Where(e => e.MimeType != "image/png").Should().OnlyContain(e => !System.Text.Encoding.UTF8.GetString(e.Content).Contains(Token));
    }

    [Test]
    public async Task A_page_that_shows_the_token_is_never_photographed()
    {
        await using var server = new FixtureServer().On("/", """
            <!doctype html><html><head><link rel="icon" href="data:,"></head><body><p id="t"></p>
            <script>document.getElementById('t').textContent = 'your token: ' + localStorage.getItem('testToken');</script></body></html>
            """, contentType: "text/html");
        var (visit, evidence) = await VisitAsync(server, "", new UiCredential.LocalStorage("testToken", Token));

        visit.StandIn.Should().BeFalse();
        evidence.Should().NotContain(e => e.MimeType == "image/png");
        System.Text.Encoding.UTF8.GetString(evidence.Single(e => e.Name == "observations").Content).Should().Contain("screenshot of Test UI / withheld");
    }

    [Test]
    public async Task An_anonymous_visitor_refused_with_basic_auth_is_recorded_as_401()
    {
        await using var server = new FixtureServer().On("/", "Unauthorized", 401, new Dictionary<string, string> { ["WWW-Authenticate"] = "Basic realm=\"test\"" }, "text/plain");
        var (visit, _) = await VisitAsync(server, "", null);
        visit.Visitor.Should().Be(UiVisitor.Anonymous);
        visit.DocumentStatus.Should().Be(401);
        visit.VisibleText.Should().BeEmpty();
    }
}

using Acceptance.TestSupport;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.EndToEnd.Tests;

/// <summary>
/// The browser checks (POSTVAL-FT-1..4, Debian's chromium) wired end to end against the sandbox: red on a failing check
/// shown in the Consul UI and on a Prometheus UI published under a path nothing serves, with the verdict's own words;
/// green without them. The verdicts themselves are proven by unit tests (tests/Support.Tests/Browser).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class BrowserWiringTests : SandboxDomainFixture
{
    private static readonly string[] Ids = ["POSTVAL-FT-1", "POSTVAL-FT-2", "POSTVAL-FT-3", "POSTVAL-FT-4"];

    protected override TargetCopy TargetForDomain() => TargetCopy.OfSandbox().Set("thresholds.poll_timeout_seconds", "8");

    [Test, Order(1)]
    public async Task A_critical_check_and_a_broken_ui_path_fail_their_ui_lines_and_the_anonymous_checks_still_pass()
    {
        IReadOnlyList<ScenarioResult> results;
        await using (await SandboxFault.OnAsync("consul.check-critical"))
        await using (await SandboxFault.OnAsync("prometheus.ui-path"))
            results = await Run("POSTVAL-FT-1", "POSTVAL-FT-3");
        TestContext.Out.WriteLine(string.Join("\n", results));

        results.ShouldEnd("The Consul UI lists the expected services with passing checks in a browser", "failed",
            "Consul UI (stand-in UI)", "service prometheus shows 1 critical");
        results.ShouldEnd("The Prometheus UI shows every expected scrape job when a user runs the query up in a browser", "failed",
            "/prometheus/classic/graph → 404");
        results.ShouldEnd("The Consul UI shows an anonymous visitor none of the services", "passed");
        results.ShouldEnd("The Prometheus UI shows an anonymous visitor none of the metrics", "passed");
    }

    [Test, Order(2)]
    public async Task With_the_faults_off_every_ui_line_passes()
    {
        var results = await Run(Ids);
        results.Should().HaveCountGreaterThanOrEqualTo(10);
        results.Should().OnlyContain(r => r.Status == "passed", string.Join("\n", results));
    }
}

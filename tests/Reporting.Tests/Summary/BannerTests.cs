using Acceptance.Reporting.Allure;
using Acceptance.Reporting.Checklist;
using Acceptance.Reporting.Summary;
using Acceptance.Reporting.Tests.Checklist;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Reporting.Tests.Summary;

/// <summary>The verdict first: the banner, checklist.md's first block, the static checklist document.</summary>
public sealed class BannerTests
{
    private static readonly DateOnly Today = new(2026, 6, 1);
    private ChecklistCatalog _catalog = null!;
    private string _seed = null!;
    private TempDir _dir = null!;
    private string Results => _dir.Combine("allure-results");

    [OneTimeSetUp]
    public void LoadChecklist()
    {
        _catalog = ChecklistCatalog.Load(Path.Combine(Repository.ChecklistDir, "checklist-items.tsv"));
        _seed = File.ReadAllText(Path.Combine(Repository.ChecklistDir, "production-deployment-checklist.md"));
    }

    [SetUp] public void SetUp() => _dir = new TempDir("banner");
    [TearDown] public void TearDown() => _dir.Dispose();

    private static readonly SignOff SignOff = new(new DateTime(2026, 6, 1, 12, 30, 0), "alice (from --operator)", "ml-platform-prod (production)", "run-42");

    private static readonly RunMetadata Run = new()
    {
        RunId = "run-42", Target = "ml-platform-prod", Environment = "production", StandIns = ["consul", "nomad"], Change = "CHG-7",
        SuiteCommit = "abc1234", Operator = new Sourced("alice", "--operator"),
        Started = new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero), Finished = new DateTimeOffset(2026, 6, 1, 12, 1, 17, TimeSpan.Zero),
    };

    private static readonly Drift NoPrevious = new(null, [], [], "no fingerprint");

    private static Banner BannerOf(ChecklistReport r) => Banner.From(r, Run, NoPrevious, new Sourced("alice", "--operator"));

    private ChecklistReport Partial()
    {
        // Two not-verified lines with a critical scenario each (no severity tag counts as critical), the rest manual.
        ResultFiles.Write(Results, "scrape", "passed", checklistIds: "MON-MS-1");
        ResultFiles.Write(Results, "logs", "skipped", message: "no log endpoint", checklistIds: "MON-MS-3");
        ResultFiles.Write(Results, "retention", "skipped", message: "no retention figure", checklistIds: "MON-MS-4");
        return ChecklistReport.Build(Results, _catalog, AttestationSet.Empty);
    }

    [Test]
    public void A_partial_run_says_how_many_lines_are_not_verified_and_how_many_of_them_are_critical()
    {
        var b = BannerOf(Partial());

        b.Status.Should().Be("Partial");
        b.Headline.Should().Be("PARTIAL: 107 of 108 lines not verified, 2 of them critical");
        var text = b.TextLines();
        text[0].Should().Be(b.Headline, "the status comes first");
        text.Should().Contain("Lines: 1 verified, 0 attested, 0 waived, 107 not verified, 0 broken, 0 failed (108 lines)")
            .And.Contain("Severity: 3 critical (2 of them not verified or attested), 105 normal (105 of them not verified or attested)")
            .And.Contain("Target: ml-platform-prod (production); stand-ins: consul, nomad (sandbox stand-ins, not the real products)")
            .And.Contain("Change: CHG-7; run: run-42; suite commit: abc1234")
            .And.Contain("Operator: alice (from --operator); deployed by: alice (from --operator)")
            .And.Contain("When: 2026-06-01 12:00:00 UTC to 2026-06-01 12:01:17 UTC (1 min 17 s)")
            .And.Contain("Drift: no earlier run of ml-platform-prod to compare with");
        var json = b.Json();
        json["status"].Should().Be("Partial");
        json["stand_ins"].Should().BeEquivalentTo(new[] { "consul", "nomad" });
        json["duration_seconds"].Should().Be(77L);
        json["started"].Should().Be("2026-06-01T12:00:00Z");
        ((Dictionary<string, int>)json["lines_by_status"]!)["not verified"].Should().Be(107);
    }

    [Test]
    public void A_failed_run_names_the_critical_lines_that_failed_or_broke_first()
    {
        ResultFiles.Write(Results, "scrape", "failed", message: "2 targets down", checklistIds: "MON-MS-1");
        ResultFiles.Write(Results, "retention", "broken", message: "refused", checklistIds: "MON-MS-4");

        var b = BannerOf(ChecklistReport.Build(Results, _catalog, AttestationSet.Empty));

        b.Status.Should().Be("Failed");
        b.Headline.Should().Be("FAILED: 2 critical lines failed or broke (MON-MS-1, MON-MS-4); 106 of 108 lines not verified");
    }

    [Test]
    public void A_successful_run_says_every_line_is_verified_or_attested()
    {
        ResultFiles.Write(Results, "everything", "passed", checklistIds: _catalog.Items.Select(i => i.Id).ToArray());

        var b = BannerOf(ChecklistReport.Build(Results, _catalog, SignOffEvidence.Complete(_dir, _catalog, Today)));

        b.Status.Should().Be("Success");
        b.Headline.Should().Be("SUCCESS: all 108 lines verified or attested");
        b.Html().Should().Contain("class=\"ab-success\"").And.Contain(">SUCCESS</span> all 108 lines verified or attested");
    }

    [Test]
    public void Without_a_stand_in_the_banner_names_the_components_that_answered_as_the_real_products()
    {
        var r = Partial();
        Banner.From(r, Run with { StandIns = [], RealComponents = ["prometheus"] }, NoPrevious).StandInText
            .Should().Be("none among the components this run reached (prometheus answered as the real products)");
        Banner.From(r, Run with { StandIns = [], RealComponents = [] }, NoPrevious).StandInText
            .Should().Be("none recorded (the run recorded no component's kind)");
        Banner.From(r, Run with { StandIns = ["grafana"] }, NoPrevious).StandInText.Should().Be("grafana (sandbox stand-in, not the real product)");
    }

    [Test]
    public void The_banner_fragment_is_static_self_contained_html()
    {
        var html = BannerOf(Partial()).Html();

        html.Should().StartWith("<section id=\"acceptance-banner\"").And.EndWith("</section>\n");
        html.Should().NotContainEquivalentOf("<script").And.NotContainEquivalentOf("http://").And.NotContainEquivalentOf("https://")
            .And.NotContain("src=").And.NotContain("@import");
        foreach (var rule in Banner.Css.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            rule.Should().StartWith("#acceptance-banner", "the fragment is injected into the HTML report: its CSS must not restyle the page");
        html.Should().Contain("<dt>Stand-ins</dt><dd>consul, nomad (sandbox stand-ins, not the real products)</dd>");
    }

    [Test]
    public void Checklist_md_starts_with_the_verdict_and_keeps_no_seed_marks_or_emoji()
    {
        var r = Partial();
        var md = r.RenderMarkdown(_seed, SignOff, BannerOf(r), NoPrevious);

        md.Should().StartWith("# Production Deployment Checklist\n\n**Sign-off: PARTIAL: 107 of 108 lines not verified, 2 of them critical**");
        md.IndexOf("**Status**: Partial", StringComparison.Ordinal).Should().BeLessThan(md.IndexOf("## Pre-Deployment Phase", StringComparison.Ordinal),
            "the sign-off block comes before the lines");
        md.Should().Contain("### Security Configuration\n", "no mark on a section heading").And.NotContain("Security Configuration \u2705");
        md.Should().Contain("**Deployed By**: alice (from --operator)");
        md.Should().Contain("- [ ] **Hardware Resources** (0 of 4 verified or attested)");
        NoEmoji(md);
        md.Split('\n').Count(l => l.StartsWith("**Deployment Date**")).Should().Be(1, "the seed's own sign-off block is not repeated at the end");
    }

    [Test]
    public void Not_verified_lines_are_grouped_with_one_reason_per_group()
    {
        var r = Partial();
        var md = r.RenderMarkdown(_seed, SignOff, BannerOf(r), NoPrevious);

        var manual = r.NotVerifiedByReason.Single(g => g.Reason == "no automated check covers this line and no valid attestation was given");
        manual.Lines.Should().HaveCountGreaterThan(50);
        var halves = r.NotVerifiedByReason.Where(g => g.Reason.StartsWith("automated half not verified")).ToList();
        halves.Should().NotBeEmpty();
        r.NotVerifiedByReason.Select(g => g.Name).Should().OnlyHaveUniqueItems().And.StartWith("R1");
        r.NotVerifiedByReason.Sum(g => g.Lines.Count).Should().Be(107);

        CountOf(md, "no automated check covers this line and no valid attestation was given").Should().Be(1, "the reason is written once");
        md.Should().Contain($"- **{manual.Name}** ({manual.Lines.Count} line(s): `INFRA-HR-1`, `INFRA-HR-2`");
        md.Should().Contain($"Minimum 3 nodes for HA setup (5 nodes recommended) \u2014 **not verified** `INFRA-HR-1`: reason {manual.Name} (see \"Not verified\" at the top)");
        md.Should().Contain("Log aggregation working properly \u2014 **not verified** `MON-MS-3`: logs: no log endpoint", "a reason of one line only is written on the line");
    }

    [Test]
    public void A_reason_group_drops_the_details_that_differ_from_line_to_line()
    {
        var item = _catalog.Find("DOCS-DU-1")!;
        ChecklistReport.ReasonKey(new LineVerdict(item, LineStatus.NotVerified, [], null,
                "automated half verified (1 scenario(s) of DOCS-DU-1 passed in this run); attestation half missing: no valid attestation"))
            .Should().Be("automated half verified; attestation half missing: no valid attestation");
    }

    [Test]
    public void Emoji_in_reasons_become_words_and_the_chosen_typographic_characters_stay()
    {
        PlainText.Of("GET /v1/health \u2192 200 \u2014 \u2705 fine \u274C bad \u26A0\uFE0F odd \U0001F7E1 waived \u2265 3").Should()
            .Be("GET /v1/health \u2192 200 \u2014 [ok] fine [x] bad [!] odd  waived \u2265 3");
        PlainText.Of("plain").Should().Be("plain");
    }

    [Test]
    public void The_checklist_document_has_no_script_one_row_per_line_in_checklist_order_and_links_to_the_evidence()
    {
        var r = Partial();
        var placeholders = r.WritePlaceholders(new AllureResultsWriter(Results));
        var html = ChecklistDocument.Render(r, BannerOf(r), NoPrevious, SignOff, placeholders, ChecklistDocument.FooterText(null, null));

        html.Should().NotContainEquivalentOf("<script").And.NotContainEquivalentOf("javascript:").And.NotContain(" onload=").And.NotContain(" onclick=");
        NoEmoji(html);
        html.IndexOf("<section id=\"acceptance-banner\"", StringComparison.Ordinal).Should().BeLessThan(html.IndexOf("<section class=\"checklist\"", StringComparison.Ordinal));
        var rows = System.Text.RegularExpressions.Regex.Matches(html, "<tr id=\"([A-Z0-9-]+)\" class=\"st-").Select(m => m.Groups[1].Value).ToList();
        rows.Should().Equal(_catalog.Items.Select(i => i.Id), "one row per line, in checklist order");
        var scrape = r.Scenarios.Single(s => s.Name == "scrape");
        var id = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(scrape.Uuid)));
        html.Should().Contain($"<a href=\"allure-report/awesome/index.html#{id}\">passed: scrape</a>", "the Allure report's route is #md5(uuid)");
        html.Should().Contain($"allure-report/awesome/index.html#{Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(placeholders["INFRA-HR-1"])))}\">not-verified entry</a>");
        html.Should().Contain("<td class=\"st\">not verified</td>").And.Contain("<td class=\"st\">verified</td>");
        html.Should().Contain("Evidence bundle: not sealed").And.Contain("@media print");
        html.Should().Contain("<th colspan=\"5\">Next Steps After Deployment</th>").And.NotContain("Next Steps After Deployment: Next Steps After Deployment")
            .And.NotContain("(procedure)", "no odd levels");
    }

    [Test]
    public void The_document_footer_names_the_bundle_and_its_SHA_256()
    {
        var r = Partial();
        var html = ChecklistDocument.Render(r, BannerOf(r), NoPrevious, SignOff, new Dictionary<string, string>(), ChecklistDocument.FooterText(null, null));
        var bundle = _dir.File("acceptance-run-42.tar.gz", "not really a tarball");
        var sha = ChecklistDocument.Sha256(bundle);
        sha.Should().Be(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(bundle))));

        var sealedHtml = ChecklistDocument.WithFooter(html, ChecklistDocument.FooterText("acceptance-run-42.tar.gz", sha), "checklist.html");

        sealedHtml.Should().Contain($"Evidence bundle: acceptance-run-42.tar.gz, SHA-256 {sha}").And.NotContain("not sealed");
        sealedHtml.Replace(ChecklistDocument.FooterText("acceptance-run-42.tar.gz", sha), ChecklistDocument.FooterText(null, null)).Should().Be(html,
            "only the footer changes");
        FluentActions.Invoking(() => ChecklistDocument.WithFooter("<html></html>", "x", "other.html"))
            .Should().Throw<InvalidDataException>().WithMessage("other.html: *");
    }

    [Test]
    public void Run_metadata_comes_from_the_run_s_environment_properties_and_names_the_stand_ins()
    {
        var props = _dir.File("environment.properties",
            "consul.kind=stand-in\nprometheus.kind=real\nnomad.kind=stand-in\nrun.id=run-9\nrun.started_utc=2026-11-28 13\\:42\\:51Z\n" +
            "run.finished_utc=2026-11-28 13\\:44\\:08Z\nsuite.git_sha=399f5c7\ntarget.name=local-sandbox\ntarget.environment=sandbox\nchange.ticket=(none)\n" +
            "docker.address=unix\\:///x/docker.sock\n");
        var env = new Dictionary<string, string> { ["USER"] = "root" };

        var run = RunMetadata.From(RunMetadata.ReadProperties(props), n => env.GetValueOrDefault(n), null, null, null, DateTimeOffset.UnixEpoch);

        run.RunId.Should().Be("run-9");
        run.TargetAndEnvironment.Should().Be("local-sandbox (sandbox)");
        run.StandIns.Should().Equal("consul", "nomad");
        run.RealComponents.Should().Equal("prometheus");
        run.Change.Should().BeNull("\"(none)\" is no ticket");
        run.SuiteCommit.Should().Be("399f5c7");
        run.DurationSeconds.Should().Be(77);
        run.Operator.Should().Be(new Sourced("root", "the USER of the machine that ran the suite"), "a login is named as a login, never passed off as a deployer");
        RunMetadata.ReadProperties(props)["docker.address"].Should().Be("unix:///x/docker.sock");

        env["ACCEPTANCE_OPERATOR"] = "dana";
        env["ACCEPTANCE_OPERATOR_SOURCE"] = "--operator";
        env["ACCEPTANCE_SUITE_COMMIT"] = "0123456789abcdef";
        RunMetadata.From(RunMetadata.ReadProperties(props), n => env.GetValueOrDefault(n), "run-10", "CHG-1", ("prod", "production"), DateTimeOffset.UnixEpoch)
            .Should().BeEquivalentTo(new { RunId = "run-10", Target = "prod", Change = "CHG-1", SuiteCommit = "0123456789abcdef", Operator = new Sourced("dana", "--operator") });
    }

    private static int CountOf(string text, string what)
    {
        var n = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal)) n++;
        return n;
    }

    /// <summary>No character above U+2000 but the typographic ones chosen on purpose (PlainText.Typographic), no emoji.</summary>
    internal static void NoEmoji(string text)
    {
        var odd = text.Where(c => c > '\u2000' && !PlainText.Typographic.Contains(c)).Distinct().Select(c => $"U+{(int)c:X4}").ToList();
        odd.Should().BeEmpty("documents are read without an emoji font");
    }
}

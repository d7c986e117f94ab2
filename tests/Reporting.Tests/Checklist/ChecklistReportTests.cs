using Acceptance.Reporting.Allure;
using Acceptance.Reporting.Checklist;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Reporting.Tests.Checklist;

public sealed class ChecklistReportTests
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

    [SetUp] public void SetUp() => _dir = new TempDir("checklist");
    [TearDown] public void TearDown() => _dir.Dispose();

    private LineVerdict Line(ChecklistReport r, string id) => r.Lines.Single(l => l.Item.Id == id);
    private static SignOff SignOff => new(new DateTime(2026, 6, 1, 12, 30, 0), "alice", "ml-platform-prod (production)", "run-42");

    [Test]
    public void The_catalog_has_every_line_with_unique_ids()
    {
        _catalog.Items.Should().HaveCount(108);
        _catalog.Items.Select(i => i.Id).Should().OnlyHaveUniqueItems();
        _catalog.Find("mon-ms-1")!.Text.Should().Be("Prometheus scraping all targets successfully");
        _catalog.Find("NOPE-1").Should().BeNull();
        ChecklistCatalog.IdsFromTags(["@checklist:MON-MS-1", "checklist:SEC-AC-1", "@critical", "mutating"]).Should().Equal("MON-MS-1", "SEC-AC-1");
        ChecklistCatalog.Locate("checklist-items.tsv").Should().EndWith(Path.Combine("checklist", "checklist-items.tsv"));
    }

    [Test]
    public void A_malformed_catalog_names_the_file_and_line()
    {
        var tsv = _dir.File("bad.tsv", "id\tphase\tsection\tgroup\titem\nA-1\tp\ts\tg\tt\nB-1\tonly two\n");
        FluentActions.Invoking(() => ChecklistCatalog.Load(tsv)).Should().Throw<InvalidDataException>().WithMessage($"{tsv}:3:*");
    }

    private ChecklistReport BuildMixed()
    {
        ResultFiles.Write(Results, "Prometheus scrapes every target", "passed", checklistIds: "MON-MS-1");
        ResultFiles.Write(Results, "Dashboards render", "passed", checklistIds: "MON-MS-2");
        ResultFiles.Write(Results, "Dashboards have data", "broken", message: "Grafana GET http://g/api: connection refused\nmore", checklistIds: "MON-MS-2");
        ResultFiles.Write(Results, "Dashboards panels", "failed", message: "expected 3 panels but found 1", checklistIds: "MON-MS-2");
        ResultFiles.Write(Results, "Retention configured", "passed", checklistIds: "MON-MS-4");
        ResultFiles.Write(Results, "Retention long enough", "broken", message: "Prometheus GET: no answer within 10 s", checklistIds: "MON-MS-4");
        ResultFiles.Write(Results, "Logs aggregated", "skipped", message: "no log endpoint in the target", checklistIds: "MON-MS-3");
        ResultFiles.Write(Results, "Consul servers", "passed", "Infrastructure Requirements", null, "INFRA-HR-1", "SEC-AC-1");
        return ChecklistReport.Build(Results, _catalog, AttestationSet.Empty);
    }

    [Test]
    public void Line_statuses_follow_the_scenarios_behind_them()
    {
        var r = BuildMixed();

        Line(r, "MON-MS-1").Status.Should().Be(LineStatus.Verified);
        Line(r, "MON-MS-1").Reason.Should().Be("1 scenario(s) passed");
        Line(r, "INFRA-HR-1").Status.Should().Be(LineStatus.Verified, "one scenario may verify several lines");
        Line(r, "SEC-AC-1").Status.Should().Be(LineStatus.Verified);

        Line(r, "MON-MS-2").Status.Should().Be(LineStatus.Failed, "failed beats broken beats passed");
        Line(r, "MON-MS-2").Reason.Should().Be("Dashboards panels: expected 3 panels but found 1");
        Line(r, "MON-MS-2").Scenarios.Should().HaveCount(3);

        Line(r, "MON-MS-4").Status.Should().Be(LineStatus.Broken, "broken beats passed");
        Line(r, "MON-MS-4").Reason.Should().Contain("no answer within 10 s");

        Line(r, "MON-MS-3").Status.Should().Be(LineStatus.NotVerified);
        Line(r, "MON-MS-3").Reason.Should().Be("Logs aggregated: no log endpoint in the target");

        Line(r, "DOCS-TT-1").Status.Should().Be(LineStatus.NotVerified);
        Line(r, "DOCS-TT-1").Reason.Should().Contain("no automated check covers this line");
        Line(r, "DOCS-TT-1").Scenarios.Should().BeEmpty();
        Line(r, "GOV-CM-1").Status.Should().Be(LineStatus.NotVerified);
        Line(r, "GOV-CM-1").Reason.Should().Contain("the run carries no change ticket");

        r.Scenarios.Should().HaveCount(8);
        (r.Count("passed"), r.Count("failed"), r.Count("broken"), r.Count("skipped")).Should().Be((4, 1, 2, 1));
        r.SignOffStatus.Should().Be("Failed");
        r.ExitCode(strict: false).Should().Be(1);
    }

    [Test]
    public void A_passed_and_a_skipped_scenario_leave_the_line_not_verified()
    {
        ResultFiles.Write(Results, "part one", "passed", checklistIds: "MON-MS-1");
        ResultFiles.Write(Results, "part two", "skipped", message: "not in read-only mode", checklistIds: "MON-MS-1");

        var line = Line(ChecklistReport.Build(Results, _catalog, AttestationSet.Empty), "MON-MS-1");

        line.Status.Should().Be(LineStatus.NotVerified);
        line.Reason.Should().Contain("part two: not in read-only mode");
    }

    [Test]
    public void An_unreadable_result_file_is_a_broken_outcome()
    {
        ResultFiles.Write(Results, "fine", "passed", checklistIds: "MON-MS-1");
        File.WriteAllText(Path.Combine(Results, "deadbeef-result.json"), "{\"uuid\":\"dead");

        var r = ChecklistReport.Build(Results, _catalog, AttestationSet.Empty);

        r.Scenarios.Should().ContainSingle(s => s.Status == "broken").Which.Name.Should().Be("unreadable result deadbeef-result.json");
        r.Count("broken").Should().Be(1);
        r.SignOffStatus.Should().Be("Failed");
        r.ExitCode(strict: false).Should().Be(1, "a result the run could not finish writing is never a silent gap");
    }

    [TestCase("{}")]
    [TestCase("{\"name\":\"x\",\"status\":\"passed\",\"statusDetails\":null,\"labels\":[]}")]
    [TestCase("[]")]
    public void A_result_of_an_unexpected_shape_is_a_broken_outcome_not_a_crash(string json)
    {
        Directory.CreateDirectory(Results);
        File.WriteAllText(Path.Combine(Results, "odd-result.json"), json);

        var r = ChecklistReport.Build(Results, _catalog, AttestationSet.Empty);

        r.Scenarios.Should().ContainSingle();
        if (json.Contains("\"passed\"")) r.Scenarios[0].Status.Should().Be("passed", "a null statusDetails is valid");
        else r.Scenarios[0].Status.Should().Be("broken");
    }

    [Test]
    public void A_missing_results_folder_has_no_scenarios()
    {
        var r = ChecklistReport.Build(_dir.Combine("nowhere"), _catalog, AttestationSet.Empty);
        r.Scenarios.Should().BeEmpty();
        r.Lines.Should().OnlyContain(l => l.Status == LineStatus.NotVerified);
        r.SignOffStatus.Should().Be("Partial");
        r.ExitCode(false).Should().Be(0);
        r.ExitCode(true).Should().Be(1);
    }

    [Test]
    public void Placeholders_are_written_for_uncovered_lines_and_ignored_on_re_read()
    {
        var r = BuildMixed();
        var before = Directory.GetFiles(Results, "*-result.json").Length;
        var uncovered = r.Lines.Where(l => l.Status == LineStatus.NotVerified && l.Scenarios.Count == 0).ToList();
        uncovered.Should().HaveCount(108 - 6, "6 lines have scenarios behind them");

        r.WritePlaceholders(new AllureResultsWriter(Results));

        var files = AllureResultReader.ReadFolder(Results);
        files.Should().HaveCount(before + uncovered.Count).And.OnlyContain(f => f.IsReadable);
        var placeholders = files.Select(f => f.Result!)
            .Where(r => r.LabelValue(ChecklistReport.PlaceholderLabel) == ChecklistReport.PlaceholderValue).ToList();
        placeholders.Should().HaveCount(uncovered.Count);
        var gov = placeholders.Single(p => p.FullName == "checklist: DOCS-TT-1");
        gov.Status.Should().Be("skipped");
        gov.Name.Should().StartWith("DOCS-TT-1 · Not verified: ", "the line id leads the title in the report's tree");
        gov.Message.Should().BeNull("the reason is the description's first line, not an \"Error\"");
        gov.Description.Should().StartWith("**Outcome: NOT VERIFIED**").And.Contain("Why: no automated check");
        gov.ChecklistIds.Should().Equal("DOCS-TT-1");
        gov.Tags.Should().Equal("checklist:DOCS-TT-1", "not-verified");
        var item = _catalog.Find("DOCS-TT-1")!;
        (gov.Epic, gov.Feature, gov.Story, gov.Suite, gov.Severity).Should().Be(
            ("3 Post-Deployment Phase", "3.2 Documentation and Training", "3.2.2 Team Training", item.Section, "normal"), "numbered in checklist order");

        var again = ChecklistReport.Build(Results, _catalog, AttestationSet.Empty);
        again.Scenarios.Should().HaveCount(r.Scenarios.Count, "placeholders are not scenarios");
        again.Lines.Select(l => l.Status).Should().Equal(r.Lines.Select(l => l.Status));
    }

    [Test]
    public void RenderMarkdown_marks_lines_lists_scenarios_and_fills_the_sign_off_block()
    {
        var md = BuildMixed().RenderMarkdown(_seed, SignOff);
        var lines = md.Split('\n').Select(l => l.TrimEnd('\r')).ToList();

        int Index(string start) => lines.FindIndex(l => l.StartsWith(start));
        var ms1 = Index("  - [x] Prometheus scraping all targets successfully — **verified** `MON-MS-1`");
        ms1.Should().BePositive(md);
        lines[ms1 + 1].Should().Be("      - passed: Prometheus scrapes every target (Monitoring and Alerting)");
        var ms2 = Index("  - [ ] Grafana dashboards displaying correct data — **failed** `MON-MS-2`: Dashboards panels: expected 3 panels");
        ms2.Should().BePositive(md);
        lines.Skip(ms2 + 1).Take(3).Should().BeEquivalentTo(
            "      - broken: Dashboards have data (Monitoring and Alerting)",
            "      - failed: Dashboards panels (Monitoring and Alerting)",
            "      - passed: Dashboards render (Monitoring and Alerting)");
        Index("  - [ ] Log aggregation working properly — **not verified** `MON-MS-3`: Logs aggregated: no log endpoint").Should().BePositive();
        Index("  - [ ] Metrics retention configured appropriately — **broken** `MON-MS-4`").Should().BePositive();
        Index("- [ ] **Monitoring Setup**").Should().BePositive("a group is ticked only when every line in it is");
        md.Should().Contain("`ROLLBACK-1`").And.Contain("`NEXT-DOCS-1`");
        md.Should().NotContain("## Checklist lines not found in the seed text", "every catalog line matches a line of the seed");

        md.Should().Contain("**Deployment Date**: 2026-06-01 12:30 UTC  \n").And.Contain("**Deployed By**: alice  \n")
            .And.Contain("**Environment**: ml-platform-prod (production)  \n")
            .And.Contain("**Status**: Failed (one of Success, Partial, Failed)");
        md.Should().Contain("- Run: run-42; target: ml-platform-prod (production)")
            .And.Contain("- verified: 3 line(s)").And.Contain("- failed: 1 line(s)").And.Contain("- broken: 1 line(s)")
            .And.Contain("- Scenarios: 4 passed, 1 failed, 2 broken, 1 skipped");
    }

    [Test]
    public void Every_line_verified_is_Success_and_exit_0_even_when_strict()
    {
        ResultFiles.Write(Results, "everything", "passed", checklistIds: _catalog.Items.Select(i => i.Id).ToArray());

        var r = ChecklistReport.Build(Results, _catalog, AttestationSet.Empty);

        r.Lines.Where(l => !ManualHalves.NeedsAttestation(l.Item.Id)).Should().OnlyContain(l => l.Status == LineStatus.Verified);
        r.Lines.Where(l => ManualHalves.NeedsAttestation(l.Item.Id)).Should().OnlyContain(l => l.Status == LineStatus.NotVerified,
            "a line with a signed half needs its attestation (and GOV-CM-1 a change ticket) besides its scenarios");
        r.SignOffStatus.Should().Be("Partial");
        r.ExitCode(strict: true).Should().Be(1);

        r = ChecklistReport.Build(Results, _catalog, SignOffEvidence.Complete(_dir, _catalog, Today));
        r.Lines.Should().OnlyContain(l => l.Status == LineStatus.Verified || l.Status == LineStatus.Attested);
        r.SignOffStatus.Should().Be("Success");
        r.ExitCode(strict: false).Should().Be(0);
        r.ExitCode(strict: true).Should().Be(0);
        var md = r.RenderMarkdown(_seed, SignOff);
        md.Should().Contain("**Status**: Success (one of Success, Partial, Failed)");
        md.Should().Contain("- [x] **Monitoring Setup**");
        md.Should().NotContain("- [ ] ", "every line and group is ticked");
    }

    [Test]
    public void Lines_left_not_verified_are_Partial_and_fail_only_when_strict()
    {
        ResultFiles.Write(Results, "scrape", "passed", checklistIds: "MON-MS-1");
        ResultFiles.Write(Results, "logs", "skipped", message: "no log endpoint", checklistIds: "MON-MS-3");

        var r = ChecklistReport.Build(Results, _catalog, AttestationSet.Empty);

        r.SignOffStatus.Should().Be("Partial");
        r.ExitCode(strict: false).Should().Be(0);
        r.ExitCode(strict: true).Should().Be(1);
        r.RenderMarkdown(_seed, SignOff).Should().Contain("**Status**: Partial (one of Success, Partial, Failed)");
    }

    [Test]
    public void A_broken_scenario_alone_fails_the_run()
    {
        ResultFiles.Write(Results, "scrape", "broken", message: "refused", checklistIds: "MON-MS-1");
        var r = ChecklistReport.Build(Results, _catalog, AttestationSet.Empty);
        r.SignOffStatus.Should().Be("Failed");
        r.ExitCode(false).Should().Be(1);
    }

    [Test]
    public void A_valid_attestation_makes_an_uncovered_line_attested_and_its_placeholder_passed()
    {
        var file = _dir.File("att.yaml", """
            deployed_by: alice
            attestations:
              - id: PREVAL-MV-1
                attested_by: bob
                approver: carol
                date: 2026-05-20
                expires: 2026-08-15
                risk: low
                ticket: CHG-1234
                evidence: https://tickets.example/CHG-1234
                note: walked through with the on-call team
            """);
        var set = AttestationSet.Load(file, _catalog, Today);
        set.DeployedBy.Should().Be("alice");
        set.Rejected.Should().BeEmpty();
        set.Valid.Should().ContainSingle().Which.Should().BeEquivalentTo(new Attestation("PREVAL-MV-1", "bob", "carol", new DateOnly(2026, 5, 20),
            new DateOnly(2026, 8, 15), "https://tickets.example/CHG-1234", "walked through with the on-call team") { Risk = "low", Ticket = "CHG-1234", Source = $"{file}:3" });

        var r = ChecklistReport.Build(Results, _catalog, set);

        var line = Line(r, "PREVAL-MV-1");
        line.Status.Should().Be(LineStatus.Attested);
        line.Reason.Should().Contain("attested by bob, approved by carol").And.Contain("https://tickets.example/CHG-1234");
        r.WritePlaceholders(new AllureResultsWriter(Results));
        var placeholder = AllureResultReader.ReadFolder(Results).Select(f => f.Result!)
            .Single(r => r.FullName == "checklist: PREVAL-MV-1");
        placeholder.Status.Should().Be("passed");
        placeholder.Name.Should().StartWith("PREVAL-MV-1 · Attested: ");
        placeholder.StatusDetails.Should().BeNull();
        r.RenderMarkdown(_seed, SignOff).Should().Contain("- [x] ").And.Contain("**attested** `PREVAL-MV-1`");
    }

    [Test]
    public void A_failed_check_is_not_hidden_by_an_attestation()
    {
        var file = _dir.File("att.yaml", "deployed_by: alice\nattestations:\n  - { id: MON-MS-1, attested_by: bob, approver: carol, date: 2026-05-20, expires: 2026-08-15, risk: low, ticket: T-1, evidence: 'https://t/1' }\n");
        ResultFiles.Write(Results, "scrape", "failed", message: "2 targets down", checklistIds: "MON-MS-1");

        Line(ChecklistReport.Build(Results, _catalog, AttestationSet.Load(file, _catalog, Today)), "MON-MS-1").Status.Should().Be(LineStatus.Failed);
    }

    private static readonly string Valid = "    attested_by: bob\n    approver: carol\n    date: 2026-05-20\n    expires: 2026-08-15\n    risk: medium\n    ticket: CHG-1\n    evidence: https://tickets.example/CHG-1\n";

    [TestCase("id: PREVAL-MV-2\n    expires: 2026-05-31\n", "PREVAL-MV-2", "field expires: expired on 2026-05-31")]
    [TestCase("id: PREVAL-MV-2\n    approver: alice\n", "PREVAL-MV-2", "field approver: the approver must not be the deployer (alice)")]
    [TestCase("id: PREVAL-MV-2\n    approver: Bob\n", "PREVAL-MV-2", "field approver: the approver must not be the attester")]
    [TestCase("id: NOPE-9\n", "NOPE-9", "field id: NOPE-9 is not a checklist line")]
    [TestCase("id: PREVAL-MV-2\n    date: 2026-06-02\n", "PREVAL-MV-2", "field date: 2026-06-02 is in the future")]
    [TestCase("id: PREVAL-MV-2\n    date: 20 May 2026\n", "PREVAL-MV-2", "field date: not a date")]
    [TestCase("id: PREVAL-MV-2\n    expires: soon\n", "PREVAL-MV-2", "field expires: not a date")]
    [TestCase("id: PREVAL-MV-2\n    evidence: CHG-1234 in the ticket system\n", "PREVAL-MV-2", "field evidence: not an http(s) link")]
    [TestCase("id: PREVAL-MV-2\n    evidence: /tmp/evidence.txt\n", "PREVAL-MV-2", "field evidence: not an http(s) link")]
    [TestCase("id: PREVAL-MV-2\n    evidence: see:ticket\n", "PREVAL-MV-2", "field evidence: not an http(s) link")]
    public void An_attestation_that_does_not_count_is_rejected_with_a_reason_naming_the_field(string overrides, string id, string reason)
    {
        // later keys override earlier ones in the flow below: write the override first, then the valid defaults it does not name
        var given = overrides.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).ToList();
        var keys = given.Select(l => l.Split(':')[0]).ToHashSet();
        var rest = Valid.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).Where(l => !keys.Contains(l.Split(':')[0]));
        var entry = "  - " + string.Join("\n    ", given.Concat(rest));
        var file = _dir.File("att.yaml", $"deployed_by: alice\nattestations:\n{entry}\n");

        var set = AttestationSet.Load(file, _catalog, Today);

        set.Valid.Should().BeEmpty();
        var rejected = set.Rejected.Should().ContainSingle().Which;
        rejected.Id.Should().Be(id);
        rejected.Reason.Should().StartWith($"{file}:3: ").And.Contain(reason.EndsWith("not a date") ? reason + " (yyyy-MM-dd)" : reason);

        if (_catalog.Find(id) is not null)
        {
            var line = Line(ChecklistReport.Build(Results, _catalog, set), id);
            line.Status.Should().Be(LineStatus.NotVerified, "a rejected attestation is never a pass");
            line.Reason.Should().Contain("attestation rejected: ").And.Contain(reason);
        }
    }

    [Test]
    public void Missing_fields_are_all_named()
    {
        var file = _dir.File("att.yaml", "deployed_by: alice\nattestations:\n  - id: PREVAL-MV-3\n    attested_by: bob\n    date: 2026-05-20\n");

        var set = AttestationSet.Load(file, _catalog, Today);

        set.Rejected.Should().ContainSingle().Which.Reason.Should().Be($"{file}:3: missing approver, expires, risk, ticket, evidence");
    }

    [Test]
    public void An_attestation_expiring_today_still_counts()
    {
        var file = _dir.File("att.yaml", "attestations:\n  - { id: PREVAL-MV-1, attested_by: bob, approver: carol, date: 2026-06-01, expires: 2026-06-01, risk: low, ticket: T-1, evidence: 'https://t/1' }\n");
        AttestationSet.Load(file, _catalog, Today).Valid.Should().ContainSingle();
    }

    [TestCase("attestations: [unclosed\n", ":1:")]
    [TestCase("attestations: [x\ndeployed_by: y\n", "not valid YAML")]
    [TestCase("deployed_by: alice\n", "field attestations: missing or not a list")]
    [TestCase("attestations: PREVAL-MV-1\n", "field attestations: missing or not a list")]
    [TestCase("attestations:\n  - PREVAL-MV-1\n", ":2: field attestations[]: each entry must be a mapping")]
    [TestCase("- a\n- b\n", "must be a mapping with deployed_by and attestations")]
    public void A_malformed_attestations_file_throws_InvalidDataException_naming_the_file(string yaml, string expected)
    {
        var file = _dir.File("att.yaml", yaml);

        FluentActions.Invoking(() => AttestationSet.Load(file, _catalog, Today)).Should().Throw<InvalidDataException>()
            .Which.Message.Should().StartWith(file).And.Contain(expected);
    }

    [Test]
    public void A_missing_attestations_file_throws_InvalidDataException_naming_it()
    {
        var file = _dir.Combine("none.yaml");
        FluentActions.Invoking(() => AttestationSet.Load(file, _catalog, Today)).Should().Throw<InvalidDataException>().WithMessage($"{file}*does not exist");
    }
}

using System.Text;
using Acceptance.Reporting.Allure;
using Acceptance.Reporting.Checklist;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Reporting.Tests.Allure;

public sealed class ChecklistPlacementTests
{
    private ChecklistCatalog _catalog = null!;

    [OneTimeSetUp]
    public void LoadChecklist() => _catalog = ChecklistCatalog.Load(Path.Combine(Repository.ChecklistDir, "checklist-items.tsv"));

    private IReadOnlyList<ChecklistItem> Lines(params string[] ids) => ChecklistPlacement.InChecklistOrder(_catalog, ids.Select(id => _catalog.Find(id)!));

    private (string?, string?, string?) Placement(params string[] ids)
    {
        var labels = ChecklistPlacement.Labels(_catalog.Items, Lines(ids), "feature title");
        return (labels.FirstOrDefault(l => l.Name == "epic")?.Value, labels.FirstOrDefault(l => l.Name == "feature")?.Value,
            labels.FirstOrDefault(l => l.Name == "story")?.Value);
    }

    [Test]
    public void Phases_sections_and_groups_are_numbered_in_checklist_order()
    {
        Placement("INFRA-HR-1").Should().Be(("1 Pre-Deployment Phase", "1.1 Infrastructure Requirements", "1.1.1 Hardware Resources"));
        Placement("SEC-SM-4").Should().Be(("1 Pre-Deployment Phase", "1.2 Security Configuration", "1.2.3 Secrets Management"));
        Placement("POSTVAL-PV-1").Should().Be(("2 Deployment Phase", "2.3 Post-Deployment Validation", "2.3.3 Performance Validation"));
    }

    [Test]
    public void A_level_that_repeats_its_parent_or_is_not_a_group_is_left_out()
    {
        Placement("NEXT-SCALE-1").Should().Be(("5 Next Steps After Deployment", null, "5.1 Scale Testing"),
            "no 'Next Steps After Deployment > Next Steps After Deployment'");
        Placement("ROLLBACK-1").Should().Be(("4 Emergency Rollback Procedure", null, null), "no '(procedure)' level");
    }

    [Test]
    public void A_scenario_of_several_lines_sits_under_its_first_line_once_and_its_title_names_every_line()
    {
        var lines = Lines("SEC-SM-3", "SEC-SM-1");
        ChecklistPlacement.Title(lines, "No literal credential").Should().Be("SEC-SM-1, SEC-SM-3 · No literal credential");
        Placement("PREVAL-AT-1", "APP-CM-1").Should().Be(("1 Pre-Deployment Phase", "1.3 Application Configuration", "1.3.3 Configuration Management"),
            "one place: Allure would cross every section with every group");
        ChecklistPlacement.Labels(_catalog.Items, Lines("PREVAL-AT-1", "APP-CM-1"), "x").Count(l => l.Name == "epic").Should().Be(1);
    }

    [Test]
    public void A_scenario_on_no_line_is_shown_as_not_on_the_checklist_under_its_feature()
    {
        ChecklistPlacement.Labels(_catalog.Items, [], "Bench feature 01").Select(l => (l.Name, l.Value))
            .Should().Equal(("epic", "Not on the checklist"), ("feature", "Bench feature 01"));
        ChecklistPlacement.Title([], "No-op").Should().Be("No-op");
    }

    [Test]
    public void Sorting_the_tree_by_name_gives_the_checklist_order()
    {
        var placed = _catalog.Items.Select(i =>
        {
            var l = ChecklistPlacement.Labels(_catalog.Items, [i], "");
            return (Key: string.Join(" / ", l.Select(x => x.Value)) + " / " + ChecklistPlacement.Title([i], i.Text), i.Id);
        }).ToList();
        placed.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Id).Should().Equal(_catalog.Items.Select(i => i.Id));
        placed.OrderBy(p => p.Key, StringComparer.InvariantCulture).Select(p => p.Id).Should().Equal(_catalog.Items.Select(i => i.Id),
            "the report sorts with the browser's locale compare");
    }

    [Test]
    public void The_description_starts_with_the_outcome_and_each_verdict_then_the_lines()
    {
        var verdict = ChecklistPlacement.ReadVerdict(Encoding.UTF8.GetBytes("""
            {"rule":"Consul: raft peers \u003E= expect.consul_servers","expected":"at least 3 raft peers","observed":"2 raft peers [a, b]",
             "holds":false,"shortfalls":["1 server missing"],"recommendation":false,"checklist_difference":"expect.consul_servers is 3 on this target; the checklist says 5","polled":null}
            """))!;
        verdict.Should().NotBeNull();
        var d = ChecklistPlacement.Description([verdict], AllureStatus.Failed, "Rule: Consul...\nExpected: ...", Lines("INFRA-HR-1"), null);
        var lines = d.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Take(6).Should().Equal(
            "**Outcome: FAILED**",
            "- **Rule**: Consul: raft peers \\>= expect.consul\\_servers",
            "- **Expected**: at least 3 raft peers",
            "- **Observed**: 2 raft peers \\[a, b\\]",
            "- **Threshold**: expect.consul\\_servers is 3 on this target; the checklist says 5",
            "- **Verdict**: NOT met: 1 server missing");
        d.Should().Contain("- **INFRA-HR-1** (Infrastructure Requirements / Hardware Resources): Minimum 3 nodes for HA setup (5 nodes recommended)");
    }

    [Test]
    public void A_not_verified_scenario_says_why_first_and_a_passed_one_says_verified()
    {
        ChecklistPlacement.Description([], AllureStatus.Skipped, "The target file names no Loki endpoint (services.loki): this line cannot be verified",
                Lines("MON-MS-3"), "Scenario text")
            .Should().StartWith("**Outcome: NOT VERIFIED**\n\nWhy: The target file names no Loki endpoint (services.loki): this line cannot be verified\n")
            .And.EndWith("Scenario text\n");
        ChecklistPlacement.Description([], AllureStatus.Passed, null, Lines("MON-MS-1"), null).Should().StartWith("**Outcome: verified**\n");
        ChecklistPlacement.ReadVerdict("not json"u8.ToArray()).Should().BeNull();
        ChecklistPlacement.ReadVerdict("""{"x":1}"""u8.ToArray()).Should().BeNull();
    }

    [Test]
    public void The_scenario_title_is_read_back_without_the_line_ids()
    {
        ChecklistPlacement.WithoutLineIds("SEC-SM-1, SEC-SM-3 · No literal credential · anywhere").Should().Be("No literal credential · anywhere");
        ChecklistPlacement.WithoutLineIds("NEXT-SCALE-1 · Concurrent jobs").Should().Be("Concurrent jobs");
        ChecklistPlacement.WithoutLineIds("Prometheus · scrapes").Should().Be("Prometheus · scrapes", "not line ids");
        ChecklistPlacement.WithoutLineIds("No-op scenario 01-001").Should().Be("No-op scenario 01-001");
        new AllureResult { Name = "MON-MS-1 · Prometheus is ready" }.Title.Should().Be("Prometheus is ready");
    }
}

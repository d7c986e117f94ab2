using System.Text.RegularExpressions;
using Acceptance.ReqnrollNUnit.Tests.Bindings;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.ReqnrollNUnit.Tests.Verification;

/// <summary>Runs Features/ in a child process and checks what the bindings recorded.</summary>
[TestFixture]
public sealed class PositiveFeatureTests
{
    private static NestedRunResult Run => NestedRun.Of("features");

    private static readonly string[] ExpectedTests =
    [
        "Basics.Cucumber expressions and regex", "Basics.Data table and doc string", "Basics.Context injection",
        "Basics.Outline amount 1(1, alice)", "Basics.Outline amount 2(2, bob)", "Basics.Outline amount 3(3, carol)",
        "Parallel A.Parallel A first", "Parallel A.Parallel A second", "Parallel B.Parallel B first", "Parallel B.Parallel B second",
        "Rules.In a rule with its own background", "Rules.In a rule without background",
    ];

    private static Dictionary<string, string> Fields(Entry e) =>
        e.Detail.Split('|', 8).Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");

    [Test]
    public void Every_pickle_is_one_passing_test_named_after_feature_and_scenario()
    {
        Run.Cases.Select(c => $"{c.Fixture}.{c.Name}").Should().BeEquivalentTo(ExpectedTests);
        Run.Cases.Should().OnlyContain(c => c.Result == "Passed", because: string.Join("\n", Run.Cases.Select(c => c.Message)));
        Run.Cases.Should().OnlyContain(c => c.FullName == $"Acceptance.ReqnrollNUnit.Tests.Run.{c.Fixture}.{c.Name}");
        Run.Cases.Should().NotContain(c => Regex.IsMatch(c.FullName, "[0-9a-f]{8}-[0-9a-f]{4}-"), "names must be stable");
    }

    [Test]
    public void Outline_yields_one_test_per_examples_row_with_values_and_arguments()
    {
        Run.Of("Outline").Select(e => e.Detail).Should().Equal("1|alice", "2|bob", "3|carol");
        var starts = Run.Of("BeforeScenario").Where(e => e.Scenario == "Outline amount <amount>").Select(Fields).ToList();
        starts.Select(f => f["args"]).Should().Equal("amount=1,who=alice", "amount=2,who=bob", "amount=3,who=carol");
        starts.Select(f => f["line"]).Should().Equal("38", "39", "44");
        starts[2]["tags"].Should().Be("outline,examples-tag,smoke");
    }

    [Test]
    public void Backgrounds_run_before_each_scenario_and_rule_background_after_feature_background()
    {
        foreach (var start in Run.Of("BeforeScenario"))
        {
            var firstStep = Run.Log.First(e => e.Seq > start.Seq && e.Thread == start.Thread && e.Kind is "Background" or "Own" or "Int" or "Table");
            var expectsBackground = start.Feature is "Basics" or "Rules";
            firstStep.Kind.Should().Be(expectsBackground ? "Background" : "Own", $"first step of {start.Scenario}");
        }
        Run.Of("Background").Count(e => e.Detail == "feature").Should().Be(8);
        Run.Of("Background").Where(e => e.Feature == "Rules").Select(e => $"{e.Scenario}:{e.Detail}").Should().Equal(
            "In a rule with its own background:feature", "In a rule with its own background:rule", "In a rule without background:feature");
    }

    [Test]
    public void Data_table_and_doc_string_arrive_intact()
    {
        Run.Of("Table").Single().Detail.Should().Be("id,owner;SEC-AC-1,ops;MON-MS-1,");
        Run.Of("DocString").Single().Detail.Should().Be("line one\n  indented | pipe");
    }

    [Test]
    public void Cucumber_expressions_custom_parameter_and_regex_steps_bind()
    {
        Run.Of("Int").Single().Detail.Should().Be("42:Int32");
        Run.Of("WordString").Single().Detail.Should().Be("acknowledges|disk, full");
        Run.Of("Color").Single().Detail.Should().Be("Green");
        Run.Of("Regex").Single().Detail.Should().Be("7|quoted text");
        Run.Of("Any").Single().Detail.Should().Be("ran");
    }

    [Test]
    public void Hooks_run_at_every_level_in_order_and_count()
    {
        var log = Run.Log;
        log.Where(e => e.Kind == "BeforeTestRun").Should().ContainSingle();
        log.Where(e => e.Kind == "AfterTestRun").Should().ContainSingle();
        log.Where(e => e.Kind != "Event").First().Kind.Should().Be("BeforeTestRun");
        log.Last().Kind.Should().Be("AfterTestRun");
        foreach (var feature in new[] { "Basics", "Rules", "Parallel A", "Parallel B" })
        {
            var entries = log.Where(e => e.Feature == feature).ToList();
            entries.Count(e => e.Kind == "BeforeFeature").Should().Be(1, feature);
            entries.Count(e => e.Kind == "AfterFeature").Should().Be(1, feature);
            entries.First().Kind.Should().Be("BeforeFeature");
            entries.Last().Kind.Should().Be("AfterFeature");
        }
        Run.Of("BeforeScenario").Should().HaveCount(12);
        Run.Of("AfterScenario").Should().HaveCount(12).And.OnlyContain(e => e.Detail == "OK");
        foreach (var start in Run.Of("BeforeScenario"))
        {
            var scenario = log.SkipWhile(e => e.Seq != start.Seq)
                .Where(e => e.Thread == start.Thread && e.Kind is "BeforeScenario" or "AfterScenario" or "BeforeStep" or "AfterStep")
                .TakeWhile(e => e.Kind != "AfterScenario").Skip(1).Select(e => e.Kind).ToList();
            var stepCount = Fields(start)["steps"].Split(';').Length;
            scenario.Should().Equal(Enumerable.Repeat(new[] { "BeforeStep", "AfterStep" }, stepCount).SelectMany(x => x), start.Scenario);
        }
    }

    [Test]
    public void Context_injection_gives_one_instance_per_scenario_shared_by_binding_classes()
    {
        var mine = Run.Of("State").Single();
        Run.Of("OtherState").Single(e => e.Scenario == mine.Scenario).Detail.Should().Be(mine.Detail);
        var others = Run.Of("OtherState").Where(e => e.Scenario != mine.Scenario).ToList();
        others.Should().HaveCount(2);
        Run.Of("OtherState").Select(e => e.Detail.Split('|')[0]).Should().OnlyHaveUniqueItems("each scenario gets its own POCO");
        Run.Of("OtherState").Select(e => e.Detail.Split('|')[1]).Should().OnlyHaveUniqueItems("each scenario gets its own ScenarioContext");
    }

    [Test]
    public void Parallel_features_run_concurrently_without_leaking_state()
    {
        Run.Of("Rendezvous").Select(e => $"{e.Feature}:{e.Detail}").Should().BeEquivalentTo("Parallel A:met", "Parallel B:met");
        Run.Of("Owner").Select(e => $"{e.Feature}:{e.Detail}").Should().BeEquivalentTo(
            "Parallel A:A-1|A-1", "Parallel A:A-2|A-2", "Parallel B:B-1|B-1", "Parallel B:B-2|B-2");
    }

    [Test]
    public void Scenario_context_carries_source_locations_and_feature_info_the_folder()
    {
        var start = Fields(Run.Of("BeforeScenario").Single(e => e.Scenario == "Cucumber expressions and regex"));
        start["file"].Should().Be("basics.feature");
        start["line"].Should().Be("9");
        start["pickle"].Should().MatchRegex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
        start["steps"].Should().Be("Given the feature background has run|6;Given the checklist has 42 items|10;" +
            "But a regex step with 7 and 'quoted text'|11;When the operator acknowledges the item \"disk, full\"|12;" +
            "Then the light is green|13;* a step with any keyword runs|14");
        Fields(Run.Of("BeforeScenario").Single(e => e.Scenario == "Parallel A first"))["file"].Should().Be("nested/parallel-a.feature");
        Run.Of("BeforeFeature").Single(e => e.Feature == "Parallel A").Detail.Should().StartWith("folder=nested|");
        Run.Of("BeforeFeature").Single(e => e.Feature == "Basics").Detail.Should().Be("folder=|tags=basics,checklist:MON-MS-1");
        var rule = Fields(Run.Of("BeforeScenario").Single(e => e.Scenario == "In a rule without background"));
        rule["rule"].Should().Be("Second rule");
        rule["combined"].Should().Be("second-rule");
    }

    [Test]
    public void Pickle_ids_are_unique_and_identical_across_processes()
    {
        var ids = Run.Of("BeforeScenario").Select(e => Fields(e)["pickle"]).ToList();
        ids.Should().HaveCount(12).And.OnlyHaveUniqueItems();
        var local = FeatureSource.Load(Path.Combine(AppContext.BaseDirectory, "features"))
            .SelectMany(f => f.Scenarios).Select(s => s.PickleId);
        ids.Should().BeEquivalentTo(local);
    }

    [Test]
    public void Tags_become_categories_without_at_sign_including_colons()
    {
        Run.Case("Cucumber expressions and regex").Categories.Should().BeEquivalentTo("basics", "checklist:MON-MS-1", "smoke");
        Run.Case("Outline amount 3(3, carol)").Categories.Should().BeEquivalentTo("basics", "checklist:MON-MS-1", "outline", "examples-tag", "smoke");
        Run.Case("Outline amount 1(1, alice)").Categories.Should().NotContain("smoke");
        Run.Case("In a rule without background").Categories.Should().BeEquivalentTo("second-rule");
        Run.Cases.SelectMany(c => c.Categories).Should().NotContain(c => c.StartsWith('@'));
    }

    [Test]
    public void A_category_filter_selects_only_the_tagged_scenarios()
    {
        var smoke = NestedRun.Of("features", "<filter><cat>smoke</cat></filter>");
        smoke.Cases.Select(c => c.Name).Should().BeEquivalentTo("Cucumber expressions and regex", "Outline amount 3(3, carol)");
        smoke.Cases.Should().OnlyContain(c => c.Result == "Passed");
        var checklist = NestedRun.Of("features", "<filter><cat>checklist:MON-MS-1</cat></filter>");
        checklist.Cases.Should().HaveCount(6).And.OnlyContain(c => c.Fixture == "Basics");
    }

    [Test]
    public void Reqnroll_execution_events_fire_with_the_scenario_context_entries_set()
    {
        var events = Run.Of("Event").ToList();
        events.Count(e => e.Detail.StartsWith("ScenarioStarted|")).Should().Be(12);
        events.Count(e => e.Detail == "ScenarioFinished|OK").Should().Be(12);
        events.Single(e => e.Scenario == "Parallel B first" && e.Detail.StartsWith("ScenarioStarted|")).Detail
            .Should().Be("ScenarioStarted|nested/parallel-b.feature");
        events.Count(e => e.Detail.StartsWith("StepStarted|")).Should().Be(events.Count(e => e.Detail.StartsWith("StepFinished|"))).And.Be(Run.Of("BeforeStep").Count());
    }
}

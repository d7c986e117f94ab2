using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.ReqnrollNUnit.Tests.Verification;

/// <summary>Runs NegativeFeatures/ (never discovered by the normal run) in a child process and checks each outcome.</summary>
[TestFixture]
public sealed class NegativeFeatureTests
{
    private static NestedRunResult Run => NestedRun.Of("negative-features");

    [Test]
    public void Undefined_step_fails_naming_step_location_and_suggested_binding()
    {
        var c = Run.Case("Undefined step");
        c.Result.Should().Be("Failed");
        c.Message.Should().StartWith("Undefined step: And the thing 42 is configured (failures.feature:5)")
            .And.Contain("[Given(\"the thing {int} is configured\")]")
            .And.Contain("public void GivenTheThingIsConfigured(int p0)");
        Run.Of("AfterScenario").Single(e => e.Scenario == "Undefined step").Detail.Should().Be("UndefinedStep");
        Run.Of("Event").Should().Contain(e => e.Scenario == "Undefined step" && e.Detail == "ScenarioFinished|UndefinedStep");
    }

    [Test]
    public void Pending_step_fails_naming_step_and_location()
    {
        var c = Run.Case("Pending step");
        c.Result.Should().Be("Failed");
        c.Message.Should().StartWith("Pending step: Given a pending step (failures.feature:9)");
        Run.Of("AfterScenario").Single(e => e.Scenario == "Pending step").Detail.Should().Be("StepDefinitionPending");
    }

    [Test]
    public void Failing_step_names_the_first_failing_step_then_the_assertion_message()
    {
        var c = Run.Case("Failing FluentAssertions step");
        c.Result.Should().Be("Failed");
        c.Message.Should().StartWith("Step failed: When a step fails with FluentAssertions (failures.feature:14)\n")
            .And.Contain("Expected value to be 43 because the failing sample expects it, but found 42")
            .And.NotContain("NUnit assertion");
    }

    [Test]
    public void Failing_nunit_assertion_is_not_reported_as_multiple_failures()
    {
        var c = Run.Case("Failing NUnit assertion step");
        c.Result.Should().Be("Failed");
        c.Message.Should().StartWith("Step failed: When a step fails with an NUnit assertion (failures.feature:19)\n")
            .And.Contain("nunit sample assertion").And.Contain("Expected: 2")
            .And.NotContain("Multiple failures or warnings");
    }

    [Test]
    public void Assert_multiple_in_a_step_reports_the_step_first_and_all_failures()
    {
        var c = Run.Case("Several failing NUnit assertions in one step");
        c.Result.Should().Be("Failed");
        c.Message.Should().StartWith("Step failed: When a step fails with several NUnit assertions (failures.feature:31)\nMultiple failures or warnings in test:")
            .And.Contain("first of several").And.Contain("second of several");
    }

    [Test]
    public void Throwing_step_keeps_the_original_exception()
    {
        var c = Run.Case("Throwing step");
        c.Result.Should().Be("Failed");
        c.Message.Should().StartWith("Step failed: When a step throws an exception (failures.feature:23)\n")
            .And.Contain("System.InvalidOperationException: sample infrastructure error");
        c.StackTrace.Should().StartWith("   at Acceptance.ReqnrollNUnit.Tests.Bindings.Steps.Throw()",
            "the original exception is kept as InnerException and its stack comes first");
    }

    [Test]
    public void Steps_after_a_failure_never_run()
    {
        Run.Of("MustNotRun").Should().BeEmpty();
        Run.Of("Defined").Select(e => e.Scenario).Should().BeEquivalentTo("Undefined step", "Failing FluentAssertions step", "Passing scenario among failures");
        Run.Case("Passing scenario among failures").Result.Should().Be("Passed");
    }

    [Test]
    public void Ignored_scenarios_and_examples_are_skipped_with_a_reason()
    {
        var c = Run.Case("Ignored scenario");
        c.Result.Should().Be("Skipped");
        c.Label.Should().Be("Ignored");
        c.Message.Should().Contain("@ignore").And.Contain("failures.feature:27");
        Run.Case("Outline with an ignored table 2(2)").Result.Should().Be("Skipped");
        Run.Case("Outline with an ignored table 1(1)").Result.Should().Be("Passed");
        Run.Of("Event").Where(e => e.Detail == "ScenarioFinished|Skipped").Should().HaveCount(2, "Reqnroll reports them skipped");
        Run.Of("BeforeScenario").Should().NotContain(e => e.Scenario == "Ignored scenario");
    }

    [Test]
    public void Malformed_feature_is_one_failing_test_naming_file_and_parser_position()
    {
        var c = Run.Cases.Single(x => x.Fixture == "more/malformed.feature");
        c.Name.Should().Be("Feature file could not be parsed");
        c.Result.Should().Be("Failed");
        c.Message.Should().Contain("more/malformed.feature").And.Contain("(6:3)").And.Contain("This line is not Gherkin");
    }

    [Test]
    public void The_negative_run_has_exactly_the_expected_outcomes()
    {
        Run.Cases.GroupBy(c => c.Result).ToDictionary(g => g.Key, g => g.Count())
            .Should().BeEquivalentTo(new Dictionary<string, int> { ["Failed"] = 7, ["Skipped"] = 2, ["Passed"] = 2 });
    }
}

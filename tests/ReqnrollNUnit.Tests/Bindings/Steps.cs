using System.Collections.Concurrent;
using FluentAssertions;
using NUnit.Framework;
using Reqnroll;

namespace Acceptance.ReqnrollNUnit.Tests.Bindings;

/// <summary>Context-injected POCO: one instance per scenario, shared by all binding classes of that scenario.</summary>
public sealed class ScenarioState
{
    private static int _next;
    public int Id { get; } = Interlocked.Increment(ref _next);
    public bool BackgroundRan { get; set; }
    public List<string> Backgrounds { get; } = [];
    public string? Owner { get; set; }
}

public enum Color { Red, Green, Blue }

[Binding]
public sealed class Steps(ScenarioState state, ScenarioContext scenario, FeatureContext feature)
{
    private void Record(string kind, string detail) => Recorder.Add(kind, feature.FeatureInfo.Title, scenario.ScenarioInfo.Title, detail);

    [StepArgumentTransformation("(red|green|blue)", Name = "color")]
    public Color ToColor(string value) => Enum.Parse<Color>(value, ignoreCase: true);

    [Given("the feature background has run")]
    public void FeatureBackground() { state.BackgroundRan = true; state.Backgrounds.Add("feature"); Record("Background", "feature"); }

    [Given("the rule background has run")]
    public void RuleBackground() { state.Backgrounds.Add("rule"); Record("Background", "rule"); }

    [Then("the backgrounds ran in the order {string}")]
    public void BackgroundsRan(string order) => string.Join(",", state.Backgrounds).Should().Be(order);

    [Given("the checklist has {int} items")]
    public void IntParam(int count) => Record("Int", $"{count}:{count.GetType().Name}");

    [When("the operator {word} the item {string}")]
    public void WordAndString(string verb, string item) => Record("WordString", $"{verb}|{item}");

    [Then("the light is {color}")]
    public void CustomParam(Color color) => Record("Color", color.ToString());

    [Given(@"^a regex step with (\d+) and '([^']*)'$")]
    public void Regex(int number, string text) => Record("Regex", $"{number}|{text}");

    [Given("the following items:")]
    public void TableStep(Table table) =>
        Record("Table", string.Join(";", new[] { string.Join(",", table.Header) }.Concat(table.Rows.Select(r => string.Join(",", r.Values)))));

    [Given("the document:")]
    public void DocString(string doc) => Record("DocString", doc);

    [Given("the amount {int} for {word}")]
    public void OutlineStep(int amount, string who) => Record("Outline", $"{amount}|{who}");

    [Then("a step with any keyword runs")]
    public void AnyKeyword() => Record("Any", "ran");

    [Given("I remember the injected state")]
    public void RememberState() => Record("State", $"{state.Id}|{scenario.GetHashCode()}");

    // --- parallel features ---
    private static readonly ConcurrentDictionary<string, bool> Arrived = new();

    [Given("this feature owns the shared state as {string}")]
    public void Own(string owner) { state.Owner = owner; feature["owner"] = owner; Record("Own", owner); }

    [When("the feature meets its parallel partner")]
    public void Rendezvous()
    {
        Arrived[feature.FeatureInfo.Title] = true;
        var met = Recorder.Enabled && SpinWait.SpinUntil(() => Arrived.Count >= 2, TimeSpan.FromSeconds(20));
        Record("Rendezvous", met ? "met" : "alone");
    }

    [Then("the state still belongs to {string}")]
    public void StillOwned(string owner)
    {
        Thread.Sleep(30);
        Record("Owner", $"{state.Owner}|{feature["owner"]}");
        state.Owner.Should().Be(owner);
        feature["owner"].Should().Be(owner);
    }

    // --- negative samples ---
    [Given("a defined step")]
    public void Defined() => Record("Defined", "ran");

    [Given("a pending step")]
    public void PendingStep() => throw new PendingStepException();

    [When("a step fails with FluentAssertions")]
    public void FailFluent() => 42.Should().Be(43, "the failing sample expects it");

    [When("a step fails with an NUnit assertion")]
    public void FailNUnit() => Assert.That(1, Is.EqualTo(2), "nunit sample assertion");

    [When("a step fails with several NUnit assertions")]
    public void FailMultiple() => Assert.Multiple(() =>
    {
        Assert.That(1, Is.EqualTo(2), "first of several");
        Assert.That(3, Is.EqualTo(4), "second of several");
    });

    [When("a step throws an exception")]
    public void Throw() => throw new InvalidOperationException("sample infrastructure error");

    [Then("this step must not run")]
    public void MustNotRun() => Record("MustNotRun", "ran");
}

/// <summary>A second binding class: must receive the same ScenarioState and ScenarioContext within a scenario.</summary>
[Binding]
public sealed class OtherSteps(ScenarioState state, ScenarioContext scenario, FeatureContext feature)
{
    [Then("another binding class sees the same state")]
    public void SameState() => Recorder.Add("OtherState", feature.FeatureInfo.Title, scenario.ScenarioInfo.Title, $"{state.Id}|{scenario.GetHashCode()}");
}

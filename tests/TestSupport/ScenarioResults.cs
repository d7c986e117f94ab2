using FluentAssertions;

namespace Acceptance.TestSupport;

/// <summary>Assertions on the scenarios a nested suite run reported.</summary>
public static class ScenarioResults
{
    /// <summary>A VSTest filter selecting the scenarios tagged with any of the checklist ids.</summary>
    public static string ChecklistFilter(params string[] ids) => string.Join("|", ids.Select(id => $"TestCategory=checklist:{id}"));

    /// <summary>The one scenario of that name (fails listing what ran otherwise).</summary>
    public static ScenarioResult Scenario(this IReadOnlyList<ScenarioResult> results, string name) =>
        results.Should().ContainSingle(r => r.Name == name, "scenario '{0}' must run; got:\n{1}", name, string.Join("\n", results)).Subject;

    /// <summary>The scenario ended with <paramref name="status"/> and its message holds every part.</summary>
    public static ScenarioResult ShouldEnd(this IReadOnlyList<ScenarioResult> results, string name, string status, params string[] messageParts)
    {
        var r = results.Scenario(name);
        r.Status.Should().Be(status, "'{0}' must end {1}: {2}", name, status, r);
        foreach (var part in messageParts) r.Message.Should().Contain(part, "the message must say what is wrong: {0}", r);
        return r;
    }
}

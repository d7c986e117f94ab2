using Acceptance.Support.Checks;
using Acceptance.Support.Evidence;
using Acceptance.Support.Polling;
using FluentAssertions.Execution;

namespace Acceptance.StepDefinitions.Infrastructure;

/// <summary>
/// The one way a step decides: it hands over a <see cref="Verdict"/>; the verdict's sentence (rule, expected,
/// observed, verdict) goes to the evidence and, when the rule does not hold, is the failure message, word for word.
/// One instance per scenario (context injection).
/// </summary>
public sealed class Checks(EvidenceLog evidence)
{
    /// <summary>How often a poll reads again.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    /// <summary>Records the verdict and fails the step with the same sentence when it does not hold.</summary>
    public void Assert(Verdict verdict)
    {
        evidence.Note(verdict.Sentence);
        evidence.AttachJson("verdict", new
        {
            rule = verdict.Rule, expected = verdict.Expected, observed = verdict.Observed, holds = verdict.Holds,
            shortfalls = verdict.Shortfalls, recommendation = verdict.IsRecommendation, checklist_difference = verdict.ChecklistDifference,
            polled = verdict.Convergence,
        });
        if (verdict.ChecklistDifference is not null) Console.WriteLine($"[threshold] {verdict.ChecklistDifference}");
        Execute.Assertion.ForCondition(verdict.Holds).FailWith(Literal(verdict.Sentence));
    }

    /// <summary>
    /// Reads facts and judges them until the rule holds, the state is terminal, or thresholds.poll_timeout_seconds passes;
    /// every attempt is recorded; then asserts the last verdict.
    /// </summary>
    public async Task EventuallyAsync<T>(string description, Func<CancellationToken, Task<T>> read, Func<T, Verdict> judge) =>
        Assert(await Poll.UntilHoldsAsync(description, RunContext.Target.Thresholds.PollTimeout, PollInterval, read, judge, evidence));

    // FluentAssertions formats {0}-style placeholders and {reason}/{context:...} tags in a failure message: a verdict's
    // text (PromQL label sets, JSON) is shown as written.
    private static string Literal(string text) => text.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);
}

using System.Text;

namespace Acceptance.Support.Checks;

/// <summary>
/// What a rule decided about the facts a probe read: the rule in words, what it expected, what was
/// observed, and the shortfalls (none: the rule holds). Rules are pure functions that return one;
/// the step records it in the evidence and asserts with the same sentence (<see cref="Sentence"/>).
/// </summary>
/// <param name="Rule">The rule in words, naming the target-file keys it uses ("raft peers >= expect.consul_servers").</param>
/// <param name="Expected">What the rule expected, with the numbers in force ("at least 3 raft peers").</param>
/// <param name="Observed">What was observed ("3 raft peers: a, b, c").</param>
/// <param name="Shortfalls">Each way the observation falls short (empty: the rule holds).</param>
public sealed record Verdict(string Rule, string Expected, string Observed, IReadOnlyList<string> Shortfalls)
{
    /// <summary>True when nothing falls short.</summary>
    public bool Holds => Shortfalls.Count == 0;

    /// <summary>A recommendation, not a requirement: a shortfall is reported as "RECOMMENDATION not met (non-critical)".</summary>
    public bool IsRecommendation { get; init; }

    /// <summary>
    /// Set when a threshold in force differs from the checklist's own number ("thresholds.network_min_mbps is 1000
    /// on this target; the checklist says 25000"): the report must say so, pass or fail.
    /// </summary>
    public string? ChecklistDifference { get; init; }

    /// <summary>How a poll reached the verdict ("converged after 2.1 s (3 attempts)"), when it was polled.</summary>
    public string? Convergence { get; init; }

    /// <summary>
    /// The observed state cannot change by waiting (a failed allocation, a refused token): a poll stops at once
    /// and says so.
    /// </summary>
    public bool IsTerminal { get; init; }

    /// <summary>A verdict from a list of shortfalls.</summary>
    public static Verdict From(string rule, string expected, string observed, IEnumerable<string> shortfalls) =>
        new(rule, expected, observed, shortfalls.ToList());

    /// <summary>A verdict from one condition: <paramref name="shortfall"/> is the one shortfall when it does not hold.</summary>
    public static Verdict When(bool holds, string rule, string expected, string observed, string shortfall) =>
        new(rule, expected, observed, holds ? [] : [shortfall]);

    /// <summary>The one sentence used in the evidence and in the failure message.</summary>
    public string Sentence
    {
        get
        {
            var sb = new StringBuilder();
            sb.Append("Rule: ").AppendLine(Rule);
            sb.Append("Expected: ").AppendLine(Expected);
            sb.Append("Observed: ").AppendLine(Observed);
            if (Convergence is not null) sb.Append("Polled: ").AppendLine(Convergence);
            if (ChecklistDifference is not null) sb.Append("Threshold: ").AppendLine(ChecklistDifference);
            sb.Append("Verdict: ").Append(Holds
                ? "holds"
                : (IsRecommendation ? "RECOMMENDATION not met (non-critical, not a requirement): " : "NOT met: ") + string.Join("; ", Shortfalls));
            return sb.ToString();
        }
    }

    /// <inheritdoc />
    public override string ToString() => Sentence;
}

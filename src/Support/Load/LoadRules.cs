using System.Globalization;
using Acceptance.Support.Checks;

namespace Acceptance.Support.Load;

/// <summary>One endpoint's judged load: the run and the thresholds in force.</summary>
/// <param name="Run">What the engine measured (merged over runners).</param>
/// <param name="Thresholds">The thresholds in force for the endpoint.</param>
public sealed record JudgedLoad(LoadRun Run, IReadOnlyList<LoadThreshold> Thresholds)
{
    /// <inheritdoc />
    public override string ToString() => $"{Run.Plan.Endpoint} ({Run.Engine}): {Run.Result.Figures()}";
}

/// <summary>Pure judgements of load runs: the thresholds, evaluated by the suite over the measured distribution.</summary>
public static class LoadRules
{
    /// <summary>
    /// Every threshold of every endpoint holds over the suite's own measurement. An endpoint where no request ended is a
    /// failed run, never a fast one.
    /// </summary>
    public static Verdict ThresholdsHold(IReadOnlyList<JudgedLoad> loads, string checklistNote = "")
    {
        var shortfalls = new List<string>();
        var observed = new List<string>();
        foreach (var l in loads)
        {
            var r = l.Run.Result;
            var parts = new List<string>();
            if (r.Responses == 0)
                shortfalls.Add($"{l.Run.Plan.Endpoint}: no request was answered ({r.Figures()}): a failed run, not a fast one");
            foreach (var t in l.Thresholds)
            {
                var v = t.Observe(r);
                parts.Add($"{t.Source} → {t.Format(v)}");
                if (r.Responses > 0 && (double.IsNaN(v) || !t.Holds(v)))
                    shortfalls.Add($"{l.Run.Plan.Endpoint}: {t.Source} not met: {t.K6Metric} {t.Aggregation} = {t.Format(v)}");
            }
            var engineOwn = l.Run.EngineThresholds.Count == 0 ? ""
                : $"; {l.Run.Engine} judged: {string.Join(", ", l.Run.EngineThresholds.Select(e => $"{e.Key} {(e.Value ? "passed" : "FAILED")}"))}";
            observed.Add($"{l.Run.Plan} with {l.Run.Engine}: {r.Figures()}; {string.Join("; ", parts)}{engineOwn}");
        }
        return Verdict.From(
            "every load profile of performance.endpoints meets its thresholds (k6's language), judged by the suite over the measured latencies",
            string.Join("; ", loads.Select(l => $"{l.Run.Plan.Endpoint}: {string.Join(", ", l.Thresholds)}")) + checklistNote,
            string.Join("\n", observed),
            shortfalls);
    }
}

using System.Globalization;
using Acceptance.Support.Checks;
using Acceptance.Support.Configuration;

namespace Acceptance.Support.ContinuousIntegration;

/// <summary>The rules of the imported CI results: coverage at or above the threshold, no failed test, no stale file.</summary>
public static class CiRules
{
    /// <summary>PREVAL-AT-3: every coverage report (and all together) at or above thresholds.line_coverage_min_percent, none older than the change window.</summary>
    public static Verdict Coverage(IReadOnlyList<CoverageReport> reports, CiThresholds t, DateTimeOffset? windowStart) => Verdict.From(
        "line coverage of every ci_results.coverage report >= thresholds.line_coverage_min_percent, each written after change.window_start",
        $"line coverage >= {Num(t.LineCoverageMinPercent)}% in each report and overall; every report newer than {Window(windowStart)}",
        reports.Count == 0 ? "no coverage report" : string.Join("; ", reports) + $"; overall {Num(Overall(reports))}%",
        (reports.Count == 0 ? ["no coverage report was read"] : Array.Empty<string>())
            .Concat(reports.Where(r => r.LinesValid == 0).Select(r => $"{Name(r.File)}: no instrumented line (0/0): nothing was measured"))
            .Concat(reports.Where(r => r.LinesValid > 0 && r.Percent < t.LineCoverageMinPercent)
                .Select(r => $"{Name(r.File)}: {Num(r.Percent)}% < {Num(t.LineCoverageMinPercent)}%"))
            .Concat(Stale(reports.Select(r => (r.File, r.Time)), windowStart)))
        with { ChecklistDifference = OptionsBinder.ChecklistDifference(t, nameof(CiThresholds.LineCoverageMinPercent), "thresholds") };

    /// <summary>PREVAL-AT-4: every test-results file has tests, none failed or errored, none older than the change window.</summary>
    public static Verdict TestResults(IReadOnlyList<TestResultsReport> reports, DateTimeOffset? windowStart) => Verdict.From(
        "every ci_results.test_results file ran tests and none failed or errored, each written after change.window_start",
        $"> 0 tests, 0 failed, 0 errors in every file; every file newer than {Window(windowStart)}",
        reports.Count == 0 ? "no test-results file" : string.Join("; ", reports),
        (reports.Count == 0 ? ["no test-results file was read"] : Array.Empty<string>())
            .Concat(reports.Where(r => r.Total == 0 && r.Errors == 0).Select(r => $"{Name(r.File)}: no test ran (0 tests): nothing was tested"))
            .Concat(reports.Where(r => r.Failed + r.Errors > 0).Select(r =>
                $"{Name(r.File)}: {r.Failed} failed, {r.Errors} errors ({string.Join(", ", r.FailedNames.Take(5))}{(r.FailedNames.Count > 5 ? ", ..." : "")})"))
            .Concat(Stale(reports.Select(r => (r.File, r.Time)), windowStart)));

    private static IEnumerable<string> Stale(IEnumerable<(string File, ReportTime Time)> files, DateTimeOffset? windowStart) =>
        windowStart is not { } w ? ["change.window_start is not set: the freshness of the files cannot be judged"]
            : files.Where(f => f.Time.When < w).Select(f => $"{Name(f.File)}: STALE: written {f.Time}, before the change window opened ({Window(w)})");

    private static double Overall(IReadOnlyList<CoverageReport> reports)
    {
        var valid = reports.Sum(r => r.LinesValid);
        return valid == 0 ? 0 : 100.0 * reports.Sum(r => r.LinesCovered) / valid;
    }

    private static string Window(DateTimeOffset? w) => w is { } t ? $"{t.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC (change.window_start)" : "change.window_start (not set)";
    private static string Name(string f) => Path.GetFileName(f);
    private static string Num(double d) => d.ToString("0.##", CultureInfo.InvariantCulture);
}

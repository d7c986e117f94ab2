using Acceptance.Support.Configuration;

namespace Acceptance.Support.ContinuousIntegration;

/// <summary>ci_results: the files the application's own CI wrote (PREVAL-AT-3/4), read with real parsers.</summary>
public sealed record CiResultsOptions
{
    /// <summary>Coverage reports.</summary>
    [Option("coverage", "coverage reports of the application's unit tests: Cobertura XML (*.xml) or lcov tracefiles (*.info, *.lcov); globs allowed", IsPath = true)]
    public IReadOnlyList<string> Coverage { get; init; } = [];

    /// <summary>Test results.</summary>
    [Option("test_results", "test results of the application's integration (and unit) tests: JUnit XML (*.xml) or TRX (*.trx); globs allowed", IsPath = true)]
    public IReadOnlyList<string> TestResults { get; init; } = [];
}

/// <summary>Thresholds of the imported CI results (flat keys of <c>thresholds:</c>).</summary>
public sealed record CiThresholds
{
    /// <summary>Minimum line coverage.</summary>
    [Option("line_coverage_min_percent", "minimum line coverage of the imported coverage reports (%), each file and all together",
        Min = 0, Max = 100, Checklist = 90, Lines = "PREVAL-AT-3", Unit = "% line coverage")]
    public double LineCoverageMinPercent { get; init; } = 90;
}

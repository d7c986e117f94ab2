using Acceptance.Support.ContinuousIntegration;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.ContinuousIntegration;

/// <summary>
/// The imported CI results (PREVAL-AT-3/4): real-world Cobertura, lcov, JUnit and TRX files from ../shared/fixtures-real
/// (each with the verdict its README gives), and the project's own small files for every rule.
/// </summary>
public sealed class CiReportsTests
{
    private static readonly DateTimeOffset LongAgo = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private TempDir _dir = null!;

    [SetUp] public void SetUp() => _dir = new TempDir("ci");
    [TearDown] public void TearDown() => _dir.Dispose();

    private static string Real(string name)
    {
        SharedFixtures.RealText(Path.Combine("coverage-tests", name));   // skips with the reason when ../shared is absent
        return Path.Combine(SharedFixtures.Root!, "fixtures-real", "coverage-tests", name);
    }

    [Test]
    public void Real_coverlet_cobertura_with_a_BOM_is_61_percent_and_fails_a_90_percent_gate()
    {
        var report = CiReports.ReadCoverage(Real("cobertura-coverlet-1.9-line-rate-0.6117-utf8-bom.xml"));

        (report.Format, report.LinesCovered, report.LinesValid).Should().Be(("Cobertura", 156L, 255L));
        report.Percent.Should().BeApproximately(61.18, 0.01);
        report.Time.Source.Should().Be("its timestamp attribute");
        report.Sha256.Should().HaveLength(64);
        var verdict = CiRules.Coverage([report], new CiThresholds(), LongAgo);
        verdict.Holds.Should().BeFalse();
        verdict.Shortfalls.Should().ContainSingle().Which.Should().Be("cobertura-coverlet-1.9-line-rate-0.6117-utf8-bom.xml: 61.18% < 90%");
        CiRules.Coverage([report], new CiThresholds { LineCoverageMinPercent = 60 }, LongAgo).Holds.Should().BeTrue();
    }

    [TestCase("lcov-coverlet-csharp-reportgenerator.info")]
    [TestCase("lcov-cpp-small-reportgenerator.info")]
    public void Real_lcov_tracefiles_are_read_by_their_records(string name)
    {
        var report = CiReports.ReadCoverage(Real(name));

        report.Format.Should().Be("lcov");
        report.LinesValid.Should().BePositive();
        report.LinesCovered.Should().BeLessThanOrEqualTo(report.LinesValid);
        if (name.Contains("cpp")) (report.LinesCovered, report.LinesValid).Should().Be((17L, 19L), "three records with LF/LH 4/4, 11/9 and 4/4");
    }

    [Test]
    public void Real_gotestsum_junit_has_failures_and_fails()
    {
        var r = CiReports.ReadTestResults(Real("junit-gotestsum-report-with-failures.xml"));

        r.Format.Should().Be("JUnit");
        (r.Failed + r.Errors).Should().BePositive();
        var verdict = CiRules.TestResults([r], LongAgo);
        verdict.Holds.Should().BeFalse();
        verdict.Shortfalls.Should().Contain(s => s.StartsWith("junit-gotestsum-report-with-failures.xml: ") && s.Contains(" failed, "));
    }

    [Test]
    public void Real_trivy_junit_with_empty_times_reads_its_four_failures()
    {
        var r = CiReports.ReadTestResults(Real("junit-trivy-alpine-3.10-template-4-failures.xml"));
        (r.Total, r.Failed).Should().Be((4, 4));
        CiRules.TestResults([r], LongAgo).Holds.Should().BeFalse();
    }

    [Test]
    public void Real_xunit_trx_has_one_failed_test_of_three()
    {
        var r = CiReports.ReadTestResults(Real("trx-xunit-3-tests-1-failed.trx"));
        (r.Format, r.Total, r.Failed, r.Errors, r.Passed).Should().Be(("TRX", 3, 1, 0, 2), "RunInfo outcome=Error is a run message, not a test");
        CiRules.TestResults([r], LongAgo).Shortfalls.Should().ContainSingle().Which.Should().Contain("1 failed, 0 errors");
    }

    [Test]
    public void Real_nunit_trx_with_zero_tests_is_not_a_pass()
    {
        var r = CiReports.ReadTestResults(Real("trx-nunit-zero-tests.trx"));
        r.Total.Should().Be(0);
        CiRules.TestResults([r], LongAgo).Shortfalls.Should().ContainSingle().Which.Should().Contain("no test ran (0 tests)");
    }

    [Test]
    public void Fresh_good_files_pass_and_the_verdict_carries_figures_and_digests()
    {
        var cobertura = _dir.File("coverage.xml", $"<?xml version=\"1.0\"?>\n<coverage lines-valid=\"200\" lines-covered=\"190\" line-rate=\"0.95\" timestamp=\"{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}\"/>\n");
        var lcov = _dir.File("coverage.lcov", "TN:\nSF:/src/a.py\nDA:1,1\nDA:2,0,abc\nDA:3,4\nend_of_record\nSF:/src/b.py\nLF:10\nLH:10\nend_of_record\n");
        var junit = _dir.File("junit.xml", "<testsuites><testsuite name=\"s\" tests=\"2\"><testcase classname=\"a\" name=\"x\"/><testcase classname=\"a\" name=\"y\"><skipped/></testcase></testsuite></testsuites>");
        var window = DateTimeOffset.UtcNow.AddMinutes(-5);

        var reports = new[] { CiReports.ReadCoverage(cobertura), CiReports.ReadCoverage(lcov) };
        (reports[1].LinesCovered, reports[1].LinesValid).Should().Be((12L, 13L), "DA lines where LF/LH are absent, LF/LH where present");
        var coverage = CiRules.Coverage(reports, new CiThresholds(), window);
        coverage.Holds.Should().BeTrue(coverage.Sentence);
        coverage.Observed.Should().Contain("coverage.xml (Cobertura): 95% lines (190/200)").And.Contain("sha256 ").And.Contain("overall 94.84%");
        var tests = CiRules.TestResults([CiReports.ReadTestResults(junit)], window);
        tests.Holds.Should().BeTrue(tests.Sentence);
        tests.Observed.Should().Contain("2 tests, 1 passed, 0 failed, 0 errors, 1 skipped").And.Contain("file modification time");
    }

    [Test]
    public void A_file_older_than_the_change_window_is_stale_and_fails()
    {
        var cobertura = _dir.File("old.xml", "<coverage lines-valid=\"10\" lines-covered=\"10\" timestamp=\"1000000000\"/>");
        var junit = _dir.File("old-junit.xml", "<testsuite name=\"s\" tests=\"1\" timestamp=\"2020-01-01T00:00:00\"><testcase name=\"x\"/></testsuite>");
        var window = DateTimeOffset.UtcNow.AddHours(-1);

        CiRules.Coverage([CiReports.ReadCoverage(cobertura)], new CiThresholds(), window).Shortfalls.Should().ContainSingle()
            .Which.Should().StartWith("old.xml: STALE: written 2001-09-09 01:46:40 UTC (its timestamp attribute), before the change window opened");
        CiRules.TestResults([CiReports.ReadTestResults(junit)], window).Shortfalls.Should().ContainSingle().Which.Should().Contain("STALE");
        CiRules.TestResults([CiReports.ReadTestResults(junit)], null).Shortfalls.Should().ContainSingle()
            .Which.Should().Contain("change.window_start is not set");
    }

    [TestCase("coverage.info", "SF:/a\nDA:1,1\n", "has no end_of_record: the file is truncated")]
    [TestCase("coverage.info", "hello world\n", "not an lcov tracefile")]
    [TestCase("coverage.info", "SF:/a\nDA:1,many\nend_of_record\n", "'many' is not a count")]
    [TestCase("coverage.xml", "<coverage><unclosed></coverage>", "not well-formed XML")]
    [TestCase("coverage.xml", "<report/>", "not a Cobertura report")]
    public void A_file_that_is_no_coverage_report_is_named_with_why(string name, string text, string why)
    {
        var file = _dir.File(name, text);
        FluentActions.Invoking(() => CiReports.ReadCoverage(file)).Should().Throw<InvalidDataException>().Which.Message.Should().StartWith(file).And.Contain(why);
    }

    [TestCase("<html/>", "neither JUnit")]
    [TestCase("not xml", "not XML")]
    [TestCase("<TestRun><Results/></TestRun>", "TRX without ResultSummary/Counters")]
    public void A_file_that_is_no_test_result_is_named_with_why(string text, string why)
    {
        var file = _dir.File("results.xml", text);
        FluentActions.Invoking(() => CiReports.ReadTestResults(file)).Should().Throw<InvalidDataException>().Which.Message.Should().Contain(why);
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Xml;
using System.Xml.Linq;

namespace Acceptance.Support.ContinuousIntegration;

/// <summary>Where a report's time comes from: its own recorded timestamp, or the file's modification time.</summary>
public sealed record ReportTime(DateTimeOffset When, string Source)
{
    /// <inheritdoc />
    public override string ToString() => $"{When.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC ({Source})";
}

/// <summary>A coverage report's figures.</summary>
public sealed record CoverageReport(string File, string Format, long LinesCovered, long LinesValid, ReportTime Time, string Sha256)
{
    /// <summary>Line coverage in percent (0 lines: 0).</summary>
    public double Percent => LinesValid == 0 ? 0 : 100.0 * LinesCovered / LinesValid;

    /// <inheritdoc />
    public override string ToString() =>
        $"{System.IO.Path.GetFileName(File)} ({Format}): {Percent.ToString("0.##", CultureInfo.InvariantCulture)}% lines ({LinesCovered}/{LinesValid}), written {Time}, sha256 {Sha256}";
}

/// <summary>A test-results file's counts.</summary>
public sealed record TestResultsReport(string File, string Format, int Total, int Failed, int Errors, int Skipped, ReportTime Time, string Sha256,
    IReadOnlyList<string> FailedNames)
{
    /// <summary>Passed tests.</summary>
    public int Passed => Total - Failed - Errors - Skipped;

    /// <inheritdoc />
    public override string ToString() =>
        $"{System.IO.Path.GetFileName(File)} ({Format}): {Total} tests, {Passed} passed, {Failed} failed, {Errors} errors, {Skipped} skipped, written {Time}, sha256 {Sha256}";
}

/// <summary>
/// Parsers of the CI report formats: Cobertura and JUnit/TRX with System.Xml (a BOM, namespaces and empty attributes
/// are handled), lcov by its line records (LF/LH per file, DA when those are absent). A file that cannot be read as its
/// format throws <see cref="InvalidDataException"/> naming the file and why.
/// </summary>
public static class CiReports
{
    /// <summary>Reads a coverage report: Cobertura XML, or an lcov tracefile.</summary>
    public static CoverageReport ReadCoverage(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var mtime = new ReportTime(File.GetLastWriteTimeUtc(path), "file modification time");
        if (LooksLikeXml(bytes))
        {
            var root = Load(path).Root!;
            if (root.Name.LocalName != "coverage") throw new InvalidDataException($"{path}: not a Cobertura report (root <{root.Name.LocalName}>, expected <coverage>)");
            long covered, valid;
            if (Long(root, "lines-covered") is { } c && Long(root, "lines-valid") is { } v && v > 0) (covered, valid) = (c, v);
            else
            {
                // Older writers give only line-rate; count the <line> elements (one per line, unique per class file).
                var lines = root.Descendants().Where(e => e.Name.LocalName == "class")
                    .SelectMany(cl => cl.Elements().Where(e => e.Name.LocalName == "lines").SelectMany(l => l.Elements())
                        .Select(l => ((string?)cl.Attribute("filename") ?? "", (string?)l.Attribute("number") ?? "", Long(l, "hits") ?? 0)))
                    .GroupBy(x => (x.Item1, x.Item2)).Select(g => g.Max(x => x.Item3)).ToList();
                if (lines.Count == 0) throw new InvalidDataException($"{path}: Cobertura report without lines-covered/lines-valid and without <line> elements");
                (covered, valid) = (lines.Count(h => h > 0), lines.Count);
            }
            var stamp = Long(root, "timestamp") is { } t and > 0
                ? new ReportTime(t > 100_000_000_000 ? DateTimeOffset.FromUnixTimeMilliseconds(t) : DateTimeOffset.FromUnixTimeSeconds(t), "its timestamp attribute")
                : mtime;
            return new CoverageReport(path, "Cobertura", covered, valid, stamp, sha);
        }
        return ReadLcov(path, bytes, sha, mtime);
    }

    private static CoverageReport ReadLcov(string path, byte[] bytes, string sha, ReportTime time)
    {
        long covered = 0, valid = 0;
        var records = 0;
        long? lf = null, lh = null;
        var da = new Dictionary<string, long>();
        string? file = null;
        var n = 0;
        foreach (var raw in System.Text.Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF').Split('\n'))
        {
            n++;
            var line = raw.Trim();
            if (line.Length == 0) continue;
            if (line.StartsWith("SF:", StringComparison.Ordinal)) { file = line[3..]; lf = lh = null; da.Clear(); continue; }
            if (line == "end_of_record")
            {
                if (file is null) throw new InvalidDataException($"{path}:{n}: end_of_record without SF:");
                // LF/LH are the writer's own totals; DA lines are the fallback when a writer leaves them out.
                valid += lf ?? da.Count;
                covered += lh ?? da.Count(d => d.Value > 0);
                records++;
                file = null;
                continue;
            }
            if (file is null)
            {
                if (line.StartsWith("TN:", StringComparison.Ordinal)) continue;
                throw new InvalidDataException($"{path}:{n}: not an lcov tracefile (a record must start with SF:, found '{Shorten(line)}')");
            }
            var colon = line.IndexOf(':');
            if (colon < 0) throw new InvalidDataException($"{path}:{n}: not an lcov record line: '{Shorten(line)}'");
            var (key, value) = (line[..colon], line[(colon + 1)..]);
            switch (key)
            {
                case "LF": lf = ParseCount(path, n, value); break;
                case "LH": lh = ParseCount(path, n, value); break;
                case "DA":
                    // DA:<line>,<hits>[,<checksum>]: the line number and hits are the first two fields.
                    var f = value.Split(',');
                    if (f.Length < 2) throw new InvalidDataException($"{path}:{n}: DA record '{Shorten(line)}' is not DA:<line>,<hits>");
                    da[f[0]] = Math.Max(da.GetValueOrDefault(f[0]), ParseCount(path, n, f[1]));
                    break;
            }
        }
        if (file is not null) throw new InvalidDataException($"{path}: the last record ({Shorten(file)}) has no end_of_record: the file is truncated");
        if (records == 0) throw new InvalidDataException($"{path}: neither Cobertura XML nor an lcov tracefile with records (SF: ... end_of_record)");
        return new CoverageReport(path, "lcov", covered, valid, time, sha);
    }

    /// <summary>Reads a test-results file: JUnit XML (testsuites/testsuite) or TRX.</summary>
    public static TestResultsReport ReadTestResults(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var mtime = new ReportTime(File.GetLastWriteTimeUtc(path), "file modification time");
        if (!LooksLikeXml(bytes)) throw new InvalidDataException($"{path}: not XML (JUnit or TRX expected)");
        var root = Load(path).Root!;
        switch (root.Name.LocalName)
        {
            case "TestRun":
            {
                var counters = root.Descendants().FirstOrDefault(e => e.Name.LocalName == "Counters")
                               ?? throw new InvalidDataException($"{path}: TRX without ResultSummary/Counters");
                int C(string a) => (int)(Long(counters, a) ?? 0);
                var failedNames = root.Descendants().Where(e => e.Name.LocalName == "UnitTestResult" && (string?)e.Attribute("outcome") is "Failed" or "Error" or "Timeout" or "Aborted")
                    .Select(e => (string?)e.Attribute("testName") ?? "?").ToList();
                var times = root.Descendants().FirstOrDefault(e => e.Name.LocalName == "Times");
                var stamp = (string?)times?.Attribute("finish") ?? (string?)times?.Attribute("creation");
                var time = stamp is not null && DateTimeOffset.TryParse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
                    ? new ReportTime(t, "its Times element") : mtime;
                var skipped = C("notExecuted") + C("inconclusive") + C("notRunnable");
                return new TestResultsReport(path, "TRX", C("total"), C("failed"), C("error") + C("timeout") + C("aborted"), skipped, time, sha, failedNames);
            }
            case "testsuites" or "testsuite":
            {
                var cases = root.DescendantsAndSelf().Where(e => e.Name.LocalName == "testcase").ToList();
                bool Has(XElement c, string name) => c.Elements().Any(e => e.Name.LocalName == name);
                var failed = cases.Where(c => Has(c, "failure")).ToList();
                var errors = cases.Where(c => !Has(c, "failure") && Has(c, "error")).ToList();
                var skipped = cases.Count(c => Has(c, "skipped"));
                // A suite that errored before any test ran (a build failure) has errors="1" and no testcase.
                var suiteErrors = root.DescendantsAndSelf().Where(e => e.Name.LocalName == "testsuite")
                    .Sum(s => s.Elements().Any(e => e.Name.LocalName == "testcase") ? 0 : (int)(Long(s, "errors") ?? 0) + (int)(Long(s, "failures") ?? 0));
                var stamps = root.DescendantsAndSelf().Where(e => e.Name.LocalName is "testsuite" or "testsuites")
                    .Select(e => (string?)e.Attribute("timestamp"))
                    .Select(s => s is not null && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : (DateTimeOffset?)null)
                    .OfType<DateTimeOffset>().Where(t => t.Year > 1970).ToList();
                var time = stamps.Count > 0 ? new ReportTime(stamps.Min(), "its testsuite timestamp") : mtime;
                string Name(XElement c) => $"{(string?)c.Attribute("classname")}.{(string?)c.Attribute("name")}".TrimStart('.');
                return new TestResultsReport(path, "JUnit", cases.Count, failed.Count, errors.Count + suiteErrors, skipped, time, sha,
                    failed.Concat(errors).Select(Name).ToList());
            }
            default:
                throw new InvalidDataException($"{path}: neither JUnit (<testsuites>/<testsuite>) nor TRX (<TestRun>): root <{root.Name.LocalName}>");
        }
    }

    private static bool LooksLikeXml(byte[] bytes)
    {
        var text = System.Text.Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 256)).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        return text.StartsWith('<');
    }

    private static XDocument Load(string path)
    {
        try
        {
            using var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            return XDocument.Load(reader);
        }
        catch (XmlException e)
        {
            throw new InvalidDataException($"{path}:{e.LineNumber}: not well-formed XML: {e.Message}");
        }
    }

    private static long? Long(XElement e, string attribute) =>
        long.TryParse((string?)e.Attribute(attribute), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;

    private static long ParseCount(string path, int n, string s) =>
        long.TryParse(s.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= 0 ? v
            : throw new InvalidDataException($"{path}:{n}: '{Shorten(s)}' is not a count");

    private static string Shorten(string s) => s.Length > 60 ? s[..60] + "..." : s;
}

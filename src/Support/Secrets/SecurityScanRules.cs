using Acceptance.Support.Checks;
using Acceptance.Support.Docker;

namespace Acceptance.Support.Secrets;

/// <summary>PREVAL-AT-2: the release's security scans pass with no unwaived finding at or above the failing severity.</summary>
public static class SecurityScanRules
{
    /// <summary>
    /// Every report the target names is read; the counts by severity are shown per report; an unwaived finding at or above
    /// <paramref name="failSeverity"/> fails, naming the report, the finding and the package; waived findings are listed.
    /// </summary>
    public static Verdict ReportsPass(IReadOnlyList<ScanReport> reports, IReadOnlyList<string> waivedFindings, string failSeverity)
    {
        const string rule = "PREVAL-AT-2: the security scans pass with no critical issues (configuration.scan_reports; configuration.waived_findings)";
        var threshold = ScanReports.Rank(failSeverity);
        var expected = $"no finding at {failSeverity.ToUpperInvariant()} or above unless waived";
        if (threshold < 0)
            return Verdict.When(false, rule, expected, $"configuration.scan_fail_severity '{failSeverity}'",
                $"configuration.scan_fail_severity '{failSeverity}' is not one of {string.Join(", ", ScanReports.SeverityOrder)}");
        var waived = waivedFindings.Select(w => w.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var shortfalls = new List<string>();
        var observed = new List<string>();
        foreach (var r in reports)
        {
            var counts = ScanReports.SeverityOrder.Reverse().Select(sev => (sev, n: r.Findings.Count(f => f.Severity == sev))).Where(c => c.n > 0)
                .Select(c => $"{c.n} {c.sev}").ToList();
            var failing = r.Findings.Where(f => ScanReports.Rank(f.Severity) >= threshold).ToList();
            var waivedHere = failing.Where(f => waived.Contains(f.Id) || waived.Contains($"{f.Id}:{f.Package}")).ToList();
            foreach (var f in failing.Except(waivedHere))
                shortfalls.Add($"{Path.GetFileName(r.Path)} ({r.Artifact}): {f.Id} {f.Severity} in {f.Package} {f.InstalledVersion}".TrimEnd());
            observed.Add($"{Path.GetFileName(r.Path)} ({r.Format}, {r.Artifact}): {(counts.Count == 0 ? "no findings" : string.Join(", ", counts))}" +
                         (waivedHere.Count > 0 ? $"; waived: {string.Join(", ", waivedHere.Select(f => f.Id))}" : ""));
        }
        if (reports.Count == 0) shortfalls.Add("no report was read: nothing to judge");
        return Verdict.From(rule, expected, string.Join("; ", observed), shortfalls);
    }
}

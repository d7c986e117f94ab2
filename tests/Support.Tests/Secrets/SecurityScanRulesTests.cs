using Acceptance.Support.Docker;
using Acceptance.Support.Secrets;
using Acceptance.TestSupport;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Secrets;

/// <summary>PREVAL-AT-2: scan reports pass unless an unwaived finding reaches the failing severity; counts by severity shown.</summary>
public sealed class SecurityScanRulesTests
{
    private static ScanReport Report(params ScanFinding[] findings) => new("/scans/trivy.json", "trivy-json", "registry/ml/trainer:1.1.0", [], findings);

    [Test]
    public void Clean_and_waived_reports_hold_and_an_unwaived_critical_fails_naming_it()
    {
        var medium = new ScanFinding("CVE-2022-24765", "MEDIUM", "git", "2.30", "2.35");
        var critical = new ScanFinding("CVE-2019-14697", "CRITICAL", "musl", "1.1.20-r4", "1.1.20-r5");
        var v = SecurityScanRules.ReportsPass([Report(medium)], [], "CRITICAL");
        v.Holds.Should().BeTrue();
        v.Observed.Should().Contain("1 MEDIUM");

        SecurityScanRules.ReportsPass([Report(critical, medium)], [], "CRITICAL").Shortfalls.Should()
            .Equal("trivy.json (registry/ml/trainer:1.1.0): CVE-2019-14697 CRITICAL in musl 1.1.20-r4");
        var waived = SecurityScanRules.ReportsPass([Report(critical)], ["CVE-2019-14697"], "CRITICAL");
        waived.Holds.Should().BeTrue();
        waived.Observed.Should().Contain("waived: CVE-2019-14697", "a waived finding is listed, never dropped");
        SecurityScanRules.ReportsPass([Report(medium)], [], "MEDIUM").Holds.Should().BeFalse();
        SecurityScanRules.ReportsPass([], [], "CRITICAL").Holds.Should().BeFalse();
    }

    [Test]
    public void The_real_trivy_report_with_two_criticals_fails_and_the_clean_one_holds()
    {
        var critical = ScanReports.Parse("trivy-alpine-3.9.json", SharedFixtures.RealText("vulnscan/trivy-alpine-3.9-schema2-2-critical-4-medium.json"));
        var clean = ScanReports.Parse("trivy-sl-micro.json", SharedFixtures.RealText("vulnscan/trivy-sl-micro-rancher5.4-schema2-zero-vulns.json"));

        SecurityScanRules.ReportsPass([critical], [], "CRITICAL").Shortfalls.Should().HaveCount(2).And.OnlyContain(s => s.Contains("CVE-2019-14697"));
        SecurityScanRules.ReportsPass([clean], [], "CRITICAL").Holds.Should().BeTrue();
    }
}

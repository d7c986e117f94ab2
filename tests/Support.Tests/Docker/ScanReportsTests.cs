using System.IO;
using Acceptance.Support.Docker;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Docker;

/// <summary><see cref="ScanReports"/>: Trivy JSON and SARIF (Trivy, Grype) read to findings; anything else refused.</summary>
public sealed class ScanReportsTests
{
    private static ScanReport Real(string file) => ScanReports.Parse(file, SharedFixtures.RealText($"vulnscan/{file}"));

    private static DeployedImage Deployed(string image, params string[] digests) => new("compose service app", image, digests);

    internal const string OwnTrivy = """
        {"SchemaVersion": 2, "ArtifactName": "registry:5000/ml/trainer:1.0.0", "ArtifactType": "container_image",
         "Metadata": {"ImageID": "sha256:aaaa", "RepoTags": ["registry:5000/ml/trainer:1.0.0"], "RepoDigests": ["registry:5000/ml/trainer@sha256:bbbb"]},
         "Results": [
           {"Target": "os", "Class": "os-pkgs", "Vulnerabilities": [
             {"VulnerabilityID": "CVE-2024-0001", "PkgName": "openssl", "InstalledVersion": "3.0.1", "FixedVersion": "3.0.2", "Severity": "CRITICAL"},
             {"VulnerabilityID": "CVE-2024-0002", "PkgName": "zlib", "InstalledVersion": "1.2", "Severity": "HIGH"}]},
           {"Target": "python", "Class": "lang-pkgs", "Vulnerabilities": null}]}
        """;

    [Test]
    public void Own_trivy_report_reads_findings_digests_and_names()
    {
        var r = ScanReports.Parse("trainer.json", OwnTrivy);

        r.Format.Should().Be("trivy-json");
        r.Artifact.Should().Be("registry:5000/ml/trainer:1.0.0");
        r.Digests.Should().Equal("sha256:aaaa", "sha256:bbbb");
        r.Findings.Should().Equal(
            new ScanFinding("CVE-2024-0001", "CRITICAL", "openssl", "3.0.1", "3.0.2"),
            new ScanFinding("CVE-2024-0002", "HIGH", "zlib", "1.2", ""));
    }

    [TestCase("[]", "*a JSON array*")]
    [TestCase("<html>502 Bad Gateway</html>", "*not JSON*")]
    [TestCase("""{"SchemaVersion": 1, "ArtifactName": "x"}""", "*SchemaVersion 1 is not supported*")]
    [TestCase("""{"version": "2.0.0", "runs": []}""", "*SARIF version 2.0.0*")]
    [TestCase("""{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}}]}""", "*without a results list*")]
    [TestCase("""{"matches": []}""", "*neither Trivy JSON*")]
    [TestCase("""{"SchemaVersion": 2, "Results": []}""", "*without ArtifactName*")]
    public void Unrecognised_input_is_refused_naming_the_file_never_clean(string text, string message)
    {
        var parse = () => ScanReports.Parse("/reports/app.json", text);

        parse.Should().Throw<InvalidDataException>().WithMessage("scan report /reports/app.json cannot be read: *").And.Message.Should().Match(message);
    }

    [Test]
    public void Sarif_without_a_label_uses_the_score_and_then_the_level()
    {
        const string sarif = """
            {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "scanner", "rules": [
               {"id": "R1", "properties": {"security-severity": "9.8"}}, {"id": "R2"}]}},
             "results": [{"ruleId": "R1", "level": "note", "message": {"text": "x"}}, {"ruleId": "R2", "level": "error", "message": {"text": "y"}}]}]}
            """;

        var r = ScanReports.Parse("s.sarif", sarif);

        r.Format.Should().Be("sarif (scanner)");
        r.Findings.Select(f => (f.Id, f.Severity, f.SeverityNote)).Should().Equal(
            ("R1", "CRITICAL", "no severity label: security-severity 9.8 (CVSS bands)"),
            ("R2", "HIGH", "no severity label or score: SARIF level error"));
    }

    [Test]
    public void Real_trivy_alpine_3_9_has_two_critical_musl_findings_and_fails_a_critical_gate()
    {
        var r = Real("trivy-alpine-3.9-schema2-2-critical-4-medium.json");

        r.Findings.Should().HaveCount(6);
        r.Findings.Where(f => f.Severity == "CRITICAL").Should().Equal(
            new ScanFinding("CVE-2019-14697", "CRITICAL", "musl", "1.1.20-r4", "1.1.20-r5"),
            new ScanFinding("CVE-2019-14697", "CRITICAL", "musl-utils", "1.1.20-r4", "1.1.20-r5"));
        r.Findings.Count(f => f.Severity == "MEDIUM").Should().Be(4);
        r.Digests.Should().Equal("sha256:055936d3920576da37aa9bc460d70c5f212028bda1c08c0879aedf03d7a66ea1");

        var v = DockerRules.ScanReportsClean([Deployed("ghcr.io/aquasecurity/trivy-test-images:alpine-39")], [r], []);
        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().HaveCount(2).And.AllSatisfy(s => s.Should().Contain("CVE-2019-14697 CRITICAL in musl"));
    }

    [Test]
    public void Real_trivy_distroless_passes_a_critical_or_high_gate_and_fails_a_medium_gate()
    {
        var r = Real("trivy-alpine-distroless-schema2-1-medium-no-critical.json");
        var image = Deployed("app", "sha256:22848737c0d272ad5d7c7369d8ca830a62929e63e38edcb22085139a6ae0688d");

        r.Findings.Should().Equal(new ScanFinding("CVE-2022-24765", "MEDIUM", "git", "2.35.1-r2", "2.35.2-r0"));
        DockerRules.ScanReportsClean([image], [r], []).Holds.Should().BeTrue("matched by digest, nothing CRITICAL");
        DockerRules.ScanReportsClean([image], [r], [], "HIGH").Holds.Should().BeTrue();
        DockerRules.ScanReportsClean([image], [r], [], "MEDIUM").Shortfalls.Should().ContainSingle().Which.Should().Contain("CVE-2022-24765 MEDIUM in git");
    }

    [Test]
    public void Real_trivy_sl_micro_without_a_vulnerabilities_key_is_clean()
    {
        var r = Real("trivy-sl-micro-rancher5.4-schema2-zero-vulns.json");

        r.Findings.Should().BeEmpty();
        r.OtherNames.Should().Equal("ghcr.io/aquasecurity/trivy-test-images:sle-micro-rancher-5.4_ndb");
        DockerRules.ScanReportsClean([Deployed("ghcr.io/aquasecurity/trivy-test-images:sle-micro-rancher-5.4_ndb")], [r], [], "LOW").Holds.Should().BeTrue();
    }

    [Test]
    public void Real_trivy_sarif_has_four_medium_findings_from_the_tags_although_level_is_warning()
    {
        var r = Real("trivy-alpine-3.10-sarif-2.1.0.sarif.json");

        r.Format.Should().Be("sarif (Trivy)");
        r.Artifact.Should().Be("testdata/fixtures/images/alpine-310.tar.gz");
        r.Digests.Should().Equal("sha256:961769676411f082461f9ef46626dd7a2d1e2b2a38e6a44364bcbecf51e66dd4");
        r.Findings.Should().Equal(
            new ScanFinding("CVE-2019-1549", "MEDIUM", "libcrypto1.1", "1.1.1c-r0", "1.1.1d-r0"),
            new ScanFinding("CVE-2019-1551", "MEDIUM", "libcrypto1.1", "1.1.1c-r0", "1.1.1d-r2"),
            new ScanFinding("CVE-2019-1549", "MEDIUM", "libssl1.1", "1.1.1c-r0", "1.1.1d-r0"),
            new ScanFinding("CVE-2019-1551", "MEDIUM", "libssl1.1", "1.1.1c-r0", "1.1.1d-r2"));
        DockerRules.ScanReportsClean([Deployed("ghcr.io/aquasecurity/trivy-test-images:alpine-310")], [r], []).Holds.Should().BeTrue();
    }

    [Test]
    public void Real_grype_sarif_keeps_the_tools_labels_low_and_critical_over_the_scores_and_notes_the_disagreement()
    {
        var r = Real("grype-sarif-image-low-and-critical-rules.sarif.json");

        r.Format.Should().Be("sarif (grype)");
        r.Artifact.Should().Be("user-input");
        r.Findings.Should().Equal(
            new ScanFinding("CVE-1999-0001", "LOW", "package-1", "1.1.1", "1.2.1,2.1.3,3.4.0")
                { SeverityNote = "the tool's label LOW is used; security-severity 8.2 would be HIGH" },
            new ScanFinding("CVE-1999-0002", "CRITICAL", "package-2", "2.2.2", "")
                { SeverityNote = "the tool's label CRITICAL is used; security-severity 8.5 would be HIGH" });

        var v = DockerRules.ScanReportsClean([Deployed("user-input")], [r], []);
        v.Shortfalls.Should().Equal("compose service app: user-input: CVE-1999-0002 CRITICAL in package-2 2.2.2 (no fix yet) [grype-sarif-image-low-and-critical-rules.sarif.json]");
        v.Observed.Should().Contain("security-severity 8.2 would be HIGH");
    }
}

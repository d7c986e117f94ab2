using System.Globalization;
using System.Text.RegularExpressions;
using Acceptance.Reporting.Allure;
using Acceptance.Reporting.Checklist;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Reporting.Tests.Checklist;

/// <summary>
/// The sign-off rule with the documented example files (docs/examples/attestations.yaml, waivers.yaml) and a run shaped
/// like the sandbox's: Success with them, and each way it must not be Success (expired attestation, approver = deployer,
/// waived critical failure, a stale coverage file's failed check, a missing role).
/// </summary>
public sealed partial class SignOffRuleTests
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);
    private static readonly string[] SkippedOnTheSandbox = ["APP-DI-1", "PREVAL-AT-2", "MON-MS-3", "SEC-AC-5"];
    private ChecklistCatalog _catalog = null!;
    private TempDir _dir = null!;
    private string Results => _dir.Combine("allure-results");

    [OneTimeSetUp] public void LoadChecklist() => _catalog = ChecklistCatalog.Load(Path.Combine(Repository.ChecklistDir, "checklist-items.tsv"));
    [SetUp] public void SetUp() => _dir = new TempDir("signoff");
    [TearDown] public void TearDown() => _dir.Dispose();

    /// <summary>The sandbox's policy, as sandbox/up writes it into the target file.</summary>
    private static readonly SignOffPolicy Sandbox = new()
    {
        ChangeTicket = "CHG-SANDBOX-1", RequiredApproverRoles = ["service-owner", "security"],
        LineMaxValidityDays = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase) { ["PREVAL-MV-4"] = 7 },
    };

    /// <summary>One result per scenario of features/*.feature (its tags: checklist ids and severity), passed except what the sandbox skips.</summary>
    private void SandboxRun(Func<string, string?>? statusOf = null)
    {
        foreach (var file in Directory.GetFiles(Path.Combine(Repository.Root, "features"), "*.feature"))
        {
            var n = 0;
            foreach (var line in File.ReadLines(file).Where(l => l.TrimStart().StartsWith('@') && l.Contains("@checklist:")))
            {
                var ids = ChecklistCatalog.IdsFromTags(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();
                var severity = SeverityPattern().Match(line) is { Success: true } m ? m.Groups[1].Value : "normal";
                var status = statusOf?.Invoke(ids[0]) ?? (ids.Any(SkippedOnTheSandbox.Contains) ? "skipped" : "passed");
                var path = ResultFiles.Write(Results, $"{Path.GetFileNameWithoutExtension(file)} #{++n}", status,
                    message: status == "passed" ? null : $"{status} on the sandbox", checklistIds: ids);
                var text = File.ReadAllText(path).Replace("\"labels\":[", $"\"labels\":[{{\"name\":\"severity\",\"value\":\"{severity}\"}},");
                File.WriteAllText(path, text);
            }
        }
    }

    [GeneratedRegex(@"@(blocker|critical|normal|minor|trivial)\b")]
    private static partial Regex SeverityPattern();

    /// <summary>A copy of an example file with its dates moved to today (each statement keeps its validity), optionally edited.</summary>
    private string Example(string name, Func<string, string>? edit = null)
    {
        var text = File.ReadAllText(Path.Combine(Repository.Root, "docs", "examples", name));
        var dates = DatePattern().Matches(text).Select(m => DateOnly.ParseExact(m.Groups[2].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture)).ToList();
        var from = dates.Where((_, i) => i % 2 == 0).Max();
        var shift = Today.AddDays(-1).DayNumber - from.DayNumber;
        text = DatePattern().Replace(text, m => $"{m.Groups[1].Value}{DateOnly.ParseExact(m.Groups[2].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(shift):yyyy-MM-dd}");
        Directory.CreateDirectory(_dir.Combine("examples", "evidence"));
        foreach (var e in Directory.GetFiles(Path.Combine(Repository.Root, "docs", "examples", "evidence")))
            File.Copy(e, _dir.Combine("examples", "evidence", Path.GetFileName(e)), overwrite: true);
        return _dir.File(Path.Combine("examples", name), edit is null ? text : edit(text));
    }

    [GeneratedRegex(@"(\b(?:date|expires): )(\d{4}-\d{2}-\d{2})")]
    private static partial Regex DatePattern();

    private ChecklistReport Build(string attestations, string? waivers = null, SignOffPolicy? policy = null)
    {
        policy ??= Sandbox;
        var set = AttestationSet.Load(attestations, _catalog, Today, policy);
        return ChecklistReport.Build(Results, _catalog, new SignOffInputs
        {
            Attestations = set,
            Waivers = waivers is null ? WaiverSet.Empty : WaiverSet.Load(waivers, _catalog, Today, policy, set.DeployedBy),
            Policy = policy,
            Compliance = ComplianceMapping.Load(Path.Combine(Repository.ChecklistDir, "compliance-mapping.tsv"), _catalog),
        });
    }

    [Test]
    public void The_example_files_are_valid_and_cover_every_line_no_scenario_verifies_on_the_sandbox()
    {
        var attestations = AttestationSet.Load(Example("attestations.yaml"), _catalog, Today, Sandbox);
        attestations.Rejected.Should().BeEmpty();
        WaiverSet.Load(Example("waivers.yaml"), _catalog, Today, Sandbox).Rejected.Should().BeEmpty();

        var scenarioLines = Directory.GetFiles(Path.Combine(Repository.Root, "features"), "*.feature")
            .SelectMany(f => ChecklistCatalog.IdsFromTags(File.ReadAllText(f).Split(' ', '\n', '\t'))).ToHashSet();
        var needed = _catalog.Items.Select(i => i.Id).Where(id => !scenarioLines.Contains(id) || SkippedOnTheSandbox.Contains(id) || ManualHalves.NeedsAttestation(id));
        needed.Where(id => attestations.For(id) is null).Should().BeEmpty("the example attests every line no scenario verifies on the sandbox");
        attestations.AllFor("GOV-CM-2").Select(a => a.ApproverRole).Should().BeEquivalentTo(["service-owner", "security"]);
        attestations.Valid.Where(a => a.EvidenceSha256 is not null).Should().NotBeEmpty("one example keeps its evidence as a file with its digest");
    }

    [Test]
    public void A_sandbox_run_with_the_example_files_ends_Success()
    {
        SandboxRun();

        var r = Build(Example("attestations.yaml"), Example("waivers.yaml"));

        r.Lines.Where(l => l.Status is not (LineStatus.Verified or LineStatus.Attested)).Select(l => $"{l.Item.Id}: {l.Reason}").Should().BeEmpty();
        r.SignOffStatus.Should().Be("Success");
        r.ExitCode(strict: true).Should().Be(0);
        r.Lines.Single(l => l.Item.Id == "PREVAL-MV-2").Reason.Should().Contain("scenario(s) of PREVAL-MV-2, ROLLBACK-1 passed in this run");
        r.Lines.Single(l => l.Item.Id == "GOV-CM-1").Reason.Should().Contain("change ticket CHG-SANDBOX-1");
        var md = r.RenderMarkdown("## Deployment Sign-off\n**Status**: x\n", new SignOff(DateTime.UtcNow, "dana", "local-sandbox (sandbox)", "run-1"));
        md.Should().Contain("**Status**: Success").And.Contain("**Change**: CHG-SANDBOX-1").And.Contain("**Sign-off rule**: Success only when")
            .And.Contain("| SOC 2 | CC8.1 | Change management").And.Contain("| ISO 27001 | A.8.32 | Change management | attested |");
    }

    [Test]
    public void An_expired_attestation_does_not_count_and_the_run_is_not_Success()
    {
        SandboxRun();
        var file = Example("attestations.yaml", t => ExpiresOf(t, "DOCS-TT-1", Today.AddDays(-1)));

        var r = Build(file);

        var line = r.Lines.Single(l => l.Item.Id == "DOCS-TT-1");
        line.Status.Should().Be(LineStatus.NotVerified);
        line.Reason.Should().Contain("attestation rejected: ").And.Contain($"field expires: expired on {Today.AddDays(-1):yyyy-MM-dd}");
        r.SignOffStatus.Should().Be("Partial");
    }

    [Test]
    public void An_attestation_approved_by_the_deployer_does_not_count_and_the_run_is_not_Success()
    {
        SandboxRun();
        var file = Example("attestations.yaml", t => t.Replace("  - id: DOCS-TT-2\n    attested_by: erin\n    approver: frank", "  - id: DOCS-TT-2\n    attested_by: erin\n    approver: dana"));

        var set = AttestationSet.Load(file, _catalog, Today, Sandbox);
        set.Problems.Should().ContainSingle().Which.Reason.Should().Contain("field approver: the approver must not be the deployer (dana)");
        var r = Build(file);

        r.Lines.Single(l => l.Item.Id == "DOCS-TT-2").Status.Should().Be(LineStatus.NotVerified);
        r.SignOffStatus.Should().Be("Partial");
    }

    [Test]
    public void A_waived_critical_failure_is_reported_waived_with_its_real_outcome_and_the_run_is_not_Success()
    {
        SandboxRun(id => id == "SEC-AC-1" ? "failed" : null);
        var waivers = _dir.File("waivers.yaml",
            $"deployed_by: dana\nwaivers:\n  - {{ id: SEC-AC-1, justification: 'ACL bootstrap pending', requested_by: erin, approver: frank, " +
            $"date: {Today.AddDays(-1):yyyy-MM-dd}, expires: {Today.AddDays(10):yyyy-MM-dd}, risk: high, ticket: RISK-1 }}\n");

        var r = Build(Example("attestations.yaml"), waivers);

        var line = r.Lines.Single(l => l.Item.Id == "SEC-AC-1");
        line.Status.Should().Be(LineStatus.Waived, "a waived failure is never passed");
        line.IsCritical.Should().BeTrue();
        line.Reason.Should().Contain("waived until").And.Contain("real outcome: failed: ").And.Contain("failed on the sandbox");
        r.SignOffStatus.Should().Be("Partial", "nothing may be waived on a critical line for Success");
        r.ExitCode(strict: false).Should().Be(0, "the failure is waived");
        r.RenderMarkdown("", new SignOff(DateTime.UtcNow, "dana", "x", "r")).Should().Contain("**waived** `SEC-AC-1`");
    }

    [Test]
    public void A_waived_non_critical_failure_still_allows_Success_and_an_expired_waiver_is_ignored_saying_so()
    {
        SandboxRun(id => id == "MON-AC-4" ? "failed" : null);
        var r = Build(Example("attestations.yaml"), Example("waivers.yaml"));
        r.Lines.Single(l => l.Item.Id == "MON-AC-4").Status.Should().Be(LineStatus.Waived);
        r.SignOffStatus.Should().Be("Success");

        var expired = Example("waivers.yaml", t => ExpiresOf(t, "MON-AC-4", Today.AddDays(-1)));
        r = Build(Example("attestations.yaml"), expired);
        var line = r.Lines.Single(l => l.Item.Id == "MON-AC-4");
        line.Status.Should().Be(LineStatus.Failed);
        line.Reason.Should().Contain($"waiver ignored: it expired on {Today.AddDays(-1):yyyy-MM-dd}");
        r.SignOffStatus.Should().Be("Partial", "MON-AC-4 is a normal line: its failure alone does not make the run Failed");
        r.ExitCode(false).Should().Be(1);
    }

    [Test]
    public void A_stale_coverage_file_fails_PREVAL_AT_3_and_a_critical_failure_makes_the_run_Failed()
    {
        SandboxRun(id => id == "PREVAL-AT-3" ? "failed" : null);
        var r = Build(Example("attestations.yaml"), Example("waivers.yaml"));
        r.Lines.Single(l => l.Item.Id == "PREVAL-AT-3").Status.Should().Be(LineStatus.Failed);
        r.SignOffStatus.Should().Be("Failed");
    }

    [Test]
    public void GOV_CM_2_needs_an_approval_in_every_role_the_target_requires()
    {
        SandboxRun();
        var file = Example("attestations.yaml", t => t.Replace("    approver: grace\n    approver_role: security", "    approver: grace\n    approver_role: finance"));

        var line = Build(file).Lines.Single(l => l.Item.Id == "GOV-CM-2");

        line.Status.Should().Be(LineStatus.NotVerified);
        line.Reason.Should().Contain("no valid GOV-CM-2 attestation approved in the role(s) security");
    }

    [Test]
    public void Attestations_enforce_validity_caps_risk_and_the_recorded_evidence_digest()
    {
        var evidence = _dir.File("minutes.md", "approved\n");
        var file = _dir.File("att.yaml", "deployed_by: dana\nattestations:\n" +
            SignOffEvidence.Entry("PREVAL-MV-4", Today).Replace($"expires: {Today.AddDays(30):yyyy-MM-dd}", $"expires: {Today.AddDays(20):yyyy-MM-dd}") +
            SignOffEvidence.Entry("PREVAL-MV-3", Today).Replace("risk: low", "risk: tiny") +
            SignOffEvidence.Entry("PREVAL-MV-1", Today).Replace("'https://tickets.example/CHG-1'", "{ file: minutes.md, sha256: 0000000000000000000000000000000000000000000000000000000000000000 }") +
            SignOffEvidence.Entry("PREVAL-MV-2", Today).Replace("'https://tickets.example/CHG-1'", "{ file: minutes.md, sha256: " +
                Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(evidence))) + " }"));

        var set = AttestationSet.Load(file, _catalog, Today, Sandbox);

        set.Rejected.Select(r => (r.Id, r.IsInputError)).Should().BeEquivalentTo(new[] { ("PREVAL-MV-4", true), ("PREVAL-MV-3", true), ("PREVAL-MV-1", true) });
        set.Rejected[0].Reason.Should().Contain("21 days after the date; the policy allows at most 7");
        set.Rejected[1].Reason.Should().Contain("field risk: 'tiny' is not low, medium or high");
        set.Rejected[2].Reason.Should().Contain("field evidence.sha256: ").And.Contain("the evidence changed after it was signed");
        set.Valid.Should().ContainSingle().Which.ToString().Should().Contain($"evidence: {evidence} (sha256 ");
    }

    [Test]
    public void A_line_verified_against_a_tailored_threshold_says_so()
    {
        ResultFiles.Write(Results, "node sizes", "passed", checklistIds: "INFRA-HR-2");
        var r = ChecklistReport.Build(Results, _catalog, new SignOffInputs
        {
            Tailoring = new Dictionary<string, string> { ["INFRA-HR-2"] = "2 cores, checklist 16 (expect.node_minimums.cpu_cores: a 2-core machine; approved by lead)" },
        });

        var line = r.Lines.Single(l => l.Item.Id == "INFRA-HR-2");
        line.Status.Should().Be(LineStatus.Verified);
        r.RenderMarkdown("### Hardware Resources\n", new SignOff(DateTime.UtcNow, "dana", "x", "r"))
            .Should().Contain("**verified (tailored: 2 cores, checklist 16 (expect.node_minimums.cpu_cores: a 2-core machine; approved by lead))** `INFRA-HR-2`");
    }

    private static string ExpiresOf(string yaml, string id, DateOnly expires) =>
        Regex.Replace(yaml, $@"(- id: {id}\b[^\n]*\n(?:    .*\n)*?    expires: )\d{{4}}-\d{{2}}-\d{{2}}", m => $"{m.Groups[1].Value}{expires:yyyy-MM-dd}");
}

using Acceptance.Reporting.Checklist;

namespace Acceptance.Reporting.Tests.Checklist;

/// <summary>Signed statements for tests: one valid attestation per line, the change ticket and the project's compliance mapping.</summary>
internal static class SignOffEvidence
{
    /// <summary>A valid attestation entry (bob did it, carol approved it, alice deployed) dated the day before <paramref name="today"/>.</summary>
    public static string Entry(string id, DateOnly today, string extra = "") =>
        $"  - {{ id: {id}, attested_by: bob, approver: carol, date: {today.AddDays(-1):yyyy-MM-dd}, expires: {today.AddDays(30):yyyy-MM-dd}, " +
        $"risk: low, ticket: CHG-1, evidence: 'https://tickets.example/CHG-1'{extra} }}\n";

    /// <summary>Attestations of every line with a signed half, a change ticket and the compliance mapping: with every scenario passed, Success.</summary>
    public static SignOffInputs Complete(TempDir dir, ChecklistCatalog catalog, DateOnly today, params string[] moreLines)
    {
        var ids = catalog.Items.Select(i => i.Id).Where(ManualHalves.NeedsAttestation).Concat(moreLines).Distinct();
        var file = dir.File("complete-attestations.yaml", "deployed_by: alice\nattestations:\n" + string.Concat(ids.Select(id => Entry(id, today))));
        var policy = new SignOffPolicy { ChangeTicket = "CHG-1" };
        return new SignOffInputs
        {
            Attestations = AttestationSet.Load(file, catalog, today, policy),
            Policy = policy,
            Compliance = ComplianceMapping.Load(Path.Combine(Repository.ChecklistDir, "compliance-mapping.tsv"), catalog),
        };
    }
}

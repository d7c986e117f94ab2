using Acceptance.Reporting.Allure;

namespace Acceptance.Reporting.Checklist;

/// <summary>
/// Lines with an automatable half and a signed half: both must hold for the line to count. The automated half is a
/// scenario of the line (or of the line it borrows from: the rollback drills for the rollback plan, the runbook probe
/// for the operational runbooks) or something the run itself carries (the change ticket, the compliance mapping); the
/// signed half is a valid attestation (for GOV-CM-2, one per role the target requires).
/// </summary>
public static class ManualHalves
{
    private static readonly Dictionary<string, string[]> Borrowed = new(StringComparer.OrdinalIgnoreCase)
    {
        // Rollback plan prepared and tested: the rollback drills of this run (Nomad job and docker-compose).
        ["PREVAL-MV-2"] = ["ROLLBACK-1"],
        // Operational runbooks: every runbook the target lists exists (its own scenario) and every critical alert's
        // runbook resolves (the MON-AC-3 probe).
        ["NEXT-DOCS-1"] = ["MON-AC-3"],
    };

    private static readonly HashSet<string> Composite = new(StringComparer.OrdinalIgnoreCase)
    {
        "MON-AC-3", "NEXT-DOCS-1", "PREVAL-MV-2", "GOV-CM-1", "GOV-CM-2", "GOV-SC-2",
        "DOCS-DU-1", "DOCS-DU-2", "DOCS-DU-3", "DOCS-DU-4",
        // Root CA secured and backed up: the CA private key is on no service node (its scenario, over SSH), and the
        // CA's offline backup is attested (nothing on the network can show a backup in a safe).
        "SEC-TSC-4",
    };

    /// <summary>Lines decided after every other line (their automated half is the status of other lines).</summary>
    public static readonly IReadOnlySet<string> DecidedLast = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "GOV-SC-2" };

    /// <summary>Lines whose scenarios alone do not make them count: an attestation is needed as well.</summary>
    public static bool NeedsAttestation(string id) => Composite.Contains(id);

    /// <summary>Lines whose automated half is another line's scenarios.</summary>
    public static IEnumerable<string> BorrowedFrom(string id) => Borrowed.GetValueOrDefault(id) ?? [];

    /// <summary>Whether the automated half holds, and what it is.</summary>
    public static (bool Ok, string Text) AutomatedHalf(string id, IReadOnlyList<ScenarioOutcome> passed, IReadOnlyList<ScenarioOutcome> skipped,
        SignOffInputs inputs, IReadOnlyList<LineVerdict> decided)
    {
        switch (id.ToUpperInvariant())
        {
            case "GOV-CM-1":
                return inputs.Policy.ChangeTicket is { } ticket
                    ? (true, $"the run carries change ticket {ticket} (printed in every report)")
                    : (false, "the run carries no change ticket (--change CHG-123 or the target's change.ticket)");
            case "GOV-CM-2":
                return (true, inputs.Policy.RequiredApproverRoles.Count == 0
                    ? "the target requires no approver roles (change.required_approver_roles)"
                    : $"the target requires approvals from: {string.Join(", ", inputs.Policy.RequiredApproverRoles)}");
            case "GOV-SC-2":
                if (inputs.Compliance is not { } mapping) return (false, "no compliance mapping (checklist/compliance-mapping.tsv or --compliance FILE)");
                var open = mapping.Controls.SelectMany(c => c.Lines.Select(l => (c, l)))
                    .Where(x => !x.l.Equals("GOV-SC-2", StringComparison.OrdinalIgnoreCase))
                    .Where(x => decided.FirstOrDefault(d => d.Item.Id.Equals(x.l, StringComparison.OrdinalIgnoreCase)) is not { Status: LineStatus.Verified or LineStatus.Attested })
                    .Select(x => $"{x.c.Standard} {x.c.Control}: {x.l}").Distinct().ToList();
                return open.Count == 0
                    ? (true, $"every line behind the {mapping.Controls.Count} mapped control(s) is verified or attested")
                    : (false, $"{open.Count} mapped line(s) not verified or attested: {string.Join(", ", open.Take(8))}{(open.Count > 8 ? ", ..." : "")}");
        }
        var lines = string.Join(", ", new[] { id }.Concat(BorrowedFrom(id)));
        if (passed.Count > 0 && skipped.Count == 0) return (true, $"{passed.Count} scenario(s) of {lines} passed in this run");
        if (skipped.Count > 0) return (false, $"{skipped[0].Name}: {skipped[0].Message?.Split('\n')[0] ?? skipped[0].Status}");
        return (false, $"no scenario of {lines} ran in this run");
    }

    /// <summary>Whether the signed half holds, what it is, and the attestation shown for it.</summary>
    public static (bool Ok, string Text, Attestation? Attestation) SignedHalf(string id, SignOffInputs inputs)
    {
        var all = inputs.Attestations.AllFor(id).ToList();
        if (id.Equals("GOV-CM-2", StringComparison.OrdinalIgnoreCase) && inputs.Policy.RequiredApproverRoles.Count > 0)
        {
            var missing = inputs.Policy.RequiredApproverRoles
                .Where(role => !all.Any(a => SignedEntry.Same(a.ApproverRole, role))).ToList();
            return missing.Count == 0
                ? (true, string.Join("; ", all.Select(a => a.ToString())), all[0])
                : (false, $"no valid GOV-CM-2 attestation approved in the role(s) {string.Join(", ", missing)}", null);
        }
        return all.Count > 0 ? (true, all[0].ToString(), all[0]) : (false, "no valid attestation", null);
    }
}

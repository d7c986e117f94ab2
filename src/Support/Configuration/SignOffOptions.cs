using System.Globalization;

namespace Acceptance.Support.Configuration;

/// <summary>change: the change this deployment belongs to (GOV-CM-*).</summary>
public sealed record ChangeOptions
{
    /// <summary>The change ticket (--change overrides it).</summary>
    [Option("ticket", "the change ticket this deployment belongs to (CHG-123); printed in every report; `run-tests.sh --change` overrides it")]
    public string? Ticket { get; init; }

    /// <summary>Who deploys this change (the sign-off block's "Deployed By" when the attestations file names no deployed_by).</summary>
    [Option("deployed_by", "who deploys this change: \"Deployed By\" of the sign-off block when the attestations file names no deployed_by (else the run's --operator, or the login, said as such)")]
    public string? DeployedBy { get; init; }

    /// <summary>When the change window opened.</summary>
    [Option("window_start", "when the change window opened (ISO 8601, e.g. 2026-11-28T08:00:00Z): imported CI results older than this FAIL")]
    public string? WindowStart { get; init; }

    /// <summary>Roles that must approve the change.</summary>
    [Option("required_approver_roles", "roles whose approval the change needs (GOV-CM-2): each must be the approver_role of a valid GOV-CM-2 attestation")]
    public IReadOnlyList<string> RequiredApproverRoles { get; init; } = [];

    /// <summary>window_start parsed (null when absent or not a date-time).</summary>
    public DateTimeOffset? WindowStartTime =>
        WindowStart is { } s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
}

/// <summary>attestations: the policy attestations and waivers are judged by.</summary>
public sealed record AttestationPolicyOptions
{
    /// <summary>Longest validity of an attestation or waiver.</summary>
    [Option("max_validity_days", "longest validity (expires - date) of an attestation or waiver, in days", Min = 1, Max = 3660)]
    public int MaxValidityDays { get; init; } = 90;

    /// <summary>Per-line caps, "ID=DAYS".</summary>
    [Option("line_max_validity_days", "per-line caps as \"ID=DAYS\" (e.g. \"PREVAL-MV-4=7\": an on-call notice is good for a week)")]
    public IReadOnlyList<string> LineMaxValidityDays { get; init; } = [];

    /// <summary>The per-line caps parsed; malformed entries are left out (the loader reports them).</summary>
    public IReadOnlyDictionary<string, int> LineCaps() =>
        LineMaxValidityDays.Select(e => e.Split('=', 2)).Where(p => p.Length == 2 && int.TryParse(p[1].Trim(), out var d) && d >= 1)
            .ToDictionary(p => p[0].Trim(), p => int.Parse(p[1].Trim(), CultureInfo.InvariantCulture), StringComparer.OrdinalIgnoreCase);
}

/// <summary>A declared deviation from a checklist number: why, and who approved it.</summary>
public sealed record Tailoring(string Path, string Reason, string Approver, int Line);

/// <summary>A threshold whose value differs from the checklist's own number.</summary>
/// <param name="Path">Key path (expect.node_minimums.cpu_cores).</param>
/// <param name="Value">The target's value.</param>
/// <param name="Checklist">The checklist's number.</param>
/// <param name="Unit">What the number counts ("cores").</param>
/// <param name="Lines">The checklist lines verified against it.</param>
public sealed record ChecklistDeviation(string Path, double Value, double Checklist, string Unit, IReadOnlyList<string> Lines)
{
    /// <summary>The target asks less than the checklist (every checklist number is a minimum): a tailoring that must be declared.</summary>
    public bool IsRelaxed => Value < Checklist;

    /// <summary>"2 cores, checklist 16 (expect.node_minimums.cpu_cores)".</summary>
    public string Describe(Tailoring? tailoring) =>
        $"{Num(Value)} {Unit}, checklist {Num(Checklist)} ({Path}{(tailoring is null ? "" : $": {tailoring.Reason}; approved by {tailoring.Approver}")})";

    private static string Num(double d) => d.ToString("0.###", CultureInfo.InvariantCulture);
}

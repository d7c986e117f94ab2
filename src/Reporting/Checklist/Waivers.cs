using YamlDotNet.RepresentationModel;

namespace Acceptance.Reporting.Checklist;

/// <summary>
/// An accepted, time-limited exception for an automated check: its scenarios still run and their real outcome is
/// shown, but a failure of the line is reported <b>waived</b> instead of failed (never passed).
/// </summary>
public sealed record Waiver(string Id, string Justification, string RequestedBy, string Approver, DateOnly Date, DateOnly Expires,
    string Risk, string Ticket, string Source)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"waived until {Expires:yyyy-MM-dd}: {Justification} (requested by {RequestedBy}, approved by {Approver} on {Date:yyyy-MM-dd}; risk {Risk}; ticket {Ticket})";
}

/// <summary>
/// The waivers file (same validation as attestations: justification, requester, approver distinct from the requester
/// and the deployer, ticket, risk, dates capped by the policy). An expired waiver is ignored, and the report says so.
/// <code>
/// deployed_by: alice
/// waivers:
///   - id: APP-DI-1
///     justification: the registry's scanner is replaced this quarter; scan reports come from the old one
///     requested_by: bob
///     approver: carol
///     date: 2026-11-20
///     expires: 2026-12-20
///     risk: medium
///     ticket: RISK-77
/// </code>
/// </summary>
public sealed class WaiverSet
{
    /// <summary>No waivers.</summary>
    public static readonly WaiverSet Empty = new([], [], []);

    /// <summary>Fields every waiver must have.</summary>
    public static readonly IReadOnlyList<string> RequiredFields = ["id", "justification", "requested_by", "approver", "date", "expires", "risk", "ticket"];

    private WaiverSet(IReadOnlyList<Waiver> valid, IReadOnlyList<Waiver> expired, IReadOnlyList<RejectedAttestation> rejected)
    {
        Valid = valid;
        Expired = expired;
        Rejected = rejected;
    }

    /// <summary>Waivers in force.</summary>
    public IReadOnlyList<Waiver> Valid { get; }

    /// <summary>Waivers past their expiry: ignored, and the line says so.</summary>
    public IReadOnlyList<Waiver> Expired { get; }

    /// <summary>Waivers that are wrong, with every reason.</summary>
    public IReadOnlyList<RejectedAttestation> Rejected { get; }

    /// <summary>The waiver in force for a line, or null.</summary>
    public Waiver? For(string id) => Valid.FirstOrDefault(w => w.Id.Equals(id, StringComparison.OrdinalIgnoreCase));

    /// <summary>An expired waiver of a line, or null.</summary>
    public Waiver? ExpiredFor(string id) => Expired.FirstOrDefault(w => w.Id.Equals(id, StringComparison.OrdinalIgnoreCase));

    /// <summary>Reads the file; throws <see cref="InvalidDataException"/> when it is not YAML or not shaped as above.</summary>
    public static WaiverSet Load(string path, ChecklistCatalog catalog, DateOnly today, SignOffPolicy policy, string? deployedBy = null)
    {
        var (root, list) = SignedEntry.ReadFile(path, "waivers", "waivers");
        deployedBy ??= SignedEntry.RootScalar(root, "deployed_by");
        var valid = new List<Waiver>();
        var expired = new List<Waiver>();
        var rejected = new List<RejectedAttestation>();
        foreach (var m in list.Children.Cast<YamlMappingNode>())
        {
            var e = SignedEntry.Checked(path, m, RequiredFields, catalog, today, policy, "requested_by", "requester", deployedBy);
            var (id, date, expires) = (e.Id, e.Dated, e.Expires);
            if (e.Problems.Count > 0) { rejected.Add(new(id, e.Reason)); continue; }
            var waiver = new Waiver(id, e.Scalar("justification")!, e.Scalar("requested_by")!, e.Scalar("approver")!, date!.Value, expires!.Value,
                e.Scalar("risk")!.ToLowerInvariant(), e.Scalar("ticket")!, e.Where);
            (expires < today ? expired : valid).Add(waiver);
        }
        return new WaiverSet(valid, expired, rejected);
    }
}

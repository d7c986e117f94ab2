using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Acceptance.Reporting.Checklist;

/// <summary>A signed statement that a manual checklist line was done.</summary>
public sealed record Attestation(string Id, string AttestedBy, string Approver, DateOnly Date, DateOnly Expires,
    string Evidence, string? Note)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"attested by {AttestedBy}, approved by {Approver} on {Date:yyyy-MM-dd} (expires {Expires:yyyy-MM-dd}); evidence: {Evidence}";
}

/// <summary>An attestation that does not count, and why.</summary>
public sealed record RejectedAttestation(string Id, string Reason);

/// <summary>
/// The attestations file: who did which manual line, who approved it, when, the evidence link and
/// an expiry. An attestation counts only when it is complete, not expired, and approved by someone
/// other than the deployer and the attester.
/// <code>
/// deployed_by: alice
/// attestations:
///   - id: PREVAL-MV-1
///     attested_by: bob
///     approver: carol
///     date: 2026-11-20
///     expires: 2027-02-20
///     evidence: https://tickets.example/CHG-1234
/// </code>
/// </summary>
public sealed class AttestationSet
{
    /// <summary>No attestations.</summary>
    public static readonly AttestationSet Empty = new(null, [], []);

    private AttestationSet(string? deployedBy, IReadOnlyList<Attestation> valid, IReadOnlyList<RejectedAttestation> rejected)
    {
        DeployedBy = deployedBy;
        Valid = valid;
        Rejected = rejected;
    }

    /// <summary>Who deployed (for the sign-off block and the approver rule).</summary>
    public string? DeployedBy { get; }

    /// <summary>Attestations that count.</summary>
    public IReadOnlyList<Attestation> Valid { get; }

    /// <summary>Attestations that do not count, with the reason.</summary>
    public IReadOnlyList<RejectedAttestation> Rejected { get; }

    /// <summary>The valid attestation of a line, or null.</summary>
    public Attestation? For(string id) => Valid.FirstOrDefault(a => a.Id.Equals(id, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Reads the file. A file that is not YAML or not shaped as above throws
    /// <see cref="InvalidDataException"/> naming the file, line and field; single attestations that
    /// are incomplete, expired or self-approved are kept in <see cref="Rejected"/> with the reason.
    /// </summary>
    public static AttestationSet Load(string path, ChecklistCatalog catalog, DateOnly today)
    {
        if (!File.Exists(path)) throw new InvalidDataException($"{path}: the attestations file does not exist");
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            using var reader = new StreamReader(path);
            stream.Load(reader);
            root = stream.Documents.FirstOrDefault()?.RootNode as YamlMappingNode
                   ?? throw new InvalidDataException($"{path}: must be a mapping with deployed_by and attestations");
        }
        catch (YamlException e)
        {
            throw new InvalidDataException($"{path}:{e.Start.Line}:{e.Start.Column}: not valid YAML: {e.InnerException?.Message ?? e.Message}");
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or InvalidCastException)
        {
            throw new InvalidDataException($"{path}: not valid YAML: {e.Message}");
        }

        var deployedBy = Scalar(root, "deployed_by");
        if (!root.Children.TryGetValue(new YamlScalarNode("attestations"), out var listNode) || listNode is not YamlSequenceNode list)
            throw new InvalidDataException($"{path}: field attestations: missing or not a list");

        var valid = new List<Attestation>();
        var rejected = new List<RejectedAttestation>();
        foreach (var node in list.Children)
        {
            if (node is not YamlMappingNode m)
                throw new InvalidDataException($"{path}:{node.Start.Line}: field attestations[]: each entry must be a mapping");
            var id = Scalar(m, "id") ?? $"(line {m.Start.Line})";
            var where = $"{path}:{m.Start.Line}";
            var missing = new[] { "id", "attested_by", "approver", "date", "expires", "evidence" }.Where(f => string.IsNullOrWhiteSpace(Scalar(m, f))).ToList();
            if (missing.Count > 0) { rejected.Add(new(id, $"{where}: missing {string.Join(", ", missing)}")); continue; }
            if (catalog.Find(id) is null) { rejected.Add(new(id, $"{where}: field id: {id} is not a checklist line")); continue; }
            if (!TryDate(Scalar(m, "date")!, out var date)) { rejected.Add(new(id, $"{where}: field date: not a date (yyyy-MM-dd)")); continue; }
            if (!TryDate(Scalar(m, "expires")!, out var expires)) { rejected.Add(new(id, $"{where}: field expires: not a date (yyyy-MM-dd)")); continue; }
            var attestation = new Attestation(id, Scalar(m, "attested_by")!, Scalar(m, "approver")!, date, expires, Scalar(m, "evidence")!, Scalar(m, "note"));
            if (expires < today) rejected.Add(new(id, $"{where}: field expires: expired on {expires:yyyy-MM-dd}"));
            else if (date > today) rejected.Add(new(id, $"{where}: field date: {date:yyyy-MM-dd} is in the future"));
            else if (Same(attestation.Approver, deployedBy)) rejected.Add(new(id, $"{where}: field approver: the approver must not be the deployer ({deployedBy})"));
            else if (Same(attestation.Approver, attestation.AttestedBy)) rejected.Add(new(id, $"{where}: field approver: the approver must not be the attester"));
            else if (!Uri.TryCreate(attestation.Evidence, UriKind.Absolute, out var link) || link.Scheme is not ("http" or "https"))
                rejected.Add(new(id, $"{where}: field evidence: not an http(s) link"));
            else valid.Add(attestation);
        }
        return new AttestationSet(deployedBy, valid, rejected);
    }

    private static bool Same(string a, string? b) => b is not null && a.Trim().Equals(b.Trim(), StringComparison.OrdinalIgnoreCase);

    private static bool TryDate(string s, out DateOnly d) =>
        DateOnly.TryParseExact(s.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out d);

    private static string? Scalar(YamlMappingNode m, string key) =>
        m.Children.TryGetValue(new YamlScalarNode(key), out var v) && v is YamlScalarNode s ? s.Value : null;
}

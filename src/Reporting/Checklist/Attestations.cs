using System.Globalization;
using System.Security.Cryptography;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Acceptance.Reporting.Checklist;

/// <summary>The evidence behind a signed statement: a link an auditor can follow, or a file with its recorded SHA-256.</summary>
public sealed record Evidence(string Location, string? Sha256)
{
    /// <inheritdoc />
    public override string ToString() => Sha256 is null ? Location : $"{Location} (sha256 {Sha256})";
}

/// <summary>A signed statement that a manual checklist line was done.</summary>
public sealed record Attestation(string Id, string AttestedBy, string Approver, DateOnly Date, DateOnly Expires,
    string Evidence, string? Note)
{
    /// <summary>low, medium or high.</summary>
    public string Risk { get; init; } = "";

    /// <summary>The change or risk ticket the statement belongs to.</summary>
    public string Ticket { get; init; } = "";

    /// <summary>The role the approver signs in (service-owner, security, ...), for the change's required approvals (GOV-CM-2).</summary>
    public string? ApproverRole { get; init; }

    /// <summary>SHA-256 of the evidence file (null for a link).</summary>
    public string? EvidenceSha256 { get; init; }

    /// <summary>Where it is written (file:line).</summary>
    public string Source { get; init; } = "";

    /// <inheritdoc />
    public override string ToString() =>
        $"attested by {AttestedBy}, approved by {Approver}{(ApproverRole is null ? "" : $" ({ApproverRole})")} on {Date:yyyy-MM-dd} " +
        $"(expires {Expires:yyyy-MM-dd}; risk {Risk}; ticket {Ticket}); evidence: {new Evidence(Evidence, EvidenceSha256)}";
}

/// <summary>An attestation (or waiver) that does not count, and why.</summary>
/// <param name="Id">The checklist line.</param>
/// <param name="Reason">file:line and every field that is wrong.</param>
/// <param name="IsInputError">True when the file itself is wrong (a field missing or malformed, self-approval, an
/// evidence file that changed): the run refuses to start. False for an entry that was right but has expired.</param>
public sealed record RejectedAttestation(string Id, string Reason, bool IsInputError = true);

/// <summary>
/// The policy the signed files are judged by, from the target file: how long a statement may stay valid (per line),
/// which roles must approve the change (GOV-CM-2), the change ticket.
/// </summary>
public sealed record SignOffPolicy
{
    /// <summary>Default policy: statements valid up to 90 days, no required roles.</summary>
    public static readonly SignOffPolicy Default = new();

    /// <summary>Longest validity (expires - date) of an attestation or waiver, in days.</summary>
    public int MaxValidityDays { get; init; } = 90;

    /// <summary>A shorter (or longer) cap for single lines, by checklist id.</summary>
    public IReadOnlyDictionary<string, int> LineMaxValidityDays { get; init; } = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Roles whose approval the change needs (GOV-CM-2): each must be the approver_role of a valid GOV-CM-2 attestation.</summary>
    public IReadOnlyList<string> RequiredApproverRoles { get; init; } = [];

    /// <summary>The change ticket of the run (--change or the target's change.ticket), or null.</summary>
    public string? ChangeTicket { get; init; }

    /// <summary>The cap that applies to a line.</summary>
    public int MaxValidityFor(string id) => LineMaxValidityDays.TryGetValue(id, out var d) ? d : MaxValidityDays;
}

/// <summary>
/// The fields attestations and waivers share, read from one YAML entry with every problem collected (not the first only):
/// who, who approved, when, until when (capped by the policy), risk, ticket, evidence.
/// </summary>
internal sealed class SignedEntry
{
    private readonly YamlMappingNode _m;
    private readonly string _folder;
    public readonly List<string> Problems = [];
    public string Where { get; }

    public SignedEntry(string path, YamlMappingNode m)
    {
        _m = m;
        _folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Where = $"{path}:{m.Start.Line}";
        Id = Scalar("id") ?? $"(line {m.Start.Line})";
    }

    /// <summary>The checklist line the statement is about (or its place in the file, when it names none).</summary>
    public string Id { get; }

    /// <summary>Its date and expiry (null when missing or malformed: then <see cref="Problems"/> says why).</summary>
    public DateOnly? Dated { get; private set; }
    public DateOnly? Expires { get; private set; }

    /// <summary>
    /// An attestation's or a waiver's entry with the checks both share: the required fields, a line the checklist has,
    /// a date not in the future and an expiry within the line's cap, a risk, and four eyes (the approver is neither the
    /// deployer nor <paramref name="signerField"/>'s person).
    /// </summary>
    public static SignedEntry Checked(string path, YamlMappingNode m, IEnumerable<string> required, ChecklistCatalog catalog, DateOnly today,
        SignOffPolicy policy, string signerField, string signerRole, string? deployedBy)
    {
        var e = new SignedEntry(path, m);
        e.RequireAll(required);
        if (e.Scalar("id") is { } given && catalog.Find(given) is null) e.Problems.Add($"field id: {given} is not a checklist line");
        e.Dated = e.Date("date");
        e.Expires = e.Date("expires");
        e.Dates(e.Dated, e.Expires, today, policy.MaxValidityFor(e.Id));
        e.Risk();
        e.FourEyes(e.Scalar("approver"), e.Scalar(signerField), signerRole, deployedBy);
        return e;
    }

    public string? Scalar(string key) =>
        _m.Children.TryGetValue(new YamlScalarNode(key), out var v) && v is YamlScalarNode s && !string.IsNullOrWhiteSpace(s.Value) ? s.Value.Trim() : null;

    public bool Has(string key) => _m.Children.ContainsKey(new YamlScalarNode(key));

    public void RequireAll(IEnumerable<string> fields)
    {
        var missing = fields.Where(f => Scalar(f) is null && !(f == "evidence" && Has(f))).ToList();
        if (missing.Count > 0) Problems.Add($"missing {string.Join(", ", missing)}");
    }

    public DateOnly? Date(string field)
    {
        if (Scalar(field) is not { } s) return null;
        if (DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
        Problems.Add($"field {field}: not a date (yyyy-MM-dd)");
        return null;
    }

    public void Risk()
    {
        if (Scalar("risk") is { } r && r.ToLowerInvariant() is not ("low" or "medium" or "high"))
            Problems.Add($"field risk: '{r}' is not low, medium or high");
    }

    /// <summary>The date rules: not in the future, expiry after the date and within the line's cap.</summary>
    public void Dates(DateOnly? date, DateOnly? expires, DateOnly today, int maxValidityDays)
    {
        if (date is { } d && d > today) Problems.Add($"field date: {d:yyyy-MM-dd} is in the future");
        if (date is { } from && expires is { } until)
        {
            if (until < from) Problems.Add($"field expires: {until:yyyy-MM-dd} is before the date {from:yyyy-MM-dd}");
            else if (until.DayNumber - from.DayNumber > maxValidityDays)
                Problems.Add($"field expires: {until:yyyy-MM-dd} is {until.DayNumber - from.DayNumber} days after the date; the policy allows at most {maxValidityDays} (attestations.max_validity_days)");
        }
    }

    /// <summary>Four eyes: the approver is neither the deployer nor the person who did it.</summary>
    public void FourEyes(string? approver, string? doer, string doerField, string? deployedBy)
    {
        if (approver is null) return;
        if (Same(approver, deployedBy)) Problems.Add($"field approver: the approver must not be the deployer ({deployedBy})");
        else if (Same(approver, doer)) Problems.Add($"field approver: the approver must not be the {doerField}");
    }

    /// <summary>
    /// evidence: an http(s) link, or { file: PATH, sha256: HEX } whose file exists (relative to the attestations file)
    /// and still has the recorded SHA-256.
    /// </summary>
    public Evidence? ReadEvidence()
    {
        if (!_m.Children.TryGetValue(new YamlScalarNode("evidence"), out var node)) return null;
        if (node is YamlScalarNode s && !string.IsNullOrWhiteSpace(s.Value))
        {
            if (Uri.TryCreate(s.Value.Trim(), UriKind.Absolute, out var link) && link.Scheme is "http" or "https") return new Evidence(s.Value.Trim(), null);
            Problems.Add("field evidence: not an http(s) link (or { file: PATH, sha256: HEX })");
            return null;
        }
        if (node is YamlMappingNode m)
        {
            string? Get(string k) => m.Children.TryGetValue(new YamlScalarNode(k), out var v) && v is YamlScalarNode x && !string.IsNullOrWhiteSpace(x.Value) ? x.Value.Trim() : null;
            var file = Get("file");
            var sha = Get("sha256")?.ToLowerInvariant();
            if (file is null || sha is null) { Problems.Add("field evidence: a file is given as { file: PATH, sha256: HEX } (both)"); return null; }
            var full = Path.GetFullPath(Path.IsPathRooted(file) ? file : Path.Combine(_folder, file));
            if (!File.Exists(full)) { Problems.Add($"field evidence.file: {full} does not exist"); return null; }
            string actual;
            using (var stream = File.OpenRead(full)) actual = Convert.ToHexStringLower(SHA256.HashData(stream));
            if (actual != sha) { Problems.Add($"field evidence.sha256: {full} has SHA-256 {actual}, not the recorded {sha} (the evidence changed after it was signed)"); return null; }
            return new Evidence(full, sha);
        }
        Problems.Add("field evidence: not an http(s) link (or { file: PATH, sha256: HEX })");
        return null;
    }

    public static bool Same(string? a, string? b) => a is not null && b is not null && a.Trim().Equals(b.Trim(), StringComparison.OrdinalIgnoreCase);

    public string Reason => $"{Where}: {string.Join("; ", Problems)}";

    /// <summary>Reads a signed file's root mapping and its list; throws <see cref="InvalidDataException"/> naming the file and line.</summary>
    public static (YamlMappingNode Root, YamlSequenceNode List) ReadFile(string path, string listKey, string what)
    {
        if (!File.Exists(path)) throw new InvalidDataException($"{path}: the {what} file does not exist");
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            using var reader = new StreamReader(path);
            stream.Load(reader);
            root = stream.Documents.FirstOrDefault()?.RootNode as YamlMappingNode
                   ?? throw new InvalidDataException($"{path}: must be a mapping with deployed_by and {listKey}");
        }
        catch (YamlException e)
        {
            throw new InvalidDataException($"{path}:{e.Start.Line}:{e.Start.Column}: not valid YAML: {e.InnerException?.Message ?? e.Message}");
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or InvalidCastException)
        {
            throw new InvalidDataException($"{path}: not valid YAML: {e.Message}");
        }
        if (!root.Children.TryGetValue(new YamlScalarNode(listKey), out var listNode) || listNode is not YamlSequenceNode list)
            throw new InvalidDataException($"{path}: field {listKey}: missing or not a list");
        foreach (var node in list.Children)
            if (node is not YamlMappingNode)
                throw new InvalidDataException($"{path}:{node.Start.Line}: field {listKey}[]: each entry must be a mapping");
        return (root, list);
    }

    public static string? RootScalar(YamlMappingNode root, string key) =>
        root.Children.TryGetValue(new YamlScalarNode(key), out var v) && v is YamlScalarNode s ? s.Value : null;
}

/// <summary>
/// The attestations file: who did which manual line, who approved it (in which role), when, until when, the risk, the
/// ticket and the evidence (a link, or a file with its SHA-256). An attestation counts only when it is complete, not
/// expired, valid no longer than the policy allows, and approved by someone other than the deployer and the attester.
/// <code>
/// deployed_by: alice
/// attestations:
///   - id: PREVAL-MV-1
///     attested_by: bob
///     approver: carol
///     approver_role: service-owner
///     date: 2026-11-20
///     expires: 2027-02-18
///     risk: low
///     ticket: CHG-1234
///     evidence: https://tickets.example/CHG-1234
/// </code>
/// </summary>
public sealed class AttestationSet
{
    /// <summary>No attestations.</summary>
    public static readonly AttestationSet Empty = new(null, [], []);

    /// <summary>Fields every attestation must have.</summary>
    public static readonly IReadOnlyList<string> RequiredFields = ["id", "attested_by", "approver", "date", "expires", "risk", "ticket", "evidence"];

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

    /// <summary>Rejections that are errors in the file (the run refuses to start on them); expired ones are not.</summary>
    public IEnumerable<RejectedAttestation> Problems => Rejected.Where(r => r.IsInputError);

    /// <summary>The valid attestation of a line, or null.</summary>
    public Attestation? For(string id) => Valid.FirstOrDefault(a => a.Id.Equals(id, StringComparison.OrdinalIgnoreCase));

    /// <summary>Every valid attestation of a line (GOV-CM-2 takes one per required role).</summary>
    public IEnumerable<Attestation> AllFor(string id) => Valid.Where(a => a.Id.Equals(id, StringComparison.OrdinalIgnoreCase));

    /// <summary>Reads the file with the default policy.</summary>
    public static AttestationSet Load(string path, ChecklistCatalog catalog, DateOnly today) => Load(path, catalog, today, SignOffPolicy.Default);

    /// <summary>
    /// Reads the file. A file that is not YAML or not shaped as above throws <see cref="InvalidDataException"/> naming
    /// the file, line and field; single attestations that are incomplete, malformed, expired or self-approved are kept
    /// in <see cref="Rejected"/> with every reason (file:line, field).
    /// </summary>
    public static AttestationSet Load(string path, ChecklistCatalog catalog, DateOnly today, SignOffPolicy policy)
    {
        var (root, list) = SignedEntry.ReadFile(path, "attestations", "attestations");
        var deployedBy = SignedEntry.RootScalar(root, "deployed_by");
        var valid = new List<Attestation>();
        var rejected = new List<RejectedAttestation>();
        foreach (var m in list.Children.Cast<YamlMappingNode>())
        {
            var e = SignedEntry.Checked(path, m, RequiredFields, catalog, today, policy, "attested_by", "attester", deployedBy);
            var (id, date, expires) = (e.Id, e.Dated, e.Expires);
            var evidence = e.ReadEvidence();
            if (e.Problems.Count > 0) { rejected.Add(new(id, e.Reason)); continue; }
            if (expires < today) { rejected.Add(new(id, $"{e.Where}: field expires: expired on {expires:yyyy-MM-dd}", IsInputError: false)); continue; }
            valid.Add(new Attestation(id, e.Scalar("attested_by")!, e.Scalar("approver")!, date!.Value, expires!.Value, evidence!.Location, e.Scalar("note"))
            {
                Risk = e.Scalar("risk")!.ToLowerInvariant(), Ticket = e.Scalar("ticket")!, ApproverRole = e.Scalar("approver_role"),
                EvidenceSha256 = evidence.Sha256, Source = e.Where,
            });
        }
        return new AttestationSet(deployedBy, valid, rejected);
    }
}

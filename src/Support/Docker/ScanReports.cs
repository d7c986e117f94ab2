using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Acceptance.Support.Docker;

/// <summary>
/// Reads vulnerability scan reports: Trivy JSON (SchemaVersion 2) and SARIF 2.1.0 (Trivy, Grype, or another tool
/// that follows the same conventions). Anything else is refused with an exception naming the file: an unreadable
/// report is never taken as a clean one.
/// </summary>
/// <remarks>
/// Severity, one mapping for every format, the tool's own label first:
/// <list type="number">
/// <item>Trivy JSON: the finding's Severity.</item>
/// <item>SARIF: the label the tool wrote for the rule or the result: a severity word among the rule's
/// properties.tags (Trivy: "CRITICAL"), "Severity: X" in the result's message or the rule's help text (Trivy, Grype),
/// or "CVE-... X vulnerability" in the rule's shortDescription / "A X vulnerability" in the message (Grype).</item>
/// <item>Without a label: properties.security-severity (a CVSS base score) by the CVSS v3 bands: 9.0+ CRITICAL,
/// 7.0+ HIGH, 4.0+ MEDIUM, 0.1+ LOW, else UNKNOWN.</item>
/// <item>Without either: the result's level (error HIGH, warning MEDIUM, note LOW, otherwise UNKNOWN).</item>
/// </list>
/// When the label and the score disagree (Grype's golden labels a finding "low" with security-severity 8.2), the
/// label wins: it is the severity the tool itself decided from its vulnerability data (the vendor's or distribution's
/// rating, which is also what the tool's own --fail-on / --severity gates use), while the score is a CVSS number
/// that may come from another source. The disagreement is kept in <see cref="ScanFinding.SeverityNote"/> so the
/// evidence shows it.
/// </remarks>
public static partial class ScanReports
{
    /// <summary>Severities from lowest to highest.</summary>
    public static IReadOnlyList<string> SeverityOrder { get; } = ["UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"];

    /// <summary>The rank of a severity in <see cref="SeverityOrder"/> (case-insensitive); -1 when it is not one.</summary>
    public static int Rank(string severity) =>
        SeverityOrder.ToList().FindIndex(s => string.Equals(s, severity?.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>A CVSS base score by the CVSS v3 bands (9.0 CRITICAL, 7.0 HIGH, 4.0 MEDIUM, 0.1 LOW, else UNKNOWN).</summary>
    public static string FromCvss(double score) => score switch
    {
        >= 9.0 => "CRITICAL",
        >= 7.0 => "HIGH",
        >= 4.0 => "MEDIUM",
        >= 0.1 => "LOW",
        _ => "UNKNOWN",
    };

    /// <summary>Reads the report at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">Not a report this reader knows; the message names the file.</exception>
    public static ScanReport Load(string path) => Parse(path, File.ReadAllText(path));

    /// <summary>Reads a report's text; <paramref name="path"/> is where it came from (for the report and messages).</summary>
    /// <exception cref="InvalidDataException">Not a Trivy JSON (SchemaVersion 2) or SARIF 2.1.0 report, or one whose
    /// shape is broken; the message names <paramref name="path"/> and why (never a silent "clean").</exception>
    public static ScanReport Parse(string path, string text)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(text); }
        catch (JsonException e) { throw Unreadable(path, $"not JSON ({e.Message})"); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("SchemaVersion", out var sv))
                return sv.ValueKind == JsonValueKind.Number && sv.TryGetInt32(out var v) && v == 2
                    ? Trivy(path, root)
                    : throw Unreadable(path, $"Trivy JSON SchemaVersion {sv} is not supported (2 is)");
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("runs", out _) && Str(root, "version") is { } version)
                return version == "2.1.0" ? Sarif(path, root) : throw Unreadable(path, $"SARIF version {version} is not supported (2.1.0 is)");
            if (root.ValueKind == JsonValueKind.Array)
                throw Unreadable(path, "a JSON array: Trivy's old SchemaVersion 1 output? Only SchemaVersion 2 and SARIF 2.1.0 are read");
            throw Unreadable(path, "neither Trivy JSON (SchemaVersion) nor SARIF (version, runs)");
        }
    }

    private static InvalidDataException Unreadable(string path, string why) =>
        new($"scan report {path} cannot be read: {why}; it is not taken as clean");

    private static ScanReport Trivy(string path, JsonElement root)
    {
        var artifact = Str(root, "ArtifactName") ?? throw Unreadable(path, "Trivy JSON without ArtifactName");
        var meta = Obj(root, "Metadata");
        var digests = new List<string>();
        if (Str(meta, "ImageID") is { Length: > 0 } imageId) digests.Add(imageId);
        digests.AddRange(Strings(meta, "RepoDigests").Select(DigestPart));
        var findings = new List<ScanFinding>();
        if (root.TryGetProperty("Results", out var results))
        {
            if (results.ValueKind == JsonValueKind.Array)
                foreach (var r in results.EnumerateArray())
                {
                    // No "Vulnerabilities" key (or null) is Trivy's way of saying zero findings for this target.
                    if (!r.TryGetProperty("Vulnerabilities", out var vulns) || vulns.ValueKind == JsonValueKind.Null) continue;
                    if (vulns.ValueKind != JsonValueKind.Array) throw Unreadable(path, "Results[].Vulnerabilities is not a list");
                    foreach (var v in vulns.EnumerateArray())
                    {
                        var id = Str(v, "VulnerabilityID") ?? throw Unreadable(path, "a vulnerability without VulnerabilityID");
                        var severity = (Str(v, "Severity") ?? "UNKNOWN").ToUpperInvariant();
                        findings.Add(new ScanFinding(id, Rank(severity) >= 0 ? severity : "UNKNOWN", Str(v, "PkgName") ?? "",
                            Str(v, "InstalledVersion") ?? "", Str(v, "FixedVersion") ?? ""));
                    }
                }
            else if (results.ValueKind != JsonValueKind.Null) throw Unreadable(path, "Results is not a list");
        }
        return new ScanReport(path, "trivy-json", artifact, digests.Distinct(StringComparer.OrdinalIgnoreCase).ToList(), findings)
        {
            OtherNames = Strings(meta, "RepoTags"),
        };
    }

    private static ScanReport Sarif(string path, JsonElement root)
    {
        if (Obj(root, "runs") is not { ValueKind: JsonValueKind.Array } runs || runs.GetArrayLength() == 0) throw Unreadable(path, "SARIF without runs");
        var tools = new List<string>();
        var findings = new List<ScanFinding>();
        var digests = new List<string>();
        var names = new List<string>();
        var artifact = "";
        foreach (var run in runs.EnumerateArray())
        {
            var driver = Obj(Obj(run, "tool"), "driver");
            var tool = Str(driver, "name") ?? throw Unreadable(path, "SARIF run without tool.driver.name");
            tools.Add(tool);
            var rules = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            if (Obj(driver, "rules") is { ValueKind: JsonValueKind.Array } ruleList)
                foreach (var rule in ruleList.EnumerateArray())
                    if (Str(rule, "id") is { } rid) rules[rid] = rule;

            var props = Obj(run, "properties");
            if (Str(props, "imageID") is { Length: > 0 } imageId) digests.Add(imageId);
            digests.AddRange(Strings(props, "repoDigests").Select(DigestPart));
            names.AddRange(Strings(props, "repoTags"));
            if (artifact.Length == 0 && Str(props, "imageName") is { Length: > 0 } imageName) artifact = imageName;

            if (Obj(run, "results") is not { ValueKind: JsonValueKind.Array } results) throw Unreadable(path, $"SARIF run of {tool} without a results list");
            foreach (var result in results.EnumerateArray())
            {
                var ruleId = Str(result, "ruleId") ?? throw Unreadable(path, "a SARIF result without ruleId");
                var rule = rules.TryGetValue(ruleId, out var r) ? r : default;
                var message = Str(Obj(result, "message"), "text") ?? "";
                var help = Str(Obj(rule, "help"), "text") ?? "";
                var shortDescription = Str(Obj(rule, "shortDescription"), "text") ?? "";
                if (artifact.Length == 0 && GrypeImagePattern().Match(message) is { Success: true } gm) artifact = gm.Groups[1].Value;

                var id = Field(help, "Vulnerability") is { } v && v.Length > 0 ? v.Split(' ')[0] : ruleId;
                var package = Field(message, "Package") ?? Field(help, "Package") ?? (GrypePackagePattern().Match(message) is { Success: true } pm ? pm.Groups[1].Value : "");
                var installed = Field(message, "Installed Version") ?? Field(help, "Version") ??
                                (GrypePackagePattern().Match(message) is { Success: true } im ? im.Groups[2].Value : "");
                var fixedVersion = Field(message, "Fixed Version") ?? Field(help, "Fixed Version") ?? Field(help, "Fix Version") ?? "";
                var (severity, note) = SarifSeverity(rule, result, message, help, shortDescription);
                findings.Add(new ScanFinding(id, severity, package, installed, fixedVersion) { SeverityNote = note });
            }
        }
        return new ScanReport(path, $"sarif ({string.Join(", ", tools.Distinct())})", artifact, digests.Distinct(StringComparer.OrdinalIgnoreCase).ToList(), findings)
        {
            OtherNames = names.Distinct().ToList(),
        };
    }

    private static (string Severity, string? Note) SarifSeverity(JsonElement rule, JsonElement result, string message, string help, string shortDescription)
    {
        var props = Obj(rule, "properties");
        string? label = Strings(props, "tags").Select(t => t.ToUpperInvariant()).FirstOrDefault(t => Rank(t) >= 0)
                        ?? Word(Field(message, "Severity")) ?? Word(Field(help, "Severity"))
                        ?? Word(LabelInTextPattern().Match(shortDescription) is { Success: true } sd ? sd.Groups[1].Value : null)
                        ?? Word(LabelInTextPattern().Match(message) is { Success: true } mm ? mm.Groups[1].Value : null);
        double? score = null;
        if (props.ValueKind == JsonValueKind.Object && props.TryGetProperty("security-severity", out var ss))
        {
            if (ss.ValueKind == JsonValueKind.Number) score = ss.GetDouble();
            else if (ss.ValueKind == JsonValueKind.String && double.TryParse(ss.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) score = d;
        }
        if (label is not null)
        {
            var byScore = score is { } s ? FromCvss(s) : null;
            return (label, byScore is not null && byScore != label
                ? $"the tool's label {label} is used; security-severity {score!.Value.ToString(CultureInfo.InvariantCulture)} would be {byScore}"
                : null);
        }
        if (score is { } only) return (FromCvss(only), $"no severity label: security-severity {only.ToString(CultureInfo.InvariantCulture)} (CVSS bands)");
        var level = Str(result, "level") ?? Str(Obj(rule, "defaultConfiguration"), "level") ?? "warning";
        var byLevel = level switch { "error" => "HIGH", "warning" => "MEDIUM", "note" => "LOW", _ => "UNKNOWN" };
        return (byLevel, $"no severity label or score: SARIF level {level}");
    }

    private static string? Word(string? text)
    {
        var w = text?.Trim().ToUpperInvariant();
        return w is not null && w.Length > 0 && Rank(w) >= 0 ? w : w == "NEGLIGIBLE" ? "LOW" : null;
    }

    /// <summary>"Name: value" on a line of its own in text, or null.</summary>
    private static string? Field(string text, string name)
    {
        foreach (var line in text.Split('\n'))
        {
            var l = line.Trim();
            if (name == "Vulnerability" ? l.StartsWith("Vulnerability ", StringComparison.Ordinal) : l.StartsWith(name + ":", StringComparison.Ordinal))
                return (name == "Vulnerability" ? l["Vulnerability ".Length..] : l[(name.Length + 1)..]).Trim();
        }
        return null;
    }

    private static string DigestPart(string repoDigest)
    {
        var at = repoDigest.IndexOf('@', StringComparison.Ordinal);
        return at >= 0 ? repoDigest[(at + 1)..] : repoDigest;
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static JsonElement Obj(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v : default;

    private static List<string> Strings(JsonElement e, string name) =>
        Obj(e, name) is { ValueKind: JsonValueKind.Array } a
            ? a.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList()
            : [];

    [GeneratedRegex(@"\b(critical|high|medium|low|negligible|unknown) vulnerability\b", RegexOptions.IgnoreCase)]
    private static partial Regex LabelInTextPattern();

    [GeneratedRegex(@"found in image (\S+) at:")]
    private static partial Regex GrypeImagePattern();

    [GeneratedRegex(@"package: (\S+), version (\S+)")]
    private static partial Regex GrypePackagePattern();
}

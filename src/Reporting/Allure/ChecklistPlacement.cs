using System.Text;
using System.Text.Json;
using Acceptance.Reporting.Checklist;

namespace Acceptance.Reporting.Allure;

/// <summary>
/// Where a result sits in the HTML report's tree, and how it is titled: the checklist's phase, section and group,
/// numbered in checklist order ("1 Pre-Deployment Phase", "1.2 Security Configuration", "1.2.3 Secrets Management"),
/// so that the report, sorted by name, shows the checklist in its own order; a level that only repeats its parent
/// (the section "Next Steps After Deployment" of the phase of the same name) or is not a group ("(procedure)") is left
/// out. A result sits under the group of its first line (in checklist order) once: Allure nests every value of one
/// label under every value of the level above, so a scenario in two sections would show under sections it does not
/// belong to. Its title names every line it verifies ("APP-CM-1, PREVAL-AT-1 · Every configuration file ...").
/// </summary>
public static partial class ChecklistPlacement
{
    /// <summary>Between the line ids and the scenario's title.</summary>
    public const string TitleSeparator = " · ";

    /// <summary>The lines in checklist order (ids the catalog does not know are left out).</summary>
    public static IReadOnlyList<ChecklistItem> InChecklistOrder(ChecklistCatalog catalog, IEnumerable<ChecklistItem> items)
    {
        var order = catalog.Items.Select((item, i) => (item.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.OrdinalIgnoreCase);
        return items.Where(i => order.ContainsKey(i.Id)).DistinctBy(i => i.Id, StringComparer.OrdinalIgnoreCase).OrderBy(i => order[i.Id]).ToList();
    }

    /// <summary>A title without the line ids <see cref="Title"/> put first ("ID1, ID2 · title" → "title").</summary>
    public static string WithoutLineIds(string name)
    {
        var at = name.IndexOf(TitleSeparator, StringComparison.Ordinal);
        return at > 0 && LineIds().IsMatch(name[..at]) ? name[(at + TitleSeparator.Length)..] : name;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*-\d+(, [A-Z][A-Z0-9]*(-[A-Z0-9]+)*-\d+)*$")]
    private static partial System.Text.RegularExpressions.Regex LineIds();

    /// <summary>"ID1, ID2 · title" (the title alone when no line is known).</summary>
    public static string Title(IReadOnlyList<ChecklistItem> lines, string title) =>
        lines.Count == 0 ? title : string.Join(", ", lines.Select(l => l.Id)) + TitleSeparator + title;

    /// <summary>
    /// The epic / feature / story labels (numbered by their place in <paramref name="checklist"/>, every line in checklist
    /// order) of the first of <paramref name="lines"/>; "Not on the checklist" when there is none.
    /// </summary>
    public static IReadOnlyList<AllureLabel> Labels(IReadOnlyList<ChecklistItem> checklist, IReadOnlyList<ChecklistItem> lines, string fallbackSection)
    {
        if (lines.Count == 0)
            return [new(AllureLabelName.Epic, "Not on the checklist"), new(AllureLabelName.Feature, fallbackSection)];
        var first = lines[0];
        var phases = checklist.Select(i => i.Phase).Distinct().ToList();
        var sections = checklist.Where(i => i.Phase == first.Phase).Select(i => i.Section).Distinct().ToList();
        var groups = checklist.Where(i => i.Phase == first.Phase && i.Section == first.Section).Select(i => i.Group).Distinct().ToList();
        var number = (phases.IndexOf(first.Phase) + 1).ToString();
        var labels = new List<AllureLabel> { new(AllureLabelName.Epic, $"{number} {first.Phase}") };
        if (!Same(first.Section, first.Phase))
        {
            number += $".{sections.IndexOf(first.Section) + 1}";
            labels.Add(new(AllureLabelName.Feature, $"{number} {first.Section}"));
        }
        if (!Same(first.Group, first.Section) && !first.Group.StartsWith('('))
            labels.Add(new(AllureLabelName.Story, $"{number}.{groups.IndexOf(first.Group) + 1} {first.Group}"));
        return labels;
    }

    /// <summary>
    /// The description a reader sees first: the verdicts the steps recorded (rule, expected, observed, verdict), or why
    /// the scenario was not verified or could not run; then the checklist lines. Markdown.
    /// </summary>
    public static string Description(IReadOnlyList<RecordedVerdict> verdicts, string status, string? statusMessage,
        IReadOnlyList<ChecklistItem> lines, string? scenarioDescription)
    {
        var sb = new StringBuilder();
        var outcome = status switch
        {
            AllureStatus.Passed => "verified",
            AllureStatus.Failed => "FAILED",
            AllureStatus.Broken => "BROKEN (the check could not run)",
            AllureStatus.Skipped => "NOT VERIFIED",
            _ => status,
        };
        sb.Append("**Outcome: ").Append(outcome).AppendLine("**");
        if (status is AllureStatus.Skipped or AllureStatus.Broken && FirstLine(statusMessage) is { } why) sb.AppendLine().Append("Why: ").AppendLine(Escape(why));
        foreach (var v in verdicts)
        {
            sb.AppendLine();
            sb.Append("- **Rule**: ").AppendLine(Escape(v.Rule));
            sb.Append("- **Expected**: ").AppendLine(Escape(v.Expected));
            sb.Append("- **Observed**: ").AppendLine(Escape(v.Observed));
            if (v.ChecklistDifference is { Length: > 0 } diff) sb.Append("- **Threshold**: ").AppendLine(Escape(diff));
            if (v.Polled is { Length: > 0 } polled) sb.Append("- **Polled**: ").AppendLine(Escape(polled));
            sb.Append("- **Verdict**: ").AppendLine(v.Holds ? "holds"
                : (v.Recommendation ? "recommendation not met (non-critical): " : "NOT met: ") + Escape(string.Join("; ", v.Shortfalls)));
        }
        if (lines.Count > 0)
        {
            sb.AppendLine().AppendLine("Checklist:").AppendLine();
            foreach (var line in lines) sb.AppendLine($"- **{line.Id}** ({Escape(line.Section)} / {Escape(line.Group)}): {Escape(line.Text)}");
        }
        if (!string.IsNullOrWhiteSpace(scenarioDescription)) sb.AppendLine().AppendLine(scenarioDescription.Trim());
        return sb.ToString();
    }

    /// <summary>Reads a "verdict" evidence attachment (JSON written by the steps' Checks); null when it is not one.</summary>
    public static RecordedVerdict? ReadVerdict(byte[] json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var r = doc.RootElement;
            string? S(string n) => r.TryGetProperty(n, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
            if (S("rule") is not { } rule) return null;
            var shortfalls = r.TryGetProperty("shortfalls", out var sf) && sf.ValueKind == JsonValueKind.Array
                ? sf.EnumerateArray().Select(e => e.ToString()).ToList() : [];
            return new RecordedVerdict(rule, S("expected") ?? "", S("observed") ?? "",
                r.TryGetProperty("holds", out var h) && h.ValueKind == JsonValueKind.True, shortfalls,
                r.TryGetProperty("recommendation", out var rec) && rec.ValueKind == JsonValueKind.True,
                S("checklist_difference"), S("polled"));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool Same(string a, string b) => string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);

    private static string? FirstLine(string? s) => s?.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();

    // Markdown would read a verdict's own characters (*, _, <, |) as formatting: shown as written.
    private static string Escape(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s.Replace("\r", "").Replace("\n", " "))
        {
            if (c is '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '|' or '#') sb.Append('\\');
            sb.Append(c);
        }
        return sb.ToString();
    }
}

/// <summary>A verdict a step recorded (the "verdict" attachment).</summary>
public sealed record RecordedVerdict(string Rule, string Expected, string Observed, bool Holds, IReadOnlyList<string> Shortfalls,
    bool Recommendation, string? ChecklistDifference, string? Polled);

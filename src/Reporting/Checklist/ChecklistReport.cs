using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Acceptance.Reporting.Allure;

namespace Acceptance.Reporting.Checklist;

/// <summary>A checklist line's status in a run.</summary>
public enum LineStatus { Verified, Attested, NotVerified, Broken, Failed }

/// <summary>One scenario result as read back from allure-results.</summary>
public sealed record ScenarioOutcome(string Name, string Feature, string Status, string? Message, IReadOnlyList<string> ChecklistIds);

/// <summary>The verdict on one checklist line, with the scenarios and attestation behind it.</summary>
public sealed record LineVerdict(ChecklistItem Item, LineStatus Status, IReadOnlyList<ScenarioOutcome> Scenarios,
    Attestation? Attestation, string Reason);

/// <summary>
/// Turns a run's allure-results into the checklist verdict: a status per line (verified, failed,
/// broken, not verified, attested), the seed checklist re-rendered with those statuses and the
/// scenarios behind each line, the filled-in sign-off block, and the run's exit code.
/// </summary>
public sealed partial class ChecklistReport
{
    private ChecklistReport(IReadOnlyList<LineVerdict> lines, IReadOnlyList<ScenarioOutcome> scenarios)
    {
        Lines = lines;
        Scenarios = scenarios;
    }

    /// <summary>Verdict per checklist line, in checklist order.</summary>
    public IReadOnlyList<LineVerdict> Lines { get; }

    /// <summary>Every scenario result read.</summary>
    public IReadOnlyList<ScenarioOutcome> Scenarios { get; }

    /// <summary>Number of scenarios with the given Allure status.</summary>
    public int Count(string status) => Scenarios.Count(s => s.Status == status);

    /// <summary>Success when every line is verified or attested; Failed when a check failed or broke; else Partial.</summary>
    public string SignOffStatus =>
        Lines.Any(l => l.Status is LineStatus.Failed or LineStatus.Broken) || Count(AllureStatus.Failed) + Count(AllureStatus.Broken) > 0
            ? "Failed"
            : Lines.All(l => l.Status is LineStatus.Verified or LineStatus.Attested) ? "Success" : "Partial";

    /// <summary>0: nothing failed or broke (and, with strict, every line verified); 1 otherwise.</summary>
    public int ExitCode(bool strict) =>
        Count(AllureStatus.Failed) + Count(AllureStatus.Broken) > 0 ? 1
        : strict && Lines.Any(l => l.Status == LineStatus.NotVerified) ? 1
        : 0;

    /// <summary>Reads every *-result.json of <paramref name="resultsDir"/> and decides each line.</summary>
    /// <param name="resultsDir">The allure-results folder.</param>
    /// <param name="catalog">The checklist lines.</param>
    /// <param name="attestations">Attestations of manual lines.</param>
    /// <param name="interruptedBy">The signal that stopped the run ("SIGINT"), or null: lines without a result then say so.</param>
    public static ChecklistReport Build(string resultsDir, ChecklistCatalog catalog, AttestationSet attestations, string? interruptedBy = null)
    {
        var scenarios = ReadResults(resultsDir);
        var lines = new List<LineVerdict>();
        foreach (var item in catalog.Items)
        {
            var behind = scenarios.Where(s => s.ChecklistIds.Contains(item.Id, StringComparer.OrdinalIgnoreCase)).ToList();
            var attestation = attestations.For(item.Id);
            var rejected = attestations.Rejected.FirstOrDefault(r => r.Id.Equals(item.Id, StringComparison.OrdinalIgnoreCase));
            lines.Add(Decide(item, behind, attestation, rejected, interruptedBy));
        }
        return new ChecklistReport(lines, scenarios);
    }

    private static LineVerdict Decide(ChecklistItem item, List<ScenarioOutcome> behind, Attestation? attestation, RejectedAttestation? rejected,
        string? interruptedBy)
    {
        if (behind.Any(s => s.Status == AllureStatus.Failed))
            return new(item, LineStatus.Failed, behind, attestation, Summarise(behind, AllureStatus.Failed));
        if (behind.Any(s => s.Status == AllureStatus.Broken))
            return new(item, LineStatus.Broken, behind, attestation, Summarise(behind, AllureStatus.Broken));
        var passed = behind.Where(s => s.Status == AllureStatus.Passed).ToList();
        var skipped = behind.Where(s => s.Status != AllureStatus.Passed).ToList();
        if (passed.Count > 0 && skipped.Count == 0)
            return new(item, LineStatus.Verified, behind, attestation, $"{passed.Count} scenario(s) passed");
        if (attestation is not null)
            return new(item, LineStatus.Attested, behind, attestation, attestation.ToString());
        var reason = skipped.Count > 0
            ? Summarise(behind, skipped[0].Status)
            : interruptedBy is not null
                ? $"no result: the run was interrupted ({interruptedBy}) before a check of this line finished (or none covers it), and no valid attestation was given"
                : "no automated check covers this line and no valid attestation was given";
        if (rejected is not null) reason += $"; attestation rejected: {rejected.Reason}";
        return new(item, LineStatus.NotVerified, behind, null, reason);
    }

    private static string Summarise(List<ScenarioOutcome> behind, string status) =>
        string.Join("; ", behind.Where(s => s.Status == status).Select(s => $"{s.Name}: {FirstLine(s.Message) ?? status}"));

    private static string? FirstLine(string? s) => s?.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim();

    /// <summary>Label that marks the results <see cref="WritePlaceholders"/> writes (value <see cref="PlaceholderValue"/>).</summary>
    public const string PlaceholderLabel = "checklistReport";

    /// <summary>Value of <see cref="PlaceholderLabel"/> on a placeholder result.</summary>
    public const string PlaceholderValue = "placeholder";

    /// <summary>
    /// Reads the scenario results (not-verified placeholders written by this class are ignored). A
    /// file that cannot be read is a broken outcome named after the file.
    /// </summary>
    public static IReadOnlyList<ScenarioOutcome> ReadResults(string resultsDir)
    {
        var list = new List<ScenarioOutcome>();
        foreach (var file in AllureResultReader.ReadFolder(resultsDir))
        {
            if (!file.IsReadable)
            {
                // A result the run could not finish writing is itself a broken check, never a silent gap.
                list.Add(new ScenarioOutcome($"unreadable result {file.FileName}", "", AllureStatus.Broken, file.Error, []));
                continue;
            }
            var r = file.Result;
            if (r.LabelValue(PlaceholderLabel) == PlaceholderValue) continue;
            list.Add(new ScenarioOutcome(r.Name, r.Suite ?? "", r.Status, r.Message, r.ChecklistIds));
        }
        return list.OrderBy(s => s.Feature, StringComparer.Ordinal).ThenBy(s => s.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Writes one Allure result per line that no scenario verified (skipped, with the reason) or
    /// that an attestation covers (passed, with the attestation), so the HTML report shows the whole checklist.
    /// </summary>
    public void WritePlaceholders(AllureResultsWriter writer)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        foreach (var line in Lines.Where(l => l.Status is LineStatus.NotVerified or LineStatus.Attested && l.Scenarios.Count == 0))
        {
            var attested = line.Status == LineStatus.Attested;
            var fullName = $"checklist: {line.Item.Id}";
            var hash = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(Encoding.UTF8.GetBytes(fullName)));
            writer.WriteResult(new AllureResult
            {
                Name = $"{(attested ? "Attested" : "Not verified")}: {line.Item.Text}",
                FullName = fullName,
                TestCaseId = hash,
                HistoryId = hash,
                Description = $"**{line.Item.Id}** ({line.Item.Section} / {line.Item.Group}): {line.Item.Text}\n\n{line.Reason}",
                Status = attested ? AllureStatus.Passed : AllureStatus.Skipped,
                StatusDetails = attested ? null : new AllureStatusDetails($"Not verified: {line.Reason}", null),
                Start = now,
                Stop = now,
                Labels =
                [
                    new(AllureLabelName.Epic, line.Item.Phase), new(AllureLabelName.Feature, line.Item.Section),
                    new(AllureLabelName.Story, line.Item.Group), new(AllureLabelName.ParentSuite, line.Item.Phase),
                    new(AllureLabelName.Suite, line.Item.Section), new(AllureLabelName.Tag, ChecklistCatalog.TagPrefix + line.Item.Id),
                    new(AllureLabelName.Tag, attested ? "attested" : "not-verified"), new(AllureLabelName.Severity, "normal"),
                    new(PlaceholderLabel, PlaceholderValue),
                ],
            });
        }
    }

    /// <summary>Re-renders the seed checklist (markdown) line by line with each line's status.</summary>
    public string RenderMarkdown(string seedMarkdown, SignOff signOff)
    {
        var byText = Lines.ToDictionary(l => (Normalise(l.Item.Section), Normalise(l.Item.Text)));
        var byGroup = Lines.GroupBy(l => (Normalise(l.Item.Section), Normalise(l.Item.Group))).ToDictionary(g => g.Key, g => g.ToList());
        var rendered = new HashSet<string>();
        var sb = new StringBuilder();
        var section = "";

        foreach (var raw in seedMarkdown.Replace("\r", "").Split('\n'))
        {
            var heading = HeadingPattern().Match(raw);
            if (heading.Success)
            {
                section = Normalise(heading.Groups[2].Value.Replace("✅", ""));
                sb.AppendLine(raw);
                if (heading.Groups[1].Value == "##" && section is "emergency rollback procedure" or "next steps after deployment")
                    foreach (var line in Lines.Where(l => Normalise(l.Item.Section) == section)) { sb.Append(RenderLine(line, "")); rendered.Add(line.Item.Id); }
                continue;
            }
            var item = ItemPattern().Match(raw);
            if (item.Success)
            {
                var indent = item.Groups[1].Value;
                var text = item.Groups[2].Value.Trim();
                var group = BoldPattern().Match(text);
                if (group.Success && byGroup.TryGetValue((section, Normalise(group.Groups[1].Value)), out var members))
                {
                    var mark = members.All(m => m.Status is LineStatus.Verified or LineStatus.Attested) ? "x" : " ";
                    sb.AppendLine($"{indent}- [{mark}] {text}");
                    continue;
                }
                if (byText.TryGetValue((section, Normalise(text)), out var verdict))
                {
                    sb.Append(RenderLine(verdict, indent));
                    rendered.Add(verdict.Item.Id);
                    continue;
                }
            }
            if (raw.StartsWith("**Deployment Date**")) { sb.AppendLine($"**Deployment Date**: {signOff.Date:yyyy-MM-dd HH:mm} UTC  "); continue; }
            if (raw.StartsWith("**Deployed By**")) { sb.AppendLine($"**Deployed By**: {signOff.DeployedBy}  "); continue; }
            if (raw.StartsWith("**Environment**")) { sb.AppendLine($"**Environment**: {signOff.Environment}  "); continue; }
            if (raw.StartsWith("**Status**"))
            {
                string Box(string s) => SignOffStatus == s ? "☑" : "⬜";
                sb.AppendLine($"**Status**: {Box("Success")} Success {Box("Partial")} Partial {Box("Failed")} Failed");
                continue;
            }
            sb.AppendLine(raw);
        }

        var missed = Lines.Where(l => !rendered.Contains(l.Item.Id)).ToList();
        if (missed.Count > 0)
        {
            sb.AppendLine().AppendLine("## Checklist lines not found in the seed text").AppendLine();
            foreach (var l in missed) sb.Append(RenderLine(l, ""));
        }

        sb.AppendLine().AppendLine("## Run summary").AppendLine();
        sb.AppendLine($"- Run: {signOff.RunId}; target: {signOff.Environment}");
        foreach (var status in Enum.GetValues<LineStatus>())
            sb.AppendLine($"- {Word(status)}: {Lines.Count(l => l.Status == status)} line(s)");
        sb.AppendLine($"- Scenarios: {Count(AllureStatus.Passed)} passed, {Count(AllureStatus.Failed)} failed, {Count(AllureStatus.Broken)} broken, {Count(AllureStatus.Skipped)} skipped");
        return sb.ToString();
    }

    private static string RenderLine(LineVerdict l, string indent)
    {
        var mark = l.Status is LineStatus.Verified or LineStatus.Attested ? "x" : " ";
        var sb = new StringBuilder();
        sb.AppendLine($"{indent}- [{mark}] {l.Item.Text} — {Icon(l.Status)} **{Word(l.Status)}** `{l.Item.Id}`" +
                      (l.Status is LineStatus.Verified ? "" : $": {Escape(l.Reason)}"));
        foreach (var s in l.Scenarios)
            sb.AppendLine($"{indent}    - {s.Status}: {Escape(s.Name)} ({Escape(s.Feature)})");
        if (l.Attestation is { } a && l.Status == LineStatus.Attested)
            sb.AppendLine($"{indent}    - {Escape(a.ToString())}");
        return sb.ToString();
    }

    /// <summary>The status word used in checklist.md.</summary>
    public static string Word(LineStatus s) => s switch
    {
        LineStatus.Verified => "verified",
        LineStatus.Attested => "attested",
        LineStatus.NotVerified => "not verified",
        LineStatus.Broken => "broken",
        _ => "failed",
    };

    private static string Icon(LineStatus s) => s switch
    {
        LineStatus.Verified => "✅",
        LineStatus.Attested => "📝",
        LineStatus.NotVerified => "⬜",
        LineStatus.Broken => "⚠️",
        _ => "❌",
    };

    private static string Escape(string s) => s.Replace("\n", " ").Replace("|", "\\|");

    private static string Normalise(string s) => WhitespacePattern().Replace(s.Replace("**", "").Trim().ToLowerInvariant(), " ");

    [GeneratedRegex(@"^(#{2,3})\s+(.+?)\s*$")]
    private static partial Regex HeadingPattern();

    [GeneratedRegex(@"^(\s*)- \[ \]\s+(.*)$")]
    private static partial Regex ItemPattern();

    [GeneratedRegex(@"^\*\*(.+?)\*\*$")]
    private static partial Regex BoldPattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespacePattern();
}

/// <summary>What goes into the sign-off block.</summary>
public sealed record SignOff(DateTime Date, string DeployedBy, string Environment, string RunId);

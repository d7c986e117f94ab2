using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Acceptance.Reporting.Allure;

namespace Acceptance.Reporting.Checklist;

/// <summary>A checklist line's status in a run.</summary>
public enum LineStatus { Verified, Attested, Waived, NotVerified, Broken, Failed }

/// <summary>One scenario result as read back from allure-results.</summary>
public sealed record ScenarioOutcome(string Name, string Feature, string Status, string? Message, IReadOnlyList<string> ChecklistIds)
{
    /// <summary>The scenario's severity tag (blocker, critical, normal, minor, trivial); null when the result has none.</summary>
    public string? Severity { get; init; }

    /// <summary>The result's uuid (the Allure report's test result id is its MD5); empty when unknown.</summary>
    public string Uuid { get; init; } = "";

    /// <summary>Blocker or critical; a result without a severity counts as critical (never the lenient guess).</summary>
    public bool IsCritical => Severity is null or "critical" or "blocker";
}

/// <summary>The verdict on one checklist line, with the scenarios, attestation and waiver behind it.</summary>
public sealed record LineVerdict(ChecklistItem Item, LineStatus Status, IReadOnlyList<ScenarioOutcome> Scenarios,
    Attestation? Attestation, string Reason)
{
    /// <summary>The waiver in force that turned a failure into <see cref="LineStatus.Waived"/>, or null.</summary>
    public Waiver? Waiver { get; init; }

    /// <summary>A scenario behind the line is tagged critical (or blocker).</summary>
    public bool IsCritical => Scenarios.Any(s => s.IsCritical);

    /// <summary>For a waived line, the real outcome of its scenarios ("failed: ..."); null otherwise.</summary>
    public string? RealOutcome { get; init; }

    /// <summary>"tailored: 2 cores, checklist 16" when the line was verified against a threshold the target tailored.</summary>
    public string? Tailoring { get; init; }
}

/// <summary>What a report is built from besides the results: signed statements, the policy, tailoring and controls.</summary>
public sealed record SignOffInputs
{
    /// <summary>Attestations of manual lines (and manual halves).</summary>
    public AttestationSet Attestations { get; init; } = AttestationSet.Empty;

    /// <summary>Waivers of automated checks.</summary>
    public WaiverSet Waivers { get; init; } = WaiverSet.Empty;

    /// <summary>Validity caps, required approver roles, the change ticket.</summary>
    public SignOffPolicy Policy { get; init; } = SignOffPolicy.Default;

    /// <summary>Per checklist line, the thresholds the target tailored ("expect.node_minimums.cpu_cores 2, checklist 16").</summary>
    public IReadOnlyDictionary<string, string> Tailoring { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The compliance mapping (GOV-SC-2), or null.</summary>
    public ComplianceMapping? Compliance { get; init; }

    /// <summary>The signal that stopped the run ("SIGINT"), or null.</summary>
    public string? InterruptedBy { get; init; }
}

/// <summary>
/// Turns a run's allure-results into the checklist verdict: a status per line (verified, attested, waived, failed,
/// broken, not verified), the seed checklist re-rendered with those statuses and the scenarios behind each line, the
/// filled-in sign-off block with its rule, and the run's exit code.
/// </summary>
public sealed partial class ChecklistReport
{
    /// <summary>The sign-off rule, as written in the report.</summary>
    public const string SignOffRule =
        "Success only when every line is verified or attested (a non-critical line may be waived) and nothing is failed, broken or waived " +
        "on a critical line; Failed when a critical line failed or broke (a line counts as critical when a scenario behind it is tagged " +
        "@critical or @blocker); Partial otherwise. Severity comes from the scenarios' tags; a line no scenario covers is normal.";

    private ChecklistReport(IReadOnlyList<LineVerdict> lines, IReadOnlyList<ScenarioOutcome> scenarios, SignOffInputs inputs)
    {
        Lines = lines;
        Scenarios = scenarios;
        Inputs = inputs;
    }

    /// <summary>Verdict per checklist line, in checklist order.</summary>
    public IReadOnlyList<LineVerdict> Lines { get; }

    /// <summary>Every scenario result read.</summary>
    public IReadOnlyList<ScenarioOutcome> Scenarios { get; }

    /// <summary>What the report was built from.</summary>
    public SignOffInputs Inputs { get; }

    /// <summary>Number of scenarios with the given Allure status.</summary>
    public int Count(string status) => Scenarios.Count(s => s.Status == status);

    /// <summary>Failed or broken scenarios that no waiver in force covers (every line they verify waived).</summary>
    private IEnumerable<ScenarioOutcome> UnwaivedProblems => Scenarios.Where(s =>
        s.Status is AllureStatus.Failed or AllureStatus.Broken &&
        !(s.ChecklistIds.Count > 0 && s.ChecklistIds.All(id => Inputs.Waivers.For(id) is not null)));

    /// <summary>The sign-off status, by <see cref="SignOffRule"/>.</summary>
    public string SignOffStatus =>
        Lines.Any(l => l.Status is LineStatus.Failed or LineStatus.Broken && l.IsCritical) ||
        UnwaivedProblems.Any(s => s.ChecklistIds.Count == 0)
            ? "Failed"
            : Lines.All(l => l.Status is LineStatus.Verified or LineStatus.Attested || (l.Status == LineStatus.Waived && !l.IsCritical))
              && !UnwaivedProblems.Any()
                ? "Success"
                : "Partial";

    /// <summary>0: nothing failed or broke that no waiver covers (and, with strict, every line verified); 1 otherwise.</summary>
    public int ExitCode(bool strict) =>
        UnwaivedProblems.Any() ? 1
        : strict && Lines.Any(l => l.Status == LineStatus.NotVerified) ? 1
        : 0;

    /// <summary>Reads every *-result.json of <paramref name="resultsDir"/> and decides each line.</summary>
    /// <param name="resultsDir">The allure-results folder.</param>
    /// <param name="catalog">The checklist lines.</param>
    /// <param name="attestations">Attestations of manual lines.</param>
    /// <param name="interruptedBy">The signal that stopped the run ("SIGINT"), or null: lines without a result then say so.</param>
    public static ChecklistReport Build(string resultsDir, ChecklistCatalog catalog, AttestationSet attestations, string? interruptedBy = null) =>
        Build(resultsDir, catalog, new SignOffInputs { Attestations = attestations, InterruptedBy = interruptedBy });

    /// <summary>Reads every *-result.json of <paramref name="resultsDir"/> and decides each line with the signed statements and policy.</summary>
    public static ChecklistReport Build(string resultsDir, ChecklistCatalog catalog, SignOffInputs inputs)
    {
        var scenarios = ReadResults(resultsDir);
        var lines = new List<LineVerdict>();
        foreach (var item in catalog.Items.Where(i => !ManualHalves.DecidedLast.Contains(i.Id)))
            lines.Add(Decide(item, Behind(item.Id, scenarios), inputs, lines));
        foreach (var item in catalog.Items.Where(i => ManualHalves.DecidedLast.Contains(i.Id)))
            lines.Add(Decide(item, Behind(item.Id, scenarios), inputs, lines));
        var order = catalog.Items.Select((i, n) => (i.Id, n)).ToDictionary(x => x.Id, x => x.n);
        return new ChecklistReport(lines.OrderBy(l => order[l.Item.Id]).ToList(), scenarios, inputs);
    }

    private static List<ScenarioOutcome> Behind(string id, IReadOnlyList<ScenarioOutcome> scenarios)
    {
        var ids = new[] { id }.Concat(ManualHalves.BorrowedFrom(id)).ToList();
        return scenarios.Where(s => s.ChecklistIds.Any(c => ids.Contains(c, StringComparer.OrdinalIgnoreCase))).ToList();
    }

    private static LineVerdict Decide(ChecklistItem item, List<ScenarioOutcome> behind, SignOffInputs inputs, IReadOnlyList<LineVerdict> decided)
    {
        var attestations = inputs.Attestations;
        var attestation = attestations.For(item.Id);
        var rejected = attestations.Rejected.FirstOrDefault(r => r.Id.Equals(item.Id, StringComparison.OrdinalIgnoreCase));
        var waiver = inputs.Waivers.For(item.Id);
        var expiredWaiver = inputs.Waivers.ExpiredFor(item.Id) is { } x ? $"; waiver ignored: it expired on {x.Expires:yyyy-MM-dd} ({x.Source})" : "";

        var worst = behind.Any(s => s.Status == AllureStatus.Failed) ? AllureStatus.Failed
            : behind.Any(s => s.Status == AllureStatus.Broken) ? AllureStatus.Broken : null;
        if (worst is not null && waiver is not null)
            return new(item, LineStatus.Waived, behind, attestation, $"{waiver}; real outcome: {worst}: {Summarise(behind, worst)}")
                { Waiver = waiver, RealOutcome = $"{worst}: {Summarise(behind, worst)}" };
        if (worst == AllureStatus.Failed)
            return new(item, LineStatus.Failed, behind, attestation, Summarise(behind, AllureStatus.Failed) + expiredWaiver);
        if (worst == AllureStatus.Broken)
            return new(item, LineStatus.Broken, behind, attestation, Summarise(behind, AllureStatus.Broken) + expiredWaiver);

        var passed = behind.Where(s => s.Status == AllureStatus.Passed).ToList();
        var skipped = behind.Where(s => s.Status != AllureStatus.Passed).ToList();
        var rejectedNote = rejected is not null ? $"; attestation rejected: {rejected.Reason}" : "";

        if (ManualHalves.NeedsAttestation(item.Id))
        {
            // Both halves must hold: what a probe (or the run itself) can check, and the signed statement.
            var (autoOk, autoText) = ManualHalves.AutomatedHalf(item.Id, passed, skipped, inputs, decided);
            var (signedOk, signedText, signed) = ManualHalves.SignedHalf(item.Id, inputs);
            if (autoOk && signedOk)
                return new(item, LineStatus.Attested, behind, signed, $"automated half: {autoText}; attestation: {signedText}");
            var why = !autoOk && !signedOk ? $"automated half not verified: {autoText}; attestation half missing: {signedText}"
                : !autoOk ? $"automated half not verified: {autoText} (attested: {signedText})"
                : $"automated half verified ({autoText}); attestation half missing: {signedText}";
            return new(item, LineStatus.NotVerified, behind, null, why + rejectedNote);
        }

        if (passed.Count > 0 && skipped.Count == 0)
        {
            var tailoring = inputs.Tailoring.GetValueOrDefault(item.Id);
            return new(item, LineStatus.Verified, behind, attestation,
                $"{passed.Count} scenario(s) passed" + (tailoring is null ? "" : $" (tailored: {tailoring})")) { Tailoring = tailoring };
        }
        if (attestation is not null)
            return new(item, LineStatus.Attested, behind, attestation,
                (skipped.Count > 0 ? $"automated check not verified here ({Summarise(behind, skipped[0].Status)}); " : "") + attestation);
        var reason = skipped.Count > 0
            ? Summarise(behind, skipped[0].Status)
            : inputs.InterruptedBy is not null
                ? $"no result: the run was interrupted ({inputs.InterruptedBy}) before a check of this line finished (or none covers it), and no valid attestation was given"
                : "no automated check covers this line and no valid attestation was given";
        return new(item, LineStatus.NotVerified, behind, null, reason + rejectedNote + expiredWaiver);
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
            list.Add(new ScenarioOutcome(r.Title, r.Suite ?? "", r.Status, r.Message, r.ChecklistIds) { Severity = r.Severity, Uuid = r.Uuid });
        }
        return list.OrderBy(s => s.Feature, StringComparer.Ordinal).ThenBy(s => s.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Writes one Allure result per line that no scenario verified (skipped, with the reason) or
    /// that an attestation covers (passed, with the attestation), so the HTML report shows the whole checklist.
    /// Returns the uuid of each line's placeholder (by line id).
    /// </summary>
    public IReadOnlyDictionary<string, string> WritePlaceholders(AllureResultsWriter writer)
    {
        var uuids = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        foreach (var line in Lines.Where(l => l.Status is LineStatus.NotVerified or LineStatus.Attested && l.Scenarios.Count == 0))
        {
            var attested = line.Status == LineStatus.Attested;
            var fullName = $"checklist: {line.Item.Id}";
            var hash = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(Encoding.UTF8.GetBytes(fullName)));
            // Placed and titled like the scenarios (ChecklistPlacement); the reason is the description's first line
            // (no status details: Allure would head them "Error").
            var result = new AllureResult
            {
                Name = ChecklistPlacement.Title([line.Item], $"{(attested ? "Attested" : "Not verified")}: {line.Item.Text}"),
                FullName = fullName,
                TestCaseId = hash,
                HistoryId = hash,
                Description = $"**Outcome: {(attested ? "attested" : "NOT VERIFIED")}**\n\n{(attested ? "Attestation" : "Why")}: {line.Reason}\n\n" +
                              $"Checklist:\n\n- **{line.Item.Id}** ({line.Item.Section} / {line.Item.Group}): {line.Item.Text}\n",
                Status = attested ? AllureStatus.Passed : AllureStatus.Skipped,
                Start = now,
                Stop = now,
                Labels =
                [
                    .. ChecklistPlacement.Labels(Lines.Select(l => l.Item).ToList(), [line.Item], line.Item.Section),
                    new(AllureLabelName.Suite, line.Item.Section), new(AllureLabelName.Tag, ChecklistCatalog.TagPrefix + line.Item.Id),
                    new(AllureLabelName.Tag, attested ? "attested" : "not-verified"), new(AllureLabelName.Severity, "normal"),
                    new(PlaceholderLabel, PlaceholderValue),
                ],
            };
            writer.WriteResult(result);
            uuids[line.Item.Id] = result.Uuid;
        }
        return uuids;
    }

    /// <summary>
    /// Not-verified lines grouped by reason, one reason per group (numbered R1, R2, ... in checklist order of their first
    /// line): the same reason is written once with the lines it holds for, never repeated line after line.
    /// </summary>
    public IReadOnlyList<ReasonGroup> NotVerifiedByReason =>
        _reasonGroups ??= Lines.Where(l => l.Status == LineStatus.NotVerified)
            .GroupBy(ReasonKey, StringComparer.Ordinal)
            .Select((g, n) => new ReasonGroup($"R{n + 1}", g.Count() == 1 ? g.First().Reason : g.Key, g.ToList()))
            .ToList();

    private IReadOnlyList<ReasonGroup>? _reasonGroups;

    /// <summary>The group a not-verified line's reason belongs to, or null when its reason is its own (written inline).</summary>
    public ReasonGroup? GroupOf(LineVerdict line) =>
        line.Status != LineStatus.NotVerified ? null : NotVerifiedByReason.FirstOrDefault(g => g.Lines.Contains(line));

    /// <summary>
    /// A reason without the details that differ from line to line: parenthesised asides ("(1 scenario(s) of DOCS-DU-1
    /// passed in this run)") dropped and the line's own id written "this line".
    /// </summary>
    public static string ReasonKey(LineVerdict line) =>
        WhitespacePattern().Replace(ParenthesesPattern().Replace(line.Reason, "").Replace(line.Item.Id, "this line"), " ").Trim();

    /// <summary>Re-renders the seed checklist (markdown) line by line with each line's status.</summary>
    public string RenderMarkdown(string seedMarkdown, SignOff signOff) => RenderMarkdown(seedMarkdown, signOff, null, null);

    /// <summary>
    /// Re-renders the seed checklist (markdown): the banner and the filled-in sign-off block first, the not-verified
    /// reasons once each, the drift since the previous run, then every line with its status in plain words (no emoji;
    /// the seed's marks on section headings are dropped: a heading says nothing a line does not).
    /// </summary>
    public string RenderMarkdown(string seedMarkdown, SignOff signOff, Summary.Banner? banner, Summary.Drift? drift)
    {
        var byText = Lines.ToDictionary(l => (Normalise(l.Item.Section), Normalise(l.Item.Text)));
        var byGroup = Lines.GroupBy(l => (Normalise(l.Item.Section), Normalise(l.Item.Group))).ToDictionary(g => g.Key, g => g.ToList());
        var rendered = new HashSet<string>();
        var sb = new StringBuilder();
        var section = "";
        var seedLines = seedMarkdown.Replace("\r", "").Split('\n');
        var start = 0;
        if (seedLines.Length > 0 && seedLines[0].StartsWith("# ")) { sb.AppendLine(seedLines[0]).AppendLine(); start = 1; }
        else sb.AppendLine("# Production Deployment Checklist").AppendLine();

        // The verdict first: banner, then the sign-off block the seed keeps at its end.
        if (banner is not null) sb.Append(banner.Markdown()).AppendLine();
        sb.AppendLine($"**Deployment Date**: {signOff.Date:yyyy-MM-dd HH:mm} UTC  ");
        sb.AppendLine($"**Deployed By**: {signOff.DeployedBy}  ");
        sb.AppendLine($"**Environment**: {signOff.Environment}  ");
        sb.AppendLine($"**Status**: {SignOffStatus} (one of Success, Partial, Failed)  ");
        sb.AppendLine($"**Change**: {Inputs.Policy.ChangeTicket ?? "(no change ticket given)"}  ");
        sb.AppendLine($"**Sign-off rule**: {SignOffRule}");
        if (NotVerifiedByReason.Count > 0)
        {
            var nv = Lines.Count(l => l.Status == LineStatus.NotVerified);
            sb.AppendLine().AppendLine($"## Not verified: {nv} line(s), {NotVerifiedByReason.Count} reason(s)").AppendLine();
            foreach (var g in NotVerifiedByReason)
                sb.AppendLine($"- **{g.Name}** ({g.Lines.Count} line(s): {string.Join(", ", g.Lines.Select(l => $"`{l.Item.Id}`"))}): {Escape(g.Reason)}");
        }
        if (drift is not null) sb.Append(DriftMarkdown(drift));
        sb.AppendLine().AppendLine("---");

        foreach (var raw in seedLines.Skip(start))
        {
            var heading = HeadingPattern().Match(raw);
            if (heading.Success)
            {
                section = Normalise(heading.Groups[2].Value.Replace("\u2705", ""));
                sb.AppendLine(raw.Replace(" \u2705", "").Replace("\u2705", ""));
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
                    var done = members.Count(m => m.Status is LineStatus.Verified or LineStatus.Attested);
                    sb.AppendLine($"{indent}- [{mark}] {text} ({done} of {members.Count} verified or attested)");
                    continue;
                }
                if (byText.TryGetValue((section, Normalise(text)), out var verdict))
                {
                    sb.Append(RenderLine(verdict, indent));
                    rendered.Add(verdict.Item.Id);
                    continue;
                }
            }
            // The seed's own sign-off block (and the rule above it) are filled in at the top.
            if (raw.StartsWith("**Deployment Date**") || raw.StartsWith("**Deployed By**") || raw.StartsWith("**Environment**") ||
                raw.StartsWith("**Status**") || raw.Trim() == "---") continue;
            sb.AppendLine(raw);
        }

        var missed = Lines.Where(l => !rendered.Contains(l.Item.Id)).ToList();
        if (missed.Count > 0)
        {
            sb.AppendLine().AppendLine("## Checklist lines not found in the seed text").AppendLine();
            foreach (var l in missed) sb.Append(RenderLine(l, ""));
        }

        sb.AppendLine().AppendLine("## Run summary").AppendLine();
        sb.AppendLine($"- Run: {signOff.RunId}; target: {signOff.Environment}; change: {Inputs.Policy.ChangeTicket ?? "(none)"}");
        sb.AppendLine($"- Sign-off: **{SignOffStatus}**. Rule: {SignOffRule}");
        foreach (var status in Enum.GetValues<LineStatus>())
            sb.AppendLine($"- {Word(status)}: {Lines.Count(l => l.Status == status)} line(s)");
        sb.AppendLine($"- Scenarios: {Count(AllureStatus.Passed)} passed, {Count(AllureStatus.Failed)} failed, {Count(AllureStatus.Broken)} broken, {Count(AllureStatus.Skipped)} skipped");
        foreach (var w in Inputs.Waivers.Expired)
            sb.AppendLine($"- Waiver of {w.Id} ignored: it expired on {w.Expires:yyyy-MM-dd} ({w.Source})");
        if (Inputs.Compliance is { } mapping)
        {
            sb.AppendLine().AppendLine($"## Compliance controls ({Escape(Path.GetFileName(mapping.Source))})").AppendLine();
            sb.AppendLine("| standard | control | title | status | lines |").AppendLine("|---|---|---|---|---|");
            foreach (var c in mapping.Controls)
            {
                var behind = c.Lines.Select(id => Lines.First(l => l.Item.Id.Equals(id, StringComparison.OrdinalIgnoreCase))).ToList();
                sb.AppendLine($"| {Escape(c.Standard)} | {Escape(c.Control)} | {Escape(c.Title)} | {Word(ControlStatus(behind))} | " +
                              string.Join(", ", behind.Select(l => $"`{l.Item.Id}` {Word(l.Status)}")) + " |");
            }
        }
        return sb.ToString();
    }

    /// <summary>The drift section of checklist.md: lines whose status changed and fingerprint changes, as tables.</summary>
    private static string DriftMarkdown(Summary.Drift drift)
    {
        if (drift.Previous is null || drift.Lines.Count == 0 && drift.Fingerprint.Count == 0) return "";
        var sb = new StringBuilder().AppendLine().AppendLine($"## Drift since run {drift.Previous.RunId} ({drift.Previous.Finished})").AppendLine();
        if (drift.Lines.Count > 0)
        {
            sb.AppendLine("| line | before | now |").AppendLine("|---|---|---|");
            foreach (var c in drift.Lines) sb.AppendLine($"| `{c.Id}` | {c.Before} | {c.After} |");
            sb.AppendLine();
        }
        if (drift.Fingerprint.Count > 0)
        {
            sb.AppendLine("| what | name | change | before | now |").AppendLine("|---|---|---|---|---|");
            foreach (var c in drift.Fingerprint)
                sb.AppendLine($"| {Summary.Drift.KindWord(c.Kind, 1)} | {Escape(c.Name)} | {c.Change} | {Escape(c.Before ?? "")} | {Escape(c.After ?? "")} |");
        }
        if (drift.FingerprintNote is { } note) sb.AppendLine().AppendLine($"Fingerprint: {note}.");
        return sb.ToString();
    }

    /// <summary>A control's status: the worst status of the lines behind it.</summary>
    public static LineStatus ControlStatus(IReadOnlyList<LineVerdict> behind) =>
        behind.Count == 0 ? LineStatus.NotVerified : behind.Select(l => l.Status).Max();

    private string RenderLine(LineVerdict l, string indent)
    {
        var mark = l.Status is LineStatus.Verified or LineStatus.Attested ? "x" : " ";
        var sb = new StringBuilder();
        var word = l.Tailoring is { } t && l.Status == LineStatus.Verified ? $"verified (tailored: {t})" : Word(l.Status);
        var group = GroupOf(l);
        var reason = l.Status is LineStatus.Verified ? ""
            : group is { Lines.Count: > 1 } ? $": reason {group.Name} (see \"Not verified\" at the top)"
            : $": {Escape(l.Reason)}";
        sb.AppendLine($"{indent}- [{mark}] {l.Item.Text} \u2014 **{word}** `{l.Item.Id}`{reason}");
        foreach (var s in l.Scenarios)
            sb.AppendLine($"{indent}    - {s.Status}: {Escape(s.Name)} ({Escape(s.Feature)})");
        if (l.Attestation is { } a && l.Status == LineStatus.Attested)
            sb.AppendLine($"{indent}    - {Escape(a.ToString())}");
        if (l.Waiver is { } w)
            sb.AppendLine($"{indent}    - {Escape(w.ToString())}");
        return sb.ToString();
    }

    /// <summary>The status word used in checklist.md.</summary>
    public static string Word(LineStatus s) => s switch
    {
        LineStatus.Verified => "verified",
        LineStatus.Attested => "attested",
        LineStatus.Waived => "waived",
        LineStatus.NotVerified => "not verified",
        LineStatus.Broken => "broken",
        _ => "failed",
    };

    private static string Escape(string s) => PlainText.Of(s).Replace("\n", " ").Replace("|", "\\|");

    private static string Normalise(string s) => WhitespacePattern().Replace(s.Replace("**", "").Trim().ToLowerInvariant(), " ");

    [GeneratedRegex(@"^(#{2,3})\s+(.+?)\s*$")]
    private static partial Regex HeadingPattern();

    [GeneratedRegex(@"^(\s*)- \[ \]\s+(.*)$")]
    private static partial Regex ItemPattern();

    [GeneratedRegex(@"^\*\*(.+?)\*\*$")]
    private static partial Regex BoldPattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespacePattern();

    [GeneratedRegex(@"\s*\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)")]
    private static partial Regex ParenthesesPattern();
}

/// <summary>Not-verified lines that share one reason.</summary>
/// <param name="Name">"R1", "R2", ...</param>
/// <param name="Reason">The reason, once.</param>
/// <param name="Lines">The lines it holds for, in checklist order.</param>
public sealed record ReasonGroup(string Name, string Reason, IReadOnlyList<LineVerdict> Lines);

/// <summary>What goes into the sign-off block.</summary>
public sealed record SignOff(DateTime Date, string DeployedBy, string Environment, string RunId);

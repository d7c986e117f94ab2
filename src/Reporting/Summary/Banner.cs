using System.Net;
using System.Text;
using Acceptance.Reporting.Allure;
using Acceptance.Reporting.Checklist;

namespace Acceptance.Reporting.Summary;

/// <summary>Lines of one severity and how many of them are not verified, failed, broken or waived.</summary>
public sealed record SeverityCount(string Severity, int Lines, int NotOk);

/// <summary>
/// The verdict first: the sign-off status and why ("PARTIAL: 25 of 108 lines not verified, 2 of them critical"), the
/// lines by status and by severity, the target and its stand-ins, the change, the run, the suite commit, the operator,
/// when and how long, and the drift since the previous run of the target. Every report starts with it: checklist.md,
/// checklist.html, the console summary, banner.html (injected into the HTML report) and summary.json.
/// </summary>
public sealed record Banner
{
    /// <summary>Success, Partial or Failed (the sign-off rule's word).</summary>
    public required string Status { get; init; }

    /// <summary>Why, without the status word: "25 of 108 lines not verified, 2 of them critical".</summary>
    public required string Why { get; init; }

    /// <summary>Lines per status word, in the order verified, attested, waived, not verified, failed, broken.</summary>
    public required IReadOnlyList<KeyValuePair<string, int>> ByStatus { get; init; }

    /// <summary>Lines per severity, most severe first.</summary>
    public required IReadOnlyList<SeverityCount> BySeverity { get; init; }

    public required int TotalLines { get; init; }
    public required RunMetadata Run { get; init; }

    /// <summary>Who deployed, and where that came from.</summary>
    public Sourced? DeployedBy { get; init; }

    /// <summary>The drift sentence ("drift since run X at T: ...", "no earlier run of T to compare with").</summary>
    public required string DriftSummary { get; init; }

    /// <summary>The drift itself (line changes and fingerprint changes), for summary.json.</summary>
    public Drift? Drift { get; init; }

    /// <summary>"PARTIAL: 25 of 108 lines not verified, 2 of them critical".</summary>
    public string Headline => $"{Status.ToUpperInvariant()}: {Why}";

    private static readonly string[] SeverityRank = ["blocker", "critical", "normal", "minor", "trivial"];

    /// <summary>
    /// A line's severity: the most severe tag of the scenarios behind it (a scenario without one counts as critical, as
    /// in the sign-off rule); a line no scenario covers is normal.
    /// </summary>
    public static string SeverityOf(LineVerdict l) =>
        l.Scenarios.Count == 0 ? "normal"
        : l.Scenarios.Select(s => s.Severity ?? "critical").OrderBy(s => Array.IndexOf(SeverityRank, s) is var i && i < 0 ? 99 : i).First();

    /// <summary>Builds the banner of a report.</summary>
    public static Banner From(ChecklistReport report, RunMetadata run, Drift drift, Sourced? deployedBy = null)
    {
        var lines = report.Lines;
        int Count(LineStatus s) => lines.Count(l => l.Status == s);
        string Lines(int n) => n == 1 ? "1 line" : $"{n} lines";
        string Ids(IEnumerable<LineVerdict> ls) => string.Join(", ", ls.Select(l => l.Item.Id).Take(6)) + (ls.Count() > 6 ? ", ..." : "");

        var parts = new List<string>();
        var status = report.SignOffStatus;
        var criticalBad = lines.Where(l => l.Status is LineStatus.Failed or LineStatus.Broken && l.IsCritical).ToList();
        if (criticalBad.Count > 0) parts.Add($"{(criticalBad.Count == 1 ? "1 critical line" : $"{criticalBad.Count} critical lines")} failed or broke ({Ids(criticalBad)})");
        var orphans = report.Scenarios.Count(s => s.Status is AllureStatus.Failed or AllureStatus.Broken && s.ChecklistIds.Count == 0);
        if (orphans > 0) parts.Add($"{orphans} check(s) of no checklist line failed or broke");
        var failed = lines.Where(l => l.Status == LineStatus.Failed && !l.IsCritical).ToList();
        if (failed.Count > 0) parts.Add($"{Lines(failed.Count)} failed ({Ids(failed)})");
        var broken = lines.Where(l => l.Status == LineStatus.Broken && !l.IsCritical).ToList();
        if (broken.Count > 0) parts.Add($"{Lines(broken.Count)} broken ({Ids(broken)})");
        var notVerified = lines.Where(l => l.Status == LineStatus.NotVerified).ToList();
        if (notVerified.Count > 0)
        {
            var critical = notVerified.Count(l => l.IsCritical);
            parts.Add($"{notVerified.Count} of {lines.Count} lines not verified" + (critical > 0 ? $", {critical} of them critical" : ""));
        }
        var waived = lines.Where(l => l.Status == LineStatus.Waived).ToList();
        if (waived.Count > 0)
        {
            var critical = waived.Count(l => l.IsCritical);
            parts.Add($"{Lines(waived.Count)} waived" + (critical > 0 ? $", {critical} of them critical" : ""));
        }
        var why = status == "Success"
            ? $"all {lines.Count} lines verified or attested" + (waived.Count > 0 ? $" or waived ({waived.Count} non-critical waived)" : "")
            : parts.Count > 0 ? string.Join("; ", parts) : "not every line is verified or attested";

        return new Banner
        {
            Status = status,
            Why = why,
            ByStatus = Enum.GetValues<LineStatus>().Select(s => new KeyValuePair<string, int>(ChecklistReport.Word(s), Count(s))).ToList(),
            BySeverity = lines.GroupBy(SeverityOf).OrderBy(g => Array.IndexOf(SeverityRank, g.Key) is var i && i < 0 ? 99 : i)
                .Select(g => new SeverityCount(g.Key, g.Count(), g.Count(l => l.Status is not (LineStatus.Verified or LineStatus.Attested)))).ToList(),
            TotalLines = lines.Count,
            Run = run,
            DeployedBy = deployedBy,
            DriftSummary = drift.Summary(run.Target),
            Drift = drift,
        };
    }

    /// <summary>"83 verified, 0 attested, 0 waived, 25 not verified, 0 failed, 0 broken (108 lines)".</summary>
    public string StatusCounts => string.Join(", ", ByStatus.Select(kv => $"{kv.Value} {kv.Key}")) + $" ({TotalLines} lines)";

    /// <summary>"73 critical (5 of them not verified or attested), 33 normal".</summary>
    public string SeverityCounts => string.Join(", ", BySeverity.Select(s => $"{s.Lines} {s.Severity}" + (s.NotOk > 0 ? $" ({s.NotOk} of them not verified or attested)" : "")));

    /// <summary>"consul, grafana, nomad (sandbox stand-ins, not the real products)" or "none recorded".</summary>
    public string StandInText => Run.StandIns.Count == 0
        ? Run.RealComponents.Count == 0 ? "none recorded (the run recorded no component's kind)"
            : $"none among the components this run reached ({string.Join(", ", Run.RealComponents)} answered as the real products)"
        : $"{string.Join(", ", Run.StandIns)} (sandbox stand-in{(Run.StandIns.Count == 1 ? "" : "s")}, not the real product{(Run.StandIns.Count == 1 ? "" : "s")})";

    /// <summary>"2026-11-28 13:42:51 UTC to 2026-11-28 13:44:08 UTC (1 min 17 s)".</summary>
    public string WhenText =>
        (Run.Started is { } s ? RunMetadata.Utc(s) : "start not recorded") + " to " + (Run.Finished is { } f ? RunMetadata.Utc(f) : "end not recorded") +
        (Run.DurationSeconds is { } d ? $" ({RunMetadata.Duration(d)})" : "");

    /// <summary>The banner as plain text lines (the console summary and checklist.md).</summary>
    public IReadOnlyList<string> TextLines() => new[]
    {
        Headline,
        $"Lines: {StatusCounts}",
        $"Severity: {SeverityCounts}",
        $"Target: {Run.TargetAndEnvironment}; stand-ins: {StandInText}",
        $"Change: {Run.Change ?? "(no change ticket given)"}; run: {Run.RunId}; suite commit: {Run.SuiteCommit ?? "(unknown)"}",
        $"Operator: {Run.Operator?.ToString() ?? "(unknown)"}" + (DeployedBy is { } d ? $"; deployed by: {d}" : ""),
        $"When: {WhenText}",
        $"Drift: {DriftSummary}",
    }.Select(PlainText.Of).ToList();

    /// <summary>The banner as a markdown block (the first block of checklist.md).</summary>
    public string Markdown()
    {
        var t = TextLines();
        var sb = new StringBuilder();
        sb.AppendLine($"**Sign-off: {Md(Headline)}**").AppendLine();
        foreach (var line in t.Skip(1)) sb.AppendLine($"- {Md(line)}");
        return sb.ToString();
    }

    private static string Md(string s) => PlainText.Of(s).Replace("\n", " ").Replace("|", "\\|");

    /// <summary>The CSS class of a status: success, partial, failed.</summary>
    public string StatusClass => Status.ToLowerInvariant() switch { "success" => "success", "failed" => "failed", _ => "partial" };

    /// <summary>
    /// The banner as one self-contained static HTML fragment (&lt;section id="acceptance-banner"&gt;): inline CSS whose
    /// selectors all start with #acceptance-banner, no script, no external resource.
    /// </summary>
    public string Html()
    {
        static string E(string? s) => WebUtility.HtmlEncode(PlainText.Of(s));
        var sb = new StringBuilder();
        sb.Append($"<section id=\"acceptance-banner\" class=\"ab-{StatusClass}\" data-status=\"{E(Status)}\" aria-label=\"sign-off verdict\">\n");
        sb.Append("<style>\n").Append(Css).Append("</style>\n");
        sb.Append($"<p class=\"ab-headline\"><span class=\"ab-status\">{E(Status.ToUpperInvariant())}</span> {E(Why)}</p>\n");
        sb.Append("<table class=\"ab-counts\"><tr>");
        foreach (var kv in ByStatus) sb.Append($"<th>{E(kv.Key)}</th>");
        sb.Append("<th>lines</th></tr><tr>");
        foreach (var kv in ByStatus) sb.Append($"<td class=\"ab-n ab-{kv.Key.Replace(' ', '-')}\">{kv.Value}</td>");
        sb.Append($"<td class=\"ab-n\">{TotalLines}</td></tr></table>\n");
        sb.Append("<dl class=\"ab-facts\">\n");
        void Fact(string name, string value) => sb.Append($"<dt>{E(name)}</dt><dd>{E(value)}</dd>\n");
        Fact("Severity", SeverityCounts);
        Fact("Target", Run.TargetAndEnvironment);
        Fact("Stand-ins", StandInText);
        Fact("Change", Run.Change ?? "(no change ticket given)");
        Fact("Run", Run.RunId);
        Fact("Suite commit", Run.SuiteCommit ?? "(unknown)");
        Fact("Operator", Run.Operator?.ToString() ?? "(unknown)");
        if (DeployedBy is { } d) Fact("Deployed by", d.ToString());
        Fact("When", WhenText);
        Fact("Drift", DriftSummary);
        sb.Append("</dl>\n</section>\n");
        return sb.ToString();
    }

    /// <summary>The banner's CSS (every selector scoped to #acceptance-banner; prints in colour).</summary>
    public const string Css = """
#acceptance-banner{font:14px/1.4 "Liberation Sans",Arial,Helvetica,sans-serif;color:#1a1a1a;background:#fff;border:2px solid #888;border-left-width:12px;padding:10px 14px;margin:0 0 12px 0;-webkit-print-color-adjust:exact;print-color-adjust:exact;box-sizing:border-box;max-width:100%}
#acceptance-banner.ab-success{border-color:#1e7b34}
#acceptance-banner.ab-partial{border-color:#b26a00}
#acceptance-banner.ab-failed{border-color:#b3261e}
#acceptance-banner .ab-headline{font-size:20px;font-weight:bold;margin:0 0 8px 0}
#acceptance-banner .ab-status{display:inline-block;padding:1px 8px;color:#fff;background:#888;border-radius:3px}
#acceptance-banner.ab-success .ab-status{background:#1e7b34}
#acceptance-banner.ab-partial .ab-status{background:#b26a00}
#acceptance-banner.ab-failed .ab-status{background:#b3261e}
#acceptance-banner .ab-counts{border-collapse:collapse;margin:0 0 8px 0}
#acceptance-banner .ab-counts th,#acceptance-banner .ab-counts td{border:1px solid #ccc;padding:2px 10px;text-align:center;font-size:13px}
#acceptance-banner .ab-counts th{background:#f2f2f2;font-weight:normal}
#acceptance-banner .ab-n{font-weight:bold;font-size:16px}
#acceptance-banner .ab-failed,#acceptance-banner .ab-broken{color:#b3261e}
#acceptance-banner .ab-not-verified{color:#555}
#acceptance-banner .ab-facts{display:grid;grid-template-columns:max-content auto;gap:2px 12px;margin:0;font-size:13px}
#acceptance-banner .ab-facts dt{font-weight:bold;margin:0}
#acceptance-banner .ab-facts dd{margin:0;overflow-wrap:anywhere}

""";

    /// <summary>The banner for summary.json ("banner").</summary>
    public Dictionary<string, object?> Json() => new()
    {
        ["status"] = Status,
        ["why"] = Why,
        ["headline"] = Headline,
        ["lines_by_status"] = ByStatus.ToDictionary(kv => kv.Key, kv => kv.Value),
        ["lines_by_severity"] = BySeverity.ToDictionary(s => s.Severity, s => s.Lines),
        ["lines_total"] = TotalLines,
        ["target"] = Run.Target,
        ["environment"] = Run.Environment,
        ["stand_ins"] = Run.StandIns,
        ["change"] = Run.Change,
        ["run_id"] = Run.RunId,
        ["suite_commit"] = Run.SuiteCommit,
        ["operator"] = Run.Operator?.Value,
        ["operator_source"] = Run.Operator?.Source,
        ["deployed_by"] = DeployedBy?.Value,
        ["deployed_by_source"] = DeployedBy?.Source,
        ["started"] = Run.Started is { } s ? RunHistory.Iso(s) : null,
        ["finished"] = Run.Finished is { } f ? RunHistory.Iso(f) : null,
        ["duration_seconds"] = Run.DurationSeconds,
        ["drift"] = DriftSummary,
        ["drift_since_run"] = Drift?.Previous?.RunId,
        ["drift_lines"] = Drift?.Lines.Select(c => new Dictionary<string, string> { ["id"] = c.Id, ["before"] = c.Before, ["now"] = c.After }).ToList(),
        ["drift_fingerprint"] = Drift?.Fingerprint.Select(c => new Dictionary<string, string?>
            { ["kind"] = c.Kind, ["name"] = c.Name, ["change"] = c.Change, ["before"] = c.Before, ["now"] = c.After }).ToList(),
    };
}

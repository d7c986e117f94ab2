using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Acceptance.Reporting.Checklist;
using CliWrap;
using CliWrap.Buffered;

namespace Acceptance.Reporting.Summary;

/// <summary>
/// The checklist as one static document for the change ticket (checklist.html, and checklist.pdf printed from it by
/// Debian's chromium): the banner, the sign-off block, the not-verified reasons once each, the drift, then one row per
/// checklist line in checklist order (id, text, status in plain words, severity, links to its evidence in the HTML
/// report) and a footer naming the sealed evidence bundle and its SHA-256 (or "not sealed"). No script, no external
/// resource, no emoji; print CSS so a PDF shows every row.
/// </summary>
public static partial class ChecklistDocument
{
    /// <summary>The document's file names in the reports folder.</summary>
    public const string HtmlFile = "checklist.html", PdfFile = "checklist.pdf", BannerFile = "banner.html";

    /// <summary>The single-file HTML report, relative to the reports folder.</summary>
    public const string AllureReport = "allure-report/awesome/index.html";

    /// <summary>Evidence links per line; the rest are counted.</summary>
    public const int MaxLinksPerLine = 6;

    private const string FooterStart = "<!--document-footer-->", FooterEnd = "<!--/document-footer-->";

    /// <summary>
    /// The link to a result in the Allure 3 single-file report: its route is "#&lt;test result id&gt;" and the id is the
    /// MD5 (hex) of the result's uuid (@allurereport/core, store/convert.js: <c>id: md5(raw.uuid)</c>).
    /// </summary>
    public static string EvidenceLink(string uuid) =>
        $"{AllureReport}#{Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(uuid)))}";

    /// <summary>The footer's text: the bundle's file name and SHA-256, or "not sealed".</summary>
    public static string FooterText(string? bundleName, string? sha256) =>
        bundleName is null ? "Evidence bundle: not sealed when this copy was written (a copy inside the bundle is written before the bundle is sealed; the copy next to the bundle, reports/checklist.html, names the bundle and its SHA-256)"
            : $"Evidence bundle: {bundleName}, SHA-256 {sha256}";

    /// <summary>Renders checklist.html.</summary>
    /// <param name="report">The checklist verdict.</param>
    /// <param name="banner">The banner.</param>
    /// <param name="drift">The drift since the previous run.</param>
    /// <param name="signOff">The sign-off block's values.</param>
    /// <param name="placeholders">The placeholder result uuid of each line no scenario covers (by line id).</param>
    /// <param name="footer">The footer's text (<see cref="FooterText"/>).</param>
    public static string Render(ChecklistReport report, Banner banner, Drift drift, SignOff signOff,
        IReadOnlyDictionary<string, string> placeholders, string footer)
    {
        static string E(string? s) => WebUtility.HtmlEncode(PlainText.Of(s));
        var sb = new StringBuilder(64 * 1024);
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
        sb.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        sb.Append($"<title>{E($"Checklist sign-off {banner.Status.ToUpperInvariant()}: {banner.Run.TargetAndEnvironment}, run {banner.Run.RunId}")}</title>\n");
        sb.Append("<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n");
        sb.Append(banner.Html());

        sb.Append("<section class=\"signoff\"><h2>Sign-off</h2><dl>\n");
        void Fact(string name, string value) => sb.Append($"<dt>{E(name)}</dt><dd>{E(value)}</dd>\n");
        Fact("Deployment date", $"{signOff.Date:yyyy-MM-dd HH:mm} UTC");
        Fact("Deployed by", signOff.DeployedBy);
        Fact("Environment", signOff.Environment);
        Fact("Status", $"{report.SignOffStatus} (one of Success, Partial, Failed)");
        Fact("Change", report.Inputs.Policy.ChangeTicket ?? "(no change ticket given)");
        Fact("Sign-off rule", ChecklistReport.SignOffRule);
        sb.Append("</dl></section>\n");

        if (report.NotVerifiedByReason.Count > 0)
        {
            var nv = report.Lines.Count(l => l.Status == LineStatus.NotVerified);
            sb.Append($"<section class=\"reasons\"><h2>Not verified: {nv} line(s), {report.NotVerifiedByReason.Count} reason(s)</h2>\n");
            sb.Append("<table><thead><tr><th>reason</th><th>lines</th><th>why</th></tr></thead><tbody>\n");
            foreach (var g in report.NotVerifiedByReason)
                sb.Append($"<tr id=\"{g.Name}\"><td>{g.Name}</td><td>{g.Lines.Count}: ")
                  .Append(string.Join(", ", g.Lines.Select(l => $"<a href=\"#{E(l.Item.Id)}\">{E(l.Item.Id)}</a>")))
                  .Append($"</td><td>{E(Short(g.Reason))}</td></tr>\n");
            sb.Append("</tbody></table></section>\n");
        }

        if (drift.Previous is not null && (drift.Lines.Count > 0 || drift.Fingerprint.Count > 0))
        {
            sb.Append($"<section class=\"drift\"><h2>{E($"Drift since run {drift.Previous.RunId} ({drift.Previous.Finished})")}</h2>\n");
            if (drift.Lines.Count > 0)
            {
                sb.Append("<table><thead><tr><th>line</th><th>before</th><th>now</th></tr></thead><tbody>\n");
                foreach (var c in drift.Lines) sb.Append($"<tr><td><a href=\"#{E(c.Id)}\">{E(c.Id)}</a></td><td>{E(c.Before)}</td><td>{E(c.After)}</td></tr>\n");
                sb.Append("</tbody></table>\n");
            }
            if (drift.Fingerprint.Count > 0)
            {
                sb.Append("<table><thead><tr><th>what</th><th>name</th><th>change</th><th>before</th><th>now</th></tr></thead><tbody>\n");
                foreach (var c in drift.Fingerprint)
                    sb.Append($"<tr><td>{E(Drift.KindWord(c.Kind, 1))}</td><td>{E(c.Name)}</td><td>{E(c.Change)}</td><td class=\"v\">{E(c.Before)}</td><td class=\"v\">{E(c.After)}</td></tr>\n");
                sb.Append("</tbody></table>\n");
            }
            if (drift.FingerprintNote is { } note) sb.Append($"<p>Fingerprint: {E(note)}.</p>\n");
            sb.Append("</section>\n");
        }

        sb.Append("<section class=\"checklist\"><h2>Checklist, line by line</h2>\n");
        sb.Append("<table><thead><tr><th class=\"id\">id</th><th>line</th><th class=\"st\">status</th><th class=\"sev\">severity</th><th>evidence</th></tr></thead>\n");
        string? section = null, group = null;
        foreach (var l in report.Lines)
        {
            if (l.Item.Section != section)
            {
                if (section is not null) sb.Append("</tbody>\n");
                section = l.Item.Section;
                group = null;
                // No odd levels: "Next Steps After Deployment" once, not as its own phase and section.
                var title = l.Item.Phase == l.Item.Section ? l.Item.Section : $"{l.Item.Phase}: {l.Item.Section}";
                sb.Append($"<tbody><tr class=\"section\"><th colspan=\"5\">{E(title)}</th></tr>\n");
            }
            if (l.Item.Group != group && !string.IsNullOrWhiteSpace(l.Item.Group) && l.Item.Group != l.Item.Section && !l.Item.Group.StartsWith('('))
            {
                group = l.Item.Group;
                sb.Append($"<tr class=\"group\"><td colspan=\"5\">{E(l.Item.Group)}</td></tr>\n");
            }
            var word = ChecklistReport.Word(l.Status);
            var css = word.Replace(' ', '-');
            sb.Append($"<tr id=\"{E(l.Item.Id)}\" class=\"st-{css}\"><td class=\"id\">{E(l.Item.Id)}</td><td>{E(l.Item.Text)}");
            var reasonGroup = report.GroupOf(l);
            if (l.Status != LineStatus.Verified)
                sb.Append(reasonGroup is { Lines.Count: > 1 }
                    ? $"<div class=\"why\">reason <a href=\"#{reasonGroup.Name}\">{reasonGroup.Name}</a></div>"
                    : $"<div class=\"why\">{E(Short(l.Reason))}</div>");
            else if (l.Tailoring is { } t)
                sb.Append($"<div class=\"why\">tailored: {E(t)}</div>");
            sb.Append($"</td><td class=\"st\">{E(l.Tailoring is not null && l.Status == LineStatus.Verified ? "verified (tailored)" : word)}</td>");
            sb.Append($"<td class=\"sev\">{E(Banner.SeverityOf(l))}</td><td class=\"ev\">");
            // The worst outcomes first; a line behind many scenarios names a few and counts the rest (the document stays small).
            var behind = l.Scenarios.Where(s => s.Uuid.Length > 0).OrderBy(s => s.Status switch { "failed" => 0, "broken" => 1, "skipped" => 2, _ => 3 }).ToList();
            var links = behind.Take(MaxLinksPerLine).Select(s => $"<a href=\"{E(EvidenceLink(s.Uuid))}\">{E(s.Status)}: {E(s.Name)}</a>").ToList();
            if (behind.Count > MaxLinksPerLine) links.Add($"and {behind.Count - MaxLinksPerLine} more scenario(s) in the HTML report");
            if (placeholders.TryGetValue(l.Item.Id, out var uuid))
                links.Add($"<a href=\"{E(EvidenceLink(uuid))}\">{(l.Status == LineStatus.Attested ? "attestation" : "not-verified entry")}</a>");
            if (l.Attestation is { } a && l.Status == LineStatus.Attested) links.Add(E(a.ToString()));
            if (l.Waiver is { } w) links.Add(E(w.ToString()));
            sb.Append(links.Count == 0 ? "none" : string.Join("<br>", links));
            sb.Append("</td></tr>\n");
        }
        if (section is not null) sb.Append("</tbody>\n");
        sb.Append("</table></section>\n");

        sb.Append($"<footer id=\"document-footer\">{FooterStart}<p class=\"bundle\">{E(footer)}</p>{FooterEnd}\n");
        sb.Append($"<p>{E($"Run {banner.Run.RunId}, suite commit {banner.Run.SuiteCommit ?? "(unknown)"}; evidence links open {AllureReport} next to this file.")}</p></footer>\n");
        sb.Append("</body></html>\n");
        return sb.ToString();
    }

    /// <summary>Reasons longer than this are cut in the document (the HTML report and checklist.md have them whole).</summary>
    public const int MaxReasonLength = 600;

    /// <summary>A reason cut to <see cref="MaxReasonLength"/> characters, saying where the rest is.</summary>
    public static string Short(string reason) =>
        reason.Length <= MaxReasonLength ? reason : reason[..MaxReasonLength].TrimEnd() + " ... (cut here: the whole text is in checklist.md and the HTML report)";

    /// <summary>
    /// Replaces the footer of an existing checklist.html (written by the report command) with the bundle's name and
    /// SHA-256; the rest of the document is unchanged.
    /// </summary>
    /// <exception cref="InvalidDataException">The file has no footer of this document.</exception>
    public static string WithFooter(string html, string footer, string file)
    {
        var start = html.IndexOf(FooterStart, StringComparison.Ordinal);
        var end = html.IndexOf(FooterEnd, StringComparison.Ordinal);
        if (start < 0 || end < start) throw new InvalidDataException($"{file}: not a checklist document of this suite (no footer marker)");
        return html[..(start + FooterStart.Length)] + $"<p class=\"bundle\">{WebUtility.HtmlEncode(PlainText.Of(footer))}</p>" + html[end..];
    }

    /// <summary>The SHA-256 of a file, lower-case hex.</summary>
    public static string Sha256(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Debian's chromium: ACCEPTANCE_CHROMIUM, else /usr/bin/chromium; null when not installed (or ACCEPTANCE_CHROMIUM=none).</summary>
    public static string? Chromium() =>
        System.Environment.GetEnvironmentVariable("ACCEPTANCE_CHROMIUM") is { Length: > 0 } c ? (File.Exists(c) ? c : null)
        : File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium" : null;

    /// <summary>
    /// Prints checklist.html to checklist.pdf with headless chromium (from file://, no header/footer lines of the
    /// browser's own). Returns null when printed, else why not (chromium missing, failed, timed out): the caller notes
    /// it and goes on, a missing PDF never fails a run.
    /// </summary>
    public static async Task<string?> PrintPdfAsync(string htmlFile, string pdfFile, TimeSpan timeout)
    {
        if (System.Environment.GetEnvironmentVariable("ACCEPTANCE_CHROMIUM") == "none") return "no PDF: ACCEPTANCE_CHROMIUM=none";
        if (Chromium() is not { } chromium) return "chromium is not installed (apt-get install chromium): no PDF";
        var profile = Directory.CreateTempSubdirectory("checklist-pdf-");
        var partial = pdfFile + ".part";
        try
        {
            using var cts = new CancellationTokenSource(timeout);
            var result = await Cli.Wrap(chromium)
                .WithArguments([
                    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
                    "--disable-extensions", "--disable-background-networking", $"--user-data-dir={profile.FullName}",
                    // Untagged: a third of the size (the HTML document is the accessible form).
                    "--no-pdf-header-footer", "--disable-pdf-tagging", $"--print-to-pdf={partial}", new Uri(Path.GetFullPath(htmlFile)).AbsoluteUri,
                ])
                .WithEnvironmentVariables(e => e.Set("HOME", profile.FullName))
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(cts.Token);
            if (!File.Exists(partial) || new FileInfo(partial).Length == 0)
                return $"chromium could not print {htmlFile} (exit {result.ExitCode}): {FirstLine(result.StandardError)}";
            File.Move(partial, pdfFile, overwrite: true);
            return null;
        }
        catch (OperationCanceledException) { return $"chromium did not print {htmlFile} within {timeout.TotalSeconds:0} s: no PDF"; }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException) { return $"chromium could not run: {e.Message}"; }
        finally
        {
            try { profile.Delete(true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            try { File.Delete(partial); } catch (IOException) { }
        }
    }

    private static string FirstLine(string s) =>
        s.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault(l => !NoisePattern().IsMatch(l)) ?? "no message";

    [GeneratedRegex(@"^\[\d+:\d+:")]
    private static partial Regex NoisePattern();

    /// <summary>The document's CSS (screen and print).</summary>
    public const string Css = """
body{font:13px/1.4 "Liberation Sans",Arial,Helvetica,sans-serif;color:#1a1a1a;margin:16px;max-width:1200px}
h2{font-size:16px;margin:16px 0 6px 0}
table{border-collapse:collapse;width:100%}
th,td{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}
thead th{background:#f2f2f2}
dl{display:grid;grid-template-columns:max-content auto;gap:2px 12px;margin:0}
dt{font-weight:bold}
dd{margin:0}
td.id{white-space:nowrap;font-family:"Liberation Mono",monospace;font-size:12px}
td.st{white-space:nowrap;font-weight:bold}
td.sev{white-space:nowrap}
td.ev{font-size:12px;overflow-wrap:anywhere}
td.v{font-family:"Liberation Mono",monospace;font-size:11px;overflow-wrap:anywhere}
.why{font-size:12px;color:#444;margin-top:2px;overflow-wrap:anywhere}
tr.section th{background:#dde3ea;font-size:14px}
tr.group td{background:#f6f6f6;font-style:italic}
tr.st-verified td.st,tr.st-attested td.st{color:#1e7b34}
tr.st-waived td.st{color:#b26a00}
tr.st-failed td.st,tr.st-broken td.st{color:#b3261e}
tr.st-not-verified td.st{color:#555}
a{color:#0b57d0}
footer{margin-top:16px;border-top:1px solid #888;padding-top:6px;font-size:12px}
footer .bundle{font-weight:bold;overflow-wrap:anywhere}
@page{size:A4;margin:12mm}
@media print{body{margin:0;max-width:none;font-size:11px}thead{display:table-header-group}tr{break-inside:avoid}
a{color:inherit;text-decoration:none}*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}

""";
}

using Acceptance.Reporting.Checklist;
using Acceptance.Reporting.Summary;
using Acceptance.Support.Configuration;

namespace Acceptance.Cli;

/// <summary>
/// The verdict-first outputs of the report command (the banner, the run history and its drift, checklist.html and
/// checklist.pdf) and the <c>document</c> command that puts the sealed bundle's name and SHA-256 in the document's footer.
/// </summary>
internal static class ReportDocuments
{
    /// <summary>How long chromium may take to print the document before the PDF is skipped (noted, never a failure).</summary>
    private static readonly TimeSpan PdfTimeout = TimeSpan.FromSeconds(60);

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;

    /// <summary>The run's metadata: --run-id/--operator/--started, the variables run-tests.sh exports, the run's environment.properties.</summary>
    public static RunMetadata Metadata(string resultsDir, string? runId, string? change, TargetEnvironment? target, string? operatorName, string? started)
    {
        var properties = RunMetadata.ReadProperties(Path.Combine(resultsDir, "environment.properties"));
        var run = RunMetadata.From(properties, Env, runId, change, target is null ? null : (target.Name, target.Environment), DateTimeOffset.UtcNow);
        if (operatorName is not null) run = run with { Operator = new Sourced(operatorName, "--operator") };
        if (RunMetadata.Time(started) is { } s) run = run with { Started = s };
        return run;
    }

    /// <summary>
    /// Who deployed, and where that came from: ACCEPTANCE_DEPLOYED_BY, else deployed_by of the attestations file, else the
    /// target's change.deployed_by, else the run's operator (saying that no deployer was named when the operator is only the machine's login).
    /// </summary>
    public static Sourced DeployedBy(string? fromAttestations, string? fromTarget, Sourced? operatorOfRun) =>
        Env("ACCEPTANCE_DEPLOYED_BY") is { } d ? new(d, "ACCEPTANCE_DEPLOYED_BY")
        : fromAttestations is not null ? new(fromAttestations, "deployed_by in the attestations file")
        : fromTarget is { Length: > 0 } t ? new(t, "change.deployed_by in the target file")
        : operatorOfRun is { Source: "--operator" } op ? new(op.Value, "the run's operator, --operator")
        : operatorOfRun is { } login ? new(login.Value, $"the run's operator ({login.Source}); no deployer was named: give --operator or deployed_by in the attestations file")
        : new("not named (give --operator, or deployed_by in the attestations file)", "");

    /// <summary>
    /// Records the run in history/runs/&lt;run-id&gt;.json (with the target's fingerprint.json when the run wrote one) and
    /// compares it with the newest earlier run of the same target.
    /// </summary>
    public static (RunRecord Record, Drift Drift) History(string outDir, ChecklistReport report, RunMetadata run)
    {
        Fingerprint? fingerprint = null;
        try { fingerprint = Fingerprint.Load(Path.Combine(outDir, Fingerprint.FileName)); }
        catch (InvalidDataException e) { Console.Error.WriteLine($"fingerprint: {e.Message} (drift compares line statuses only)"); }
        var record = new RunRecord
        {
            RunId = run.RunId,
            Target = run.Target,
            Environment = run.Environment,
            Finished = RunHistory.Iso(run.Finished ?? DateTimeOffset.UtcNow),
            SignOff = report.SignOffStatus,
            Lines = report.Lines.ToDictionary(l => l.Item.Id, l => ChecklistReport.Word(l.Status)),
            Fingerprint = fingerprint,
        };
        var skipped = new List<string>();
        var previous = RunHistory.Previous(outDir, record, skipped);
        foreach (var s in skipped) Console.Error.WriteLine($"run history: skipped unreadable {s}");
        RunHistory.Write(outDir, record);
        return (record, Drift.Compare(record, previous));
    }

    /// <summary>
    /// Writes banner.html, checklist.html and (when chromium is installed and <paramref name="pdf"/>) checklist.pdf; says
    /// why when there is no PDF. run-tests.sh passes --no-pdf: the PDF is printed once, by <c>document</c>, after sealing.
    /// </summary>
    public static void Write(string outDir, ChecklistReport report, Banner banner, Drift drift, SignOff signOff, IReadOnlyDictionary<string, string> placeholders,
        bool pdf = true)
    {
        File.WriteAllText(Path.Combine(outDir, ChecklistDocument.BannerFile), banner.Html());
        var html = Path.Combine(outDir, ChecklistDocument.HtmlFile);
        File.WriteAllText(html, ChecklistDocument.Render(report, banner, drift, signOff, placeholders, ChecklistDocument.FooterText(null, null)));
        if (pdf) Pdf(html, Path.Combine(outDir, ChecklistDocument.PdfFile));
        else File.Delete(Path.Combine(outDir, ChecklistDocument.PdfFile)); // never a PDF of an earlier document next to this one
    }

    private static void Pdf(string html, string pdf)
    {
        var why = ChecklistDocument.PrintPdfAsync(html, pdf, PdfTimeout).GetAwaiter().GetResult();
        if (why is not null)
        {
            File.Delete(pdf); // never a PDF of an earlier document next to this one
            Console.Error.WriteLine($"note: {why} ({Path.GetFileName(html)} is written)");
        }
    }

    /// <summary>
    /// acceptance document --out DIR [--bundle FILE]: writes the bundle's file name and SHA-256 (or "not sealed") into the
    /// footer of DIR/checklist.html and prints checklist.pdf again. Exit 2 when there is no document or no such bundle.
    /// </summary>
    public static int Document(string outDir, string? bundle)
    {
        var html = Path.Combine(outDir, ChecklistDocument.HtmlFile);
        if (!File.Exists(html)) { Console.Error.WriteLine($"acceptance document: {html} does not exist (the report command writes it)"); return 2; }
        if (bundle is not null && !File.Exists(bundle)) { Console.Error.WriteLine($"acceptance document: --bundle {bundle}: no such file"); return 2; }
        var footer = bundle is null ? ChecklistDocument.FooterText(null, null) : ChecklistDocument.FooterText(Path.GetFileName(bundle), ChecklistDocument.Sha256(bundle));
        File.WriteAllText(html, ChecklistDocument.WithFooter(File.ReadAllText(html), footer, html));
        var pdf = Path.Combine(outDir, ChecklistDocument.PdfFile);
        Pdf(html, pdf);
        Console.WriteLine($"Document:   {html} ({new FileInfo(html).Length / 1024} KB){(File.Exists(pdf) ? $", {pdf} ({new FileInfo(pdf).Length / 1024} KB)" : "")}; {footer}");
        return 0;
    }
}

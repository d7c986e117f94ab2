using Acceptance.Reporting;
using Acceptance.Reporting.Allure;
using Acceptance.Reporting.Checklist;
using Acceptance.Support.Configuration;

namespace Acceptance.Cli;

/// <summary>
/// The suite's command line helper, called by run-tests.sh:
///   acceptance check-target FILE                 validate a target file (exit 2 on problems)
///   acceptance target-schema                     print the reference of every target-file key (markdown)
///   acceptance cleanup --target FILE [--grace-minutes N]
///                                                remove what killed runs left behind (run-scoped names, older than N minutes)
///   acceptance check-signoff --checklist DIR [--target FILE] [--attestations FILE] [--waivers FILE] [--compliance FILE]
///                                                validate the signed files and the target's sign-off settings at the start of a run
///                                                (every problem with file:line in one message; exit 2)
///   acceptance report --results DIR --checklist DIR --out DIR [--attestations FILE] [--waivers FILE] [--change ID]
///                     [--compliance FILE] [--strict] [--interrupted INT|TERM]
///                     [--run-id ID] [--target FILE] [--operator NAME] [--started ISO-8601] [--no-pdf]
///                                                the banner (console, banner.html), checklist.md, checklist.html/.pdf, summary.json,
///                                                history/runs/RUN.json and the drift since the target's previous run, exit code
///   acceptance document --out DIR [--bundle FILE]
///                                                the bundle's name and SHA-256 (or "not sealed") in checklist.html's footer; checklist.pdf again
/// Exit codes: 0 ok, 1 checks failed or broke (or, with --strict, lines not verified), 2 bad input.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        // fingerprint, seal, verify: the sealed evidence bundle (EvidenceCommands.cs).
        if (EvidenceCommands.Run(args) is { } evidenceExit) return evidenceExit;
        try
        {
            return args.FirstOrDefault() switch
            {
                "check-target" when args.Length == 2 => CheckTarget(args[1]),
                "target-schema" => TargetSchema(),
                "cleanup" => Cleanup(Options.Parse(args.Skip(1))),
                "report" => Report(Options.Parse(args.Skip(1))),
                "check-signoff" => CheckSignOff(Options.Parse(args.Skip(1))),
                "document" => Options.Parse(args.Skip(1)) is var d ? ReportDocuments.Document(d.Require("out"), d.Get("bundle")) : 2,
                _ => Usage(),
            };
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"acceptance: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            Console.Error.WriteLine($"acceptance: {e.Message}");
            return 2;
        }
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: acceptance check-target FILE | acceptance target-schema | acceptance cleanup --target FILE [--grace-minutes N] | acceptance check-signoff --checklist DIR [--target FILE] [--attestations FILE] [--waivers FILE] [--compliance FILE] | acceptance report --results DIR --checklist DIR --out DIR [--attestations FILE] [--waivers FILE] [--change ID] [--compliance FILE] [--strict] [--interrupted INT|TERM] [--run-id ID] [--target FILE] [--operator NAME] [--started ISO-8601] [--no-pdf] | acceptance document --out DIR [--bundle FILE]");
        Console.Error.WriteLine("       " + EvidenceCommands.Usage);
        return 2;
    }

    private static int CheckTarget(string file)
    {
        try
        {
            var target = TargetFileLoader.Load(file);
            Console.WriteLine($"target {target.Name} ({target.Environment}) from {target.SourceFile}: " +
                              $"{target.Services.Count} service(s): {string.Join(", ", target.Services.Values)}");
            foreach (var (key, service) in target.Services)
                if (service is ServiceEndpoint { SkipVerify: true }) Console.WriteLine($"warning: services.{key}: TLS verification is disabled");
            foreach (var d in TargetFileLoader.ChecklistDeviations(target).Where(d => d.IsRelaxed))
                Console.WriteLine($"tailored: {d.Describe(target.Tailoring.GetValueOrDefault(d.Path))}");
            return 0;
        }
        catch (TargetConfigurationException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
    }

    private static int Cleanup(Options o)
    {
        TargetEnvironment target;
        try { target = TargetFileLoader.Load(o.Require("target")); }
        catch (TargetConfigurationException e) { Console.Error.WriteLine(e.Message); return 2; }
        var grace = o.Get("grace-minutes") is { } m
            ? TimeSpan.FromMinutes(double.TryParse(m, System.Globalization.CultureInfo.InvariantCulture, out var minutes) && minutes >= 0
                ? minutes : throw new UsageException($"--grace-minutes: '{m}' is not a number of minutes"))
            : Acceptance.Support.Lifecycle.LeftoverJanitor.DefaultGrace;
        var rc = 0;
        // One sweep per kind of thing the suite creates; each says what it removed, or why it could not look.
        void Sweep(string what, string nothing, Func<Task<IReadOnlyList<string>>> sweep)
        {
            try
            {
                var removed = sweep().GetAwaiter().GetResult();
                Console.WriteLine(removed.Count == 0 ? $"janitor: {nothing}" : $"janitor: removed {removed.Count} leftover(s) of earlier runs:\n  " + string.Join("\n  ", removed));
            }
            catch (Exception e) when (e is Acceptance.Support.Outcomes.EnvironmentProblemException or Acceptance.Support.Outcomes.DeploymentDefectException
                                          or Acceptance.Support.Outcomes.NotVerifiedException)
            {
                Console.Error.WriteLine($"janitor: could not look for {what}: {e.Message}");
                rc = 1;
            }
        }
        var evidence = new Acceptance.Support.Evidence.EvidenceLog();
        if (target.Service("pushgateway") is null)
            Console.WriteLine("janitor: the target declares no Pushgateway: no run-scoped groups to look for");
        else
            Sweep("leftovers", $"nothing left behind by earlier runs (Pushgateway groups of the suite older than {grace.TotalMinutes:0} min)", async () =>
            {
                using var pushgateway = new Acceptance.Support.Pushgateway.PushgatewayDriver(target, evidence);
                return (await new Acceptance.Support.Lifecycle.LeftoverJanitor(pushgateway).SweepAsync(grace, DateTimeOffset.UtcNow)).Select(g => g.ToString()).ToList();
            });
        if (target.Service("nomad") is not null)
            Sweep("leftover training jobs", $"no training job of the suite ({Acceptance.Support.Nomad.SubmittedJob.IdPrefix}*) left in Nomad by earlier runs", async () =>
            {
                using var nomad = new Acceptance.Support.Nomad.NomadClient(target, evidence);
                return await Acceptance.Support.Nomad.SubmittedJob.RemoveLeftoversAsync(nomad, grace);
            });
        if (target.Service("nomad") is not null)
            Sweep("leftover load runners", $"no load-runner job of the suite ({Acceptance.Support.Load.NomadLoadRunners.IdPrefix}*) left in Nomad by earlier runs", async () =>
            {
                using var nomad = new Acceptance.Support.Nomad.NomadClient(target, evidence);
                return await Acceptance.Support.Nomad.SubmittedJob.RemoveLeftoversAsync(nomad, grace, prefix: Acceptance.Support.Load.NomadLoadRunners.IdPrefix);
            });
        if (target.Service("docker") is Acceptance.Support.Docker.DockerOptions docker && docker.DrillProject is not null)
            Sweep("rollback-drill leftovers", $"no rollback-drill project ({docker.DrillProject}) left behind by earlier runs",
                () => Acceptance.Support.Docker.ComposeRollbackDrill.RemoveLeftoversAsync(docker, grace, evidence));
        if (target.Backups.Jobs.Count > 0)
            Sweep("restore-drill leftovers", "no restore-drill scratch instance or KV canary left behind by earlier runs",
                () => Acceptance.Support.Backups.DrillLeftovers.RemoveAsync(target, grace, evidence));
        return rc;
    }

    private static int TargetSchema()
    {
        Console.Write(TargetSchemaDocument.Markdown());
        return 0;
    }

    private static int Report(Options o)
    {
        var catalog = ChecklistCatalog.Load(Path.Combine(o.Require("checklist"), "checklist-items.tsv"));
        var seed = File.ReadAllText(Path.Combine(o.Require("checklist"), "production-deployment-checklist.md"));
        var results = o.Require("results");
        var outDir = o.Require("out");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);

        var target = o.Get("target") is { } t ? TryLoad(t) : null;
        var policy = Policy(target, o);
        AttestationSet attestations;
        try
        {
            attestations = o.Get("attestations") is { } file ? AttestationSet.Load(file, catalog, today, policy) : AttestationSet.Empty;
        }
        catch (InvalidDataException e)
        {
            // The results already collected are kept: the report is still written, without attestations.
            Console.Error.WriteLine($"attestations: {e.Message}");
            attestations = AttestationSet.Empty;
            o.AttestationError = e.Message;
        }
        foreach (var r in attestations.Rejected) Console.Error.WriteLine($"attestation for {r.Id} not accepted: {r.Reason}");
        WaiverSet waivers;
        try
        {
            waivers = o.Get("waivers") is { } file ? WaiverSet.Load(file, catalog, today, policy, attestations.DeployedBy) : WaiverSet.Empty;
        }
        catch (InvalidDataException e)
        {
            Console.Error.WriteLine($"waivers: {e.Message}");
            waivers = WaiverSet.Empty;
            o.AttestationError = (o.AttestationError is null ? "" : o.AttestationError + "\n") + e.Message;
        }
        foreach (var r in waivers.Rejected) Console.Error.WriteLine($"waiver for {r.Id} not accepted: {r.Reason}");
        foreach (var w in waivers.Expired) Console.Error.WriteLine($"waiver for {w.Id} ignored: it expired on {w.Expires:yyyy-MM-dd} ({w.Source})");
        ComplianceMapping? compliance = null;
        try { compliance = LoadCompliance(o, catalog); }
        catch (InvalidDataException e)
        {
            Console.Error.WriteLine($"compliance mapping: {e.Message}");
            o.AttestationError = (o.AttestationError is null ? "" : o.AttestationError + "\n") + e.Message;
        }

        var interrupted = o.Get("interrupted");
        var report = ChecklistReport.Build(results, catalog, new SignOffInputs
        {
            Attestations = attestations, Waivers = waivers, Policy = policy, Compliance = compliance,
            Tailoring = target is null ? new Dictionary<string, string>() : TailoringByLine(target),
            InterruptedBy = interrupted is null ? null : "SIG" + interrupted,
        });
        var placeholders = report.WritePlaceholders(new AllureResultsWriter(results));

        // The verdict first: the banner (with the drift since the target's previous run) heads every output.
        Directory.CreateDirectory(outDir);
        var run = ReportDocuments.Metadata(results, o.Get("run-id"), policy.ChangeTicket, target, o.Get("operator"), o.Get("started"));
        var deployedBy = ReportDocuments.DeployedBy(attestations.DeployedBy, target?.Change.DeployedBy, run.Operator);
        var signOff = new SignOff(DateTime.UtcNow, deployedBy.ToString(), run.TargetAndEnvironment, run.RunId);
        var (_, drift) = ReportDocuments.History(outDir, report, run);
        var banner = Acceptance.Reporting.Summary.Banner.From(report, run, drift, deployedBy);
        File.WriteAllText(Path.Combine(outDir, "checklist.md"), report.RenderMarkdown(seed, signOff, banner, drift));
        ReportDocuments.Write(outDir, report, banner, drift, signOff, placeholders, pdf: !o.Flag("no-pdf"));

        // Prove that no secret of the target reached the evidence (redaction happens when it is written).
        var leaks = target is null ? [] : LeakScanner.Scan(target, results, outDir).Distinct().ToList();
        foreach (var leak in leaks) Console.Error.WriteLine($"SECRET LEAK: {leak}");

        var strict = o.Flag("strict");
        var exit = o.AttestationError is not null || leaks.Count > 0 ? Math.Max(report.ExitCode(strict), 2) : report.ExitCode(strict);
        // An interrupted run is never green: 130 for SIGINT, 143 for SIGTERM, as a shell reports them.
        if (interrupted is not null) exit = interrupted == "TERM" ? 143 : 130;
        var summary = new Dictionary<string, object?>
        {
            ["run_id"] = signOff.RunId,
            ["target"] = signOff.Environment,
            ["change"] = policy.ChangeTicket,
            ["sign_off_status"] = report.SignOffStatus,
            ["sign_off_rule"] = ChecklistReport.SignOffRule,
            ["scenarios"] = new Dictionary<string, int>
            {
                ["passed"] = report.Count(AllureStatus.Passed), ["failed"] = report.Count(AllureStatus.Failed),
                ["broken"] = report.Count(AllureStatus.Broken), ["skipped"] = report.Count(AllureStatus.Skipped),
            },
            ["lines"] = Enum.GetValues<LineStatus>().ToDictionary(ChecklistReport.Word, s => report.Lines.Count(l => l.Status == s)),
            ["exit_code"] = exit,
            ["interrupted"] = interrupted is null ? null : "SIG" + interrupted,
            ["attestation_error"] = o.AttestationError,
            ["secret_leaks"] = leaks.Select(l => l.ToString()).ToList(),
            ["waived"] = report.Lines.Where(l => l.Status == LineStatus.Waived).Select(l => new Dictionary<string, object?>
            {
                ["id"] = l.Item.Id, ["critical"] = l.IsCritical, ["waiver"] = l.Waiver?.ToString(), ["real_outcome"] = l.RealOutcome,
            }).ToList(),
            ["tailored"] = report.Lines.Where(l => l.Tailoring is not null).ToDictionary(l => l.Item.Id, l => l.Tailoring),
            ["controls"] = compliance?.Controls.Select(c => new Dictionary<string, object?>
            {
                ["standard"] = c.Standard, ["control"] = c.Control, ["title"] = c.Title,
                ["status"] = ChecklistReport.Word(ChecklistReport.ControlStatus(report.Lines.Where(l => c.Lines.Contains(l.Item.Id, StringComparer.OrdinalIgnoreCase)).ToList())),
                ["lines"] = c.Lines,
            }).ToList(),
            // Last, so that scripts reading the top-level "target" and "change" with sed still find those first.
            ["banner"] = banner.Json(),
        };
        File.WriteAllText(Path.Combine(outDir, "summary.json"),
            System.Text.Json.JsonSerializer.Serialize(summary, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));

        foreach (var line in banner.TextLines()) Console.WriteLine(line);
        Console.WriteLine();
        if (policy.ChangeTicket is { } change) Console.WriteLine($"Change: {change}");
        Console.WriteLine($"Scenarios: {report.Count(AllureStatus.Passed)} passed, {report.Count(AllureStatus.Failed)} failed, " +
                          $"{report.Count(AllureStatus.Broken)} broken, {report.Count(AllureStatus.Skipped)} skipped");
        Console.WriteLine("Checklist lines: " + string.Join(", ", Enum.GetValues<LineStatus>()
            .Select(s => $"{report.Lines.Count(l => l.Status == s)} {ChecklistReport.Word(s)}")) + $": sign-off status {report.SignOffStatus}");
        foreach (var l in report.Lines.Where(l => l.Status is LineStatus.Failed or LineStatus.Broken or LineStatus.Waived))
            Console.WriteLine($"  {ChecklistReport.Word(l.Status).ToUpperInvariant()} {l.Item.Id}: {l.Reason}");
        return exit;
    }

    /// <summary>
    /// Validates, at the start of a run, everything a sign-off rests on: the target's sign-off settings and tailoring
    /// (check-target reads them too), the attestations, the waivers and the compliance mapping. Every problem is listed
    /// with file:line in one message (exit 2); expired statements are warnings (their lines stay not verified).
    /// </summary>
    private static int CheckSignOff(Options o)
    {
        var catalog = ChecklistCatalog.Load(Path.Combine(o.Require("checklist"), "checklist-items.tsv"));
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var problems = new List<string>();
        TargetEnvironment? target = null;
        if (o.Get("target") is { } t)
        {
            try { target = TargetFileLoader.Load(t); }
            catch (TargetConfigurationException e) { problems.AddRange(e.Problems); }
        }
        var policy = Policy(target, o);
        string? deployedBy = null;
        if (o.Get("attestations") is { } a)
        {
            try
            {
                var set = AttestationSet.Load(a, catalog, today, policy);
                deployedBy = set.DeployedBy;
                problems.AddRange(set.Problems.Select(r => r.Reason));
                foreach (var r in set.Rejected.Where(r => !r.IsInputError)) Console.Error.WriteLine($"warning: attestation for {r.Id} will not count: {r.Reason}");
                Console.WriteLine($"attestations: {set.Valid.Count} valid in {a}");
            }
            catch (InvalidDataException e) { problems.Add(e.Message); }
        }
        if (o.Get("waivers") is { } w)
        {
            try
            {
                var set = WaiverSet.Load(w, catalog, today, policy, deployedBy);
                problems.AddRange(set.Rejected.Select(r => r.Reason));
                foreach (var x in set.Expired) Console.Error.WriteLine($"warning: waiver for {x.Id} will be ignored: it expired on {x.Expires:yyyy-MM-dd} ({x.Source})");
                Console.WriteLine($"waivers: {set.Valid.Count} in force in {w}");
            }
            catch (InvalidDataException e) { problems.Add(e.Message); }
        }
        try { LoadCompliance(o, catalog); }
        catch (InvalidDataException e) { problems.Add(e.Message); }
        if (problems.Count == 0) return 0;
        Console.Error.WriteLine($"the sign-off inputs have {problems.Count} problem(s); the run does not start:\n  " + string.Join("\n  ", problems));
        return 2;
    }

    private static SignOffPolicy Policy(TargetEnvironment? target, Options o) => new()
    {
        MaxValidityDays = target?.Attestations.MaxValidityDays ?? SignOffPolicy.Default.MaxValidityDays,
        LineMaxValidityDays = target?.Attestations.LineCaps() ?? new Dictionary<string, int>(),
        RequiredApproverRoles = target?.Change.RequiredApproverRoles ?? [],
        ChangeTicket = o.Get("change") ?? target?.Change.Ticket,
    };

    /// <summary>--compliance FILE, or checklist/compliance-mapping.tsv when it exists.</summary>
    private static ComplianceMapping? LoadCompliance(Options o, ChecklistCatalog catalog)
    {
        var file = o.Get("compliance") ?? Path.Combine(o.Require("checklist"), "compliance-mapping.tsv");
        return o.Get("compliance") is null && !File.Exists(file) ? null : ComplianceMapping.Load(file, catalog);
    }

    /// <summary>Per checklist line, the tailored thresholds it was verified against ("2 cores, checklist 16 (...)").</summary>
    private static Dictionary<string, string> TailoringByLine(TargetEnvironment target) =>
        TargetFileLoader.ChecklistDeviations(target).Where(d => d.IsRelaxed)
            .SelectMany(d => d.Lines.Select(line => (line, text: d.Describe(target.Tailoring.GetValueOrDefault(d.Path)))))
            .GroupBy(x => x.line, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => string.Join("; ", g.Select(x => x.text)), StringComparer.OrdinalIgnoreCase);

    private static TargetEnvironment? TryLoad(string file)
    {
        try { return TargetFileLoader.Load(file); }
        catch (TargetConfigurationException) { return null; }
    }

    private sealed class UsageException(string message) : Exception(message);

    private sealed class Options
    {
        private readonly Dictionary<string, string?> _values = new();
        public string? AttestationError { get; set; }

        public static Options Parse(IEnumerable<string> args)
        {
            var o = new Options();
            var list = args.ToList();
            for (var i = 0; i < list.Count; i++)
            {
                if (!list[i].StartsWith("--")) throw new UsageException($"unexpected argument '{list[i]}'");
                var name = list[i][2..];
                if (name is "strict" or "no-pdf") { o._values[name] = "true"; continue; }
                if (i + 1 >= list.Count) throw new UsageException($"--{name} needs a value");
                o._values[name] = list[++i];
            }
            return o;
        }

        public string? Get(string name) => _values.GetValueOrDefault(name) is { Length: > 0 } v ? v : null;
        public string Require(string name) => Get(name) ?? throw new UsageException($"--{name} is required");
        public bool Flag(string name) => _values.ContainsKey(name);
    }
}

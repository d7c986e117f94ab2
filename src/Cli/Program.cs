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
///   acceptance report --results DIR --checklist DIR --out DIR [--attestations FILE] [--strict] [--interrupted INT|TERM]
///                                                checklist.md, summary.json, not-verified results, exit code
/// Exit codes: 0 ok, 1 checks failed or broke (or, with --strict, lines not verified), 2 bad input.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        try
        {
            return args.FirstOrDefault() switch
            {
                "check-target" when args.Length == 2 => CheckTarget(args[1]),
                "target-schema" => TargetSchema(),
                "cleanup" => Cleanup(Options.Parse(args.Skip(1))),
                "report" => Report(Options.Parse(args.Skip(1))),
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
        Console.Error.WriteLine("usage: acceptance check-target FILE | acceptance target-schema | acceptance cleanup --target FILE [--grace-minutes N] | acceptance report --results DIR --checklist DIR --out DIR [--attestations FILE] [--strict] [--interrupted INT|TERM] [--run-id ID] [--target FILE]");
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

        AttestationSet attestations;
        try
        {
            attestations = o.Get("attestations") is { } file ? AttestationSet.Load(file, catalog, today) : AttestationSet.Empty;
        }
        catch (InvalidDataException e)
        {
            // The results already collected are kept: the report is still written, without attestations.
            Console.Error.WriteLine($"attestations: {e.Message}");
            attestations = AttestationSet.Empty;
            o.AttestationError = e.Message;
        }
        foreach (var r in attestations.Rejected) Console.Error.WriteLine($"attestation for {r.Id} not accepted: {r.Reason}");

        var interrupted = o.Get("interrupted");
        var report = ChecklistReport.Build(results, catalog, attestations, interrupted is null ? null : "SIG" + interrupted);
        report.WritePlaceholders(new AllureResultsWriter(results));

        var target = o.Get("target") is { } t ? TryLoad(t) : null;
        var signOff = new SignOff(DateTime.UtcNow,
            Environment.GetEnvironmentVariable("ACCEPTANCE_DEPLOYED_BY") ?? attestations.DeployedBy ?? Environment.UserName,
            target is null ? "(unknown target)" : $"{target.Name} ({target.Environment})",
            o.Get("run-id") ?? "");
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, "checklist.md"), report.RenderMarkdown(seed, signOff));

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
            ["sign_off_status"] = report.SignOffStatus,
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
        };
        File.WriteAllText(Path.Combine(outDir, "summary.json"),
            System.Text.Json.JsonSerializer.Serialize(summary, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));

        Console.WriteLine($"Scenarios: {report.Count(AllureStatus.Passed)} passed, {report.Count(AllureStatus.Failed)} failed, " +
                          $"{report.Count(AllureStatus.Broken)} broken, {report.Count(AllureStatus.Skipped)} skipped");
        Console.WriteLine("Checklist lines: " + string.Join(", ", Enum.GetValues<LineStatus>()
            .Select(s => $"{report.Lines.Count(l => l.Status == s)} {ChecklistReport.Word(s)}")) + $" → sign-off status {report.SignOffStatus}");
        foreach (var l in report.Lines.Where(l => l.Status is LineStatus.Failed or LineStatus.Broken))
            Console.WriteLine($"  {ChecklistReport.Word(l.Status).ToUpperInvariant()} {l.Item.Id}: {l.Reason}");
        return exit;
    }

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
                if (name == "strict") { o._values[name] = "true"; continue; }
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

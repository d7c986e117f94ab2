using System.Diagnostics;
using System.Text.Json;
using Acceptance.Reporting.Tests.Checklist;
using Acceptance.Support.Configuration;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Reporting.Tests.Cli;

/// <summary>The `acceptance` CLI as run-tests.sh calls it: a child process, judged by exit code and output.</summary>
public sealed class CliTests
{
    private static readonly string Dll = LocateCli();
    private TempDir _dir = null!;

    [SetUp] public void SetUp() => _dir = new TempDir("cli");
    [TearDown] public void TearDown() => _dir.Dispose();

    private static string LocateCli()
    {
        // The project reference copies acceptance.dll here; it runs only with its runtimeconfig beside it.
        var here = Path.Combine(AppContext.BaseDirectory, "acceptance.dll");
        if (File.Exists(here) && File.Exists(Path.Combine(AppContext.BaseDirectory, "acceptance.runtimeconfig.json"))) return here;
        var built = new[] { "Debug", "Release" }
            .Select(c => Path.Combine(Repository.Root, "src", "Cli", "bin", c, "net10.0", "acceptance.dll"))
            .Where(File.Exists).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault();
        return built ?? throw new FileNotFoundException("acceptance.dll: build src/Cli first");
    }

    private sealed record Run(int ExitCode, string Stdout, string Stderr)
    {
        public string All => Stdout + Stderr;
    }

    private static Run Acceptance(params string[] args) => AcceptanceWith(new Dictionary<string, string>(), args);

    /// <summary>Runs the CLI with extra environment variables (ACCEPTANCE_CHROMIUM=none unless given: no PDF, fast).</summary>
    private static Run AcceptanceWith(IReadOnlyDictionary<string, string> env, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        // the child must judge the file alone: no override from whoever runs the tests
        foreach (var v in EnvironmentOverrides.VariableNames) psi.Environment.Remove(v);
        psi.Environment.Remove("ACCEPTANCE_DEPLOYED_BY");
        foreach (var v in new[] { "ACCEPTANCE_OPERATOR", "ACCEPTANCE_OPERATOR_SOURCE", "ACCEPTANCE_SUITE_COMMIT", "ACCEPTANCE_RUN_STARTED", "RUN_ID", "ACCEPTANCE_RUN_ID" })
            psi.Environment.Remove(v);
        psi.Environment["ACCEPTANCE_CHROMIUM"] = "none";
        foreach (var (k, v) in env) psi.Environment[k] = v;
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000)) { p.Kill(entireProcessTree: true); throw new TimeoutException("acceptance " + string.Join(' ', args)); }
        p.WaitForExit();
        return new Run(p.ExitCode, stdout.Result, stderr.Result);
    }

    private static void NoStackTrace(Run run) =>
        run.All.Should().NotMatchRegex(@"(?m)^\s+at \S+\(").And.NotContain("Unhandled exception");

    [Test]
    public void Check_target_accepts_a_good_file()
    {
        var file = _dir.File("target.yaml", "name: demo\nenvironment: sandbox\nservices:\n  prometheus: { address: 'http://127.0.0.1:9090' }\n  consul: { address: 'https://127.0.0.1:8501', skip_verify: true }\n");

        var run = Acceptance("check-target", file);

        run.ExitCode.Should().Be(0, run.All);
        run.Stdout.Should().Contain("target demo (sandbox)").And.Contain("2 service(s)")
            .And.Contain("warning: services.consul: TLS verification is disabled");
    }

    [Test]
    public void Check_target_lists_every_problem_of_a_bad_file_and_exits_2_without_a_stack_trace()
    {
        var file = _dir.File("target.yaml", "colour: blue\nservices:\n  consul:\n    address: nowhere\n    token: abc\n  dns:\n    server: 10.0.0.2\n");

        var run = Acceptance("check-target", file);

        run.ExitCode.Should().Be(2, run.All);
        run.Stderr.Should().Contain("Target configuration has 6 problems");
        foreach (var field in new[] { "colour", "name", "environment", "services.consul.address", "services.consul.token", "services.dns.server" })
            run.Stderr.Should().Contain($"field {field}:");
        NoStackTrace(run);
    }

    [TestCase("check-target")]
    [TestCase("frobnicate")]
    public void Bad_usage_exits_2(string command)
    {
        var run = Acceptance(command);
        run.ExitCode.Should().Be(2);
        run.Stderr.Should().Contain("usage: acceptance");
    }

    [Test]
    public void Check_target_with_malformed_yaml_exits_2_naming_file_and_line()
    {
        var file = _dir.File("target.yaml", "name: [x\n");
        var run = Acceptance("check-target", file);
        run.ExitCode.Should().Be(2);
        run.Stderr.Should().Contain(file + ":");
        NoStackTrace(run);
    }

    private Run Report(params string[] extra) => Acceptance(
        ["report", "--results", _dir.Combine("results"), "--checklist", Repository.ChecklistDir, "--out", _dir.Combine("out"), "--run-id", "run-7", .. extra]);

    private JsonElement Summary() => JsonDocument.Parse(File.ReadAllText(_dir.Combine("out", "summary.json"))).RootElement;

    [Test]
    public void Report_finds_a_secret_that_reached_the_evidence_and_exits_2_without_printing_it()
    {
        var secret = "tok-" + Guid.NewGuid().ToString("N");
        var tokenFile = _dir.File("secrets/consul.token", secret);
        ResultFiles.Write(_dir.Combine("results"), "scrape", "passed", checklistIds: "MON-MS-1");
        File.WriteAllText(_dir.Combine("results", "leaky-attachment.txt"), $"X-Consul-Token: {secret}\n");
        var target = _dir.File("target.yaml", $"name: demo\nenvironment: sandbox\nservices:\n  consul: {{ address: 'http://c:8500', token: {{ file: {tokenFile} }} }}\n");

        var run = Report("--target", target);

        run.ExitCode.Should().Be(2, run.All);
        run.Stderr.Should().Contain("SECRET LEAK").And.Contain("leaky-attachment.txt").And.Contain($"file:{tokenFile}");
        run.All.Should().NotContain(secret, "the leak report names the reference, never the value");
        File.Exists(_dir.Combine("out", "checklist.md")).Should().BeTrue("the evidence collected is still written");
    }

    [Test]
    public void Report_with_nothing_failed_exits_0_and_writes_checklist_and_summary()
    {
        ResultFiles.Write(_dir.Combine("results"), "scrape", "passed", checklistIds: "MON-MS-1");
        var target = _dir.File("target.yaml", "name: demo\nenvironment: sandbox\nservices:\n  prometheus: { address: 'http://p:9090' }\n");

        var run = Report("--target", target);

        run.ExitCode.Should().Be(0, run.All);
        run.Stdout.Should().Contain("Scenarios: 1 passed, 0 failed, 0 broken, 0 skipped").And.Contain("sign-off status Partial");
        var md = File.ReadAllText(_dir.Combine("out", "checklist.md"));
        md.Should().Contain("**verified** `MON-MS-1`").And.Contain("**Environment**: demo (sandbox)").And.Contain("- Run: run-7;");
        var s = Summary();
        s.GetProperty("exit_code").GetInt32().Should().Be(0);
        s.GetProperty("sign_off_status").GetString().Should().Be("Partial");
        s.GetProperty("run_id").GetString().Should().Be("run-7");
        s.GetProperty("scenarios").GetProperty("passed").GetInt32().Should().Be(1);
        s.GetProperty("lines").GetProperty("verified").GetInt32().Should().Be(1);
        s.GetProperty("lines").GetProperty("not verified").GetInt32().Should().Be(107);
        Directory.GetFiles(_dir.Combine("results"), "*-result.json").Should().HaveCount(108, "one scenario + 107 not-verified placeholders");
    }

    [Test]
    public void Report_prints_the_banner_first_and_writes_the_banner_the_static_document_and_the_run_s_history()
    {
        ResultFiles.Write(_dir.Combine("results"), "scrape", "passed", checklistIds: "MON-MS-1");
        File.WriteAllText(_dir.Combine("results", "environment.properties"), "consul.kind=stand-in\nprometheus.kind=real\ntarget.name=demo\ntarget.environment=sandbox\n");

        var run = AcceptanceWith(new Dictionary<string, string> { ["USER"] = "root", ["ACCEPTANCE_SUITE_COMMIT"] = "0123abc" },
            ["report", "--results", _dir.Combine("results"), "--checklist", Repository.ChecklistDir, "--out", _dir.Combine("out"), "--run-id", "run-7",
             "--started", "2026-11-28T10:00:00Z"]);

        run.ExitCode.Should().Be(0, run.All);
        run.Stdout.Should().StartWith("PARTIAL: 107 of 108 lines not verified\n");
        run.Stdout.Should().Contain("Target: demo (sandbox); stand-ins: consul (sandbox stand-in, not the real product)")
            .And.Contain("suite commit: 0123abc").And.Contain("Drift: no earlier run of demo to compare with");
        run.Stderr.Should().Contain("no PDF: ACCEPTANCE_CHROMIUM=none");
        var md = File.ReadAllText(_dir.Combine("out", "checklist.md"));
        md.Should().NotContain("**Deployed By**: root  \n", "a machine login is never passed off as the deployer")
            .And.Contain("**Deployed By**: root (from the run's operator (the USER of the machine that ran the suite); no deployer was named");
        var banner = File.ReadAllText(_dir.Combine("out", "banner.html"));
        banner.Should().StartWith("<section id=\"acceptance-banner\"").And.NotContain("<script");
        var html = File.ReadAllText(_dir.Combine("out", "checklist.html"));
        html.Should().Contain(banner).And.NotContainEquivalentOf("<script").And.Contain("Evidence bundle: not sealed");
        File.Exists(_dir.Combine("out", "checklist.pdf")).Should().BeFalse();
        var b = Summary().GetProperty("banner");
        b.GetProperty("status").GetString().Should().Be("Partial");
        b.GetProperty("why").GetString().Should().Be("107 of 108 lines not verified");
        b.GetProperty("stand_ins").EnumerateArray().Select(e => e.GetString()).Should().Equal("consul");
        b.GetProperty("operator").GetString().Should().Be("root");
        b.GetProperty("started").GetString().Should().Be("2026-11-28T10:00:00Z");
        var history = JsonDocument.Parse(File.ReadAllText(_dir.Combine("out", "history", "runs", "run-7.json"))).RootElement;
        history.GetProperty("target").GetString().Should().Be("demo");
        history.GetProperty("lines").GetProperty("MON-MS-1").GetString().Should().Be("verified");
        history.GetProperty("fingerprint").ValueKind.Should().Be(JsonValueKind.Null, "this run wrote no fingerprint.json");

        // The next run of the same target: a line failed and an image digest changed.
        Directory.Delete(_dir.Combine("results"), recursive: true);
        ResultFiles.Write(_dir.Combine("results"), "scrape", "failed", message: "2 targets down", checklistIds: "MON-MS-1");
        File.WriteAllText(_dir.Combine("results", "environment.properties"), "target.name=demo\ntarget.environment=sandbox\n");
        var history7 = _dir.Combine("out", "history", "runs", "run-7.json");
        File.WriteAllText(history7, File.ReadAllText(history7).Replace("\"fingerprint\": null",
            "\"fingerprint\": {\"target\":\"demo\",\"collected\":\"x\",\"items\":[{\"kind\":\"image-digest\",\"name\":\"trainer:1\",\"value\":\"sha256:aa\"}]}"));
        File.WriteAllText(_dir.Combine("out", "fingerprint.json"),
            "{\"target\":\"demo\",\"collected\":\"y\",\"items\":[{\"kind\":\"image-digest\",\"name\":\"trainer:1\",\"value\":\"sha256:bb\"}]}");

        run = AcceptanceWith(new Dictionary<string, string> { ["ACCEPTANCE_OPERATOR"] = "dana", ["ACCEPTANCE_OPERATOR_SOURCE"] = "--operator" },
            ["report", "--results", _dir.Combine("results"), "--checklist", Repository.ChecklistDir, "--out", _dir.Combine("out"), "--run-id", "run-8"]);

        run.ExitCode.Should().Be(1, run.All);
        run.Stdout.Should().StartWith("FAILED: 1 critical line failed or broke (MON-MS-1); 107 of 108 lines not verified\n");
        run.Stdout.Should().MatchRegex("Drift: drift since run run-7 at [0-9: -]+ UTC: 1 line changed status, 1 image digest changed");
        md = File.ReadAllText(_dir.Combine("out", "checklist.md"));
        md.Should().Contain("**Deployed By**: dana (from the run's operator, --operator)")
            .And.Contain("## Drift since run run-7").And.Contain("| `MON-MS-1` | verified | failed |")
            .And.Contain("| image digest | trainer:1 | changed | sha256:aa | sha256:bb |");
        File.ReadAllText(_dir.Combine("out", "checklist.html")).Should().Contain("<td>trainer:1</td><td>changed</td>");
        var drift = Summary().GetProperty("banner");
        drift.GetProperty("drift_since_run").GetString().Should().Be("run-7");
        drift.GetProperty("drift_lines")[0].GetProperty("now").GetString().Should().Be("failed");
        drift.GetProperty("drift_fingerprint")[0].GetProperty("before").GetString().Should().Be("sha256:aa");
    }

    [Test]
    public void Deployed_by_comes_from_the_target_s_change_when_the_attestations_name_nobody_and_says_so()
    {
        ResultFiles.Write(_dir.Combine("results"), "scrape", "passed", checklistIds: "MON-MS-1");
        var target = _dir.File("target.yaml", "name: demo\nenvironment: sandbox\nservices:\n  prometheus: { address: 'http://p:9090' }\nchange:\n  ticket: CHG-9\n  deployed_by: carol\n");

        var run = AcceptanceWith(new Dictionary<string, string> { ["USER"] = "root" },
            ["report", "--results", _dir.Combine("results"), "--checklist", Repository.ChecklistDir, "--out", _dir.Combine("out"), "--run-id", "run-7", "--target", target]);

        run.ExitCode.Should().Be(0, run.All);
        File.ReadAllText(_dir.Combine("out", "checklist.md")).Should().Contain("**Deployed By**: carol (from change.deployed_by in the target file)");
        Summary().GetProperty("banner").GetProperty("deployed_by").GetString().Should().Be("carol");
        Summary().GetProperty("banner").GetProperty("change").GetString().Should().Be("CHG-9");
    }

    [Test]
    public void Document_puts_the_bundle_s_name_and_SHA_256_in_the_footer()
    {
        ResultFiles.Write(_dir.Combine("results"), "scrape", "passed", checklistIds: "MON-MS-1");
        Report().ExitCode.Should().Be(0);
        var bundle = _dir.File("bundle/acceptance-run-7.tar.gz", "sealed evidence");
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(bundle)));

        var run = Acceptance("document", "--out", _dir.Combine("out"), "--bundle", bundle);

        run.ExitCode.Should().Be(0, run.All);
        File.ReadAllText(_dir.Combine("out", "checklist.html")).Should().Contain($"Evidence bundle: acceptance-run-7.tar.gz, SHA-256 {sha}").And.NotContain("not sealed");
        run.Stdout.Should().Contain("checklist.html").And.Contain(sha);

        Acceptance("document", "--out", _dir.Combine("out")).ExitCode.Should().Be(0);
        File.ReadAllText(_dir.Combine("out", "checklist.html")).Should().Contain("Evidence bundle: not sealed");

        var missing = Acceptance("document", "--out", _dir.Combine("out"), "--bundle", _dir.Combine("nope.tar.gz"));
        missing.ExitCode.Should().Be(2);
        missing.Stderr.Should().Contain("nope.tar.gz: no such file");
        var noDocument = Acceptance("document", "--out", _dir.Combine("elsewhere"));
        noDocument.ExitCode.Should().Be(2);
        noDocument.Stderr.Should().Contain("checklist.html does not exist");
        NoStackTrace(noDocument);
    }

    [Test]
    public void The_checklist_document_has_no_script_renders_in_chromium_and_its_screenshot_is_kept()
    {
        if (!File.Exists("/usr/bin/chromium")) Assert.Ignore("Debian's chromium is not installed (sandbox/up installs it)");
        ResultFiles.Write(_dir.Combine("results"), "scrape", "passed", checklistIds: "MON-MS-1");
        Report().ExitCode.Should().Be(0);
        File.ReadAllText(_dir.Combine("out", "checklist.html")).Should().NotContainEquivalentOf("<script", "it must render where scripts never run");
        var shots = Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots");
        Directory.CreateDirectory(shots);
        var png = Path.Combine(shots, "checklist-document.png");
        File.Delete(png);

        var psi = new ProcessStartInfo("/usr/bin/chromium") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", $"--user-data-dir={_dir.Combine("profile")}",
                     "--window-size=1280,1000", $"--screenshot={png}",
                     new Uri(_dir.Combine("out", "checklist.html")).AbsoluteUri })
            psi.ArgumentList.Add(a);
        psi.Environment["HOME"] = _dir.Path;
        using var p = Process.Start(psi)!;
        _ = p.StandardOutput.ReadToEndAsync();
        _ = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(90_000)) { p.Kill(entireProcessTree: true); Assert.Fail("chromium did not take the screenshot within 90 s"); }

        new FileInfo(png).Length.Should().BeGreaterThan(20_000, "the banner and the first rows are drawn");
        TestContext.AddTestAttachment(png, "checklist.html in Debian's chromium");
    }

    [Test]
    public void Report_prints_the_document_to_PDF_with_Debian_s_chromium()
    {
        if (!File.Exists("/usr/bin/chromium")) Assert.Ignore("Debian's chromium is not installed (sandbox/up installs it)");
        ResultFiles.Write(_dir.Combine("results"), "scrape", "passed", checklistIds: "MON-MS-1");

        var run = AcceptanceWith(new Dictionary<string, string> { ["ACCEPTANCE_CHROMIUM"] = "/usr/bin/chromium" },
            ["report", "--results", _dir.Combine("results"), "--checklist", Repository.ChecklistDir, "--out", _dir.Combine("out"), "--run-id", "run-7"]);

        run.ExitCode.Should().Be(0, run.All);
        var pdf = File.ReadAllBytes(_dir.Combine("out", "checklist.pdf"));
        System.Text.Encoding.ASCII.GetString(pdf, 0, 5).Should().Be("%PDF-");
        pdf.Length.Should().BeLessThan(2 * 1024 * 1024, "small enough to attach to a ticket");
    }

    [Test]
    public void With_no_pdf_the_report_leaves_the_PDF_to_the_document_command_which_prints_it_once()
    {
        if (!File.Exists("/usr/bin/chromium")) Assert.Ignore("Debian's chromium is not installed (sandbox/up installs it)");
        ResultFiles.Write(_dir.Combine("results"), "scrape", "passed", checklistIds: "MON-MS-1");
        var chromium = new Dictionary<string, string> { ["ACCEPTANCE_CHROMIUM"] = "/usr/bin/chromium" };

        var report = AcceptanceWith(chromium,
            ["report", "--results", _dir.Combine("results"), "--checklist", Repository.ChecklistDir, "--out", _dir.Combine("out"), "--run-id", "run-8", "--no-pdf"]);

        report.ExitCode.Should().Be(0, report.All);
        File.Exists(_dir.Combine("out", "checklist.html")).Should().BeTrue();
        File.Exists(_dir.Combine("out", "checklist.pdf")).Should().BeFalse("run-tests.sh prints the PDF once, after sealing");

        var document = AcceptanceWith(chromium, ["document", "--out", _dir.Combine("out")]);

        document.ExitCode.Should().Be(0, document.All);
        System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(_dir.Combine("out", "checklist.pdf")), 0, 5).Should().Be("%PDF-");
    }

    [Test]
    public void Report_with_lines_not_verified_exits_1_when_strict()
    {
        ResultFiles.Write(_dir.Combine("results"), "scrape", "passed", checklistIds: "MON-MS-1");

        var run = Report("--strict");

        run.ExitCode.Should().Be(1, run.All);
        Summary().GetProperty("exit_code").GetInt32().Should().Be(1);
    }

    [Test]
    public void Report_with_a_failed_check_exits_1_and_names_the_line()
    {
        ResultFiles.Write(_dir.Combine("results"), "scrape", "failed", message: "2 targets down", checklistIds: "MON-MS-1");
        ResultFiles.Write(_dir.Combine("results"), "retention", "broken", message: "refused", checklistIds: "MON-MS-4");

        var run = Report();

        run.ExitCode.Should().Be(1, run.All);
        run.Stdout.Should().Contain("FAILED MON-MS-1: scrape: 2 targets down").And.Contain("BROKEN MON-MS-4: retention: refused");
        Summary().GetProperty("sign_off_status").GetString().Should().Be("Failed");
        File.ReadAllText(_dir.Combine("out", "checklist.md")).Should().Contain("**Status**: Failed (one of Success, Partial, Failed)");
    }

    [Test]
    public void Report_with_a_malformed_attestations_file_still_writes_the_report_and_exits_2()
    {
        ResultFiles.Write(_dir.Combine("results"), "scrape", "passed", checklistIds: "MON-MS-1");
        var att = _dir.File("att.yaml", "attestations: [oops\n");

        var run = Report("--attestations", att);

        run.ExitCode.Should().Be(2, run.All);
        run.Stderr.Should().Contain(att);
        File.Exists(_dir.Combine("out", "checklist.md")).Should().BeTrue();
        Summary().GetProperty("exit_code").GetInt32().Should().Be(2);
        Summary().GetProperty("attestation_error").GetString().Should().Contain(att);
        NoStackTrace(run);
    }

    [Test]
    public void Report_uses_valid_attestations_and_prints_rejected_ones()
    {
        ResultFiles.Write(_dir.Combine("results"), "scrape", "passed", checklistIds: "MON-MS-1");
        var today = DateTime.UtcNow;
        var d = today.AddDays(-1).ToString("yyyy-MM-dd");
        var x = today.AddDays(30).ToString("yyyy-MM-dd");
        var att = _dir.File("att.yaml",
            "deployed_by: alice\nattestations:\n" +
            $"  - {{ id: PREVAL-MV-1, attested_by: bob, approver: carol, date: {d}, expires: {x}, risk: low, ticket: T-1, evidence: 'https://t/1' }}\n" +
            $"  - {{ id: PREVAL-MV-3, attested_by: bob, approver: alice, date: {d}, expires: {x}, risk: low, ticket: T-1, evidence: 'https://t/2' }}\n");

        var run = Report("--attestations", att);

        run.ExitCode.Should().Be(0, run.All);
        run.Stderr.Should().Contain("attestation for PREVAL-MV-3 not accepted").And.Contain("field approver");
        Summary().GetProperty("lines").GetProperty("attested").GetInt32().Should().Be(1);
        File.ReadAllText(_dir.Combine("out", "checklist.md")).Should().Contain("**Deployed By**: alice");
    }

    [Test]
    public void Report_without_required_options_exits_2()
    {
        var run = Acceptance("report", "--results", _dir.Combine("results"));
        run.ExitCode.Should().Be(2);
        run.Stderr.Should().Contain("--checklist is required");
        NoStackTrace(run);
    }

    [Test]
    public void Report_with_a_missing_checklist_folder_exits_2()
    {
        var run = Acceptance("report", "--results", _dir.Combine("r"), "--checklist", _dir.Combine("no-checklist"), "--out", _dir.Combine("o"));
        run.ExitCode.Should().Be(2);
        NoStackTrace(run);
    }

    [Test]
    public void Check_signoff_lists_every_problem_of_every_file_with_file_and_line_in_one_message_and_exits_2_fast()
    {
        var d = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd");
        var att = _dir.File("att.yaml", "deployed_by: dana\nattestations:\n" +
            $"  - {{ id: PREVAL-MV-1, attested_by: erin, approver: dana, date: {d}, expires: {DateTime.UtcNow.AddDays(400):yyyy-MM-dd}, risk: low, ticket: T, evidence: 'https://t/1' }}\n" +
            $"  - {{ id: PREVAL-MV-3, attested_by: erin, approver: frank, date: {d}, expires: {d}, risk: low, ticket: T, evidence: 'https://t/1' }}\n" +
            "  - { id: NOPE-1, attested_by: erin }\n");
        var waivers = _dir.File("waivers.yaml", $"waivers:\n  - {{ id: MON-AC-4, justification: j, requested_by: erin, approver: erin, date: {d}, expires: {d}, risk: low }}\n");
        var target = _dir.File("target.yaml", "name: t\nenvironment: staging\nservices:\n  prometheus: { address: 'http://127.0.0.1:9090' }\nexpect:\n  node_minimums: { cpu_cores: 2 }\n");

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var run = Acceptance("check-signoff", "--checklist", Repository.ChecklistDir, "--target", target, "--attestations", att, "--waivers", waivers);
        watch.Stop();

        run.ExitCode.Should().Be(2, run.All);
        run.Stderr.Should().Contain("the sign-off inputs have 4 problem(s); the run does not start")
            .And.Contain($"{target}:6: field expect.node_minimums.cpu_cores: 2 cores, checklist 16")
            .And.Contain($"{att}:3: field expires: ").And.Contain("the policy allows at most 90").And.Contain("field approver: the approver must not be the deployer (dana)")
            .And.Contain($"{att}:5: missing approver, date, expires, risk, ticket, evidence; field id: NOPE-1 is not a checklist line")
            .And.Contain($"{waivers}:2: missing ticket; field approver: the approver must not be the requester");
        run.Stderr.Should().NotContain(":4: missing", "PREVAL-MV-3 is well formed").And.Contain("warning: attestation for PREVAL-MV-3 will not count");
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "a generous bound for a loaded machine; bench: well under 2 s");
        NoStackTrace(run);
    }

    [Test]
    public void Check_signoff_accepts_the_documented_examples()
    {
        var run = Acceptance("check-signoff", "--checklist", Repository.ChecklistDir,
            "--attestations", Path.Combine(Repository.Root, "docs", "examples", "attestations.yaml"),
            "--waivers", Path.Combine(Repository.Root, "docs", "examples", "waivers.yaml"));
        // the examples carry the dates of the run they were written for: valid, or (later) expired, never malformed
        run.ExitCode.Should().Be(0, run.All);
    }

    [Test]
    public void Report_carries_the_change_ticket_waivers_and_controls_in_summary_json()
    {
        ResultFiles.Write(_dir.Combine("results"), "flapping", "failed", message: "3 alerts flapped", checklistIds: "MON-AC-4");
        var d = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd");
        var x = DateTime.UtcNow.AddDays(5).ToString("yyyy-MM-dd");
        var waivers = _dir.File("waivers.yaml", $"deployed_by: dana\nwaivers:\n  - {{ id: MON-AC-4, justification: re-tuning, requested_by: erin, approver: frank, date: {d}, expires: {x}, risk: low, ticket: RISK-1 }}\n");

        var run = Report("--waivers", waivers, "--change", "CHG-42");

        run.ExitCode.Should().Be(0, "the only failure is waived: " + run.All);
        run.Stdout.Should().Contain("Change: CHG-42").And.Contain("WAIVED MON-AC-4: waived until");
        var s = Summary();
        s.GetProperty("change").GetString().Should().Be("CHG-42");
        s.GetProperty("sign_off_rule").GetString().Should().StartWith("Success only when");
        s.GetProperty("waived")[0].GetProperty("id").GetString().Should().Be("MON-AC-4");
        s.GetProperty("waived")[0].GetProperty("real_outcome").GetString().Should().Be("failed: flapping: 3 alerts flapped");
        s.GetProperty("controls").GetArrayLength().Should().BePositive("checklist/compliance-mapping.tsv is read by default");
        File.ReadAllText(_dir.Combine("out", "checklist.md")).Should().Contain("**Change**: CHG-42").And.Contain("## Compliance controls");
    }
}

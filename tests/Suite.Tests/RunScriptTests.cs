using System.Text.RegularExpressions;
using System.Diagnostics;
using Acceptance.Reporting.Allure;
using Acceptance.TestSupport;
using CliWrap;
using CliWrap.Buffered;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Suite.Tests;

/// <summary>
/// run-tests.sh end to end: exit codes, the start-up validation of the target file, and the
/// evidence it leaves (single-file HTML without analytics, checklist.md, JUnit, Allure results).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class RunScriptTests
{
    /// <summary>A reports folder of this fixture's own, so the project's tests never overwrite the main job's evidence.</summary>
    private static readonly string Reports = Path.Combine(Path.GetTempPath(), "suite-tests-reports-" + Guid.NewGuid().ToString("N")[..8]);

    private static Task<BufferedCommandResult> RunTests(params string[] args) => RunTestsInto(Reports, args);

    private static Task<BufferedCommandResult> RunTestsInto(string reports, params string[] args) =>
        Cli.Wrap(Path.Combine(Repository.Root, "run-tests.sh")).WithArguments(["--no-build", .. args])
            .WithEnvironmentVariables(new Dictionary<string, string?> { ["ACCEPTANCE_REPORTS_DIR"] = reports })
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();

    /// <summary>
    /// Starts a program as a terminal's shell does: SIGINT and SIGTERM at their default. A test host started from a
    /// background job inherits SIGINT ignored, and bash can neither trap nor reset a signal ignored on entry, so Ctrl-C
    /// would never reach run-tests.sh's handler; python3 resets the disposition and execs the program in its place
    /// (same pid).
    /// </summary>
    private static readonly string[] AsFromATerminal =
        ["-c", "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); signal.signal(signal.SIGTERM, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])"];

    /// <summary>The values of <paramref name="label"/> starting with <paramref name="prefix"/> among the Pushgateway's groups.</summary>
    private static async Task<HashSet<string>> PushedValues(HttpClient http, string pushgateway, string label, string prefix) =>
        Regex.Matches(await http.GetStringAsync(pushgateway + "/api/v1/metrics"), $"\"{Regex.Escape(label)}\":\"({Regex.Escape(prefix)}[^\"]*)\"")
            .Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

    [Test]
    public async Task A_second_run_on_the_same_reports_folder_is_refused_at_once()
    {
        using var folder = new TempDir("reports-lock");
        using var holder = System.Diagnostics.Process.Start("flock", [folder.Path, "sleep", "30"]);
        await Task.Delay(500);
        try
        {
            var sw = System.Diagnostics.Stopwatch.StartNew();
            var result = await RunTestsInto(folder.Path, "--target", Repository.SandboxTarget, "--no-report");
            result.ExitCode.Should().Be(2, result.StandardOutput + result.StandardError);
            result.StandardError.Should().Contain("another run is writing").And.Contain(folder.Path);
            sw.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20), "refused before building or running anything");
        }
        finally
        {
            holder.Kill();
        }
    }

    [Test]
    public async Task Ctrl_C_during_the_alert_pipeline_cleans_up_reports_the_scenario_broken_and_exits_130()
    {
        using var folder = new TempDir("reports-interrupted");
        using var target = TargetCopy.OfSandbox().Set("thresholds.alert_pipeline_timeout_seconds", "90").Save();
        var pushgateway = Regex.Match(await File.ReadAllTextAsync(Repository.SandboxTarget), @"(?m)^  pushgateway:\s*\n\s+address:\s*(\S+)").Groups[1].Value.TrimEnd('/');
        using var http = new HttpClient();
        // Groups an earlier run left (younger than the janitor's grace) must not pass for this run's: a signal sent
        // before the run's trap is set is swallowed by bash while it waits for a foreground command.
        var before = await PushedValues(http, pushgateway, "job", "acceptance-");
        await using (await SandboxFault.OnAsync("webhook.down"))
        {
            var psi = new ProcessStartInfo("/usr/bin/python3", [.. AsFromATerminal, Path.Combine(Repository.Root, "run-tests.sh"),
                "--no-build", "--no-report", "--target", target.Path, "--tags", "@checklist:MON-AC-1"])
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
                Environment = { ["ACCEPTANCE_REPORTS_DIR"] = folder.Path },
            };
            using var run = Process.Start(psi)!;
            var output = run.StandardOutput.ReadToEndAsync();
            var errors = run.StandardError.ReadToEndAsync();
            // Wait until the scenario has pushed its group (it then waits for a notification that cannot come).
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (DateTime.UtcNow < deadline && !(await PushedValues(http, pushgateway, "job", "acceptance-")).Except(before).Any())
                await Task.Delay(500);
            await Task.Delay(1000);

            Process.Start("kill", ["-INT", run.Id.ToString()])!.WaitForExit();
            var exited = run.WaitForExit(TimeSpan.FromSeconds(60));

            exited.Should().BeTrue("an interrupted run ends within a minute: " + await errors);
            run.ExitCode.Should().Be(130, await output + await errors);
        }
        (await PushedValues(http, pushgateway, "job", "acceptance-")).Except(before).Should().BeEmpty("the interrupted scenario's group is removed");
        var summary = await File.ReadAllTextAsync(Path.Combine(folder.Path, "summary.json"));
        summary.Should().Contain("\"exit_code\": 130").And.Contain("\"interrupted\": \"SIGINT\"");
        var results = AllureResultReader.ReadFolder(Path.Combine(folder.Path, "allure-results")).Select(f => f.Result!).ToList();
        results.Should().Contain(r => r.Status == AllureStatus.Broken && r.Message!.StartsWith("interrupted"), "the scenario cut short is reported broken, never lost");
        (await File.ReadAllTextAsync(Path.Combine(folder.Path, "checklist.md"))).Should().Contain("interrupted");
    }

    [Test]
    public async Task Ctrl_C_during_a_training_job_leaves_nothing_in_Nomad_Pushgateway_or_the_volume()
    {
        var sandbox = await File.ReadAllTextAsync(Repository.SandboxTarget);
        if (!sandbox.Contains("training_template:")) Assert.Ignore("the sandbox's target names no training template");
        using var folder = new TempDir("reports-interrupted-training");
        // A slow training run (0.5 s per epoch), so the interrupt lands while its task is running and pushing metrics.
        using var target = TargetCopy.OfSandbox().SetList("services.nomad.job_variables",
            [.. Regex.Matches(sandbox, @"(?m)^    job_variables: \[(.*)\]").Single().Groups[1].Value.Split(',').Select(v => v.Trim().Trim('"')), "epoch_delay=0.5"]).Save();
        var pushgateway = Regex.Match(sandbox, @"(?m)^  pushgateway:\s*\n\s+address:\s*(\S+)").Groups[1].Value.TrimEnd('/');
        var volume = Path.Combine(Path.GetDirectoryName(Repository.SandboxTarget)!, "volumes", "training-data");
        using var http = new HttpClient();
        var psi = new ProcessStartInfo("/usr/bin/python3", [.. AsFromATerminal, Path.Combine(Repository.Root, "run-tests.sh"),
            "--no-build", "--no-report", "--target", target.Path, "--tags", "@checklist:DEPLOY-AD-3"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            Environment = { ["ACCEPTANCE_REPORTS_DIR"] = folder.Path },
        };
        var before = await PushedValues(http, pushgateway, "run_id", "acceptance-train-");
        using var run = Process.Start(psi)!;
        var output = run.StandardOutput.ReadToEndAsync();
        var errors = run.StandardError.ReadToEndAsync();
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline && !(await PushedValues(http, pushgateway, "run_id", "acceptance-train-")).Except(before).Any())
            await Task.Delay(250);
        (await PushedValues(http, pushgateway, "run_id", "acceptance-train-")).Except(before).Should().NotBeEmpty("this run's training job is running and pushing its epochs");

        Process.Start("kill", ["-INT", run.Id.ToString()])!.WaitForExit();
        run.WaitForExit(TimeSpan.FromSeconds(90)).Should().BeTrue("an interrupted run ends within 90 s: " + await errors);

        run.ExitCode.Should().Be(130, await output + await errors);
        (await PushedValues(http, pushgateway, "run_id", "acceptance-train-")).Except(before).Should().BeEmpty("the run's metric group is removed");
        (Directory.Exists(volume) ? Directory.GetDirectories(volume, "acceptance-train-*") : []).Should().BeEmpty("the run's artifact folder is removed");
        var nomad = Regex.Match(sandbox, @"(?m)^  nomad:\s*\n\s+address:\s*(\S+)").Groups[1].Value.TrimEnd('/');
        using var tls = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true });
        tls.DefaultRequestHeaders.Add("X-Nomad-Token", (await File.ReadAllTextAsync(Path.Combine(Path.GetDirectoryName(Repository.SandboxTarget)!, "secrets", "nomad-management.token"))).Trim());
        (await tls.GetStringAsync(nomad + "/v1/jobs?prefix=acceptance-train-")).Trim().Should().Be("[]", "the submitted job is purged");
    }

    [Test]
    public async Task An_unwritable_reports_folder_stops_the_run_before_anything_runs()
    {
        var result = await RunTestsInto("/proc/acceptance-reports", "--target", Repository.SandboxTarget, "--no-report");
        result.ExitCode.Should().Be(2, result.StandardOutput + result.StandardError);
        result.StandardError.Should().Contain("/proc/acceptance-reports is not writable");
        result.StandardOutput.Should().NotContain("Checklist:", "no report is announced that was never written");
    }

    [OneTimeTearDown]
    public void RemoveReports()
    {
        if (Directory.Exists(Reports)) Directory.Delete(Reports, recursive: true);
    }

    [Test]
    public async Task A_malformed_target_file_stops_the_run_with_exit_2_and_every_problem_listed()
    {
        var file = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, """
            environment: production
            services:
              consul: { address: not-a-url, token: s3cr3t-inline }
              nomad: { token: { env: NOMAD_TOKEN } }
              kafka: { address: http://x }
            thresholds: { retention_min_days: lots }
            """);
        var result = await RunTests("--target", file, "--no-report");
        var output = result.StandardOutput + result.StandardError;
        result.ExitCode.Should().Be(2, output);
        output.Should().Contain("field name: missing")
            .And.Contain("services.consul.address")
            .And.Contain("services.consul.token: secrets must not be written in the target file")
            .And.Contain("services.nomad.address: missing")
            .And.Contain("services.kafka: unknown service")
            .And.Contain("thresholds.retention_min_days");
        output.Should().NotContain("s3cr3t-inline", "a secret written inline must not be echoed");
        output.Should().NotContain("   at ", "bad input gets a message, not a stack trace");
        File.Delete(file);
    }

    [Test]
    public async Task Check_target_answers_within_seconds()
    {
        var file = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, "name: [unclosed\n");
        var cli = Directory.GetFiles(Path.Combine(Repository.Root, "src", "Cli", "bin"), "acceptance.dll", SearchOption.AllDirectories).First();
        var sw = Stopwatch.StartNew();
        var result = await Cli.Wrap("dotnet").WithArguments([cli, "check-target", file])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        sw.Stop();
        TestContext.Out.WriteLine($"check-target on a malformed file: {sw.Elapsed.TotalMilliseconds:F0} ms");
        result.ExitCode.Should().Be(2);
        result.StandardError.Should().Contain(file).And.Contain("not valid YAML");
        sw.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "generous for a loaded machine; the benchmark prints the real figure");
        File.Delete(file);
    }

    [Test]
    public async Task A_green_run_exits_0_and_leaves_the_evidence()
    {
        using var stack = ThrowawayStack.Start();
        var result = await RunTests("--target", stack.TargetFile, "--tags", "@checklist:MON-MS-1 or @checklist:MON-MS-4");
        var output = result.StandardOutput + result.StandardError;
        result.ExitCode.Should().Be(0, output);
        var reports = Reports;
        var html = await File.ReadAllTextAsync(Path.Combine(reports, "allure-report", "awesome", "index.html"));
        html.Should().NotContain("googletagmanager", "the evidence report must make no outside request");
        html.Length.Should().BeGreaterThan(100_000, "the single-file report embeds its data and scripts");
        var checklist = await File.ReadAllTextAsync(Path.Combine(reports, "checklist.md"));
        checklist.Should().Contain("**verified** `MON-MS-1`").And.Contain("**Environment**: throwaway (test)")
            .And.Contain("**Status**: Partial");
        Directory.GetFiles(Path.Combine(reports, "junit"), "*.xml").Should().NotBeEmpty();
        File.Exists(Path.Combine(reports, "allure-results", "environment.properties")).Should().BeTrue();
        output.Should().Contain("Report:").And.Contain("checklist.md");
        // the target's fingerprint, and everything sealed: unsigned, and said so, for a target without evidence.signing_key
        File.ReadAllText(Path.Combine(reports, "fingerprint.json")).Should().Contain("\"kind\": \"service-version\"").And.Contain("\"name\": \"prometheus\"");
        output.Should().MatchRegex(@"Bundle:\s+\S+/bundle/acceptance-\S+\.tar\.gz").And.MatchRegex(@"SHA-256:\s+[0-9a-f]{64}")
            .And.Contain("unsigned: the target file");
    }

    [Test]
    public async Task A_failing_check_makes_the_run_exit_1_and_a_normal_line_failing_leaves_the_sign_off_Partial()
    {
        using var stack = ThrowawayStack.Start(retention: "1d");
        var result = await RunTests("--target", stack.TargetFile, "--tags", "@checklist:MON-MS-4", "--no-report");
        result.ExitCode.Should().Be(1, result.StandardOutput + result.StandardError);
        var checklist = await File.ReadAllTextAsync(Path.Combine(Reports, "checklist.md"));
        checklist.Should().Contain("**failed** `MON-MS-4`").And.Contain("**Status**: Partial", "MON-MS-4 is @normal: only a critical line failing makes the sign-off Failed");
    }

    [Test]
    public async Task Bad_attestations_and_waivers_stop_the_run_before_any_check_with_every_problem_listed()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"signoff-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        var att = Path.Combine(dir, "att.yaml");
        await File.WriteAllTextAsync(att, "deployed_by: dana\nattestations:\n  - { id: PREVAL-MV-1, attested_by: erin, approver: dana }\n");
        var waivers = Path.Combine(dir, "waivers.yaml");
        await File.WriteAllTextAsync(waivers, "waivers: [oops\n");
        using var stack = ThrowawayStack.Start();

        var sw = Stopwatch.StartNew();
        var result = await RunTests("--target", stack.TargetFile, "--no-report", "--attestations", att, "--waivers", waivers);
        sw.Stop();

        var output = result.StandardOutput + result.StandardError;
        result.ExitCode.Should().Be(2, output);
        output.Should().Contain($"{att}:3: missing date, expires, risk, ticket, evidence; field approver: the approver must not be the deployer (dana)")
            .And.Contain($"{waivers}:").And.Contain("not valid YAML");
        output.Should().NotContain("==> run ", "no check ran");
        TestContext.Out.WriteLine($"run-tests.sh refused the sign-off inputs in {sw.Elapsed.TotalMilliseconds:F0} ms");
        Directory.Delete(dir, recursive: true);
    }

    [Test]
    public async Task A_line_the_target_cannot_show_is_skipped_with_its_reason_in_every_output()
    {
        using var stack = ThrowawayStack.Start();
        var result = await RunTests("--target", stack.TargetFile, "--tags", "@checklist:MON-MS-3", "--no-report");
        result.ExitCode.Should().Be(0, result.StandardOutput + result.StandardError);
        var junit = await File.ReadAllTextAsync(Directory.GetFiles(Path.Combine(Reports, "junit"), "*.xml").Single());
        junit.Should().Contain("<skipped").And.NotContain("<failure", "not verified is a skip in JUnit too, never a failure or a pass");
        var checklist = await File.ReadAllTextAsync(Path.Combine(Reports, "checklist.md"));
        checklist.Should().Contain("**not verified** `MON-MS-3`").And.Contain("declares no log aggregation endpoint");

        var strict = await RunTests("--target", stack.TargetFile, "--tags", "@checklist:MON-MS-3", "--no-report", "--strict");
        strict.ExitCode.Should().Be(1, "--strict makes a line left not verified fail the run: " + strict.StandardOutput);
    }

    [Test]
    public async Task Read_only_skips_mutating_scenarios()
    {
        using var stack = ThrowawayStack.Start();
        var result = await RunTests("--target", stack.TargetFile, "--read-only", "--no-report",
            "--tags", "@checklist:DEPLOY-SD-5 or @checklist:MON-MS-4");
        result.ExitCode.Should().Be(0, result.StandardOutput);
        var files = AllureResultReader.ReadFolder(Path.Combine(Reports, "allure-results"));
        files.Should().OnlyContain(f => f.IsReadable);
        var results = files.Select(f => f.Result!).ToList();
        results.Should().NotContain(r => r.Title.StartsWith("A metric pushed to Pushgateway") &&
                                         (r.Status == AllureStatus.Passed || r.Steps.Any(s => s.Status == AllureStatus.Passed)),
            "the @mutating scenario must not run under --read-only");
        results.Should().Contain(r => r.Title.StartsWith("Metrics retention is configured appropriately") && r.Status == AllureStatus.Passed);
    }
}

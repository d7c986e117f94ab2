using Acceptance.Reporting.Allure;
using CliWrap;
using CliWrap.Buffered;

namespace Acceptance.TestSupport;

/// <summary>One scenario's outcome, read back from the allure-results a suite run wrote (a view of its <see cref="AllureResult"/>).</summary>
public sealed record ScenarioResult(string Name, string FullName, string Status, string? Message, IReadOnlyList<string> Tags,
    IReadOnlyList<string> StepNames)
{
    /// <summary>The view of a result read by <see cref="AllureResultReader"/>: tags without '@', top-level step names.</summary>
    public static ScenarioResult From(AllureResult result) =>
        new(result.Title, result.FullName, result.Status, result.Message, result.Tags, result.Steps.Select(s => s.Name).ToList());

    /// <inheritdoc />
    public override string ToString() => $"{Status}: {Name}" + (Message is null ? "" : $" — {Message}");
}

/// <summary>
/// Runs the real checklist suite (src/StepDefinitions, already built) as a child `dotnet test`
/// with a filter, against a target file, into a private results folder, and returns each
/// scenario's status and message. This is how the project's tests prove a check FAILS on its fault.
/// </summary>
public static class SuiteRun
{
    /// <summary>Runs the scenarios matching <paramref name="filter"/> (VSTest filter, e.g. "TestCategory=checklist:SEC-AC-1").</summary>
    /// <param name="filter">VSTest filter expression.</param>
    /// <param name="target">Target file (default: the sandbox's).</param>
    /// <param name="environment">Extra environment variables for the run.</param>
    /// <param name="timeout">Deadline for the whole child run (default 5 minutes).</param>
    public static Task<IReadOnlyList<ScenarioResult>> RunAsync(string filter, string? target = null,
        IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null) =>
        RunCoreAsync(["--filter", filter], filter, target, environment, timeout);

    /// <summary>
    /// Runs the scenarios with exactly these names (an NUnit where-expression: VSTest filters cannot hold
    /// the spaces of a scenario name).
    /// </summary>
    public static Task<IReadOnlyList<ScenarioResult>> RunByNameAsync(IEnumerable<string> names, string? target = null,
        IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        var where = string.Join(" || ", names.Select(n => $"name == '{n.Replace("\\", "\\\\").Replace("'", "\\'")}'"));
        return RunCoreAsync(["--", $"NUnit.Where={where}"], where, target, environment, timeout);
    }

    private static async Task<IReadOnlyList<ScenarioResult>> RunCoreAsync(string[] selection, string filter, string? target,
        IReadOnlyDictionary<string, string?>? environment, TimeSpan? timeout)
    {
        var results = Path.Combine(Path.GetTempPath(), "suite-run-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(results);
        var env = new Dictionary<string, string?>
        {
            ["ACCEPTANCE_TARGET"] = target ?? Repository.SandboxTarget,
            ["ACCEPTANCE_RESULTS_DIR"] = results,
            ["ACCEPTANCE_RUN_ID"] = "selftest-" + Guid.NewGuid().ToString("N")[..6],
        };
        foreach (var (k, v) in environment ?? new Dictionary<string, string?>()) env[k] = v;

        var project = Path.Combine(Repository.Root, "src", "StepDefinitions", "StepDefinitions.csproj");
        var config = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(5));
        var run = await Cli.Wrap("dotnet")
            .WithArguments(["test", project, "-c", config, "--no-build", "--nologo", .. selection])
            .WithEnvironmentVariables(env)
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(cts.Token);

        var files = AllureResultReader.ReadFolder(results);
        if (files.FirstOrDefault(f => !f.IsReadable) is { } unreadable)
            throw new InvalidDataException($"the suite run with filter '{filter}' left an unreadable result {unreadable.Path}: {unreadable.Error}");
        var list = files.Select(f => ScenarioResult.From(f.Result!)).ToList();
        if (list.Count == 0)
            throw new InvalidOperationException($"the suite run with filter '{filter}' produced no results (exit {run.ExitCode}):\n" +
                                                Tail(run.StandardOutput + run.StandardError, 3000));
        try { Directory.Delete(results, recursive: true); } catch (IOException) { }
        return list;
    }

    private static string Tail(string s, int n) => s.Length <= n ? s : s[^n..];
}

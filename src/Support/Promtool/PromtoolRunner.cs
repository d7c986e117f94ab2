using System.Diagnostics;
using Acceptance.Support.Evidence;
using Acceptance.Support.Outcomes;
using CliWrap;
using CliWrap.Buffered;

namespace Acceptance.Support.Promtool;

/// <summary>One promtool invocation: the command, its exit code and output.</summary>
public sealed record PromtoolResult(string Command, int ExitCode, string Output, TimeSpan Elapsed)
{
    /// <summary>Exit code 0.</summary>
    public bool Succeeded => ExitCode == 0;

    /// <inheritdoc />
    public override string ToString() => $"`{Command}` exited {ExitCode} in {Elapsed.TotalSeconds:F1} s:\n{Output.Trim()}";
}

/// <summary>
/// Runs the real promtool (https://prometheus.io/docs/prometheus/latest/command-line/promtool/) through
/// CliWrap: `check rules` validates rule files, `test rules` runs their unit tests. When promtool is not
/// on PATH (or $PROMTOOL) the check is NOT VERIFIED with that reason, never passed.
/// </summary>
public sealed class PromtoolRunner(EvidenceLog evidence, TimeSpan? timeout = null)
{
    private readonly TimeSpan _timeout = timeout ?? TimeSpan.FromSeconds(120);

    /// <summary>Path of promtool: $PROMTOOL, else the first promtool on PATH; null when there is none.</summary>
    public static string? Locate()
    {
        if (Environment.GetEnvironmentVariable("PROMTOOL") is { Length: > 0 } explicitPath && File.Exists(explicitPath)) return explicitPath;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "promtool");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>Expands glob patterns (rules/*.yml) in the file list; a pattern that matches nothing is kept as is so promtool names it.</summary>
    public static IReadOnlyList<string> Expand(IEnumerable<string> patterns) => patterns.SelectMany(p =>
    {
        if (!p.Contains('*') && !p.Contains('?')) return [p];
        var dir = Path.GetDirectoryName(p) ?? ".";
        var matches = Directory.Exists(dir) ? Directory.GetFiles(dir, Path.GetFileName(p)).Order(StringComparer.Ordinal).ToArray() : [];
        return matches.Length > 0 ? matches : [p];
    }).ToList();

    /// <summary>`promtool check rules FILES...`.</summary>
    public Task<PromtoolResult> CheckRulesAsync(IReadOnlyList<string> files, CancellationToken ct = default) =>
        RunAsync(["check", "rules", .. files], ct);

    /// <summary>`promtool test rules FILES...` (rule unit tests).</summary>
    public Task<PromtoolResult> TestRulesAsync(IReadOnlyList<string> files, CancellationToken ct = default) =>
        RunAsync(["test", "rules", .. files], ct);

    private async Task<PromtoolResult> RunAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        var promtool = Locate() ?? throw new NotVerifiedException("promtool is not on PATH (nor named by $PROMTOOL): the rule files cannot be checked here.");
        var sw = Stopwatch.StartNew();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(_timeout);
        BufferedCommandResult run;
        try
        {
            run = await Cli.Wrap(promtool).WithArguments(args).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(cts.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new EnvironmentProblemException($"{promtool} {string.Join(' ', args)}: no result within {_timeout.TotalSeconds:F0} s " +
                                                  "(thresholds.promtool_timeout_seconds; a rule test with a short evaluation_interval and a long eval_time is slow)");
        }
        var result = new PromtoolResult($"{promtool} {string.Join(' ', args)}", run.ExitCode,
            (run.StandardOutput + run.StandardError).Trim(), sw.Elapsed);
        evidence.AttachText($"promtool {args[0]} {args[1]}", result.ToString(), "text/plain", "txt");
        evidence.Note($"rule: promtool must exit 0; observed: exit {result.ExitCode}");
        return result;
    }
}

using Acceptance.Support.Configuration;
using Acceptance.Support.Evidence;
using Acceptance.Support.Transport;

namespace Acceptance.Support.Promtool;

/// <summary>
/// Runs the real promtool (https://prometheus.io/docs/prometheus/latest/command-line/promtool/) through
/// <see cref="CommandRunner"/>: `check rules` validates rule files, `test rules` runs their unit tests. When promtool is
/// not on PATH (or $PROMTOOL) the check is NOT VERIFIED with that reason; past thresholds.promtool_timeout_seconds it is
/// BROKEN (a rule test with a short evaluation_interval and a long eval_time is slow).
/// </summary>
public sealed class PromtoolRunner(EvidenceLog evidence, TimeSpan? timeout = null)
{
    private readonly CommandRunner _promtool = new("promtool", evidence, timeout ?? TimeSpan.FromSeconds(120), "PROMTOOL");

    /// <summary>Path of promtool: $PROMTOOL, else the first promtool on PATH; null when there is none.</summary>
    public static string? Locate() => CommandRunner.Locate("promtool", "PROMTOOL");

    /// <summary>Expands glob patterns (rules/*.yml) in the file list; a pattern that matches nothing is kept as is so promtool names it.</summary>
    public static IReadOnlyList<string> Expand(IEnumerable<string> patterns) => patterns.SelectMany(p =>
        PathPatterns.Matches(p) is { Count: > 0 } matches ? matches : [p]).ToList();

    /// <summary>`promtool check rules FILES...`.</summary>
    public Task<CommandResult> CheckRulesAsync(IReadOnlyList<string> files, CancellationToken ct = default) => _promtool.RunAsync(["check", "rules", .. files], ct);

    /// <summary>`promtool test rules FILES...` (rule unit tests).</summary>
    public Task<CommandResult> TestRulesAsync(IReadOnlyList<string> files, CancellationToken ct = default) => _promtool.RunAsync(["test", "rules", .. files], ct);
}

using System.Text.RegularExpressions;
using Acceptance.Support.Checks;
using Acceptance.Support.Outcomes;

namespace Acceptance.Support.Validation;

/// <summary>The verdict on the validators' results (APP-CM-1 "all configuration files validated", PREVAL-AT-1).</summary>
public static partial class ValidationRules
{
    /// <summary>
    /// Every validated file passed its own validator (exit 0). One shortfall per invalid file: the file, its validator's
    /// command line, exit code and the first error line of the output.
    /// <para>
    /// Files whose validator is missing are NOT VERIFIED, never passed, and never counted as failed: when EVERY file is
    /// not verified the whole line is NOT VERIFIED (<see cref="NotVerifiedException"/> with each reason); when only some
    /// are, the verdict is about the validated files only, and Observed names each unvalidated file with its reason (and
    /// the Expected says how many were validated out of how many), so the report shows the gap without a false pass or fail.
    /// </para>
    /// </summary>
    /// <exception cref="NotVerifiedException">No file was named, or no file could be validated here.</exception>
    public static Verdict EveryFileValid(IReadOnlyList<ConfigValidationResult> results)
    {
        if (results.Count == 0)
            throw new NotVerifiedException("no configuration files are named (configuration.files is empty): nothing was validated");
        var unverified = results.Where(r => r.NotVerified).ToList();
        if (unverified.Count == results.Count)
            throw new NotVerifiedException($"none of the {results.Count} configuration file(s) could be validated here:\n  - " +
                string.Join("\n  - ", unverified.Select(r => r.Why)));
        var validated = results.Where(r => !r.NotVerified).ToList();
        var observed = validated.Select(r => $"{r.File}: `{r.Validator}` exit {r.ExitCode}" + (r.ExitCode == 0 ? "" : $": {FirstErrorLine(r.Output, r.File.Path)}"))
            .Concat(unverified.Select(r => $"{r.File}: NOT VERIFIED: {r.Why}"));
        return Verdict.From(
            "every configuration file passes its own validator (configuration.files)",
            $"{validated.Count} of {results.Count} file(s) validated, each validator exiting 0" +
                (unverified.Count == 0 ? "" : $" ({unverified.Count} not verified: validator missing)"),
            string.Join("\n", observed),
            validated.Where(r => r.ExitCode != 0).Select(r => $"{r.File.Path} ({r.File.Kind}) is invalid: `{r.Validator}` exited {r.ExitCode}: {FirstErrorLine(r.Output, r.File.Path)}"));
    }

    /// <summary>
    /// The first line of a validator's output that reports an error (FAILED, error, [ALERT], bad option, invalid, ...),
    /// skipping notices, warnings and info log lines; a line ending with ':' is joined with the next one (promtool's
    /// "FAILED:", docker-compose's "is invalid because:"). Falls back to the first non-empty line.
    /// </summary>
    /// <param name="output">The validator's output.</param>
    /// <param name="path">The validated file: its path and name are not read as error words ("bad.yml", a folder named "failed").</param>
    public static string FirstErrorLine(string output, string? path = null)
    {
        var lines = output.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var words = path is null ? line : line.Replace(path, "").Replace(Path.GetFileName(path), "");
            if (Noise().IsMatch(line) || !ErrorWord().IsMatch(words)) continue;
            return line.EndsWith(':') && i + 1 < lines.Count ? $"{line} {lines[i + 1]}" : line;
        }
        return lines.FirstOrDefault() ?? "(no output)";
    }

    [GeneratedRegex(@"^\[(NOTICE|WARNING)\]|level=(info|warn|debug)", RegexOptions.IgnoreCase)]
    private static partial Regex Noise();

    [GeneratedRegex(@"\b(errors?|failed|fatal|alert|bad|invalid|unsupported|unknown|undefined|missing|not found|unable|cannot|can't|no such|not allowed)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ErrorWord();
}

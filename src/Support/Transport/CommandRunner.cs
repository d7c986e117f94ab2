using Acceptance.Support.Evidence;
using Acceptance.Support.Outcomes;
using CliWrap;
using CliWrap.Buffered;

namespace Acceptance.Support.Transport;

/// <summary>One finished command: its line, exit code and output.</summary>
public sealed record CommandResult(string CommandLine, int ExitCode, string Output, TimeSpan Elapsed)
{
    /// <summary>Exit code 0.</summary>
    public bool Succeeded => ExitCode == 0;

    /// <inheritdoc />
    public override string ToString() => $"`{CommandLine}` exited {ExitCode} in {Elapsed.TotalSeconds:F1} s:\n{Output.Trim()}";
}

/// <summary>
/// Runs a real tool (promtool, amtool, haproxy -c, sslscan, ...) through CliWrap under a deadline, recording the command,
/// exit code and output as evidence (<see cref="TransportRecorder"/>). A tool that is not installed makes the check NOT
/// VERIFIED with that reason; a tool that does not finish in time makes it BROKEN.
/// </summary>
/// <param name="tool">The tool's file name, looked up on PATH (or <paramref name="searchPath"/>).</param>
/// <param name="evidence">Where each run is recorded.</param>
/// <param name="deadline">How long one run may take.</param>
/// <param name="toolVariable">An environment variable that may name the tool's path ($PROMTOOL).</param>
/// <param name="searchPath">The folders to look in instead of $PATH (separated by <see cref="Path.PathSeparator"/>); null: $PATH.</param>
public sealed class CommandRunner(string tool, EvidenceLog evidence, TimeSpan deadline, string? toolVariable = null, string? searchPath = null)
{
    private readonly TransportRecorder _recorder = new(tool, evidence, deadline);

    /// <summary>
    /// Path of the tool: $<paramref name="variable"/> when set, else the first <paramref name="name"/> on PATH; null when absent.
    /// With <paramref name="searchPath"/> those folders are searched instead of PATH (a runner without the tool can be simulated).
    /// </summary>
    public static string? Locate(string name, string? variable = null, string? searchPath = null)
    {
        if (variable is not null && Environment.GetEnvironmentVariable(variable) is { Length: > 0 } explicitPath && File.Exists(explicitPath)) return explicitPath;
        return (searchPath ?? Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// Runs the tool with <paramref name="args"/> (and extra <paramref name="environment"/> variables, in
    /// <paramref name="workingDirectory"/> when given); any exit code is returned.
    /// </summary>
    public async Task<CommandResult> RunAsync(IReadOnlyList<string> args, CancellationToken ct = default, IReadOnlyDictionary<string, string?>? environment = null,
        string? workingDirectory = null)
    {
        var path = Locate(tool, toolVariable, searchPath) ?? throw new NotVerifiedException(
            $"{tool} is not on {(searchPath is null ? "PATH" : $"the search path {searchPath}")}{(toolVariable is null ? "" : $" (nor named by ${toolVariable})")}: this check cannot run here.");
        var line = $"{path} {string.Join(' ', args)}";
        var started = DateTime.UtcNow;
        return await _recorder.RecordAsync(string.Join(' ', args.Take(2)), line, async token =>
        {
            var run = await Cli.Wrap(path).WithArguments(args).WithWorkingDirectory(workingDirectory ?? Directory.GetCurrentDirectory()).WithEnvironmentVariables(environment ?? new Dictionary<string, string?>()).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(token);
            return new CommandResult(line, run.ExitCode, (run.StandardOutput + run.StandardError).Trim(), DateTime.UtcNow - started);
        }, r => ($"exit {r.ExitCode}", r.Output), ct);
    }
}

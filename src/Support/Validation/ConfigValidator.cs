using System.Diagnostics;
using System.Text.Json;
using Acceptance.Support.Evidence;
using Acceptance.Support.Outcomes;
using Acceptance.Support.Transport;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Acceptance.Support.Validation;

/// <summary>
/// One file's validation: the validator's command line, its exit code and its exact output, or why it could not run.
/// </summary>
/// <param name="File">The file.</param>
/// <param name="Validator">The command line as run (<c>/usr/bin/promtool check config /etc/prometheus/prometheus.yml</c>), or the parser.</param>
/// <param name="ExitCode">The validator's exit code (the in-process parsers: 0 parsed, 1 not); -1 when it did not run.</param>
/// <param name="Output">The validator's exact output (stdout then stderr, trimmed).</param>
/// <param name="NotVerified">The validator is not installed here: the file is NOT VERIFIED, never passed.</param>
/// <param name="Why">Why the file is not verified (the tool and its Debian package), else null.</param>
public sealed record ConfigValidationResult(ConfigFile File, string Validator, int ExitCode, string Output, bool NotVerified, string? Why)
{
    /// <summary>The validator ran and exited 0.</summary>
    public bool Valid => !NotVerified && ExitCode == 0;
}

/// <summary>
/// Validates configuration files, each with its own real validator (<see cref="ConfigKinds"/>) run through
/// <see cref="CommandRunner"/> under a 60 s deadline (past it: BROKEN), the command, exit code and output recorded as
/// evidence. A validator that is missing makes that file NOT VERIFIED; the other files are still validated.
/// </summary>
public static class ConfigValidator
{
    /// <summary>The deadline of one validator run.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The folders validators are looked up in: $PATH, then /usr/local/sbin, /usr/sbin and /sbin (haproxy, sshd and
    /// dnsmasq live there and a non-root PATH often lacks them).
    /// </summary>
    public static string DefaultSearchPath =>
        string.Join(Path.PathSeparator, new[] { Environment.GetEnvironmentVariable("PATH") ?? "", "/usr/local/sbin", "/usr/sbin", "/sbin" }
            .Where(p => p.Length > 0));

    /// <summary>
    /// Validates every file in order. Each tool kind runs from the file's folder (relative rule_files, .env next to a
    /// compose file). A missing validator does not stop the others: that file's result is NotVerified with the reason.
    /// </summary>
    /// <param name="files">The files (<see cref="ConfigFile.ParseAll"/>).</param>
    /// <param name="evidence">Where each run is recorded.</param>
    /// <param name="ct">Cancellation.</param>
    /// <param name="searchPath">Where validators are looked up instead of <see cref="DefaultSearchPath"/> (tests simulate a runner without them); $PROMTOOL is then not read.</param>
    public static async Task<IReadOnlyList<ConfigValidationResult>> ValidateAsync(IReadOnlyList<ConfigFile> files, EvidenceLog evidence,
        CancellationToken ct = default, string? searchPath = null)
    {
        var results = new List<ConfigValidationResult>(files.Count);
        foreach (var file in files)
        {
            try
            {
                results.Add(await ValidateAsync(file, evidence, ct, searchPath));
            }
            catch (NotVerifiedException e)
            {
                results.Add(new ConfigValidationResult(file, ConfigKinds.All.TryGetValue(file.Kind, out var k) ? k.Describe() : file.Kind, -1, "", true, e.Reason));
            }
        }
        return results;
    }

    /// <summary>Validates one file with the validator of its kind.</summary>
    /// <exception cref="NotVerifiedException">The validator is not installed: names the tool and its Debian package.</exception>
    /// <exception cref="ArgumentException">An unknown kind.</exception>
    public static async Task<ConfigValidationResult> ValidateAsync(ConfigFile file, EvidenceLog evidence, CancellationToken ct = default, string? searchPath = null)
    {
        if (!ConfigKinds.All.TryGetValue(file.Kind, out var kind))
            throw new ArgumentException($"unknown configuration kind '{file.Kind}' (kinds: {string.Join(", ", ConfigKinds.All.Keys)})", nameof(file));
        if (kind.Tool is null) return await ParseAsync(file, kind, evidence, ct);

        var path = searchPath ?? DefaultSearchPath;
        var variable = searchPath is null ? kind.ToolVariable : null;
        if (CommandRunner.Locate(kind.Tool, variable, path) is null)
            throw new NotVerifiedException($"{file}: the validator {kind.Tool} is not installed here (not on {path}" +
                $"{(variable is null ? "" : $", nor named by ${variable}")}); install the Debian package {kind.DebianPackage}: " +
                $"`{kind.Describe()}` could not run, so this file is NOT VERIFIED");
        var runner = new CommandRunner(kind.Tool, evidence, Deadline, variable, path);
        var folder = Path.GetDirectoryName(file.Path);
        var run = await runner.RunAsync(kind.Arguments(file.Path, file.EnvFile), ct,
            workingDirectory: folder is { Length: > 0 } && Directory.Exists(folder) ? folder : null);
        return new ConfigValidationResult(file, run.CommandLine, run.ExitCode, run.Output, false, null);
    }

    private static async Task<ConfigValidationResult> ParseAsync(ConfigFile file, ConfigKind kind, EvidenceLog evidence, CancellationToken ct)
    {
        var validator = $"{kind.Describe()} of {file.Path}";
        var recorder = new TransportRecorder(kind.Name == ConfigKinds.Json ? "System.Text.Json" : "YamlDotNet", evidence, Deadline);
        var (exit, output) = await recorder.RecordAsync("parse", file.Path, async token =>
        {
            var sw = Stopwatch.StartNew();
            string text;
            try { text = await System.IO.File.ReadAllTextAsync(file.Path, token); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return (1, $"{file.Path}: cannot be read: {e.Message}"); }
            return kind.Name == ConfigKinds.Json ? ParseJson(file.Path, text) : ParseYaml(file.Path, text);
        }, r => ($"exit {r.Item1}", r.Item2), ct);
        return new ConfigValidationResult(file, validator, exit, output, false, null);
    }

    private static (int, string) ParseYaml(string path, string text)
    {
        // First the event stream, remembering where the last good event ended: YamlDotNet reports most errors as a
        // YamlException with its position, but some (an unclosed flow sequence) as an InvalidOperationException without one.
        Mark last = Mark.Empty;
        try
        {
            var parser = new Parser(new StringReader(text));
            while (parser.MoveNext()) last = parser.Current!.End;
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            return (0, $"{path}: valid YAML, {stream.Documents.Count} document(s)");
        }
        catch (YamlException e)
        {
            return (1, $"{path}:{e.Start.Line}:{e.Start.Column}: invalid YAML at line {e.Start.Line}, column {e.Start.Column}: {Innermost(e)}");
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            return (1, $"{path}:{last.Line}:{last.Column}: invalid YAML after line {last.Line}, column {last.Column} (the last part that parsed): {e.Message}");
        }
    }

    private static string Innermost(Exception e)
    {
        var messages = new List<string>();
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            var m = x is YamlException ye ? StripMark(ye.Message) : x.Message;
            if (!messages.Contains(m)) messages.Add(m);
        }
        return string.Join(": ", messages);
    }

    // YamlDotNet prefixes "(Line: 3, Col: 5, Idx: 20) - (Line: 3, Col: 6, Idx: 21): " — the position is given once, up front.
    private static string StripMark(string message)
    {
        var i = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line:", StringComparison.Ordinal) && i > 0 ? message[(i + 3)..] : message;
    }

    private static (int, string) ParseJson(string path, string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return (0, $"{path}: valid JSON, top-level {doc.RootElement.ValueKind}");
        }
        catch (JsonException e)
        {
            var line = (e.LineNumber ?? 0) + 1;
            var column = (e.BytePositionInLine ?? 0) + 1;
            return (1, $"{path}:{line}:{column}: invalid JSON at line {line}, column {column}: {e.Message}");
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Acceptance.Support.Evidence;
using Acceptance.Support.Outcomes;
using CliWrap;
using CliWrap.Buffered;

namespace Acceptance.Support.Secrets;

/// <summary>
/// Scans <see cref="SecretSource"/>s for hardcoded credentials with secretlint (the pinned tools/secretlint, recommend preset)
/// plus the suite's own rules (<see cref="SecretPatterns"/>). Every source is written to a private temporary folder (mode
/// 700, files 600, random names) that is always deleted afterwards; secretlint's JSON is mapped back to each source's place
/// and line. Findings carry secretlint's masked message and never the value: secretlint's sourceContent (the raw text) is
/// never read. secretlint exiting 1 means "found something", not an error.
/// </summary>
public sealed partial class SecretScanner
{
    /// <summary>Environment variable naming a secretlint executable to use instead of tools/secretlint's.</summary>
    public const string ToolVariable = "ACCEPTANCE_SECRETLINT";

    /// <summary>How to install the pinned secretlint (what a missing tool's reason names).</summary>
    public const string InstallCommand = "(cd tools/secretlint && npm ci)";

    /// <summary>The default deadline of one secretlint run.</summary>
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(60);

    private const string DefaultConfig = """{"rules":[{"id":"@secretlint/secretlint-rule-preset-recommend","rules":[{"id":"@secretlint/secretlint-rule-aws","options":{"enableIDScanRule":true}}]}]}""";

    private readonly EvidenceLog? _evidence;
    private readonly TimeSpan _deadline;
    private readonly string? _tool;
    private readonly string? _tempRoot;
    private readonly SecretPatterns _patterns;

    /// <summary>A scanner.</summary>
    /// <param name="evidence">Where a one-line summary of each scan is noted (optional).</param>
    /// <param name="deadline">Deadline of one secretlint run (default 60 s).</param>
    /// <param name="secretlint">The secretlint executable (default: <see cref="Locate"/>).</param>
    /// <param name="tempRoot">Folder the private scan folder is created in (default: the system's temp folder).</param>
    /// <param name="patterns">The own rules (default: <see cref="SecretPatterns.Default"/>).</param>
    public SecretScanner(EvidenceLog? evidence = null, TimeSpan? deadline = null, string? secretlint = null, string? tempRoot = null, SecretPatterns? patterns = null)
    {
        _evidence = evidence;
        _deadline = deadline ?? DefaultDeadline;
        _tool = secretlint;
        _tempRoot = tempRoot;
        _patterns = patterns ?? SecretPatterns.Default;
    }

    /// <summary>The tools/secretlint folder of the repository (walking up from the assembly's folder), or null.</summary>
    public static string? ToolsFolder()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var candidate = Path.Combine(d.FullName, "tools", "secretlint");
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>secretlint's path: $ACCEPTANCE_SECRETLINT when it names a file, else tools/secretlint/node_modules/.bin/secretlint when installed; null when absent.</summary>
    public static string? Locate()
    {
        if (Environment.GetEnvironmentVariable(ToolVariable) is { Length: > 0 } explicitPath && File.Exists(explicitPath)) return explicitPath;
        var tools = ToolsFolder();
        var bin = tools is null ? null : Path.Combine(tools, "node_modules", ".bin", "secretlint");
        return bin is not null && File.Exists(bin) ? bin : null;
    }

    /// <summary>Scans every source; returns the findings in source order, then line order.</summary>
    /// <exception cref="NotVerifiedException">secretlint is not installed.</exception>
    /// <exception cref="EnvironmentProblemException">secretlint did not finish within the deadline, failed, or answered something that is not its JSON.</exception>
    public async Task<IReadOnlyList<SecretFinding>> ScanAsync(IReadOnlyList<SecretSource> sources, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        if (sources.Count == 0) return [];
        var tool = _tool ?? Locate() ?? throw new NotVerifiedException(
            $"secretlint is not installed (tools/secretlint/node_modules is missing and ${ToolVariable} is not set): install it with {InstallCommand}");
        var tools = ToolsFolder();
        var started = Stopwatch.StartNew();
        var root = CreatePrivateFolder();
        try
        {
            var scanDir = Path.Combine(root, "s");
            CreateDirectory(scanDir);
            var byName = new Dictionary<string, SecretSource>(StringComparer.Ordinal);
            foreach (var source in sources)
            {
                var name = Guid.NewGuid().ToString("N") + ".txt";
                WritePrivate(Path.Combine(scanDir, name), source.Text);
                byName[name] = source;
            }
            var config = tools is not null && File.Exists(Path.Combine(tools, ".secretlintrc.json")) ? Path.Combine(tools, ".secretlintrc.json") : null;
            if (config is null)
            {
                config = Path.Combine(root, "secretlintrc.json");
                WritePrivate(config, DefaultConfig);
            }
            var workDir = tools ?? Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(tool))) ?? root;
            // --output: secretlint writes its JSON to a file of the private folder. On a pipe, node's process.exit cuts
            // stdout at 64 KiB (a large scan's JSON was truncated there), so stdout is only the fallback.
            var output = Path.Combine(root, "secretlint.json");
            string[] args = [$"{scanDir}/**/*", "--format", "json", "--secretlintrc", config, "--output", output];
            BufferedCommandResult run;
            using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                deadline.CancelAfter(_deadline);
                try
                {
                    run = await Cli.Wrap(tool).WithArguments(args).WithWorkingDirectory(workDir).WithValidation(CommandResultValidation.None)
                        .ExecuteBufferedAsync(deadline.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    throw new EnvironmentProblemException(
                        $"secretlint ({tool}) did not finish within {_deadline.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s scanning {sources.Count} sources");
                }
            }
            if (run.ExitCode is not (0 or 1))
                throw new EnvironmentProblemException(
                    $"secretlint ({tool}) failed with exit {run.ExitCode}: {Shorten(SecretRegistry.Redact(run.StandardError.Trim()))}");
            var findings = ParseSecretlint(File.Exists(output) ? File.ReadAllText(output) : run.StandardOutput, byName);
            foreach (var source in sources)
                foreach (var own in _patterns.Find(source))
                    if (!findings.Any(f => f.Place == own.Place && f.Line == own.Line)) findings.Add(own);
            var ordered = findings.OrderBy(f => IndexOf(sources, f.Place)).ThenBy(f => f.Line).ThenBy(f => f.Rule, StringComparer.Ordinal).ToList();
            _evidence?.Note($"secret scan: {sources.Count} sources scanned with secretlint and {_patterns.Rules.Count} own rules in " +
                            $"{started.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s: {ordered.Count} findings");
            return ordered;
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    private static int IndexOf(IReadOnlyList<SecretSource> sources, string place)
    {
        for (var i = 0; i < sources.Count; i++) if (sources[i].Place == place) return i;
        return int.MaxValue;
    }

    // Only filePath and each message's ruleId, messageId, line and message are read: sourceContent holds the raw text.
    private static List<SecretFinding> ParseSecretlint(string json, Dictionary<string, SecretSource> byName)
    {
        var findings = new List<SecretFinding>();
        if (string.IsNullOrWhiteSpace(json)) return findings;
        try
        {
            using var doc = JsonDocument.Parse(json);
            foreach (var file in doc.RootElement.EnumerateArray())
            {
                var name = Path.GetFileName(file.GetProperty("filePath").GetString() ?? "");
                if (!byName.TryGetValue(name, out var source)) continue;
                foreach (var m in file.GetProperty("messages").EnumerateArray())
                {
                    // An AWS account ID is an identifier, not a credential (the aws rule's ID scan reports it with the access key ID).
                    if (m.TryGetProperty("messageId", out var id) && id.GetString() == "AWSAccountID") continue;
                    var line = m.TryGetProperty("loc", out var loc) ? loc.GetProperty("start").GetProperty("line").GetInt32() : 1;
                    findings.Add(new SecretFinding(source.Place, source.LineOffset + line, m.GetProperty("ruleId").GetString() ?? "secretlint",
                        Mask(m.GetProperty("message").GetString() ?? "")));
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw new EnvironmentProblemException($"secretlint's output is not its JSON format: {e.Message}", e);
        }
        return findings;
    }

    // secretlint masks the value with as many '*' as it has characters: one short run says the same without the length.
    private static string Mask(string message) => SecretRegistry.Redact(Stars().Replace(message, "****"));

    private static string Shorten(string text) => text.Length <= 500 ? text : text[..500] + "…";

    private string CreatePrivateFolder()
    {
        var root = Path.Combine(_tempRoot ?? Path.GetTempPath(), "acceptance-secret-scan-" + Guid.NewGuid().ToString("N"));
        CreateDirectory(root);
        return root;
    }

    private static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static void WritePrivate(string path, string text)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(text);
    }

    [GeneratedRegex(@"\*{4,}")]
    private static partial Regex Stars();
}

using System.Text.RegularExpressions;
using Acceptance.Support.Evidence;
using Acceptance.Support.Outcomes;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Acceptance.Support.Ssh;

/// <summary>
/// Reads files on the host of services.ssh (SSH.NET): key-only login, the host key checked against services.ssh.known_hosts
/// (an unknown or changed key is never trusted), a deadline on connect and on every command. Paths may use * and ? in the
/// file name; they are expanded by the host's shell from a quoted folder, nothing else of them reaches a shell unquoted.
/// </summary>
public sealed partial class SshFileReader(SshOptions options, EvidenceLog evidence)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    /// <summary>"ssh://user@host:port".</summary>
    public string Origin => $"ssh://{options.User}@{options.Address}:{options.Port}";

    /// <summary>Every file the patterns name, with its text (a pattern matching nothing yields nothing and is noted).</summary>
    public async Task<IReadOnlyList<(string Path, string Text)>> ReadAsync(IReadOnlyList<string> patterns, CancellationToken ct = default)
    {
        using var client = await ConnectAsync(ct);
        var files = new List<(string, string)>();
        foreach (var path in Matches(client, patterns, missingFolderIsEmpty: false)) files.Add((path, Run(client, $"cat -- {Quote(path)}")));
        evidence.Note($"SSH {Origin}: read {files.Count} file(s): {string.Join(", ", files.Select(f => f.Item1))}");
        return files;
    }

    /// <summary>Every file the patterns name, WITHOUT reading it (for files that must not be there, like a CA private key).</summary>
    public async Task<IReadOnlyList<string>> ExistingAsync(IReadOnlyList<string> patterns, CancellationToken ct = default)
    {
        using var client = await ConnectAsync(ct);
        var found = Matches(client, patterns, missingFolderIsEmpty: true);
        evidence.Note($"SSH {Origin}: looked for [{string.Join(", ", patterns)}]; found {found.Count} file(s){(found.Count > 0 ? ": " + string.Join(", ", found) : "")}");
        return found;
    }

    /// <summary>Runs <paramref name="command"/> on the host (its output; BROKEN when it exits non-zero or overruns <paramref name="deadline"/>).</summary>
    public async Task<string> RunAsync(string command, TimeSpan deadline, CancellationToken ct = default)
    {
        using var client = await ConnectAsync(ct);
        using var cmd = client.CreateCommand(command);
        cmd.CommandTimeout = deadline;
        string output;
        try { output = await Task.Run(cmd.Execute, ct); }
        catch (SshOperationTimeoutException e) { throw new EnvironmentProblemException($"SSH {Origin}: the command did not finish within {deadline.TotalSeconds:0} s", e); }
        if (cmd.ExitStatus is not (0 or null)) throw new EnvironmentProblemException($"SSH {Origin}: command failed (exit {cmd.ExitStatus}): {cmd.Error.Trim()}");
        evidence.Note($"SSH {Origin}: ran a command (exit 0, {output.Length} characters of output)");
        return output;
    }

    private async Task<SshClient> ConnectAsync(CancellationToken ct)
    {
        try { return await Task.Run(() => Connect(Deadline), ct).WaitAsync(Deadline + TimeSpan.FromSeconds(5), ct); }
        catch (TimeoutException e) { throw new EnvironmentProblemException($"SSH {Origin}: {e.Message}", e); }
    }

    private SshClient Connect(TimeSpan deadline)
    {
        var key = options.PrivateKey?.Resolve() ?? throw new NotVerifiedException("services.ssh.private_key is not set: nothing can be run or read on the SSH host.");
        var knownHosts = options.KnownHosts ?? throw new NotVerifiedException("services.ssh.known_hosts is not set: the SSH host's key cannot be checked, so it is not trusted.");
        var user = options.User ?? Environment.UserName;
        using var pk = PinnedSsh.Key(key);
        var endpoint = new SshEndpoint(options.Address, options.Port, knownHosts);
        return PinnedSsh.Connect(new SshClient(PinnedSsh.Info(endpoint, user, new PrivateKeyAuthenticationMethod(user, pk), deadline)), endpoint, $"SSH {Origin}");
    }

    private List<string> Matches(SshClient client, IReadOnlyList<string> patterns, bool missingFolderIsEmpty)
    {
        var files = new List<string>();
        foreach (var pattern in patterns)
        {
            if (!SafePath().IsMatch(pattern)) throw new EnvironmentProblemException($"configuration.scan_files_ssh / tls.ca_key_paths: '{pattern}' is not an absolute path of letters, digits, . _ - / * ?");
            var folder = pattern[..(pattern.LastIndexOf('/') + 1)];
            var name = pattern[(pattern.LastIndexOf('/') + 1)..];
            var list = Run(client, $"cd {Quote(folder)} {(missingFolderIsEmpty ? "2>/dev/null || exit 0;" : "&&")} for f in {name}; do [ -f \"$f\" ] && printf '%s\\n' \"$f\"; done; true");
            var matched = list.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (matched.Length == 0) evidence.Note($"SSH {Origin}: {pattern} matches no file");
            files.AddRange(matched.Select(f => folder + f));
        }
        return files;
    }

    /// <summary>True when <paramref name="knownHosts"/> lists this exact key for [host]:port (or host on port 22).</summary>
    public static bool KnownHostsMatch(string knownHosts, string host, int port, string keyName, byte[] key)
    {
        var name = port == 22 ? host : $"[{host}]:{port}";
        var blob = Convert.ToBase64String(key);
        return File.ReadLines(knownHosts).Select(l => l.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Any(p => p.Length >= 3 && p[0].Split(',').Contains(name) && p[1] == keyName && p[2] == blob);
    }

    private static string Run(SshClient client, string command)
    {
        using var cmd = client.CreateCommand(command);
        cmd.CommandTimeout = Deadline;
        var output = cmd.Execute();
        if (cmd.ExitStatus is not (0 or null)) throw new EnvironmentProblemException($"SSH command failed (exit {cmd.ExitStatus}): {cmd.Error.Trim()}");
        return output;
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    [GeneratedRegex(@"^/[A-Za-z0-9._/\-]*/[A-Za-z0-9._\-*?]+$")]
    private static partial Regex SafePath();
}

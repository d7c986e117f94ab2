using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Acceptance.Support.Evidence;
using Acceptance.Support.Outcomes;
using Acceptance.Support.Ssh;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Acceptance.Support.Backups;

/// <summary>
/// The host of services.ssh for the audit and retention checks (SSH.NET): key-only login with the known host key, a deadline on
/// every command; paths reach the shell single-quoted. Also makes the auditable action: a login attempt as a unique, non-existent user.
/// </summary>
public sealed partial class RemoteHost(SshOptions options, EvidenceLog evidence)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    /// <summary>"ssh://user@host:port".</summary>
    public string Origin => $"ssh://{options.User ?? Environment.UserName}@{options.Address}:{options.Port}";

    private ConnectionInfo Info(string user, PrivateKeyFile pk, string knownHosts) =>
        PinnedSsh.Info(Endpoint(knownHosts), user, new PrivateKeyAuthenticationMethod(user, pk), Deadline);

    private SshEndpoint Endpoint(string knownHosts) => new(options.Address, options.Port, knownHosts);

    private (string Key, string KnownHosts) Credentials() => (
        options.PrivateKey?.Resolve() ?? throw new NotVerifiedException("services.ssh.private_key is not set: the host cannot be read."),
        options.KnownHosts ?? throw new NotVerifiedException("services.ssh.known_hosts is not set: the host's key cannot be checked, so it is not trusted."));

    /// <summary>Runs <paramref name="command"/> (exit 0 required) and returns its output.</summary>
    public Task<string> RunAsync(string command, CancellationToken ct = default) => Task.Run(() =>
    {
        var (key, knownHosts) = Credentials();
        using var pk = PinnedSsh.Key(key);
        using var client = PinnedSsh.Connect(new SshClient(Info(options.User ?? Environment.UserName, pk, knownHosts)), Endpoint(knownHosts), $"SSH {Origin}");
        using var cmd = client.CreateCommand(command);
        cmd.CommandTimeout = Deadline;
        var output = cmd.Execute();
        if (cmd.ExitStatus is not (0 or null)) throw new EnvironmentProblemException($"SSH {Origin}: command failed (exit {cmd.ExitStatus}): {cmd.Error.Trim()}");
        return output;
    }, ct).WaitAsync(Deadline * 2, ct);

    /// <summary>A login attempt as <paramref name="user"/> (which does not exist): refused, and sshd's auth log must say so.</summary>
    public Task AttemptLoginAsync(string user, CancellationToken ct = default) => Task.Run(() =>
    {
        var (key, knownHosts) = Credentials();
        using var pk = PinnedSsh.Key(key);
        using var client = new SshClient(Info(user, pk, knownHosts));
        PinnedSsh.PinHostKey(client, Endpoint(knownHosts));
        try { client.Connect(); client.Disconnect(); }
        catch (SshAuthenticationException) { }   // the expected refusal
        catch (Exception e) when (e is SshException or SocketException or TimeoutException or ProxyException)
        {
            throw new EnvironmentProblemException($"SSH {Origin}: the login attempt as {user} failed to connect: {e.Message}", e);
        }
        evidence.Note($"SSH {Origin}: login attempt as the non-existent user {user} (refused, as it must be)");
    }, ct).WaitAsync(Deadline * 2, ct);

    /// <summary>Lines of <paramref name="file"/> containing <paramref name="marker"/> (the last 5).</summary>
    public async Task<IReadOnlyList<string>> GrepAsync(string file, string marker, CancellationToken ct = default)
    {
        if (!SafePath().IsMatch(file) || !SafeWord().IsMatch(marker)) throw new EnvironmentProblemException($"audit: '{file}' / '{marker}' is not a plain absolute path / word");
        var output = await RunAsync($"grep -F -- {Quote(marker)} {Quote(file)} | tail -n 5; true", ct);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Every regular file under <paramref name="folder"/> with its modification time.</summary>
    public async Task<IReadOnlyList<(string Path, DateTimeOffset Modified)>> FilesAsync(string folder, CancellationToken ct = default)
    {
        if (!SafePath().IsMatch(folder)) throw new EnvironmentProblemException($"retention.training_data_path: '{folder}' is not a plain absolute path");
        var output = await RunAsync($"find {Quote(folder)} -type f -printf '%T@ %p\\n'", ct);
        var files = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', 2))
            .Where(p => p.Length == 2 && double.TryParse(p[0], NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            .Select(p => (p[1], DateTimeOffset.FromUnixTimeMilliseconds((long)(double.Parse(p[0], CultureInfo.InvariantCulture) * 1000)))).ToList();
        evidence.Note($"SSH {Origin}: {folder} holds {files.Count} file(s)");
        return files;
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    [GeneratedRegex(@"^/[A-Za-z0-9._/\-]*$")]
    private static partial Regex SafePath();

    [GeneratedRegex(@"^[A-Za-z0-9._\-]+$")]
    private static partial Regex SafeWord();
}

/// <summary>The audit check of services.ssh's sshd.</summary>
public static class RemoteHostAudit
{
    /// <summary>Looks for the login attempt as <paramref name="user"/> in audit.sshd_log (one read).</summary>
    public static async Task<AuditFinding> AuditAsync(this RemoteHost host, AuditSection audit, string user, DateTimeOffset actionAt, CancellationToken ct = default)
    {
        var log = audit.SshdLog ?? throw new Outcomes.NotVerifiedException("audit.sshd_log is not set: sshd's audit log cannot be checked.");
        var lines = await host.GrepAsync(log, user, ct);
        return new AuditFinding($"sshd auth log {log}", $"login attempt as {user}", lines.LastOrDefault(), DateTimeOffset.UtcNow - actionAt);
    }
}

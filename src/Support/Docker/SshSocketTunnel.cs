using System.Collections.Concurrent;
using System.Diagnostics;
using Acceptance.Support.Outcomes;

namespace Acceptance.Support.Docker;

/// <summary>
/// An ssh:// engine address, reached the way the docker CLI reaches it: OpenSSH forwards a local unix socket to the
/// remote engine's socket (<c>ssh -NT -L local.sock:/var/run/docker.sock user@host</c>), with the user's ssh
/// configuration, keys and known_hosts (BatchMode: never a password prompt). One tunnel per address per run, closed
/// when the process exits.
/// </summary>
public static class SshSocketTunnel
{
    private static readonly ConcurrentDictionary<string, Lazy<string>> Tunnels = new();
    private static readonly ConcurrentBag<Process> Processes = [];

    static SshSocketTunnel() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var p in Processes) { try { if (!p.HasExited) p.Kill(); } catch (InvalidOperationException) { } }
    };

    /// <summary>unix:// address of a local socket forwarded to the engine of <paramref name="sshAddress"/> (ssh://user@host[:port][/path/to/docker.sock]).</summary>
    public static string LocalAddress(string sshAddress, TimeSpan deadline) =>
        Tunnels.GetOrAdd(sshAddress, a => new Lazy<string>(() => Open(a, deadline))).Value;

    private static string Open(string sshAddress, TimeSpan deadline)
    {
        var uri = new Uri(sshAddress);
        var remote = uri.AbsolutePath is { Length: > 1 } path ? path : "/var/run/docker.sock";
        var local = Path.Combine(Path.GetTempPath(), $"acceptance-docker-{Environment.ProcessId}-{Guid.NewGuid():N}"[..48] + ".sock");
        var ssh = Transport.CommandRunner.Locate("ssh") ?? throw new EnvironmentProblemException($"Docker engine at {sshAddress}: ssh is not on PATH, so the ssh:// engine cannot be reached");
        var psi = new ProcessStartInfo(ssh) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "-NT", "-o", "BatchMode=yes", "-o", "ExitOnForwardFailure=yes", "-o", "ConnectTimeout=10", "-L", $"{local}:{remote}" }) psi.ArgumentList.Add(a);
        if (uri.Port > 0) { psi.ArgumentList.Add("-p"); psi.ArgumentList.Add(uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)); }
        psi.ArgumentList.Add(uri.UserInfo is { Length: > 0 } user ? $"{user}@{uri.Host}" : uri.Host);
        var process = Process.Start(psi) ?? throw new EnvironmentProblemException($"Docker engine at {sshAddress}: ssh did not start");
        Processes.Add(process);
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < deadline)
        {
            if (File.Exists(local)) return "unix://" + local;
            if (process.HasExited)
                throw new EnvironmentProblemException($"Docker engine at {sshAddress}: ssh exited {process.ExitCode}: {process.StandardError.ReadToEnd().Trim().Split('\n').LastOrDefault()}");
            Thread.Sleep(100);
        }
        try { process.Kill(); } catch (InvalidOperationException) { }
        throw new EnvironmentProblemException($"Docker engine at {sshAddress}: the ssh tunnel did not open within {deadline.TotalSeconds:F0} s");
    }
}

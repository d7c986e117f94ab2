using Acceptance.Support.Checks;

namespace Acceptance.Support.Ssh;

/// <summary>Rules about the nodes' SSH servers (SEC-AC-4) and the bastion (INFRA-NC-4).</summary>
public static class SshRules
{
    /// <summary>Every node offers publickey and nothing a password or no credential at all opens, with the host key known_hosts pins.</summary>
    public static Verdict KeyLoginOnly(IReadOnlyList<SshServerFacts> servers) => Verdict.From(
        "every node of services.ssh (nodes, bastion, private_nodes) offers SSH key login only, with the host key services.ssh.known_hosts pins",
        "each server offers [publickey] only (no password, no keyboard-interactive, no login without authentication) and presents a pinned host key",
        string.Join("; ", servers),
        servers.SelectMany(Shortfalls));

    private static IEnumerable<string> Shortfalls(SshServerFacts s)
    {
        if (!s.HostKeyPinned) yield return $"{s.Node}: host key {s.HostKey} is not listed for it in known_hosts (changed key or unknown host)";
        if (s.NoneAccepted) { yield return $"{s.Node}: accepts a login with NO authentication"; yield break; }
        if (s.OfferedMethods is null) yield break;
        foreach (var m in s.OfferedMethods.Where(m => m != "publickey"))
            yield return m switch
            {
                "password" => $"{s.Node}: offers password authentication",
                "keyboard-interactive" => $"{s.Node}: offers keyboard-interactive (password or OTP prompts)",
                _ => $"{s.Node}: offers {m} besides publickey",
            };
        if (!s.OfferedMethods.Contains("publickey")) yield return $"{s.Node}: does not offer publickey";
    }

    /// <summary>The PermitRootLogin in effect on every node is the one services.ssh.permit_root_login names.</summary>
    public static Verdict RootLoginPolicy(IReadOnlyList<SshNodeLogin> logins, string expected) => Verdict.From(
        "the root-login policy in effect on every node (sshd -T: permitrootlogin) is services.ssh.permit_root_login",
        $"permitrootlogin {expected} on every node",
        string.Join("; ", logins),
        logins.Where(l => Normalise(l.Setting("permitrootlogin")) != expected)
            .Select(l => $"{l.Node}: permitrootlogin {l.Setting("permitrootlogin") ?? "(not printed)"}, not {expected}"));

    // OpenSSH before 7.0 printed "without-password" for what is now "prohibit-password".
    private static string? Normalise(string? value) => value == "without-password" ? "prohibit-password" : value;

    /// <summary>The suite logged in with its key to every private node through the bastion.</summary>
    public static Verdict ReachedThroughBastion(IReadOnlyList<SshNodeLogin> logins, SshOptions ssh) => Verdict.From(
        "every node of services.ssh.private_nodes is reached through services.ssh.bastion with the suite's key (ProxyJump)",
        $"a key login through {ssh.Bastion} to each of [{string.Join(", ", ssh.PrivateNodes)}]",
        string.Join("; ", logins),
        ssh.PrivateNodes.Where(n => !logins.Any(l => l.Node == n)).Select(n => $"{n}: no login through the bastion"));

    /// <summary>No private node answers a direct TCP connection from the runner (else the bastion can be bypassed).</summary>
    public static Verdict DirectAccessRefused(IReadOnlyList<DirectReach> reaches, SshOptions ssh) => Verdict.From(
        "no node of services.ssh.private_nodes accepts a direct connection from the runner: the bastion is the only way in",
        $"a direct TCP connection to each private node is refused, unreachable or unanswered within {ssh.ConnectTimeoutSeconds} s",
        string.Join("; ", reaches),
        reaches.Where(r => r.Connected).Select(r => $"bastion bypass: {r.Node} accepted a direct connection from the runner ({r.Outcome})"));
}

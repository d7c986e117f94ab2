using Acceptance.Support.Configuration;

namespace Acceptance.Support.Ssh;

/// <summary>
/// services.ssh: the host the suite reads files on over SSH, plus the nodes whose SSH login policy is checked (SEC-AC-4)
/// and the bastion the private nodes are reached through (INFRA-NC-4). One user, key and known_hosts for all of them.
/// </summary>
public sealed record SshOptions : ServiceOptions
{
    /// <summary>Host name or address.</summary>
    [Option("host", "bastion host name or address", Required = true)]
    public override string Address { get; init; } = "";

    /// <summary>SSH port.</summary>
    [Option("port", "SSH port", Min = 1, Max = 65535)]
    public int Port { get; init; } = 22;

    /// <summary>Login user.</summary>
    [Option("user", "login user")]
    public string? User { get; init; }

    /// <summary>known_hosts file the host key must match.</summary>
    [Option("known_hosts", "known_hosts file the host's key must be listed in (no unknown host is ever trusted)", IsPath = true, MustExist = true)]
    public string? KnownHosts { get; init; }

    /// <summary>Private key reference.</summary>
    [Option("private_key", "private key for the login")]
    public SecretReference? PrivateKey { get; init; }

    /// <summary>Every node whose SSH server must offer key login only (SEC-AC-4), reached directly.</summary>
    [Option("nodes", "nodes (host:port) whose SSH server must offer key login only, reached directly from the runner (default: host:port above)", IsHostPort = true)]
    public IReadOnlyList<string> Nodes { get; init; } = [];

    /// <summary>The jump host (ProxyJump) the private nodes are reached through.</summary>
    [Option("bastion", "the bastion (jump host, host:port) private_nodes are reached through (ProxyJump)", IsHostPort = true)]
    public string? Bastion { get; init; }

    /// <summary>Nodes reachable only through the bastion: a direct connection from the runner must be refused.</summary>
    [Option("private_nodes", "nodes (host:port) reached only through the bastion: a direct TCP connection from the runner must fail", IsHostPort = true)]
    public IReadOnlyList<string> PrivateNodes { get; init; } = [];

    /// <summary>The root-login policy every node's sshd must have (sshd_config PermitRootLogin).</summary>
    [Option("permit_root_login", "the PermitRootLogin every node's sshd must have in effect (read with sshd -T on the node)", OneOf = "no,prohibit-password,forced-commands-only,yes")]
    public string PermitRootLogin { get; init; } = "no";

    /// <summary>The sshd configuration file `sshd -T -f` reads on every node.</summary>
    [Option("sshd_config", "the sshd configuration file on the nodes, for sshd -T -f (the effective root-login policy)")]
    public string SshdConfig { get; init; } = "/etc/ssh/sshd_config";

    /// <summary>Seconds to wait for a TCP connection or an SSH handshake.</summary>
    [Option("connect_timeout_seconds", "seconds to wait for a TCP connection or an SSH handshake (a direct connection to a private node that gets no answer within it counts as refused)", Min = 1, Max = 60)]
    public int ConnectTimeoutSeconds { get; init; } = 3;

    /// <summary>host:port of this section's own host.</summary>
    public string HostPort => Address.Contains(':') && !Address.StartsWith('[') ? $"[{Address}]:{Port}" : $"{Address}:{Port}";

    /// <summary>The nodes reached directly (nodes, or the host itself), then the bastion; private nodes apart.</summary>
    public IReadOnlyList<string> DirectNodes =>
        (Nodes.Count > 0 ? Nodes : [HostPort]).Concat(Bastion is { } b ? [b] : []).Distinct().ToList();

    /// <inheritdoc />
    public override IEnumerable<(string Field, SecretReference Secret)> Secrets()
    {
        if (PrivateKey is not null) yield return ("private_key", PrivateKey);
    }
}

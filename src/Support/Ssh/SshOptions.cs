using Acceptance.Support.Configuration;

namespace Acceptance.Support.Ssh;

/// <summary>services.ssh: the bastion host.</summary>
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

    /// <inheritdoc />
    public override IEnumerable<(string Field, SecretReference Secret)> Secrets()
    {
        if (PrivateKey is not null) yield return ("private_key", PrivateKey);
    }
}

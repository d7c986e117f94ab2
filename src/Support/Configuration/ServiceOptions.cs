namespace Acceptance.Support.Configuration;

/// <summary>
/// One service's section of the target file (<c>services.&lt;key&gt;</c>). Each service has its own
/// options class in its domain folder (ConsulOptions, DnsOptions, ...), whose property initialisers are
/// the defaults; <see cref="ServiceCatalog"/> maps keys to classes.
/// </summary>
public abstract record ServiceOptions
{
    /// <summary>Service key as written in the target file (consul, nomad, dns, ...).</summary>
    public string Key { get; init; } = "";

    /// <summary>Where the service answers: a URL, or host:port for DNS, or a host for SSH.</summary>
    public abstract string Address { get; init; }

    /// <summary>Every secret this section references, with its field (for start-up checks, redaction and the report's leak scan).</summary>
    public virtual IEnumerable<(string Field, SecretReference Secret)> Secrets() => [];

    /// <inheritdoc />
    public sealed override string ToString() => $"{Key} at {Address}";
}

/// <summary>Basic-auth credentials (<c>basic_auth:</c>).</summary>
public sealed record BasicAuth
{
    /// <summary>User name.</summary>
    [Option("username", "basic-auth user name", Required = true)]
    public string Username { get; init; } = "";

    /// <summary>Password reference.</summary>
    [Option("password", "basic-auth password", Required = true)]
    public SecretReference? Password { get; init; }
}

/// <summary>
/// An HTTP(S) service: address, TLS trust and credentials. Services with settings of their own derive
/// from it (ConsulOptions, AlertmanagerOptions, ...); it is also the endpoint of an ad-hoc HTTP target
/// (a runbook host, a webhook receiver).
/// </summary>
public record ServiceEndpoint : ServiceOptions
{
    /// <summary>Base address (http or https URL).</summary>
    [Option("address", "base URL of the service's API", Required = true, IsUrl = true)]
    public override string Address { get; init; } = "";

    /// <summary>Bearer/ACL token reference.</summary>
    [Option("token", "API token (ACL token, service-account token)")]
    public SecretReference? Token { get; init; }

    /// <summary>Basic-auth credentials.</summary>
    [Option("basic_auth", "basic-auth credentials")]
    public BasicAuth? BasicAuth { get; init; }

    /// <summary>CA bundle for this endpoint (falls back to the target's tls.ca_file).</summary>
    [Option("ca_file", "CA bundle for this service (overrides tls.ca_file; must exist)", IsPath = true)]
    public string? CaFile { get; init; }

    /// <summary>Expected TLS server name, if it differs from the host.</summary>
    [Option("tls_server_name", "name the certificate must carry when it differs from the address's host")]
    public string? TlsServerName { get; init; }

    /// <summary>Skip TLS verification (reported as a finding).</summary>
    [Option("skip_verify", "do not verify the TLS certificate (reported as a warning)")]
    public bool SkipVerify { get; init; }

    /// <summary>Basic-auth user name, if any.</summary>
    public string? Username => BasicAuth?.Username;

    /// <summary>Basic-auth password reference, if any.</summary>
    public SecretReference? Password => BasicAuth?.Password;

    /// <summary>Base address as a URI.</summary>
    public Uri BaseUri => new(Address.EndsWith('/') ? Address : Address + "/");

    /// <inheritdoc />
    public override IEnumerable<(string Field, SecretReference Secret)> Secrets()
    {
        if (Token is not null) yield return ("token", Token);
        if (Password is not null) yield return ("basic_auth.password", Password);
    }
}

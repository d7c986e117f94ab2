namespace Acceptance.Support.Configuration;

/// <summary>
/// The environment under test, as described by a target file plus environment-variable overrides.
/// Immutable; secrets are held only as <see cref="SecretReference"/>s and resolved on demand.
/// </summary>
public sealed record TargetEnvironment
{
    /// <summary>Path of the target file this environment was read from.</summary>
    public required string SourceFile { get; init; }

    /// <summary>Name of the deployment (shown in the report and the sign-off block).</summary>
    public required string Name { get; init; }

    /// <summary>production, staging, sandbox, ...</summary>
    public required string Environment { get; init; }

    /// <summary>Default CA bundle for https endpoints, if any.</summary>
    public string? CaFile { get; init; }

    /// <summary>Endpoints by service key (consul, nomad, prometheus, ...).</summary>
    public IReadOnlyDictionary<string, ServiceEndpoint> Services { get; init; } =
        new Dictionary<string, ServiceEndpoint>();

    /// <summary>What a healthy deployment looks like.</summary>
    public Expectations Expect { get; init; } = new();

    /// <summary>Numeric thresholds.</summary>
    public Thresholds Thresholds { get; init; } = new();

    /// <summary>Returns the endpoint of <paramref name="service"/> or null when the target does not declare it.</summary>
    public ServiceEndpoint? Service(string service) => Services.GetValueOrDefault(service);

    /// <summary>Every secret reference the target file makes (for redaction of reports).</summary>
    public IEnumerable<SecretReference> SecretReferences() =>
        Services.Values.SelectMany(s => new[] { s.Token, s.Password, s.PrivateKey }).OfType<SecretReference>();
}

/// <summary>One service's endpoint and credentials.</summary>
public sealed record ServiceEndpoint
{
    /// <summary>Service key as written in the target file (consul, nomad, ...).</summary>
    public required string Key { get; init; }

    /// <summary>Base address (http or https URL), or host:port for dns.</summary>
    public required string Address { get; init; }

    /// <summary>Bearer/ACL token reference.</summary>
    public SecretReference? Token { get; init; }

    /// <summary>Basic-auth user name.</summary>
    public string? Username { get; init; }

    /// <summary>Basic-auth password reference.</summary>
    public SecretReference? Password { get; init; }

    /// <summary>SSH private key reference.</summary>
    public SecretReference? PrivateKey { get; init; }

    /// <summary>CA bundle for this endpoint (falls back to the target's default).</summary>
    public string? CaFile { get; init; }

    /// <summary>Expected TLS server name, if it differs from the host.</summary>
    public string? TlsServerName { get; init; }

    /// <summary>Skip TLS verification (reported as a finding).</summary>
    public bool SkipVerify { get; init; }

    /// <summary>Other scalar settings (region, namespace, metrics, webhook_receiver, domain, user, port...).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>List settings (rule_files, ...).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Lists { get; init; } =
        new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>A scalar setting or null.</summary>
    public string? Setting(string name) => Settings.GetValueOrDefault(name);

    /// <summary>Base address as a URI.</summary>
    public Uri BaseUri => new(Address.EndsWith('/') ? Address : Address + "/");

    /// <inheritdoc />
    public override string ToString() => $"{Key} at {Address}";
}

/// <summary>Expected shape of a healthy deployment.</summary>
public sealed record Expectations
{
    public int ConsulServers { get; init; } = 3;
    public int NomadServers { get; init; } = 3;
    public int RecommendedServers { get; init; } = 5;
    public IReadOnlyList<string> NomadDrivers { get; init; } = [];
    public IReadOnlyList<string> Services { get; init; } = [];
    public IReadOnlyList<string> ScrapeJobs { get; init; } = [];
    public IReadOnlyList<string> Dashboards { get; init; } = [];
    /// <summary>Nomad host volumes the services need for persistent storage (expect.host_volumes).</summary>
    public IReadOnlyList<string> HostVolumes { get; init; } = [];
    public int NodeMinCpuCores { get; init; } = 16;
    public double NodeMinMemoryGb { get; init; } = 64;
    public double NodeMinDiskGb { get; init; } = 2000;
}

/// <summary>Numeric thresholds a check compares against.</summary>
public sealed record Thresholds
{
    public double RetentionMinDays { get; init; } = 15;
    public double ResponseTimeP95Ms { get; init; } = 500;
    public double AlertPipelineTimeoutSeconds { get; init; } = 120;
    public double PollTimeoutSeconds { get; init; } = 30;
    public IReadOnlyDictionary<string, double> Other { get; init; } = new Dictionary<string, double>();

    /// <summary>Poll deadline as a TimeSpan.</summary>
    public TimeSpan PollTimeout => TimeSpan.FromSeconds(PollTimeoutSeconds);
}

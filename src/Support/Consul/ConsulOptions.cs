using Acceptance.Support.Configuration;

namespace Acceptance.Support.Consul;

/// <summary>services.consul: the Consul HTTP API.</summary>
public sealed record ConsulOptions : ServiceEndpoint
{
    /// <summary>Accept a management token for the suite (otherwise SEC-AC-1 flags it).</summary>
    [Option("allow_management_token", "accept a management token for the suite; otherwise a management token fails SEC-AC-1")]
    public bool AllowManagementToken { get; init; }
}

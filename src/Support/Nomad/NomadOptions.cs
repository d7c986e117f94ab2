using Acceptance.Support.Configuration;

namespace Acceptance.Support.Nomad;

/// <summary>services.nomad: the Nomad HTTP API.</summary>
public sealed record NomadOptions : ServiceEndpoint
{
    /// <summary>Region sent with every request (?region=).</summary>
    [Option("region", "Nomad region (?region=) sent with every request")]
    public string? Region { get; init; }

    /// <summary>Namespace of the jobs the suite reads or submits.</summary>
    [Option("namespace", "Nomad namespace of the jobs the suite reads or submits")]
    public string? Namespace { get; init; }

    /// <summary>Accept a management token for the suite (otherwise SEC-AC-2 flags it).</summary>
    [Option("allow_management_token", "accept a management token for the suite; otherwise a management token fails SEC-AC-2")]
    public bool AllowManagementToken { get; init; }
}

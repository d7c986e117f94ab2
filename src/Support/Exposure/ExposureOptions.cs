using Acceptance.Support.Configuration;

namespace Acceptance.Support.Exposure;

/// <summary>exposure: what may answer a caller without credentials (NEXT-HARD-1).</summary>
public sealed record ExposureOptions
{
    /// <summary>service:path pairs allowed to answer anonymously (health and readiness).</summary>
    [Option("anonymous_allowed", "service:path pairs that may answer 200 to a caller without credentials (health and readiness paths only), e.g. prometheus:/-/healthy")]
    public IReadOnlyList<string> AnonymousAllowed { get; init; } = [];

    /// <summary>Services that have no authentication at all: each lowers the checklist's bar, and the verdict says so.</summary>
    [Option("anonymous_services", "services (keys, or load_balancer_metrics) that have no authentication at all: they are called and reported but not failed, and the verdict names each one as a lowered bar")]
    public IReadOnlyList<string> AnonymousServices { get; init; } = [];

    /// <summary>More service:path pairs to call anonymously besides the documented sensitive paths of each service kind.</summary>
    [Option("sensitive_paths", "more service:path pairs to call without credentials, besides the documented sensitive paths of each service kind (docs/target-file.md)")]
    public IReadOnlyList<string> SensitivePaths { get; init; } = [];
}

using Acceptance.Support.Configuration;

namespace Acceptance.Support.Load;

/// <summary>Thresholds of the performance checks (flat keys of <c>thresholds:</c>).</summary>
public sealed record LoadThresholds
{
    /// <summary>95th-percentile response time under load.</summary>
    [Option("response_time_p95_ms", "95th-percentile response time under load (milliseconds)", Min = 1)]
    public double ResponseTimeP95Ms { get; init; } = 500;
}

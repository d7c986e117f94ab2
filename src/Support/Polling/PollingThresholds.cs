using Acceptance.Support.Configuration;

namespace Acceptance.Support.Polling;

/// <summary>How long eventually-consistent checks wait (flat keys of <c>thresholds:</c>).</summary>
public sealed record PollingThresholds
{
    /// <summary>Deadline of a poll.</summary>
    [Option("poll_timeout_seconds", "deadline of every poll of an eventually-consistent fact (seconds)", Min = 1, Max = 3600)]
    public double PollTimeoutSeconds { get; init; } = 30;

    /// <summary>The deadline as a TimeSpan.</summary>
    public TimeSpan PollTimeout => TimeSpan.FromSeconds(PollTimeoutSeconds);
}

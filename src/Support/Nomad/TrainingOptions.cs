using Acceptance.Support.Configuration;

namespace Acceptance.Support.Nomad;

/// <summary>scale: N concurrent ML training jobs (NEXT-SCALE-1). Size N for production as described in docs/target-file.md.</summary>
public sealed record ScaleOptions
{
    /// <summary>How many training jobs run at once.</summary>
    [Option("concurrent_jobs", "training jobs submitted at once (NEXT-SCALE-1)", Min = 2, Max = 500)]
    public int ConcurrentJobs { get; init; } = 4;

    /// <summary>Deadline for all of them to complete.</summary>
    [Option("deadline_seconds", "all concurrent jobs must complete within this many seconds", Min = 1)]
    public int DeadlineSeconds { get; init; } = 300;

    /// <summary>Client nodes the allocations must spread over, when the cluster has that many eligible nodes.</summary>
    [Option("min_nodes", "allocations must spread over at least this many client nodes (when the cluster has them)", Min = 1)]
    public int MinNodes { get; init; } = 2;

    /// <summary>Deadline as a span.</summary>
    public TimeSpan Deadline => TimeSpan.FromSeconds(DeadlineSeconds);
}

/// <summary>thresholds for the ML training job checks.</summary>
public sealed record TrainingThresholds
{
    /// <summary>Final accuracy a training run must reach.</summary>
    [Option("training_min_accuracy", "final accuracy the ML training job must reach (POSTVAL-FT-5)", Min = 0, Max = 1)]
    public double MinAccuracy { get; init; } = 0.8;

    /// <summary>Deadline for one training job end to end.</summary>
    [Option("training_job_timeout_seconds", "deadline for one training job from submission to completion", Min = 1)]
    public int JobTimeoutSeconds { get; init; } = 120;

    /// <summary>Deadline as a span.</summary>
    public TimeSpan JobTimeout => TimeSpan.FromSeconds(JobTimeoutSeconds);
}

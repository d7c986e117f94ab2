using Acceptance.Support.Prometheus;
using Acceptance.Support.Pushgateway;

namespace Acceptance.Support.Lifecycle;

/// <summary>
/// Removes what killed runs left behind on the target, by the suite's run-scoped names: Pushgateway groups of job
/// "acceptance" (the pushed-metric check) or "acceptance-&lt;run&gt;-&lt;id&gt;" (the alert pipeline) last pushed longer ago than a
/// grace period, so a run still in progress against the same target never loses its objects. Runs at the start of
/// every run and as <c>run-tests.sh --cleanup</c>; says what it removed.
/// </summary>
public sealed class LeftoverJanitor(PushgatewayDriver pushgateway)
{
    /// <summary>The default grace period: far longer than any scenario keeps what it created.</summary>
    public static readonly TimeSpan DefaultGrace = TimeSpan.FromMinutes(30);

    /// <summary>True for a group one of the suite's checks creates.</summary>
    public static bool IsSuiteGroup(MetricGroup group) =>
        group.Job == "acceptance" || group.Job == Nomad.SubmittedJob.MetricsJob || group.Job.StartsWith(PrometheusProbe.SyntheticJobPrefix + "-", StringComparison.Ordinal);

    /// <summary>Deletes the suite's groups older than <paramref name="grace"/> (or of unknown age); returns what it removed.</summary>
    public async Task<IReadOnlyList<HeldGroup>> SweepAsync(TimeSpan grace, DateTimeOffset now, CancellationToken ct = default)
    {
        var stale = (await pushgateway.GroupsAsync(ct))
            .Where(g => IsSuiteGroup(g.Group) && (g.PushedAt is null || now - g.PushedAt.Value > grace)).ToList();
        foreach (var g in stale) await pushgateway.DeleteAsync(g.Group, ct);
        return stale;
    }
}

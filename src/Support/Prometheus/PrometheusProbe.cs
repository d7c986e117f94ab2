using Acceptance.Support.Evidence;
using Acceptance.Support.Polling;

namespace Acceptance.Support.Prometheus;

/// <summary>Whether Prometheus is ready, as it says itself.</summary>
public sealed record Readiness(bool IsReady, int Status, string Body)
{
    /// <inheritdoc />
    public override string ToString() => IsReady ? "ready" : $"not ready (HTTP {Status}: {Body.Trim()})";
}

/// <summary>The retention Prometheus runs with, and where it was read.</summary>
public sealed record Retention(TimeSpan? Duration, string Raw, string Source)
{
    /// <inheritdoc />
    public override string ToString() => Duration is { } d ? $"{Raw} ({d.TotalDays:F1} days, from {Source})" : $"not set ({Source}: '{Raw}')";
}

/// <summary>
/// Reads Prometheus's state and returns facts; the checks (matchers) stay in the step definitions.
/// </summary>
public sealed class PrometheusProbe(PrometheusClient client, EvidenceLog evidence)
{
    /// <summary>Readiness as /-/ready answers it.</summary>
    public async Task<Readiness> ReadinessAsync(CancellationToken ct = default)
    {
        var exchange = await client.ReadyAsync(ct);
        var readiness = new Readiness(exchange.StatusCode == 200, exchange.StatusCode, exchange.Body);
        evidence.Note($"Prometheus readiness: {readiness}");
        RunFacts.Set("prometheus.version", await client.VersionAsync(ct));
        return readiness;
    }

    /// <summary>Polls the active targets until every one is up or the deadline passes.</summary>
    public Task<PollResult<IReadOnlyList<ScrapeTarget>>> WaitForAllTargetsUpAsync(TimeSpan timeout, CancellationToken ct = default) =>
        Poll.TryUntilAsync("every Prometheus target up", timeout, TimeSpan.FromSeconds(2), async token =>
        {
            var targets = await client.TargetsAsync(token);
            var down = targets.Where(t => !t.IsUp).ToList();
            var state = $"{targets.Count - down.Count}/{targets.Count} up" +
                        (down.Count > 0 ? "; not up: " + string.Join("; ", down) : "");
            return targets.Count > 0 && down.Count == 0
                ? PollCheck<IReadOnlyList<ScrapeTarget>>.Satisfied(targets, state)
                : PollCheck<IReadOnlyList<ScrapeTarget>>.NotYet(targets, targets.Count == 0 ? "no active targets" : state);
        }, evidence, ct);

    /// <summary>The storage retention: runtimeinfo's storageRetention, else the storage.tsdb.retention.time flag.</summary>
    public async Task<Retention> RetentionAsync(CancellationToken ct = default)
    {
        var info = await client.RuntimeInfoAsync(ct);
        Retention retention;
        if (info.TryGetProperty("storageRetention", out var r) && r.GetString() is { Length: > 0 } raw)
        {
            retention = new Retention(PrometheusDuration.ParseRetention(raw), raw, "/api/v1/status/runtimeinfo storageRetention");
        }
        else
        {
            var flags = await client.FlagsAsync(ct);
            var flag = flags.GetValueOrDefault("storage.tsdb.retention.time") ?? "";
            retention = new Retention(PrometheusDuration.ParseRetention(flag), flag, "flag storage.tsdb.retention.time");
        }
        evidence.Note($"Prometheus retention: {retention}");
        return retention;
    }

    /// <summary>Polls a query until it returns at least one sample, or the deadline passes.</summary>
    public Task<PollResult<IReadOnlyList<Sample>>> WaitForSeriesAsync(string promql, TimeSpan timeout, CancellationToken ct = default) =>
        Poll.TryUntilAsync($"Prometheus returns {promql}", timeout, TimeSpan.FromSeconds(1), async token =>
        {
            var samples = await client.QueryAsync(promql, token);
            var state = samples.Count == 0 ? "no series yet" : string.Join("; ", samples);
            return samples.Count > 0
                ? PollCheck<IReadOnlyList<Sample>>.Satisfied(samples, state)
                : PollCheck<IReadOnlyList<Sample>>.NotYet(samples, state);
        }, evidence, ct);
}

using System.Text.Json;
using Acceptance.Support.Configuration;
using Acceptance.Support.Evidence;
using Acceptance.Support.Http;
using Acceptance.Support.Outcomes;

namespace Acceptance.Support.Logs;

/// <summary>Log lines a log aggregator returned for a query over a recent window.</summary>
public sealed record RecentLogs(string Query, TimeSpan Window, int Streams, int Lines, string? Newest)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Lines} line(s) in {Streams} stream(s) for {Query} over the last {Window.TotalMinutes:F0} min" + (Newest is null ? "" : $"; newest: {Newest}");
}

/// <summary>
/// Log aggregation through Loki's query API (https://grafana.com/docs/loki/latest/reference/loki-http-api/):
/// services.loki.address, optional services.loki.query (LogQL stream selector, default {job=~".+"}).
/// A target without a log endpoint makes the check NOT VERIFIED, never passed.
/// </summary>
public sealed class LokiClient : IDisposable
{
    /// <summary>Endpoint paths.</summary>
    public static class Paths
    {
        public const string QueryRange = "loki/api/v1/query_range";
    }

    private readonly ServiceHttp _http;
    private readonly string _query;

    /// <summary>Creates the client, or throws NotVerifiedException when the target declares no log endpoint.</summary>
    public LokiClient(TargetEnvironment target, EvidenceLog evidence)
    {
        var endpoint = target.Loki;
        _query = endpoint.Query;
        _http = new ServiceHttp("Loki", endpoint, target.CaFile, evidence,
            endpoint.Token is not null ? Credentials.Bearer(endpoint) : Credentials.Basic(endpoint));
    }

    /// <summary>Lines received within <paramref name="window"/> (newest first, at most 100).</summary>
    public async Task<RecentLogs> RecentAsync(TimeSpan window, CancellationToken ct = default)
    {
        var end = DateTimeOffset.UtcNow;
        var start = end - window;
        var path = $"{Paths.QueryRange}?query={Uri.EscapeDataString(_query)}&limit=100&direction=backward" +
                   $"&start={start.ToUnixTimeMilliseconds()}000000&end={end.ToUnixTimeMilliseconds()}000000";
        var exchange = await _http.GetOkAsync(path, ct);
        var json = exchange.Json();
        if (!json.TryGetProperty("data", out var data) || !data.TryGetProperty("result", out var result))
            throw new EnvironmentProblemException($"{exchange}: not a Loki query answer");
        int streams = 0, lines = 0;
        string? newest = null;
        foreach (var s in result.EnumerateArray())
        {
            streams++;
            if (!s.TryGetProperty("values", out var values)) continue;
            foreach (var v in values.EnumerateArray())
            {
                lines++;
                newest ??= v[1].GetString();
            }
        }
        return new RecentLogs(_query, window, streams, lines, newest is { Length: > 200 } ? newest[..200] + "…" : newest);
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}

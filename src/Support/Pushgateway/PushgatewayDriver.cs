using System.Text;
using System.Text.Json;
using Acceptance.Support.Configuration;
using Acceptance.Support.Evidence;
using Acceptance.Support.Http;
using Acceptance.Support.Outcomes;

namespace Acceptance.Support.Pushgateway;

/// <summary>A metric group held by Pushgateway: job plus grouping labels.</summary>
public sealed record MetricGroup(string Job, IReadOnlyDictionary<string, string> GroupingKey)
{
    /// <summary>The URL path of the group: /metrics/job/&lt;job&gt;/&lt;label&gt;/&lt;value&gt;…</summary>
    public string Path => "metrics/job/" + Uri.EscapeDataString(Job) +
                          string.Concat(GroupingKey.Select(kv => $"/{Uri.EscapeDataString(kv.Key)}/{Uri.EscapeDataString(kv.Value)}"));

    /// <inheritdoc />
    public override string ToString() => $"job={Job}" + string.Concat(GroupingKey.Select(kv => $",{kv.Key}={kv.Value}"));
}

/// <summary>A group Pushgateway holds and when it was last pushed (null: unknown).</summary>
public sealed record HeldGroup(MetricGroup Group, DateTimeOffset? PushedAt)
{
    /// <inheritdoc />
    public override string ToString() => $"{Group} (pushed {(PushedAt is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss") + " UTC" : "at an unknown time")})";
}

/// <summary>
/// Pushes metrics to Pushgateway (https://github.com/prometheus/pushgateway#api) and removes them.
/// Every push returns a handle whose disposal deletes the group, so nothing is left behind.
/// </summary>
public sealed class PushgatewayDriver : IDisposable
{
    private readonly ServiceHttp _http;

    /// <summary>Creates a driver for the target's Pushgateway.</summary>
    public PushgatewayDriver(TargetEnvironment target, EvidenceLog evidence)
    {
        var endpoint = target.Pushgateway;
        _http = new ServiceHttp("Pushgateway", endpoint, target.CaFile, evidence, Credentials.Basic(endpoint));
    }

    /// <summary>Replaces the group's metrics with <paramref name="exposition"/> (text format, ending in a newline).</summary>
    public async Task<IAsyncDisposable> PushAsync(MetricGroup group, string exposition, CancellationToken ct = default)
    {
        if (!exposition.EndsWith('\n')) exposition += "\n";
        var exchange = await _http.SendAsync(HttpMethod.Put, group.Path,
            new StringContent(exposition, Encoding.UTF8, "text/plain"), ct: ct);
        if (!exchange.IsSuccess) throw ServiceResponseException.For(exchange);
        return new GroupDeletion(this, group);
    }

    /// <summary>Deletes the group (idempotent: Pushgateway answers 202 for an absent group too).</summary>
    public async Task DeleteAsync(MetricGroup group, CancellationToken ct = default)
    {
        var exchange = await _http.SendAsync(HttpMethod.Delete, group.Path, ct: ct);
        if (!exchange.IsSuccess) throw ServiceResponseException.For(exchange);
    }

    /// <summary>True when Pushgateway holds a group with exactly this job and grouping key (GET /api/v1/metrics).</summary>
    public async Task<bool> HoldsAsync(MetricGroup group, CancellationToken ct = default) =>
        (await GroupsAsync(ct)).Any(g => g.Group.Job == group.Job && group.GroupingKey.All(kv => g.Group.GroupingKey.GetValueOrDefault(kv.Key) == kv.Value));

    /// <summary>Every group Pushgateway holds, with the time of its last successful push (GET /api/v1/metrics).</summary>
    public async Task<IReadOnlyList<HeldGroup>> GroupsAsync(CancellationToken ct = default)
    {
        var json = (await _http.GetOkAsync("api/v1/metrics", ct)).Json();
        var groups = new List<HeldGroup>();
        foreach (var g in json.GetProperty("data").EnumerateArray())
        {
            var labels = g.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");
            DateTimeOffset? pushed = null;
            if (g.TryGetProperty("push_time_seconds", out var p) && p.TryGetProperty("metrics", out var m) && m.GetArrayLength() > 0 &&
                double.TryParse(m[0].GetProperty("value").GetString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
                pushed = DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000));
            groups.Add(new HeldGroup(new MetricGroup(labels.GetValueOrDefault("job") ?? "", labels.Where(l => l.Key != "job").ToDictionary()), pushed));
        }
        return groups;
    }

    /// <summary>GET /-/healthy: the exchange (any status).</summary>
    public Task<HttpExchange> HealthAsync(CancellationToken ct = default) => _http.SendAsync(HttpMethod.Get, "-/healthy", ct: ct);

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private sealed class GroupDeletion(PushgatewayDriver driver, MetricGroup group) : IAsyncDisposable
    {
        private int _done;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _done, 1) == 1) return;
            await driver.DeleteAsync(group);
        }

        public override string ToString() => $"delete Pushgateway group {group}";
    }
}

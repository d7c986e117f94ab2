using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Acceptance.Support.Checks;
using Acceptance.Support.Configuration;
using Acceptance.Support.Evidence;
using Acceptance.Support.Http;
using Acceptance.Support.Outcomes;

namespace Acceptance.Support.Network;

/// <summary>One backend server as HAProxy reports it (haproxy_server_status).</summary>
public sealed record BackendServer(string Backend, string Server, string State)
{
    /// <summary>In rotation.</summary>
    public bool IsUp => State == "UP";

    /// <inheritdoc />
    public override string ToString() => $"{Backend}/{Server} {State}";
}

/// <summary>The load balancer's facts: its servers' states (HAProxy's Prometheus endpoint) and which server answered each request.</summary>
public sealed partial class LoadBalancerProbe : IDisposable
{
    private readonly TargetEnvironment _target;
    private readonly ServiceHttp _metrics;
    private readonly ServiceHttp _frontend;
    private readonly string _metricsPath;

    /// <summary>Creates the probe (not verified when services.load_balancer.metrics is not set).</summary>
    public LoadBalancerProbe(TargetEnvironment target, EvidenceLog evidence)
    {
        _target = target;
        var lb = target.LoadBalancer;
        var metrics = target.RequireSetting(lb.Metrics, "services.load_balancer.metrics", "the servers' health cannot be read");
        var uri = new Uri(metrics);
        _metricsPath = uri.PathAndQuery;
        _metrics = new ServiceHttp("HAProxy metrics", new ServiceEndpoint { Key = "load_balancer_metrics", Address = uri.GetLeftPart(UriPartial.Authority), CaFile = lb.CaFile },
            target.CaFile, evidence);
        _frontend = new ServiceHttp("load balancer", lb, target.CaFile, evidence);
    }

    /// <summary>Every server of every backend, as HAProxy's metrics report it now.</summary>
    public async Task<IReadOnlyList<BackendServer>> ServersAsync(CancellationToken ct = default) =>
        HaproxyServers((await _metrics.GetOkAsync(_metricsPath, ct)).Body);

    /// <summary>
    /// The server that answered each of <paramref name="requests"/> GET / through the TLS frontend, read from
    /// services.load_balancer.backend_header (not verified when the target names no header).
    /// </summary>
    public async Task<IReadOnlyList<string>> ServedByAsync(int requests, CancellationToken ct = default)
    {
        var header = _target.RequireSetting(_target.LoadBalancer.BackendHeader, "services.load_balancer.backend_header",
            "the suite cannot tell which server answered a request");
        var seen = new List<string>();
        for (var i = 0; i < requests; i++)
        {
            var x = await _frontend.SendAsync(HttpMethod.Get, "", authenticate: false, record: i == 0, ct: ct);
            seen.Add(x.IsSuccess ? x.Header(header) ?? $"(no {header} header, status {x.StatusCode})" : $"(status {x.StatusCode})");
        }
        return seen;
    }

    /// <summary>
    /// Reads the servers every 250 ms from <paramref name="since"/> until <paramref name="server"/> is (or is no longer, when
    /// <paramref name="up"/> is false) UP, for at most twice <paramref name="within"/>: how long it took (null: not within
    /// that), and the last reading. Facts for <see cref="LoadBalancerRules.StateWithin"/>.
    /// </summary>
    public async Task<(TimeSpan? Took, IReadOnlyList<BackendServer> Last)> WaitForAsync(string backend, string server, bool up, DateTimeOffset since,
        TimeSpan within, CancellationToken ct = default)
    {
        IReadOnlyList<BackendServer> last = [];
        while (DateTimeOffset.UtcNow - since < within * 2)
        {
            last = await ServersAsync(ct);
            if (last.FirstOrDefault(s => s.Backend == backend && s.Server == server) is { } s && s.IsUp == up) return (DateTimeOffset.UtcNow - since, last);
            await Task.Delay(250, ct);
        }
        return (null, last);
    }

    /// <summary>Servers from HAProxy's Prometheus exposition: haproxy_server_status with a state label (2.4+), or coded values (older).</summary>
    public static IReadOnlyList<BackendServer> HaproxyServers(string exposition)
    {
        var servers = new Dictionary<(string, string), string>();
        foreach (Match m in StatusLine().Matches(exposition))
        {
            var labels = Labels(m.Groups["labels"].Value);
            if (!labels.TryGetValue("proxy", out var proxy) || !labels.TryGetValue("server", out var server)) continue;
            var value = double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
            if (labels.TryGetValue("state", out var state)) { if (value == 1) servers[(proxy, server)] = state; }
            else servers[(proxy, server)] = value switch { 1 => "UP", 0 => "DOWN", 2 => "MAINT", 3 => "DRAIN", 4 => "NOLB", _ => $"status {value}" };
        }
        return servers.Select(s => new BackendServer(s.Key.Item1, s.Key.Item2, s.Value)).OrderBy(s => s.Backend, StringComparer.Ordinal).ThenBy(s => s.Server, StringComparer.Ordinal).ToList();
    }

    private static Dictionary<string, string> Labels(string text) =>
        LabelPair().Matches(text).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);

    [GeneratedRegex(@"^haproxy_server_status\{(?<labels>[^}]*)\}\s+(?<value>[0-9.eE+-]+)\s*$", RegexOptions.Multiline)]
    private static partial Regex StatusLine();

    [GeneratedRegex(@"(\w+)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();

    /// <inheritdoc />
    public void Dispose()
    {
        _metrics.Dispose();
        _frontend.Dispose();
    }
}

/// <summary>Load balancer rules: pure functions of the servers' states and the answers seen.</summary>
public static class LoadBalancerRules
{
    /// <summary>Every server of every backend in services.load_balancer.backends is UP.</summary>
    public static Verdict EveryServerUp(IReadOnlyList<BackendServer> servers, LoadBalancerOptions lb) => Verdict.From(
        "every server of every backend of services.load_balancer.backends is UP in the load balancer's health checks",
        $"every server UP in [{string.Join(", ", lb.Backends)}]",
        string.Join("; ", servers),
        lb.Backends.Where(b => !servers.Any(s => s.Backend == b)).Select(b => $"backend {b}: not in the load balancer's metrics (no server)")
            .Concat(servers.Where(s => lb.Backends.Contains(s.Backend) && !s.IsUp).Select(s => $"{s.Backend}/{s.Server} is {s.State}: its health check fails")));

    /// <summary>Requests through the frontend reached every server of the backends (each server named itself in the header).</summary>
    public static Verdict TrafficReachesEveryServer(IReadOnlyList<string> servedBy, IReadOnlyList<BackendServer> servers, LoadBalancerOptions lb)
    {
        var expected = servers.Where(s => lb.Backends.Contains(s.Backend)).Select(s => s.Server).Distinct().ToList();
        var counts = servedBy.GroupBy(s => s).Select(g => $"{g.Key} x{g.Count()}");
        return Verdict.From("requests through the load balancer's TLS frontend reach every server of services.load_balancer.backends",
            $"each of [{string.Join(", ", expected)}] answers at least one of {servedBy.Count} requests (named in {lb.BackendHeader})",
            string.Join(", ", counts),
            expected.Count == 0 ? ["the load balancer's metrics name no server of the listed backends"]
                : expected.Where(s => !servedBy.Contains(s)).Select(s => $"no request reached {s}")
                    .Concat(servedBy.Where(s => s.StartsWith('(')).Distinct().Select(s => $"a request got {s}")));
    }

    /// <summary>The server reached the wanted state within the health-check interval.</summary>
    public static Verdict StateWithin(string server, string wanted, TimeSpan? took, IReadOnlyList<BackendServer> last, LoadBalancerOptions lb) => Verdict.When(
        took is { } t && t <= TimeSpan.FromSeconds(lb.HealthCheckSeconds),
        $"the load balancer marks {server} {wanted} within services.load_balancer.health_check_seconds",
        $"{server} {wanted} within {lb.HealthCheckSeconds} s",
        took is { } t2 ? $"{server} {wanted} after {t2.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s; servers: {string.Join("; ", last)}"
            : $"{server} not {wanted}; servers: {string.Join("; ", last)}",
        took is { } t3 ? $"{server} took {t3.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s to become {wanted}, longer than {lb.HealthCheckSeconds} s"
            : $"{server} did not become {wanted} within {lb.HealthCheckSeconds} s");
}

/// <summary>
/// The failover drill (DEPLOY-ID-1, @mutating): through HAProxy's runtime API (services.load_balancer.runtime_socket) one
/// server's health check is pointed at a closed port, so the real health check fails and the load balancer must take
/// the server out of rotation; disposing (the scenario's cleanup, also on interruption) points the check back.
/// </summary>
public sealed class LoadBalancerDrill(string socketPath, string backend, string server, EvidenceLog evidence) : IAsyncDisposable
{
    private int? _restorePort;

    /// <summary>"backend/server".</summary>
    public string Server => $"{backend}/{server}";

    /// <summary>Makes the server's health check fail (check-port 1, a closed port), remembering the port to restore.</summary>
    public async Task FailHealthCheckAsync(CancellationToken ct = default)
    {
        var state = await CommandAsync($"show servers state {backend}", ct);
        _restorePort = CheckPort(state, server) ?? throw new EnvironmentProblemException($"HAProxy runtime API: {Server} is not in `show servers state {backend}`: {state.Trim()}");
        var answer = await CommandAsync($"set server {backend}/{server} check-port 1", ct);
        if (answer.Trim().Length > 0 && !answer.Contains("updated", StringComparison.OrdinalIgnoreCase) && !answer.Contains("changed", StringComparison.OrdinalIgnoreCase))
            throw new EnvironmentProblemException($"HAProxy runtime API refused `set server {Server} check-port 1`: {answer.Trim()}");
        evidence.Note($"drill: {Server}'s health check now targets port 1 (closed); it will be restored to port {_restorePort}");
    }

    /// <summary>Points the health check back at its own port.</summary>
    public async Task RestoreAsync(CancellationToken ct = default)
    {
        if (_restorePort is not { } port) return;
        await CommandAsync($"set server {backend}/{server} check-port {port.ToString(CultureInfo.InvariantCulture)}", ct);
        evidence.Note($"drill: {Server}'s health check restored to port {port}");
        _restorePort = null;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await RestoreAsync(CancellationToken.None);

    /// <summary>The check port (or, when 0, the server port) of <paramref name="server"/> in `show servers state` output.</summary>
    public static int? CheckPort(string showServersState, string server)
    {
        var lines = showServersState.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var header = lines.FirstOrDefault(l => l.StartsWith("# be_id", StringComparison.Ordinal))?.TrimStart('#', ' ').Split(' ');
        if (header is null) return null;
        int name = Array.IndexOf(header, "srv_name"), check = Array.IndexOf(header, "srv_check_port"), port = Array.IndexOf(header, "srv_port");
        foreach (var cols in lines.Where(l => !l.StartsWith('#')).Select(l => l.Split(' ')))
        {
            if (name < 0 || cols.Length <= Math.Max(check, port) || cols[name] != server) continue;
            if (check >= 0 && int.TryParse(cols[check], CultureInfo.InvariantCulture, out var c) && c > 0) return c;
            if (port >= 0 && int.TryParse(cols[port], CultureInfo.InvariantCulture, out var p) && p > 0) return p;
        }
        return null;
    }

    private async Task<string> CommandAsync(string command, CancellationToken ct)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), deadline.Token);
            await socket.SendAsync(Encoding.ASCII.GetBytes(command + "\n"), SocketFlags.None, deadline.Token);
            var sb = new StringBuilder();
            var buffer = new byte[8192];
            int n;
            while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token)) > 0) sb.Append(Encoding.ASCII.GetString(buffer, 0, n));
            evidence.Note($"HAProxy runtime API `{command}` → {sb.ToString().Trim().Split('\n').FirstOrDefault() ?? ""}");
            return sb.ToString();
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            throw new EnvironmentProblemException($"HAProxy runtime API {socketPath}: {e.Message}", e);
        }
    }
}

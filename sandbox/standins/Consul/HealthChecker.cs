using System.Net.Sockets;

namespace StandIns.Consul;

/// <summary>Definition of a real check run against a sandbox service: TCP connect or HTTP GET.</summary>
public sealed record CheckTarget(string Type, string Target, bool TlsSkipVerify = false);

/// <summary>Runs every service check periodically (like a Consul agent) and records status + output.</summary>
public sealed class HealthChecker : IDisposable
{
    private readonly IReadOnlyList<ConsulCheck> _checks;
    private readonly TimeSpan _interval;
    private readonly Action _changed;
    private readonly CancellationTokenSource _cts = new();
    private readonly HttpClient _http;

    public HealthChecker(IReadOnlyList<ConsulCheck> checks, TimeSpan interval, Action changed)
    {
        _checks = checks;
        _interval = interval;
        _changed = changed;
        _http = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true }, // tls_skip_verify = true
            ConnectTimeout = TimeSpan.FromSeconds(2),
            PooledConnectionLifetime = TimeSpan.Zero,
        }) { Timeout = Timeout() };
        _ = Task.Run(LoopAsync);
    }

    private TimeSpan Timeout() => _interval < TimeSpan.FromSeconds(2) ? _interval : TimeSpan.FromSeconds(2);

    private async Task LoopAsync()
    {
        while (!_cts.IsCancellationRequested)
        {
            await Task.WhenAll(_checks.Where(c => c.Target != null).Select(RunOneAsync));
            try { await Task.Delay(_interval, _cts.Token); } catch (OperationCanceledException) { return; }
        }
    }

    private async Task RunOneAsync(ConsulCheck c)
    {
        var t = c.Target!;
        string status, output;
        try
        {
            if (t.Type == "tcp")
            {
                var (host, port) = SplitHostPort(t.Target);
                using var tcp = new TcpClient();
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(_cts.Token);
                cts.CancelAfter(Timeout());
                await tcp.ConnectAsync(host, port, cts.Token);
                (status, output) = ("passing", $"TCP connect {t.Target}: Success");
            }
            else
            {
                using var resp = await _http.GetAsync(t.Target, _cts.Token);
                var body = await resp.Content.ReadAsStringAsync(_cts.Token);
                if (body.Length > 4096) body = body[..4096];
                var code = (int)resp.StatusCode;
                status = code is >= 200 and < 300 ? "passing" : code == 429 ? "warning" : "critical";
                output = $"HTTP GET {t.Target}: {code} {resp.ReasonPhrase} Output: {body}";
            }
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested) { return; }
        catch (Exception e)
        {
            status = "critical";
            var msg = e is SocketException se ? Describe(se) : e.InnerException is SocketException ise ? Describe(ise) : e.Message;
            output = t.Type == "tcp" ? $"dial tcp {t.Target}: {msg}" : $"Get \"{t.Target}\": {msg}";
        }
        if (c.Update(status, output)) _changed();
    }

    private static string Describe(SocketException e) => e.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connect: connection refused",
        SocketError.TimedOut => "i/o timeout",
        _ => e.Message,
    };

    private static (string, int) SplitHostPort(string s)
    {
        var i = s.LastIndexOf(':');
        return (s[..i], int.Parse(s[(i + 1)..]));
    }

    public void Dispose() { _cts.Cancel(); _http.Dispose(); }
}

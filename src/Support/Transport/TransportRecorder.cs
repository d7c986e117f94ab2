using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Acceptance.Support.Evidence;
using Acceptance.Support.Outcomes;

namespace Acceptance.Support.Transport;

/// <summary>A finished exchange over a transport that is not HTTP (DNS query, TLS handshake, SSH command, CLI run, Docker API call).</summary>
/// <param name="System">The system asked ("DNS", "TLS", "promtool", "Docker").</param>
/// <param name="Operation">What was done ("SRV query", "handshake", "check rules").</param>
/// <param name="Target">Where ("10.0.0.2:8600", "consul.example:8501", the command line).</param>
/// <param name="Outcome">The answer in one line ("NOERROR, 3 records", "TLS 1.3, chain valid", "exit 0").</param>
/// <param name="Detail">The full answer (records, certificate chain, output), redacted when recorded.</param>
/// <param name="Elapsed">How long it took.</param>
public sealed record TransportExchange(string System, string Operation, string Target, string Outcome, string Detail, TimeSpan Elapsed)
{
    /// <summary>"DNS SRV query prometheus.service.consul @ 127.0.0.1:18600 → NOERROR, 1 record(s)".</summary>
    public override string ToString() => $"{System} {Operation} {Target} → {Outcome}";
}

/// <summary>
/// The contract every non-HTTP client follows, as <see cref="Http.ServiceHttp"/> does for HTTP: each exchange runs under a
/// deadline, is attached to the step's evidence (title, outcome, detail, duration; redacted), and a transport failure
/// (refused, unreachable, no answer in time) becomes one <see cref="EnvironmentProblemException"/> naming the system,
/// operation and target, so the scenario is BROKEN within seconds instead of hanging or failing.
/// </summary>
/// <param name="system">The system's name in evidence and messages.</param>
/// <param name="evidence">Where exchanges are recorded.</param>
/// <param name="deadline">Deadline of one exchange (default 10 s).</param>
/// <param name="circuit">
/// The address whose unreachability is remembered for the run ("DNS 127.0.0.1:8600"): once it could not be reached, every
/// later exchange with it ends at once with the same reason. Null: no circuit (each exchange stands alone).
/// </param>
public sealed class TransportRecorder(string system, EvidenceLog evidence, TimeSpan? deadline = null, string? circuit = null)
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Unreachable = new();

    private readonly TimeSpan _deadline = deadline ?? TimeSpan.FromSeconds(10);

    /// <summary>The system's name in evidence and messages.</summary>
    public string System => system;

    /// <summary>
    /// Runs <paramref name="call"/> under the deadline and records it. <paramref name="describe"/> turns the result into
    /// (one-line outcome, full detail).
    /// </summary>
    public async Task<T> RecordAsync<T>(string operation, string target, Func<CancellationToken, Task<T>> call,
        Func<T, (string Outcome, string Detail)> describe, CancellationToken ct = default)
    {
        if (circuit is not null && Unreachable.TryGetValue(circuit, out var seen))
            throw new EnvironmentProblemException($"{system} {operation} {target}: {seen}");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(_deadline);
        var sw = Stopwatch.StartNew();
        try
        {
            var result = await call(cts.Token);
            var (outcome, detail) = describe(result);
            Attach(new TransportExchange(system, operation, target, outcome, detail, sw.Elapsed));
            return result;
        }
        catch (Exception e) when (e is not EnvironmentProblemException && !ct.IsCancellationRequested && IsTransportFailure(e))
        {
            var why = Explain(e, sw.Elapsed);
            if (circuit is not null) Unreachable.TryAdd(circuit, $"{why}; seen at {DateTime.UtcNow:HH:mm:ss} UTC, so it is not asked again in this run");
            Attach(new TransportExchange(system, operation, target, why, e.ToString(), sw.Elapsed));
            throw new EnvironmentProblemException($"{system} {operation} {target}: {why}", e);
        }
    }

    /// <summary>Attaches an exchange to the step's evidence (redacted).</summary>
    public void Attach(TransportExchange exchange) =>
        evidence.AttachText(exchange.ToString(), new StringBuilder()
            .AppendLine($"{exchange.System} {exchange.Operation} {exchange.Target}")
            .AppendLine($"→ {exchange.Outcome} in {exchange.Elapsed.TotalMilliseconds:F0} ms")
            .AppendLine()
            .AppendLine(exchange.Detail).ToString());

    private bool IsTransportFailure(Exception e) =>
        e is OperationCanceledException or TimeoutException or SocketException or IOException or global::System.Security.Authentication.AuthenticationException
        || e.InnerException is not null && IsTransportFailure(e.InnerException);

    private string Explain(Exception e, TimeSpan elapsed)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            switch (x)
            {
                case SocketException se when se.SocketErrorCode == SocketError.ConnectionRefused: return "connection refused (is the service running?)";
                case SocketException se when se.SocketErrorCode == SocketError.HostNotFound: return "host not found (DNS)";
                case SocketException se: return $"network error: {se.SocketErrorCode}";
                case global::System.Security.Authentication.AuthenticationException ae: return $"TLS handshake failed: {ae.Message}";
                case OperationCanceledException or TimeoutException: return $"no answer within {Math.Min(elapsed.TotalSeconds, _deadline.TotalSeconds):F0} s";
            }
        }
        return e.Message;
    }
}

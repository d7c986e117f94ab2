using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Acceptance.TestSupport;

/// <summary>One canned answer of a <see cref="FixtureServer"/>.</summary>
public sealed record CannedResponse(int Status, string Body, string ContentType = "application/json",
    IReadOnlyDictionary<string, string>? Headers = null);

/// <summary>
/// A throwaway HTTP/1.1 server on a free loopback port that answers by path (query ignored, unless a route is
/// registered with its query): the real clients parse documented bodies (../shared/fixtures) or the project's own
/// small ones, and the rules judge what they read. Unknown paths answer 404.
/// </summary>
public sealed class FixtureServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, CannedResponse> _routes = new();
    private readonly Task _loop;

    public FixtureServer()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(AcceptLoop);
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>Requests received, as "METHOD /path?query".</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Answers <paramref name="path"/> (e.g. "/v1/status/leader"; "/metrics/job/*" for every path under it) with <paramref name="body"/>.</summary>
    public FixtureServer On(string path, string body, int status = 200, IReadOnlyDictionary<string, string>? headers = null,
        string contentType = "application/json")
    {
        _routes[path] = new CannedResponse(status, body, contentType, headers);
        return this;
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            _ = Task.Run(() => Serve(client));
        }
    }

    private async Task Serve(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
            var requestLine = await reader.ReadLineAsync() ?? "";
            string? line;
            var contentLength = 0;
            while (!string.IsNullOrEmpty(line = await reader.ReadLineAsync()))
                if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) contentLength = int.Parse(line[15..].Trim());
            if (contentLength > 0) { var buf = new char[contentLength]; await reader.ReadBlockAsync(buf, 0, contentLength); }
            var parts = requestLine.Split(' ');
            var target = parts.Length > 1 ? parts[1] : "/";
            Requests.Enqueue($"{parts[0]} {target}");
            var path = target.Split('?')[0];
            var answer = _routes.GetValueOrDefault(target) ?? _routes.GetValueOrDefault(path)
                         ?? _routes.Where(r => r.Key.EndsWith('*') && path.StartsWith(r.Key[..^1], StringComparison.Ordinal)).Select(r => r.Value).FirstOrDefault()
                         ?? new CannedResponse(404, "not found", "text/plain");
            var bytes = Encoding.UTF8.GetBytes(answer.Body);
            var head = new StringBuilder()
                .Append($"HTTP/1.1 {answer.Status} {(HttpStatusCode)answer.Status}\r\n")
                .Append($"Content-Type: {answer.ContentType}\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n");
            foreach (var (k, v) in answer.Headers ?? new Dictionary<string, string>()) head.Append($"{k}: {v}\r\n");
            head.Append("\r\n");
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
            await stream.WriteAsync(bytes);
            await stream.FlushAsync();
        }
        catch (IOException) { }
        catch (ObjectDisposedException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try { await _loop; } catch (Exception) { }
        _stop.Dispose();
    }
}

using Acceptance.TestSupport;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Acceptance.Support.Tests.Http;

/// <summary>
/// A throwaway HTTP/1.1 server on a free loopback port: answers every request with a fixed
/// response (optionally over TLS), or never answers at all. Records the raw requests it got.
/// </summary>
internal sealed class TinyServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly ConcurrentBag<TcpClient> _clients = [];
    private readonly string _extraHeaders;

    public TinyServer(string body = "{}", string contentType = "application/json", int status = 200,
        X509Certificate2? tls = null, bool neverAnswer = false, string extraHeaders = "")
    {
        _extraHeaders = extraHeaders;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
                catch (Exception) { return; }
                _clients.Add(client);
                _ = Task.Run(() => Serve(client, body, contentType, status, tls, neverAnswer));
            }
        });
    }

    public int Port { get; }

    public string Url(string scheme = "http") => $"{scheme}://127.0.0.1:{Port}";

    public ConcurrentQueue<string> Requests { get; } = new();

    public ConcurrentQueue<string> TlsErrors { get; } = new();

    private async Task Serve(TcpClient client, string body, string contentType, int status, X509Certificate2? tls, bool neverAnswer)
    {
        try
        {
            Stream stream = client.GetStream();
            if (tls is not null)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                try
                {
                    await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                    {
                        ServerCertificate = tls,
                        ApplicationProtocols = [SslApplicationProtocol.Http11],
                    }, _stop.Token);
                }
                catch (Exception e)
                {
                    TlsErrors.Enqueue(e.Message);
                    return;
                }
                stream = ssl;
            }
            var head = await ReadHead(stream);
            if (head is null) return;
            Requests.Enqueue(head);
            if (neverAnswer)
            {
                await Task.Delay(Timeout.Infinite, _stop.Token);
                return;
            }
            var bytes = Encoding.UTF8.GetBytes(body);
            var response = $"HTTP/1.1 {status} Whatever\r\nContent-Type: {contentType}\r\nContent-Length: {bytes.Length}\r\n{_extraHeaders}Connection: close\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(response), _stop.Token);
            await stream.WriteAsync(bytes, _stop.Token);
            await stream.FlushAsync(_stop.Token);
        }
        catch (Exception)
        {
            // the client went away or the server stops
        }
        finally
        {
            client.Dispose();
        }
    }

    private static async Task<string?> ReadHead(Stream stream)
    {
        var buffer = new byte[16 * 1024];
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(total));
            if (n == 0) return null;
            total += n;
            var text = Encoding.ASCII.GetString(buffer, 0, total);
            if (text.Contains("\r\n\r\n")) return text;
        }
        return Encoding.ASCII.GetString(buffer, 0, total);
    }


    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        foreach (var c in _clients) c.Dispose();
        try { await _loop; } catch (Exception) { }
        _stop.Dispose();
    }
}

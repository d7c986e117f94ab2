using Acceptance.TestSupport;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using NUnit.Framework;
using StandIns.Core;

namespace StandIns.Tests.Support;

/// <summary>One stand-in started in-process on a free port with a temporary state dir and test certificates.</summary>
public sealed class StandInUnderTest : IAsyncDisposable
{
    public required string Service { get; init; }
    public required string StateDir { get; init; }
    public required int Port { get; init; }
    public required HttpClient Client { get; init; }
    private WebApplication? _app;


    /// <param name="ports">ports.env overrides (e.g. PROMETHEUS_PORT of a throwaway listener); every other sandbox service gets a closed port.</param>
    public static async Task<StandInUnderTest> StartAsync(string service, IDictionary<string, int>? ports = null,
        TimeSpan? checkInterval = null, string? prometheusUrl = null, Action<string>? prepareState = null)
    {
        var state = Path.Combine(Path.GetTempPath(), $"standins-test-{service}-{Guid.NewGuid():N}"[..40]);
        Directory.CreateDirectory(state);
        TestCerts.CopyTo(Path.Combine(state, "tls"));
        prepareState?.Invoke(state);
        var values = new Dictionary<string, int>
        {
            ["PROMETHEUS_PORT"] = Ports.Free(), ["PUSHGATEWAY_PORT"] = Ports.Free(), ["ALERTMANAGER_PORT"] = Ports.Free(),
            ["NODE_EXPORTER_PORT"] = Ports.Free(), ["HAPROXY_HTTPS_PORT"] = Ports.Free(), ["GRAFANA_PORT"] = Ports.Free(),
            ["NOMAD_PORT"] = Ports.Free(), ["CONSUL_PORT"] = Ports.Free(), ["DNS_PORT"] = 18600,
        };
        foreach (var (k, v) in ports ?? new Dictionary<string, int>()) values[k] = v;
        var port = values[service.ToUpperInvariant() + "_PORT"];
        var portsEnv = Path.Combine(state, "ports.env");
        File.WriteAllText(portsEnv, "# test ports\nSANDBOX_HOST=127.0.0.1\n" + string.Join("\n", values.Select(kv => $"{kv.Key}={kv.Value}   # comment")) + "\n");
        var app = await StandInHost.StartAsync(new StandInOptions
        {
            Service = service, Port = port, StateDir = state, PortsEnvPath = portsEnv,
            CheckInterval = checkInterval ?? TimeSpan.FromSeconds(1), PrometheusUrl = prometheusUrl,
        });
        var client = new HttpClient(TestCerts.TrustingHandler()) { BaseAddress = new Uri($"https://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        return new StandInUnderTest { Service = service, StateDir = state, Port = port, Client = client, _app = app };
    }

    public string Secret(string name) => File.ReadAllText(Path.Combine(StateDir, "secrets", name)).Trim();

    public void Fault(string name, bool on, string? arg = null)
    {
        var dir = Path.Combine(StateDir, "faults");
        Directory.CreateDirectory(dir);
        var f = Path.Combine(dir, name);
        if (on) File.WriteAllText(f, arg ?? "");
        else File.Delete(f);
    }

    public Task<HttpResponseMessage> Send(HttpMethod method, string path, string? token = null, string tokenHeader = "Bearer", string? body = null, string? basicAuth = null)
    {
        var req = new HttpRequestMessage(method, path);
        if (token != null)
        {
            if (tokenHeader == "Bearer") req.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            else req.Headers.Add(tokenHeader, token);
        }
        if (basicAuth != null) req.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(basicAuth)));
        if (body != null) req.Content = new StringContent(body, Encoding.UTF8, "application/json");
        return Client.SendAsync(req);
    }

    public Task<HttpResponseMessage> Get(string path, string? token = null, string tokenHeader = "Bearer") => Send(HttpMethod.Get, path, token, tokenHeader);

    public async Task<JsonNode> GetJson(string path, string? token = null, string tokenHeader = "Bearer", int expectStatus = 200)
    {
        using var r = await Get(path, token, tokenHeader);
        var text = await r.Content.ReadAsStringAsync();
        if ((int)r.StatusCode != expectStatus) throw new AssertionException($"GET {path}: expected {expectStatus}, got {(int)r.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (_app != null) { await _app.StopAsync(); await _app.DisposeAsync(); }
        for (var i = 0; i < 3 && Directory.Exists(StateDir); i++)
        {
            try { Directory.Delete(StateDir, recursive: true); } catch (Exception) { }
            await Task.Delay(200); // a background task may still be finishing a write
        }
    }
}

public static class Eventually
{
    /// <summary>Polls until the condition holds (generous deadline for a loaded 2-core machine).</summary>
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> ok, string what, double seconds = 20)
    {
        var end = DateTime.UtcNow.AddSeconds(seconds);
        T last;
        while (true)
        {
            last = await probe();
            if (ok(last)) return last;
            if (DateTime.UtcNow > end) throw new AssertionException($"timed out after {seconds}s waiting for {what}; last: {last}");
            await Task.Delay(150);
        }
    }
}

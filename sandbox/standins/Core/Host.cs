using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace StandIns.Core;

/// <summary>Options of one stand-in process (or one in-process instance in the tests).</summary>
public sealed class StandInOptions
{
    public required string Service { get; init; }            // consul | nomad | grafana
    public required int Port { get; init; }
    public required string StateDir { get; init; }
    /// <summary>sandbox/ports.env; null = search upwards from the binary, then built-in defaults.</summary>
    public string? PortsEnvPath { get; init; }
    /// <summary>PEM cert/key; default $STATE/tls/&lt;service&gt;.pem/.key. Https=false serves plain HTTP.</summary>
    public string? CertFile { get; init; }
    public string? KeyFile { get; init; }
    public bool Https { get; init; } = true;
    /// <summary>Consul: interval of the real health checks.</summary>
    public TimeSpan CheckInterval { get; init; } = TimeSpan.FromSeconds(3);
    /// <summary>Grafana: folder of provisioned dashboards (default: grafana-provisioning/dashboards beside the binary).</summary>
    public string? GrafanaDir { get; init; }
    /// <summary>Grafana: Prometheus base URL (default https://127.0.0.1:PROMETHEUS_PORT).</summary>
    public string? PrometheusUrl { get; init; }
    public LogLevel LogLevel { get; init; } = LogLevel.Warning;
}

public interface IStandInService : IDisposable
{
    Task HandleAsync(HttpContext ctx);
}

public static class StandInHost
{
    public const string ConsulVersion = "1.20.1-standin";
    public const string NomadVersion = "1.10.5-standin";
    public const string GrafanaVersion = "11.6.0-standin";

    /// <summary>Starts one stand-in and returns once it listens. Dispose the app to stop it.</summary>
    public static async Task<WebApplication> StartAsync(StandInOptions o, CancellationToken ct = default)
    {
        var state = new SandboxState(o);
        IStandInService svc = o.Service switch
        {
            "consul" => new Consul.ConsulService(state),
            "nomad" => new Nomad.NomadService(state),
            "grafana" => new Grafana.GrafanaService(state),
            _ => throw new ArgumentException($"unknown service '{o.Service}' (consul|nomad|grafana)")
        };

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(c => { c.SingleLine = true; c.TimestampFormat = "yyyy-MM-ddTHH:mm:ss "; });
        builder.Logging.SetMinimumLevel(o.LogLevel);
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.UseShutdownTimeout(TimeSpan.FromSeconds(2));
        X509Certificate2? cert = null;
        if (o.Https)
        {
            var certFile = o.CertFile ?? Path.Combine(o.StateDir, "tls", o.Service + ".pem");
            var keyFile = o.KeyFile ?? Path.Combine(o.StateDir, "tls", o.Service + ".key");
            cert = X509Certificate2.CreateFromPemFile(certFile, keyFile);
        }
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, o.Port, l =>
            {
                l.Protocols = HttpProtocols.Http1AndHttp2;
                if (cert != null) l.UseHttps(cert);
            });
        });
        var app = builder.Build();
        app.Run(async ctx =>
        {
            ctx.Response.Headers["X-Sandbox-Standin"] = o.Service;
            try { await svc.HandleAsync(ctx); }
            catch (HttpError e) { await Http.Text(ctx, e.Status, e.Message); }
            catch (Grafana.GrafanaJsonError e) { await Http.Json(ctx, e.Status, e.Body); }
            catch (Exception e) when (!ctx.Response.HasStarted)
            {
                app.Logger.LogError(e, "request {Path} failed", ctx.Request.Path);
                await Http.Text(ctx, 500, e.Message);
            }
        });
        app.Lifetime.ApplicationStopping.Register(svc.Dispose);
        await app.StartAsync(ct);
        return app;
    }
}

/// <summary>Things every stand-in reads: state dir, faults, secrets, the sandbox's ports.</summary>
public sealed class SandboxState
{
    public StandInOptions Options { get; }
    public string StateDir => Options.StateDir;
    public PortsEnv Ports { get; }
    public Secrets Secrets { get; }
    private readonly string _faultDir;

    public SandboxState(StandInOptions o)
    {
        Options = o;
        Directory.CreateDirectory(o.StateDir);
        _faultDir = Path.Combine(o.StateDir, "faults");
        Ports = PortsEnv.Load(o.PortsEnvPath);
        Secrets = new Secrets(Path.Combine(o.StateDir, "secrets"));
    }

    /// <summary>A fault is on while $STATE/faults/&lt;name&gt; exists (checked on every request).</summary>
    public bool Fault(string name) => File.Exists(Path.Combine(_faultDir, name));

    /// <summary>Optional first line of the fault file (e.g. which service/panel it targets).</summary>
    public string? FaultArg(string name)
    {
        try
        {
            var t = File.ReadAllText(Path.Combine(_faultDir, name)).Trim();
            return t.Length == 0 ? null : t.Split('\n')[0].Trim();
        }
        catch (IOException) { return null; }
    }
}

public sealed class HttpError(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}

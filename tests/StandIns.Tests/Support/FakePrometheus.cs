using Acceptance.TestSupport;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace StandIns.Tests.Support;

/// <summary>A Prometheus HTTP API double for the Grafana datasource tests: answers query / query_range with the
/// documented bodies (prometheus/query.json, query_range.json) and insists on the datasource's basic auth.</summary>
public sealed class FakePrometheus : IAsyncDisposable
{
    private WebApplication _app = null!;
    public int Port { get; private set; }
    public string Url => $"http://127.0.0.1:{Port}";
    public List<string> Queries { get; } = new();

    public static async Task<FakePrometheus> StartAsync(string user, string password)
    {
        var f = new FakePrometheus { Port = Ports.Free() };
        var b = WebApplication.CreateSlimBuilder();
        b.Logging.ClearProviders();
        b.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, f.Port));
        var app = b.Build();
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
        app.Run(async ctx =>
        {
            if (ctx.Request.Headers.Authorization.ToString() != expected) { ctx.Response.StatusCode = 401; await ctx.Response.WriteAsync("Unauthorized"); return; }
            var form = ctx.Request.HasFormContentType ? await ctx.Request.ReadFormAsync() : null;
            lock (f.Queries) f.Queries.Add(form?["query"].ToString() ?? ctx.Request.Query["query"].ToString());
            ctx.Response.ContentType = "application/json";
            switch (ctx.Request.Path.Value)
            {
                case "/api/v1/query": await ctx.Response.WriteAsync(Fixture.Text("prometheus/query.json")); break;
                case "/api/v1/query_range": await ctx.Response.WriteAsync(Fixture.Text("prometheus/query_range.json")); break;
                default: ctx.Response.StatusCode = 404; break;
            }
        });
        await app.StartAsync();
        f._app = app;
        return f;
    }

    public async ValueTask DisposeAsync() { await _app.StopAsync(); await _app.DisposeAsync(); }
}

using System.Net;
using FluentAssertions;

namespace Acceptance.Sandbox.Tests;

public class LoadBalancerTests
{
    private static async Task<string?> ServerStatus(HttpClient http, string server)
    {
        var csv = await http.GetStringAsync(Sandbox.HaproxyStatsUrl + "/stats;csv");
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].TrimStart('#', ' ').Split(',');
        int sv = Array.IndexOf(header, "svname"), st = Array.IndexOf(header, "status"), px = Array.IndexOf(header, "pxname");
        return lines.Skip(1).Select(l => l.Split(',')).FirstOrDefault(c => c[px] == "be_app" && c[sv] == server)?[st];
    }

    [Test]
    public async Task Killed_backend_is_taken_out_and_brought_back()
    {
        using var http = Sandbox.Http();
        await Sandbox.Eventually("both backends UP before the fault", TimeSpan.FromSeconds(30), async () =>
        {
            var (a, b) = (await ServerStatus(http, "backend1"), await ServerStatus(http, "backend2"));
            return (a == "UP" && b == "UP" ? "ok" : null, $"backend1={a} backend2={b}");
        });
        try
        {
            var on = Sandbox.Script("fault", "on", "backend1.down");
            on.ExitCode.Should().Be(0, on.Output);
            await Sandbox.Eventually("HAProxy marks backend1 DOWN", TimeSpan.FromSeconds(30), async () =>
            {
                var s = await ServerStatus(http, "backend1");
                return (s != null && s.StartsWith("DOWN") ? s : null, $"backend1={s}");
            });
            for (var i = 0; i < 6; i++)
            {
                using var r = await http.GetAsync(Sandbox.LoadBalancerUrl + "/");
                r.StatusCode.Should().Be(HttpStatusCode.OK, "the healthy backend keeps serving");
                (await r.Content.ReadAsStringAsync()).Should().Contain("backend2");
            }
            var metrics = await http.GetStringAsync(Sandbox.HaproxyStatsUrl + "/metrics");
            metrics.Should().Contain("haproxy_server_check_failures_total");

            var off = Sandbox.Script("fault", "off", "backend1.down");
            off.ExitCode.Should().Be(0, off.Output);
            await Sandbox.Eventually("HAProxy brings backend1 back UP", TimeSpan.FromSeconds(30), async () =>
            {
                var s = await ServerStatus(http, "backend1");
                return (s == "UP" ? s : null, $"backend1={s}");
            });
        }
        finally
        {
            Sandbox.Script("fault", "off", "backend1.down");
        }
    }

    [Test]
    public async Task Backends_are_limited_to_4_connections_each()
    {
        var cfg = File.ReadAllText(Sandbox.StatePath("conf", "haproxy.cfg"));
        cfg.Should().Contain("maxconn 4");
        using var http = Sandbox.Http();
        var csv = await http.GetStringAsync(Sandbox.HaproxyStatsUrl + "/stats;csv");
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].TrimStart('#', ' ').Split(',');
        int sv = Array.IndexOf(header, "svname"), slim = Array.IndexOf(header, "slim");
        foreach (var server in new[] { "backend1", "backend2" })
            lines.Select(l => l.Split(',')).Single(c => c[sv] == server)[slim].Should().Be("4");
    }
}

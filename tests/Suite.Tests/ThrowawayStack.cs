using Acceptance.TestSupport;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Acceptance.Suite.Tests;

/// <summary>
/// A private Prometheus + Pushgateway on free loopback ports (real Debian binaries), with a target
/// file pointing at them, so a test can stop one of them without touching the shared sandbox.
/// </summary>
public sealed class ThrowawayStack : IDisposable
{
    private readonly List<Process> _processes = [];

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "stack-" + Guid.NewGuid().ToString("N")[..8]);
    public int PrometheusPort { get; } = Ports.Free();
    public int PushgatewayPort { get; } = Ports.Free();
    public string TargetFile => Path.Combine(Folder, "target.yaml");
    public Process? Prometheus { get; private set; }

    public static ThrowawayStack Start(string retention = "15d")
    {
        var s = new ThrowawayStack();
        Directory.CreateDirectory(s.Folder);
        File.WriteAllText(Path.Combine(s.Folder, "prometheus.yml"), $"""
            global: {"{"}scrape_interval: 1s, evaluation_interval: 1s{"}"}
            scrape_configs:
              - job_name: prometheus
                static_configs: [{"{"}targets: ['127.0.0.1:{s.PrometheusPort}']{"}"}]
              - job_name: pushgateway
                honor_labels: true
                static_configs: [{"{"}targets: ['127.0.0.1:{s.PushgatewayPort}']{"}"}]
            """);
        File.WriteAllText(s.TargetFile, $"""
            name: throwaway
            environment: test
            services:
              prometheus: {"{"} address: http://127.0.0.1:{s.PrometheusPort} {"}"}
              pushgateway: {"{"} address: http://127.0.0.1:{s.PushgatewayPort} {"}"}
            expect:
              scrape_jobs: [ prometheus, pushgateway ]
            thresholds:
              poll_timeout_seconds: 60
            """);
        s.Prometheus = s.Spawn("prometheus", $"--config.file={s.Folder}/prometheus.yml --storage.tsdb.path={s.Folder}/data " +
                                              $"--web.listen-address=127.0.0.1:{s.PrometheusPort} --storage.tsdb.retention.time={retention}");
        s.Spawn("prometheus-pushgateway", $"--web.listen-address=127.0.0.1:{s.PushgatewayPort}");
        s.WaitReady($"http://127.0.0.1:{s.PrometheusPort}/-/ready");
        s.WaitReady($"http://127.0.0.1:{s.PushgatewayPort}/-/ready");
        return s;
    }

    public void StopPrometheus()
    {
        if (Prometheus is { HasExited: false } p) { p.Kill(); p.WaitForExit(10_000); }
    }

    private Process Spawn(string exe, string args)
    {
        var p = Process.Start(new ProcessStartInfo(exe, args)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        })!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        _processes.Add(p);
        return p;
    }

    private void WaitReady(string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            try { if (http.GetAsync(url).Result.StatusCode == HttpStatusCode.OK) return; }
            catch (AggregateException) { }
            Thread.Sleep(200);
        }
        throw new TimeoutException($"{url} not ready within 60 s");
    }


    public void Dispose()
    {
        foreach (var p in _processes)
        {
            try { if (!p.HasExited) { p.Kill(); p.WaitForExit(10_000); } } catch (InvalidOperationException) { }
            p.Dispose();
        }
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}

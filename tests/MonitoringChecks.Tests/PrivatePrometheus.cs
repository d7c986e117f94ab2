using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Acceptance.MonitoringChecks.Tests;

/// <summary>
/// A throwaway real Prometheus (the Debian `prometheus` binary) on a free loopback port, with a config the
/// sandbox has no switch for: a scrape target that is down, critical alert rules that lack runbook_url or
/// point at a dead runbook, no backup or certificate alert, 1 day of retention. It writes a target file
/// pointing at itself. Disposal stops the process it started (by its id) and deletes its folder.
/// </summary>
public sealed class PrivatePrometheus : IAsyncDisposable
{
    private readonly Process _process;

    private PrivatePrometheus(Process process, string folder, int port, string targetFile)
    {
        _process = process;
        Folder = folder;
        Port = port;
        TargetFile = targetFile;
    }

    /// <summary>Its working folder (config, rules, data, target file).</summary>
    public string Folder { get; }

    /// <summary>Its port.</summary>
    public int Port { get; }

    /// <summary>A target file declaring only this Prometheus.</summary>
    public string TargetFile { get; }

    /// <summary>Starts it and waits until /-/ready answers and the rules were evaluated once.</summary>
    public static async Task<PrivatePrometheus> StartAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "private-prometheus-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        var port = FreePort();
        var deadPort = FreePort();
        File.WriteAllText(Path.Combine(folder, "prometheus.yml"), $$"""
            global: { scrape_interval: 1s, evaluation_interval: 1s }
            rule_files: [ rules.yml ]
            scrape_configs:
              - job_name: prometheus
                static_configs: [ { targets: [ "127.0.0.1:{{port}}" ] } ]
              - job_name: node
                static_configs: [ { targets: [ "127.0.0.1:{{deadPort}}" ] } ]
            """);
        File.WriteAllText(Path.Combine(folder, "rules.yml"), $$"""
            groups:
              - name: private-critical
                rules:
                  - alert: InstanceDown
                    expr: up == 0
                    for: 5s
                    labels: { severity: critical }
                    annotations: { summary: "an instance is down" }
                  - alert: NodeDiskSpaceCritical
                    expr: node_filesystem_avail_bytes / node_filesystem_size_bytes < 0.05
                    labels: { severity: critical }
                    annotations: { runbook_url: "http://127.0.0.1:{{deadPort}}/runbooks/node-disk-space" }
                  - alert: NodeMemoryCritical
                    expr: node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes < 0.05
                    labels: { severity: critical }
                    annotations: { runbook_url: "http://127.0.0.1:{{deadPort}}/runbooks/node-memory" }
              - name: private-noise
                rules:
                  - alert: AlwaysFiringFalsePositive
                    expr: vector(1)
                    labels: { severity: warning }
                    annotations: { summary: "fires on a healthy deployment: a false positive" }
            """);
        File.WriteAllText(Path.Combine(folder, "rules.test.yml"), """
            rule_files: [ rules.yml ]
            evaluation_interval: 1s
            tests:
              - interval: 1s
                input_series:
                  - series: 'up{job="node", instance="n1"}'
                    values: '0x10'
                alert_rule_test:
                  - eval_time: 8s
                    alertname: InstanceDown
                    exp_alerts:
                      - exp_labels: { severity: critical, job: node, instance: n1 }
                        exp_annotations: { summary: "an instance is down" }
            """);
        var target = Path.Combine(folder, "target.yaml");
        File.WriteAllText(target, $$"""
            name: private-prometheus
            environment: selftest
            services:
              prometheus:
                address: http://127.0.0.1:{{port}}
                rule_files: [ rules.yml ]
                rule_tests: [ rules.test.yml ]
            expect:
              scrape_jobs: [ prometheus, node, pushgateway ]
            thresholds:
              retention_min_days: 15
              poll_timeout_seconds: 6
            """);
        var process = Process.Start(new ProcessStartInfo("prometheus",
        [
            $"--config.file={Path.Combine(folder, "prometheus.yml")}", $"--storage.tsdb.path={Path.Combine(folder, "data")}",
            $"--web.listen-address=127.0.0.1:{port}", "--storage.tsdb.retention.time=1d",
        ])
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = folder,
        }) ?? throw new InvalidOperationException("prometheus did not start");
        process.ErrorDataReceived += (_, _) => { };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var instance = new PrivatePrometheus(process, folder, port, target);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var sw = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var rules = await http.GetStringAsync($"http://127.0.0.1:{port}/api/v1/rules");
                if (rules.Contains("\"health\":\"ok\"") && !rules.Contains("\"health\":\"unknown\"")) break;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (process.HasExited || sw.Elapsed > TimeSpan.FromSeconds(60))
            {
                await instance.DisposeAsync();
                throw new InvalidOperationException($"private Prometheus on {port} not ready with evaluated rules within 60 s (exited: {process.HasExited})");
            }
            await Task.Delay(300);
        }
        return instance;
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using Acceptance.Support.Backups;
using Acceptance.Support.Evidence;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Rules;

/// <summary>
/// The drill's Prometheus restore on a real Prometheus (the Debian binary; skipped when absent): a private Prometheus scrapes
/// itself, its TSDB snapshot (admin API) is tarred as the backup jobs do, and <see cref="RestoreDrill"/> brings the series back in
/// a scratch Prometheus it starts and stops; a snapshot without the head block (skip_head) does not.
/// </summary>
[NonParallelizable]
public sealed class RestoreDrillTests
{
    private const string Binary = "/usr/bin/prometheus";

    [TestCase(false, true)]
    [TestCase(true, false)]
    public async Task A_tsdb_snapshot_restores_the_series_into_a_scratch_prometheus(bool skipHead, bool restored)
    {
        if (!File.Exists(Binary)) Assert.Ignore($"{Binary} is not installed (sandbox/up installs it)");
        var dir = Directory.CreateTempSubdirectory("restore-drill-test-").FullName;
        var l = new TcpListener(IPAddress.Loopback, 0); l.Start(); var port = ((IPEndPoint)l.LocalEndpoint).Port; l.Stop();
        await File.WriteAllTextAsync(Path.Combine(dir, "p.yml"), $"global: {{ scrape_interval: 1s }}\nscrape_configs:\n  - job_name: prometheus\n    static_configs: [ {{ targets: ['127.0.0.1:{port}'] }} ]\n");
        var psi = new ProcessStartInfo(Binary) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { $"--config.file={dir}/p.yml", $"--storage.tsdb.path={dir}/data", $"--web.listen-address=127.0.0.1:{port}", "--web.enable-admin-api" }) psi.ArgumentList.Add(a);
        using var source = Process.Start(psi)!;
        source.BeginErrorReadLine(); source.BeginOutputReadLine();
        var cleanup = new List<ScratchInstance>();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            var sw = Stopwatch.StartNew();
            while (sw.Elapsed < TimeSpan.FromSeconds(60))
            {
                try { if ((await http.GetStringAsync("api/v1/query?query=up")).Contains("\"prometheus\"")) break; } catch (HttpRequestException) { }
                await Task.Delay(200);
            }
            await Task.Delay(TimeSpan.FromSeconds(2));   // a few scrapes before the backup
            var snap = await (await http.PostAsync($"api/v1/admin/tsdb/snapshot?skip_head={skipHead.ToString().ToLowerInvariant()}", null)).Content.ReadAsStringAsync();
            var name = System.Text.Json.JsonDocument.Parse(snap).RootElement.GetProperty("data").GetProperty("name").GetString()!;
            var tgz = new MemoryStream();
            await using (var gz = new GZipStream(tgz, CompressionLevel.Fastest, leaveOpen: true))
                await TarFile.CreateFromDirectoryAsync(Path.Combine(dir, "data", "snapshots", name), gz, includeBaseDirectory: true);
            var backup = new StoredBackup("backup_store", "prometheus", "prometheus-x.tar.gz", tgz.Length, DateTimeOffset.UtcNow, null);
            var drill = new RestoreDrill(new RestoreOptions { PrometheusBinary = Binary, PrometheusQuery = "up{job=\"prometheus\"}" }, new EvidenceLog(), s => { cleanup.Add(s); return s; });
            var result = await drill.PrometheusAsync(backup, tgz.ToArray());
            result.Restored.Should().Be(restored, result.ToString());
        }
        finally
        {
            foreach (var s in cleanup) await s.DisposeAsync();
            source.Kill(entireProcessTree: true);
            await source.WaitForExitAsync();
            Directory.Delete(dir, recursive: true);
        }
        cleanup.Should().OnlyContain(s => !Directory.Exists(s.Dir), "the scratch Prometheus's folder is removed");
    }
}

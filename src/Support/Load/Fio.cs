using System.Globalization;
using System.Text.Json;
using Acceptance.Support.Checks;
using Acceptance.Support.Evidence;
using Acceptance.Support.Outcomes;
using Acceptance.Support.Ssh;
using CliWrap;
using CliWrap.Buffered;

namespace Acceptance.Support.Load;

/// <summary>fio's figures for one job direction (random read or random write, 4 KiB).</summary>
/// <param name="Job">randread | randwrite.</param>
/// <param name="Iops">I/O operations per second.</param>
/// <param name="BandwidthMBps">MB/s (fio's bw is KiB/s).</param>
/// <param name="P99Ms">99th-percentile completion latency, ms.</param>
public sealed record FioFigures(string Job, double Iops, double BandwidthMBps, double P99Ms)
{
    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Job} {Iops:0} IOPS, {BandwidthMBps:0.#} MB/s, p99 {P99Ms:0.###} ms");
}

/// <summary>One volume's benchmark.</summary>
/// <param name="Where">"ssh://user@host:22/data" or a local folder.</param>
/// <param name="Read">The random-read job.</param>
/// <param name="Write">The random-write job.</param>
public sealed record FioBenchmark(string Where, FioFigures Read, FioFigures Write)
{
    /// <inheritdoc />
    public override string ToString() => $"{Where}: {Read}; {Write}";
}

/// <summary>
/// fio (Debian package fio) on each data volume of performance.fio_directories: one bounded invocation of two jobs
/// (4 KiB random read, then random write, each fio_runtime_seconds, a fio_size_mb file that is removed afterwards), JSON
/// output. On the SSH host of services.ssh when the target declares it, else on this machine.
/// </summary>
public sealed class FioRunner(Configuration.TargetEnvironment target, EvidenceLog evidence)
{
    /// <summary>fio's arguments for a folder (the file is run-scoped: acceptance-fio-&lt;id&gt;).</summary>
    public static IReadOnlyList<string> Arguments(string directory, string file, PerformanceSection p) =>
    [
        "--output-format=json", $"--directory={directory}", $"--filename={file}", $"--size={p.FioSizeMb}M",
        $"--runtime={p.FioRuntimeSeconds}", "--time_based", "--bs=4k", "--ioengine=libaio", "--iodepth=16",
        $"--direct={(p.FioDirect ? 1 : 0)}", "--randrepeat=0", "--name=randread", "--rw=randread", "--name=randwrite", "--rw=randwrite", "--stonewall",
    ];

    /// <summary>Benchmarks every listed folder.</summary>
    public async Task<IReadOnlyList<FioBenchmark>> RunAllAsync(CancellationToken ct = default)
    {
        var p = target.Performance;
        var dirs = target.RequireListed(p.FioDirectories, "performance.fio_directories", "no data volume to benchmark");
        var overSsh = target.Service("ssh") is not null;
        var list = new List<FioBenchmark>();
        foreach (var dir in dirs)
        {
            var file = $"acceptance-fio-{Guid.NewGuid():N}"[..27];
            var args = Arguments(dir, file, p);
            string json, where;
            if (overSsh)
            {
                var ssh = new SshFileReader(target.Ssh, evidence);
                where = $"{ssh.Origin}{dir}";
                var quoted = string.Join(' ', args.Select(a => "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));
                json = await ssh.RunAsync($"command -v fio >/dev/null || {{ echo 'fio is not installed on the SSH host' >&2; exit 127; }}; fio {quoted}; rc=$?; rm -f -- '{dir.Replace("'", "", StringComparison.Ordinal)}/{file}'; exit $rc",
                    TimeSpan.FromSeconds(2 * p.FioRuntimeSeconds + 60), ct);
            }
            else
            {
                where = dir;
                var fio = Transport.CommandRunner.Locate("fio") ?? throw new EnvironmentProblemException("fio is not on PATH: the storage benchmark cannot run (sandbox/up installs it)");
                try
                {
                    using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    cts.CancelAfter(TimeSpan.FromSeconds(2 * p.FioRuntimeSeconds + 60));
                    var run = await Cli.Wrap(fio).WithArguments(args).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(cts.Token);
                    if (run.ExitCode != 0) throw new EnvironmentProblemException($"fio on {dir} exited {run.ExitCode}: {run.StandardError.Trim()}");
                    json = run.StandardOutput;
                }
                finally { File.Delete(Path.Combine(dir, file)); }
            }
            evidence.AttachText($"fio {where} (JSON)", json, "application/json", "json");
            var (read, write) = Parse(json);
            list.Add(new FioBenchmark(where, read, write));
        }
        return list;
    }

    /// <summary>Reads fio's JSON (--output-format=json): the randread job's read side and the randwrite job's write side.</summary>
    public static (FioFigures Read, FioFigures Write) Parse(string output)
    {
        var start = output.IndexOf('{');
        if (start < 0) throw new FormatException("fio's output holds no JSON");
        using var doc = JsonDocument.Parse(output[start..]);
        var jobs = doc.RootElement.GetProperty("jobs").EnumerateArray().ToList();
        FioFigures Side(string job, string side)
        {
            var j = jobs.FirstOrDefault(x => x.GetProperty("jobname").GetString() == job);
            if (j.ValueKind == JsonValueKind.Undefined) throw new FormatException($"fio's JSON has no job {job}");
            var s = j.GetProperty(side);
            var p99 = double.NaN;
            if (s.TryGetProperty("clat_ns", out var clat) && clat.TryGetProperty("percentile", out var pct) && pct.TryGetProperty("99.000000", out var v))
                p99 = v.GetDouble() / 1e6;
            return new FioFigures(job, s.GetProperty("iops").GetDouble(), s.GetProperty("bw").GetDouble() * 1024 / 1e6, p99);
        }
        return (Side("randread", "read"), Side("randwrite", "write"));
    }
}

/// <summary>The storage benchmark against its thresholds.</summary>
public static class FioRules
{
    /// <summary>Every volume meets the IOPS, bandwidth and p99 thresholds for random reads and writes.</summary>
    public static Verdict StorageMeetsThresholds(IReadOnlyList<FioBenchmark> benches, LoadThresholds t)
    {
        var s = new List<string>();
        foreach (var b in benches)
        {
            if (b.Read.Iops < t.FioMinReadIops) s.Add($"{b.Where}: random read {b.Read.Iops:0} IOPS < thresholds.fio_min_read_iops ({t.FioMinReadIops:0})");
            if (b.Write.Iops < t.FioMinWriteIops) s.Add($"{b.Where}: random write {b.Write.Iops:0} IOPS < thresholds.fio_min_write_iops ({t.FioMinWriteIops:0})");
            foreach (var f in new[] { b.Read, b.Write })
            {
                if (f.BandwidthMBps < t.FioMinBandwidthMbps) s.Add($"{b.Where}: {f.Job} {f.BandwidthMBps:0.##} MB/s < thresholds.fio_min_bandwidth_mbps ({t.FioMinBandwidthMbps:0.##})");
                if (double.IsNaN(f.P99Ms) || f.P99Ms > t.FioMaxP99Ms) s.Add($"{b.Where}: {f.Job} p99 {f.P99Ms:0.###} ms > thresholds.fio_max_p99_ms ({t.FioMaxP99Ms:0.###})");
            }
        }
        return Verdict.From("every data volume of performance.fio_directories meets the storage thresholds (fio, 4 KiB random read and write)",
            string.Create(CultureInfo.InvariantCulture, $"read >= {t.FioMinReadIops} IOPS, write >= {t.FioMinWriteIops} IOPS, >= {t.FioMinBandwidthMbps} MB/s each, p99 <= {t.FioMaxP99Ms} ms"),
            string.Join("; ", benches), s);
    }
}

using System.Net.Http.Headers;
using Acceptance.Support.Consul;
using Acceptance.Support.Evidence;
using Acceptance.Support.Grafana;
using Acceptance.Support.Http;
using Acceptance.Support.Lifecycle;
using Acceptance.Support.Outcomes;

namespace Acceptance.Support.Backups;

/// <summary>Reads the stores: the newest backup of each component with its bytes' SHA-256, every backup for retention, the DR pairs.</summary>
public sealed class BackupInspector(BackupStore primary, BackupStore? dr, IReadOnlyList<ExpectedBackupJob> jobs)
{
    private IEnumerable<string> Components => jobs.Select(j => j.Component).Distinct();

    /// <summary>The newest backup of each component in <paramref name="store"/>, hashed.</summary>
    public static Task<IReadOnlyList<NewestBackup>> NewestAsync(BackupStore store, IEnumerable<string> components, CancellationToken ct = default) =>
        store.NewestAsync(components, ct);

    /// <summary>The newest backups of the backup store.</summary>
    public Task<IReadOnlyList<NewestBackup>> NewestAsync(CancellationToken ct = default) => NewestAsync(primary, Components, ct);

    /// <summary>Every backup of each component in the backup store, oldest first.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<StoredBackup>>> AllAsync(CancellationToken ct = default)
    {
        var d = new Dictionary<string, IReadOnlyList<StoredBackup>>();
        foreach (var c in Components) d[c] = await primary.ListAsync(c, ct);
        return d;
    }

    /// <summary>The newest backup of each component in the backup store, and the same file in the DR store (hashed), if there.</summary>
    public async Task<IReadOnlyList<(NewestBackup Primary, NewestBackup? Dr)>> DrPairsAsync(CancellationToken ct = default)
    {
        var store = dr ?? throw new NotVerifiedException("services.dr_store is not declared: no disaster-recovery copy can be compared.");
        var newest = await NewestAsync(ct);
        var copies = await store.CopiesAsync(newest.Select(p => p.Backup).ToList(), ct);
        return newest.Zip(copies, (p, copy) => (p, copy)).ToList();
    }
}

/// <summary>
/// The restore drill end to end: a KV canary in Consul (deleted at the end), one forced run of each drilled backup job (waited for,
/// stops at once when it fails), the newest backup fetched from the backup store and checked against its checksum, then restored
/// into a scratch instance (Prometheus, Consul, Grafana) whose data is compared. Scratch instances go on the cleanup stack.
/// </summary>
public sealed class BackupDrillRunner(BackupProbe probe, BackupStore primary, ConsulClient? consul, GrafanaClient? grafana,
    Configuration.TargetEnvironment target, CleanupStack cleanup, EvidenceLog evidence)
{
    /// <summary>The components the drill restores.</summary>
    public static readonly string[] Drilled = ["prometheus", "consul", "grafana"];

    /// <summary>Runs the drill; returns one result per drilled component the target has a backup job for.</summary>
    public async Task<IReadOnlyList<RestoreResult>> RunAsync(string runId, CancellationToken ct = default)
    {
        var jobs = target.Backups.ExpectedJobs().Where(j => Drilled.Contains(j.Component)).ToList();
        if (jobs.Count == 0) throw new NotVerifiedException("backups.jobs names no prometheus, consul or grafana backup job: there is nothing to drill.");
        string? canaryKey = null, canaryValue = null;
        if (consul is not null && jobs.Any(j => j.Component == "consul"))
        {
            canaryKey = $"{DrillLeftovers.CanaryPrefix}{runId}";
            canaryValue = DrillLeftovers.NewCanaryValue(DateTimeOffset.UtcNow);
            var put = await consul.Http.SendAsync(HttpMethod.Put, $"v1/kv/{canaryKey}", new StringContent(canaryValue), ct: ct);
            if (!put.IsSuccess) throw ServiceResponseException.For(put);
            cleanup.Push(new ConsulKeyUndo(consul, canaryKey));
        }
        var liveUids = grafana is null ? [] : (await grafana.DashboardsAsync(ct)).Select(d => d.Uid).ToList();
        var total = System.Diagnostics.Stopwatch.StartNew();
        var forced = await Task.WhenAll(jobs.Select(j => ForceAndWaitAsync(j, ct)));
        var backupsTook = total.Elapsed;
        var drill = new RestoreDrill(target.Backups.Restore, evidence, s => cleanup.Push(s));
        var results = new List<RestoreResult>();
        foreach (var (job, failure, since) in forced)
        {
            if (failure is not null) { results.Add(new RestoreResult(job.Component, "-", false, failure, TimeSpan.Zero, "no restore")); continue; }
            var newest = (await primary.ListAsync(job.Component, ct)).LastOrDefault();
            if (newest is null || newest.Modified < since.AddSeconds(-2))
            {
                results.Add(new RestoreResult(job.Component, newest?.Name ?? "-", false, $"no backup written by the forced run in {primary.Name}", TimeSpan.Zero, "no restore"));
                continue;
            }
            var bytes = await primary.ReadAsync(newest, ct);
            var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
            if (sha != newest.StatedSha256)
            {
                results.Add(new RestoreResult(job.Component, newest.Name, false, $"checksum mismatch (bytes {sha[..12]}, stated {newest.StatedSha256?[..12] ?? "none"}): not restored", TimeSpan.Zero, "no restore"));
                continue;
            }
            results.Add(job.Component switch
            {
                "prometheus" => await drill.PrometheusAsync(newest, bytes, ct),
                "consul" => await drill.ConsulAsync(newest, bytes, canaryKey!, canaryValue!, ct),
                _ => await drill.GrafanaAsync(newest, bytes, liveUids, ct),
            });
        }
        // one line for bench/restore-drill.sh (and anyone reading the run's output)
        Console.WriteLine($"[restore drill] {string.Join("; ", results.Select(r => $"{r.Component} {r.Took.TotalSeconds:F2} s{(r.Restored ? "" : " NOT restored")}"))}; " +
                          $"forced backups {backupsTook.TotalSeconds:F2} s; drill total {total.Elapsed.TotalSeconds:F2} s");
        return results;
    }

    private async Task<(ExpectedBackupJob Job, string? Failure, DateTimeOffset Since)> ForceAndWaitAsync(ExpectedBackupJob job, CancellationToken ct)
    {
        var since = DateTimeOffset.UtcNow;
        var child = await probe.ForceAsync(job.JobId, ct);
        evidence.Note($"restore drill: forced {job.JobId} → {child}");
        var deadline = TimeSpan.FromSeconds(target.Thresholds.Backups.BackupRunTimeoutSeconds);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var run = await probe.RunAsync(job.JobId, child, ct);
            if (run is { Finished: true }) return (job, run.Succeeded ? null : $"the forced backup run {child} FAILED", since);
            if (sw.Elapsed > deadline) return (job, $"the forced backup run {child} did not finish within {deadline.TotalSeconds:F0} s ({run})", since);
            await Task.Delay(250, ct);
        }
    }

    private sealed class ConsulKeyUndo(ConsulClient consul, string key) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            var x = await consul.Http.SendAsync(HttpMethod.Delete, $"v1/kv/{key}");
            if (!x.IsSuccess) throw new InvalidOperationException($"DELETE v1/kv/{key} answered {x.StatusCode}");
        }

        public override string ToString() => $"delete Consul KV canary {key}";
    }
}

using System.Globalization;
using Acceptance.Support.Checks;

namespace Acceptance.Support.Backups;

/// <summary>The newest backup of a component in a store, with the SHA-256 of its bytes as read back.</summary>
public sealed record NewestBackup(string Store, string Component, StoredBackup? Backup, string? ActualSha256)
{
    /// <inheritdoc />
    public override string ToString() => Backup is null ? $"{Store}:{Component}/: no backup" : $"{Backup} sha256 {Short(ActualSha256)} (stated {Short(Backup.StatedSha256)})";

    internal static string Short(string? h) => h is null ? "none" : h[..Math.Min(12, h.Length)];
}

/// <summary>One component's restore in the drill: what came back, how long it took.</summary>
public sealed record RestoreResult(string Component, string Backup, bool Restored, string Observed, TimeSpan Took, string ScratchNote)
{
    /// <inheritdoc />
    public override string ToString() => $"{Component} from {Backup}: {(Restored ? "restored" : "NOT restored")} in {Took.TotalSeconds:F1} s ({Observed}; {ScratchNote})";
}

/// <summary>An action of the suite looked up in an audit source.</summary>
public sealed record AuditFinding(string Source, string Action, string? Line, TimeSpan Waited, string? NotSupported = null)
{
    /// <inheritdoc />
    public override string ToString() => NotSupported is not null ? $"{Source}: {NotSupported}"
        : Line is null ? $"{Source}: '{Action}' NOT recorded after {Waited.TotalSeconds:F0} s" : $"{Source}: '{Action}' recorded after {Waited.TotalSeconds:F1} s: {Line}";
}

/// <summary>Rules of the backup, restore, audit and retention lines (pure functions).</summary>
public static class BackupRules
{
    private static string Ago(TimeSpan t) => t.TotalHours >= 48 ? $"{t.TotalDays:F1} d" : t.TotalMinutes >= 120 ? $"{t.TotalHours:F1} h" : $"{t.TotalMinutes:F1} min";

    /// <summary>MON-BV-1: each job of backups.jobs is registered, periodic on its schedule, enabled, not stopped, without overlap.</summary>
    public static Verdict JobsScheduled(IReadOnlyList<PeriodicJobFacts> jobs) => Verdict.From(
        "every job of backups.jobs is a registered, enabled Nomad periodic job with the expected cron schedule and prohibit_overlap",
        string.Join("; ", jobs.Select(j => j.Expected)),
        string.Join("; ", jobs),
        jobs.SelectMany(j => Scheduled(j)));

    private static IEnumerable<string> Scheduled(PeriodicJobFacts j)
    {
        if (!j.Registered) { yield return $"{j.Expected.JobId} is not registered in Nomad"; yield break; }
        if (!j.Periodic) { yield return $"{j.Expected.JobId} is not a periodic job"; yield break; }
        if (!string.Equals(Normal(j.Spec), Normal(j.Expected.Schedule), StringComparison.Ordinal))
            yield return $"{j.Expected.JobId} runs on '{j.Spec}', expected '{j.Expected.Schedule}'";
        if (!j.Enabled) yield return $"{j.Expected.JobId}: its periodic launches are disabled";
        if (j.Stopped) yield return $"{j.Expected.JobId} is stopped";
        if (!j.ProhibitOverlap) yield return $"{j.Expected.JobId}: prohibit_overlap is not set (two runs of one backup may overlap)";
    }

    private static string Normal(string? cron) => string.Join(' ', (cron ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries));

    /// <summary>
    /// MON-BV-1: each job has run within backups.window_minutes, its newest finished run succeeded, and the success metric
    /// agrees (present, within the window, not older than that run by more than <paramref name="metricLag"/>).
    /// A failed newest run is terminal: waiting does not turn it into a success.
    /// </summary>
    public static Verdict JobsRanAndSucceeded(IReadOnlyList<PeriodicJobFacts> jobs, BackupSection b, DateTimeOffset now, TimeSpan metricLag)
    {
        var window = TimeSpan.FromMinutes(b.WindowMinutes);
        var shortfalls = new List<string>();
        var failed = false;
        foreach (var j in jobs.Where(j => j.Registered))
        {
            var newest = j.Runs.FirstOrDefault();
            var finished = j.Runs.FirstOrDefault(r => r.Finished);
            if (newest is null) shortfalls.Add($"{j.Expected.JobId} has never run");
            else if (now - newest.Launched > window) shortfalls.Add($"{j.Expected.JobId} last ran {Ago(now - newest.Launched)} ago, longer than backups.window_minutes ({b.WindowMinutes:0.#} min)");
            if (finished is { Succeeded: false })
            {
                shortfalls.Add($"{j.Expected.JobId}: its last finished run {finished.Id} FAILED");
                failed = true;
            }
            else if (finished is null && newest is not null) shortfalls.Add($"{j.Expected.JobId}: no run has finished yet");
            if (j.LastSuccessMetric is not { } m) shortfalls.Add($"{b.SuccessMetric}{{component=\"{j.Expected.Component}\"}} is absent");
            else if (now - m > window) shortfalls.Add($"{b.SuccessMetric}{{component=\"{j.Expected.Component}\"}} says the last success was {Ago(now - m)} ago, longer than the window");
            else if (finished is { Succeeded: true } && m < finished.Launched - metricLag)
                shortfalls.Add($"{j.Expected.JobId}: the job summary says {finished.Id} succeeded but {b.SuccessMetric} says the last success was at {m.UtcDateTime:HH:mm:ss} UTC (they disagree)");
        }
        return Verdict.From(
            "each backup job has run within backups.window_minutes, its last finished run succeeded, and the success metric agrees with the job summary",
            $"a run younger than {b.WindowMinutes:0.#} min, the last finished run complete, {b.SuccessMetric} within the window and not older than that run",
            string.Join("; ", jobs), shortfalls) with { IsTerminal = failed };
    }

    /// <summary>MON-BV-2 / INFRA-SC-2: the newest backup of each component exists, is younger than the window, is plausibly large, and its bytes match its stated SHA-256.</summary>
    public static Verdict NewestBackupsSound(IReadOnlyList<NewestBackup> newest, BackupSection b, DateTimeOffset now) => Verdict.From(
        "the newest backup of each component exists, is younger than backups.window_minutes, is at least backups.min_size_bytes and matches its .sha256",
        $"for each of [{string.Join(", ", newest.Select(n => n.Component).Distinct())}]: age <= {b.WindowMinutes:0.#} min, size >= {b.MinSizeBytes} bytes, SHA-256 of the bytes = the stated one",
        string.Join("; ", newest),
        newest.SelectMany(n => Sound(n, b, now)));

    private static IEnumerable<string> Sound(NewestBackup n, BackupSection b, DateTimeOffset now)
    {
        if (n.Backup is not { } k) { yield return $"{n.Store}: no backup of {n.Component}"; yield break; }
        if (k.Age(now) > TimeSpan.FromMinutes(b.WindowMinutes)) yield return $"{k}: the newest {n.Component} backup is {Ago(k.Age(now))} old, older than backups.window_minutes ({b.WindowMinutes:0.#} min)";
        if (k.Size < b.MinSizeBytes) yield return $"{k}: {k.Size} bytes is less than backups.min_size_bytes ({b.MinSizeBytes})";
        if (k.StatedSha256 is null) yield return $"{k}: no {k.Name}.sha256 beside it";
        else if (n.ActualSha256 != k.StatedSha256) yield return $"{k}: checksum mismatch: the bytes hash to {NewestBackup.Short(n.ActualSha256)}, the .sha256 states {NewestBackup.Short(k.StatedSha256)} (corrupt)";
    }

    /// <summary>MON-BV-2: no backup older than retention.backups_max_age_days, at least retention.backups_min_count kept per component.</summary>
    public static Verdict RetentionKept(IReadOnlyDictionary<string, IReadOnlyList<StoredBackup>> byComponent, RetentionSection r, DateTimeOffset now)
    {
        var maxAge = TimeSpan.FromDays(r.BackupsMaxAgeDays);
        return Verdict.From(
            "backups are kept by the retention policy: none older than retention.backups_max_age_days, at least retention.backups_min_count per component",
            $"every backup <= {r.BackupsMaxAgeDays:0.#} d old; >= {r.BackupsMinCount} backup(s) of each component",
            string.Join("; ", byComponent.Select(kv => $"{kv.Key}: {kv.Value.Count} backup(s){(kv.Value.Count > 0 ? $", oldest {Ago(kv.Value[0].Age(now))} old" : "")}")),
            byComponent.SelectMany(kv => kv.Value.Where(x => x.Age(now) > maxAge).Select(x => $"{x} is {Ago(x.Age(now))} old, older than {r.BackupsMaxAgeDays:0.#} d (not pruned)")
                .Concat(kv.Value.Count < r.BackupsMinCount ? [$"{kv.Key}: {kv.Value.Count} backup(s) kept, fewer than retention.backups_min_count ({r.BackupsMinCount})"] : [])));
    }

    /// <summary>INFRA-SC-2/4: a canary object was written, read back and deleted.</summary>
    public static Verdict StoreWritable(CanaryRoundTrip c) => Verdict.From(
        $"the store accepts a write, returns the same bytes and deletes the object ({c.Store})",
        "write ok, read back ok, delete ok",
        c.ToString(),
        new[] { ("write", c.Write), ("read back", c.Read), ("delete", c.Delete) }
            .Where(x => x.Item2 != "ok").Select(x => $"{c.Store}: {x.Item1} {x.Item2 ?? "not attempted (the write failed)"}"));

    /// <summary>INFRA-SC-4: the newest backup of each component in the backup store is in the DR store too, with the same checksum.</summary>
    public static Verdict DrCopiesMatch(IReadOnlyList<(NewestBackup Primary, NewestBackup? Dr)> pairs) => Verdict.From(
        "the newest backup of each component in services.backup_store also exists in services.dr_store with the same SHA-256",
        "for each component: the same file name in the DR store, whose bytes hash to the primary's checksum",
        string.Join("; ", pairs.Select(p => $"{p.Primary} | DR: {(p.Dr?.ToString() ?? "none")}")),
        pairs.SelectMany(p => p.Primary.Backup is not { } b ? [$"{p.Primary.Component}: no backup in the backup store to compare"]
            : p.Dr?.Backup is null ? [$"{b.Name}: missing in the DR store"]
            : p.Dr.ActualSha256 != p.Primary.ActualSha256 ? [$"{b.Name}: the DR copy hashes to {NewestBackup.Short(p.Dr.ActualSha256)}, the primary to {NewestBackup.Short(p.Primary.ActualSha256)}"]
            : Array.Empty<string>()));

    /// <summary>MON-BV-3: every component's newest backup was restored into a scratch instance and brought its data back within thresholds.rto_minutes.</summary>
    public static Verdict RestoresWithinRto(IReadOnlyList<RestoreResult> results, BackupThresholds t) => Verdict.From(
        "the newest backup of each component restores into a scratch instance and brings back what existed before the backup, within thresholds.rto_minutes",
        $"Prometheus: the series; Consul: the suite's KV canary; Grafana: every dashboard uid; each restore <= {t.RtoMinutes:0.#} min",
        string.Join("; ", results),
        results.SelectMany(r => (r.Restored ? [] : new[] { $"{r.Component}: the restore did not bring the data back ({r.Observed})" })
            .Concat(r.Took > TimeSpan.FromMinutes(t.RtoMinutes) ? [$"{r.Component}: the restore took {r.Took.TotalMinutes:F1} min, more than thresholds.rto_minutes ({t.RtoMinutes:0.#})"] : [])));

    /// <summary>GOV-SC-3: each audit source recorded the suite's action within audit.max_delay_seconds.</summary>
    public static Verdict AuditRecorded(IReadOnlyList<AuditFinding> findings, AuditSection a) => Verdict.From(
        "each audit source of the target records an action the suite performed, within audit.max_delay_seconds",
        $"each action found in its audit log within {a.MaxDelaySeconds:0.#} s",
        string.Join("; ", findings),
        findings.Where(f => f.NotSupported is null && (f.Line is null || f.Waited.TotalSeconds > a.MaxDelaySeconds)).Select(f => f.Line is null
            ? $"{f.Source}: the suite's '{f.Action}' is not in the audit log after {f.Waited.TotalSeconds:F0} s (audit logging off?)"
            : $"{f.Source}: the suite's '{f.Action}' took {f.Waited.TotalSeconds:F0} s to appear, more than audit.max_delay_seconds ({a.MaxDelaySeconds:0.#})"))
        with { IsTerminal = findings.Any(f => f.Waited.TotalSeconds > a.MaxDelaySeconds) };

    /// <summary>GOV-SC-4: the training-data volume holds nothing older than retention.training_data_max_age_days.</summary>
    public static Verdict TrainingDataWithinRetention(IReadOnlyList<(string Path, DateTimeOffset Modified)> files, RetentionSection r, DateTimeOffset now)
    {
        var old = files.Where(f => now - f.Modified > TimeSpan.FromDays(r.TrainingDataMaxAgeDays)).ToList();
        return Verdict.From(
            "policy 'training data': no training artifact or dataset in retention.training_data_path is older than retention.training_data_max_age_days",
            $"every file <= {r.TrainingDataMaxAgeDays:0.#} d old",
            $"{files.Count} file(s) in {r.TrainingDataPath}{(files.Count > 0 ? $", oldest {Ago(now - files.Min(f => f.Modified))} old" : "")}",
            old.Select(f => $"{f.Path} is {Ago(now - f.Modified)} old, older than {r.TrainingDataMaxAgeDays:0.#} d (not deleted)"));
    }

    /// <summary>GOV-SC-4: no Pushgateway group is older than retention.pushgateway_group_max_age_hours.</summary>
    public static Verdict PushgatewayGroupsExpire(IReadOnlyList<Pushgateway.HeldGroup> groups, RetentionSection r, DateTimeOffset now)
    {
        var max = TimeSpan.FromHours(r.PushgatewayGroupMaxAgeHours);
        return Verdict.From(
            "policy 'Pushgateway groups': no group of a finished job is kept longer than retention.pushgateway_group_max_age_hours",
            $"every group pushed within the last {r.PushgatewayGroupMaxAgeHours:0.#} h",
            string.Join("; ", groups),
            groups.Where(g => g.PushedAt is { } t && now - t > max).Select(g => $"group {g.Group} was last pushed {Ago(now - g.PushedAt!.Value)} ago and is still kept"));
    }

    /// <summary>The timings of the drill as a table (attached to the report).</summary>
    public static string TimingTable(IReadOnlyList<RestoreResult> results, BackupThresholds t) =>
        "component\trestore_seconds\trto_seconds\trestored\n" + string.Concat(results.Select(r =>
            string.Create(CultureInfo.InvariantCulture, $"{r.Component}\t{r.Took.TotalSeconds:F2}\t{t.RtoMinutes * 60:F0}\t{r.Restored}\n")));
}

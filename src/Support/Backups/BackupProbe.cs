using System.Globalization;
using System.Text.Json;
using Acceptance.Support.Evidence;
using Acceptance.Support.Http;
using Acceptance.Support.Nomad;
using Acceptance.Support.Outcomes;
using Acceptance.Support.Prometheus;

namespace Acceptance.Support.Backups;

/// <summary>One run (child job) of a periodic job: <c>&lt;id&gt;/periodic-&lt;unix&gt;</c>, with its allocations' outcome from the job summary.</summary>
public sealed record PeriodicRun(string Id, DateTimeOffset Launched, string Status, int Complete, int Failed, int Running, int Pending)
{
    /// <summary>Finished: dead with an allocation complete or failed.</summary>
    public bool Finished => Status == "dead" && Complete + Failed > 0;

    /// <summary>Finished and every allocation completed.</summary>
    public bool Succeeded => Finished && Failed == 0;

    /// <inheritdoc />
    public override string ToString() =>
        $"{Id} launched {Launched.UtcDateTime:HH:mm:ss} UTC: {Status}{(Finished ? (Succeeded ? ", succeeded" : $", FAILED ({Failed} failed allocation(s))") : "")}";
}

/// <summary>A periodic job as Nomad reports it, its runs newest first, and the success metric of its component.</summary>
public sealed record PeriodicJobFacts(ExpectedBackupJob Expected, bool Registered, bool Periodic, string? Spec, bool Enabled, bool ProhibitOverlap,
    bool Stopped, IReadOnlyList<PeriodicRun> Runs, DateTimeOffset? LastSuccessMetric)
{
    /// <inheritdoc />
    public override string ToString() => !Registered ? $"{Expected.JobId}: not registered"
        : $"{Expected.JobId}: {(Periodic ? $"periodic '{Spec}'{(Enabled ? "" : " (disabled)")}{(ProhibitOverlap ? ", prohibit_overlap" : "")}" : "NOT periodic")}{(Stopped ? ", stopped" : "")}, " +
          $"{Runs.Count} run(s){(Runs.Count > 0 ? $", newest {Runs[0]}" : "")}; metric {(LastSuccessMetric is { } m ? m.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture) + " UTC" : "absent")}";
}

/// <summary>Reads the backup jobs (Nomad), their runs, and the success metric (Prometheus). One attempt per call.</summary>
public sealed class BackupProbe(NomadClient nomad, PrometheusClient? prometheus, EvidenceLog evidence)
{
    /// <summary>Facts of every expected job.</summary>
    public async Task<IReadOnlyList<PeriodicJobFacts>> JobsAsync(IReadOnlyList<ExpectedBackupJob> expected, string metric, CancellationToken ct = default)
    {
        var metrics = prometheus is null ? new Dictionary<string, DateTimeOffset>() : await SuccessMetricsAsync(metric, ct);
        var list = new List<PeriodicJobFacts>();
        foreach (var e in expected) list.Add(await JobAsync(e, metrics.TryGetValue(e.Component, out var m) ? m : null, ct));
        evidence.Note("backup jobs: " + string.Join("; ", list));
        return list;
    }

    private async Task<PeriodicJobFacts> JobAsync(ExpectedBackupJob e, DateTimeOffset? metric, CancellationToken ct)
    {
        var job = await nomad.GetInNamespaceAsync($"v1/job/{Uri.EscapeDataString(e.JobId)}", ct);
        if (job.StatusCode == 404) return new(e, false, false, null, false, false, false, [], metric);
        if (!job.IsSuccess) throw ServiceResponseException.For(job);
        var (periodic, spec, enabled, overlap, stopped) = ParsePeriodic(job.Json());
        return new(e, true, periodic, spec, enabled, overlap, stopped, await RunsAsync(e.JobId, ct), metric);
    }

    /// <summary>The periodic block of a job as GET /v1/job/:id returns it.</summary>
    public static (bool Periodic, string? Spec, bool Enabled, bool ProhibitOverlap, bool Stopped) ParsePeriodic(JsonElement j)
    {
        var periodic = j.TryGetProperty("Periodic", out var p) && p.ValueKind == JsonValueKind.Object;
        var spec = periodic && p.TryGetProperty("Spec", out var s) ? s.GetString() : null;
        var enabled = periodic && (!p.TryGetProperty("Enabled", out var en) || en.ValueKind != JsonValueKind.False);
        var overlap = periodic && p.TryGetProperty("ProhibitOverlap", out var po) && po.ValueKind == JsonValueKind.True;
        var stopped = j.TryGetProperty("Stop", out var st) && st.ValueKind == JsonValueKind.True;
        return (periodic, spec, enabled, overlap, stopped);
    }

    /// <summary>The periodic children of <paramref name="jobId"/>, newest first (/v1/jobs?prefix=ID/periodic-).</summary>
    public async Task<IReadOnlyList<PeriodicRun>> RunsAsync(string jobId, CancellationToken ct = default)
    {
        var x = await nomad.GetInNamespaceAsync($"v1/jobs?prefix={Uri.EscapeDataString(jobId + "/periodic-")}", ct);
        if (!x.IsSuccess) throw ServiceResponseException.For(x);
        return ParseRuns(x.Body, jobId);
    }

    /// <summary>Children of a /v1/jobs answer, newest first.</summary>
    public static IReadOnlyList<PeriodicRun> ParseRuns(string body, string parentId)
    {
        using var doc = JsonDocument.Parse(body);
        var runs = new List<PeriodicRun>();
        foreach (var j in doc.RootElement.EnumerateArray())
        {
            var id = j.GetProperty("ID").GetString() ?? "";
            if (!id.StartsWith(parentId + "/periodic-", StringComparison.Ordinal)) continue;
            // When it was launched: the job's SubmitTime (ns), as Nomad records it; the id's suffix only when the answer has
            // none (a same-second forced launch may carry a suffix that is no time: the stand-in's "...0" read as year 2539).
            var unix = j.TryGetProperty("SubmitTime", out var st) && st.TryGetInt64(out var ns) && ns > 0 ? ns / 1_000_000_000
                : long.TryParse(new string(id[(parentId.Length + "/periodic-".Length)..].TakeWhile(char.IsDigit).ToArray()), out var u) ? u : 0;
            int complete = 0, failed = 0, running = 0, pending = 0;
            if (j.TryGetProperty("JobSummary", out var js) && js.TryGetProperty("Summary", out var groups) && groups.ValueKind == JsonValueKind.Object)
                foreach (var g in groups.EnumerateObject())
                {
                    complete += Int(g.Value, "Complete"); failed += Int(g.Value, "Failed") + Int(g.Value, "Lost");
                    running += Int(g.Value, "Running"); pending += Int(g.Value, "Starting") + Int(g.Value, "Queued");
                }
            runs.Add(new PeriodicRun(id, DateTimeOffset.FromUnixTimeSeconds(unix), j.GetProperty("Status").GetString() ?? "", complete, failed, running, pending));
        }
        return runs.OrderByDescending(r => r.Launched).ThenByDescending(r => r.Id, StringComparer.Ordinal).ToList();
    }

    private static int Int(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.TryGetInt32(out var i) ? i : 0;

    /// <summary>max by (component) of the success metric, as Prometheus has it.</summary>
    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> SuccessMetricsAsync(string metric, CancellationToken ct = default)
    {
        var samples = await prometheus!.QueryAsync($"max by (component) ({metric})", ct);
        return samples.Where(s => s.Labels.ContainsKey("component"))
            .ToDictionary(s => s.Labels["component"], s => DateTimeOffset.FromUnixTimeMilliseconds((long)(s.Value * 1000)));
    }

    /// <summary>Forces one run of a periodic job; returns the child's id.</summary>
    public async Task<string> ForceAsync(string jobId, CancellationToken ct = default)
    {
        var before = (await RunsAsync(jobId, ct)).Select(r => r.Id).ToHashSet();
        var x = await nomad.SendAsync(HttpMethod.Post, $"v1/job/{Uri.EscapeDataString(jobId)}/periodic/force", null, ct);
        if (!x.IsSuccess) throw ServiceResponseException.For(x);
        var after = await RunsAsync(jobId, ct);
        return after.FirstOrDefault(r => !before.Contains(r.Id))?.Id
            ?? throw new EnvironmentProblemException($"Nomad: forcing {jobId} answered {x.StatusCode} but no new periodic child appeared");
    }

    /// <summary>The run <paramref name="childId"/> of <paramref name="jobId"/> (null while Nomad does not list it).</summary>
    public async Task<PeriodicRun?> RunAsync(string jobId, string childId, CancellationToken ct = default) =>
        (await RunsAsync(jobId, ct)).FirstOrDefault(r => r.Id == childId);
}

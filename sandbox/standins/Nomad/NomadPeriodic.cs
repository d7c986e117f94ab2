using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using StandIns.Core;

namespace StandIns.Nomad;

/// <summary>
/// Periodic jobs as Nomad's periodic dispatcher runs them: every registered, enabled periodic job is launched when its
/// cron spec (5 fields, UTC) matches the current minute, as a child job <c>&lt;id&gt;/periodic-&lt;unix&gt;</c>; with
/// prohibit_overlap a launch is skipped while a child of the job is still pending or running. Forced launches
/// (/v1/job/:id/periodic/force) make the same children.
/// Also GET /v1/operator/snapshot: a snapshot in the stand-in's OWN format (JSON of the registered job specs, labelled
/// as such), which is not a raft snapshot: it is what the sandbox's backup job stores for Nomad.
/// </summary>
public sealed partial class NomadService
{
    private readonly Dictionary<string, long> _lastPeriodicMinute = new(StringComparer.Ordinal);

    /// <summary>The format label of the stand-in's snapshot.</summary>
    public const string SnapshotFormat = "nomad-standin-snapshot/1 (sandbox stand-in format: the registered job specs as JSON, not a raft snapshot)";

    private async Task PeriodicLoop()
    {
        while (!_shutdown.IsCancellationRequested)
        {
            try { await Task.Delay(1000, _shutdown.Token); } catch (OperationCanceledException) { return; }
            // sandbox fault backup.stale: the periodic dispatcher launches nothing (as if the jobs were stopped)
            if (NoLeader || _s.Fault("backup.stale")) continue;
            var now = DateTimeOffset.UtcNow;
            var minute = now.ToUnixTimeSeconds() / 60;
            List<JobRecord> due;
            lock (_lock)
            {
                // a job registered in this minute launches at its next cron time, as Nomad's periodic dispatcher does
                foreach (var j in _jobs.Values.Where(j => j.IsPeriodic && !_lastPeriodicMinute.ContainsKey(j.ID))) _lastPeriodicMinute[j.ID] = minute;
                due = _jobs.Values.Where(j => j.IsPeriodic && !j.Stop && j.Spec["Periodic"]!["Enabled"].Bool(true)
                        && _lastPeriodicMinute.GetValueOrDefault(j.ID) != minute
                        && Cron.Matches(j.Spec["Periodic"]!["Spec"]?.ToString() ?? "", now))
                    .ToList();
                foreach (var j in due) _lastPeriodicMinute[j.ID] = minute;
            }
            foreach (var j in due)
            {
                if (j.Spec["Periodic"]!["ProhibitOverlap"].Bool() && ChildActive(j.ID))
                {
                    Console.Error.WriteLine($"{now:O} periodic {j.ID}: skipped, prohibit_overlap and a child is still running");
                    continue;
                }
                LaunchPeriodic(j);
            }
        }
    }

    private bool ChildActive(string parentId)
    {
        lock (_lock) return _jobs.Values.Any(c => c.ParentID == parentId && JobStatus(c) is "pending" or "running");
    }

    private (JobRecord, Evaluation) LaunchPeriodic(JobRecord parent)
    {
        var child = parent.Spec.DeepClone().AsObject();
        var childId = $"{parent.ID}/periodic-{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}";
        lock (_lock) while (_jobs.ContainsKey(childId)) childId += "0";
        child["ID"] = childId;
        child["Name"] = childId;
        child["ParentID"] = parent.ID;
        child["Periodic"] = null;
        child["Version"] = 0;
        var (rec, eval) = Upsert(child, "periodic-job", null);
        return (rec, eval!);
    }

    private async Task OperatorSnapshot(HttpContext ctx)
    {
        RequireLeader();
        JsonArray jobs;
        lock (_lock) jobs = new JsonArray(_jobs.Values.Where(j => j.ParentID == "").Select(j => (JsonNode)j.Spec.DeepClone()).ToArray());
        await Http.Json(ctx, new JsonObject
        {
            ["Format"] = SnapshotFormat, ["Index"] = Interlocked.Read(ref _index), ["Taken"] = Http.Rfc3339(DateTimeOffset.UtcNow), ["Jobs"] = jobs,
        });
    }
}

/// <summary>Standard 5-field cron (minute hour day-of-month month day-of-week): *, n, a-b, lists, /step; evaluated in UTC.</summary>
public static class Cron
{
    public static bool Matches(string spec, DateTimeOffset t)
    {
        var f = spec.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length != 5) return false;
        return Field(f[0], t.Minute, 0, 59) && Field(f[1], t.Hour, 0, 23) && Field(f[2], t.Day, 1, 31)
            && Field(f[3], t.Month, 1, 12) && Field(f[4], (int)t.DayOfWeek, 0, 6);
    }

    private static bool Field(string field, int value, int min, int max)
    {
        foreach (var part in field.Split(','))
        {
            var step = 1;
            var range = part;
            if (part.Split('/') is [var r, var s]) { range = r; if (!int.TryParse(s, out step) || step < 1) return false; }
            int lo, hi;
            if (range == "*") { lo = min; hi = max; }
            else if (range.Split('-') is [var a, var b] && int.TryParse(a, out lo) && int.TryParse(b, out hi)) { }
            else if (int.TryParse(range, out lo)) hi = part.Contains('/') ? max : lo;
            else return false;
            if (value >= lo && value <= hi && (value - lo) % step == 0) return true;
        }
        return false;
    }
}

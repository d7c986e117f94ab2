using System.Globalization;
using System.Text.Json;
using Acceptance.Support.Checks;
using Acceptance.Support.Configuration;
using Acceptance.Support.Http;
using Acceptance.Support.Nomad;

namespace Acceptance.Support.Tls;

/// <summary>One run of a periodic job (a child job "name/periodic-..."): when it was submitted and how its allocations ended.</summary>
public sealed record PeriodicRun(string Id, DateTimeOffset Submitted, string Status, int Complete, int Failed, int Running)
{
    /// <summary>Finished with every allocation complete.</summary>
    public bool Succeeded => Status == "dead" && Complete > 0 && Failed == 0;

    /// <inheritdoc />
    public override string ToString() =>
        $"{Id} submitted {Submitted.UtcDateTime:yyyy-MM-dd HH:mm} UTC, {Status} (complete {Complete}, failed {Failed}, running {Running})";
}

/// <summary>The certificate-renewal job as Nomad knows it (null fields: absent).</summary>
public sealed record RenewalJob(string Name, bool Exists, bool Periodic, bool Enabled, string? Schedule, bool Stopped, IReadOnlyList<PeriodicRun> Runs)
{
    /// <summary>The most recent finished run, if any.</summary>
    public PeriodicRun? LastFinished => Runs.Where(r => r.Status == "dead").MaxBy(r => r.Submitted);

    /// <inheritdoc />
    public override string ToString() => !Exists ? $"job {Name}: not registered"
        : $"job {Name}: {(Periodic ? $"periodic '{Schedule}'" : "not periodic")}, {(Enabled ? "enabled" : "disabled")}{(Stopped ? ", stopped" : "")}, {Runs.Count} run(s)" +
          (LastFinished is { } last ? $"; last finished: {last}" : "");
}

/// <summary>Reads the renewal job (tls.renewal_job) and its runs from Nomad: the job, then its periodic children with their summaries.</summary>
public sealed class RenewalProbe(NomadClient nomad)
{
    /// <summary>The job and its runs.</summary>
    public async Task<RenewalJob> JobAsync(string name, CancellationToken ct = default)
    {
        var job = await nomad.GetInNamespaceAsync($"/v1/job/{Uri.EscapeDataString(name)}", ct);
        if (job.StatusCode == 404) return new RenewalJob(name, false, false, false, null, false, []);
        if (!job.IsSuccess) throw ServiceResponseException.For(job);
        var spec = job.Json();
        var periodic = spec.TryGetProperty("Periodic", out var p) && p.ValueKind == JsonValueKind.Object;
        var enabled = periodic && (!p.TryGetProperty("Enabled", out var en) || en.ValueKind != JsonValueKind.False);
        var schedule = periodic ? Schedule(p) : null;
        var stopped = spec.TryGetProperty("Stop", out var st) && st.ValueKind == JsonValueKind.True;
        var list = await nomad.GetInNamespaceAsync($"/v1/jobs?prefix={Uri.EscapeDataString(name + "/periodic-")}", ct);
        if (!list.IsSuccess) throw ServiceResponseException.For(list);
        return new RenewalJob(name, true, periodic, enabled, schedule, stopped, Runs(list.Body));
    }

    /// <summary>The runs in a /v1/jobs answer (children of the periodic job).</summary>
    public static IReadOnlyList<PeriodicRun> Runs(string jobsJson)
    {
        using var doc = JsonDocument.Parse(jobsJson);
        return doc.RootElement.EnumerateArray().Select(j =>
        {
            int complete = 0, failed = 0, running = 0;
            if (j.TryGetProperty("JobSummary", out var s) && s.TryGetProperty("Summary", out var groups) && groups.ValueKind == JsonValueKind.Object)
                foreach (var g in groups.EnumerateObject())
                {
                    complete += Int(g.Value, "Complete");
                    failed += Int(g.Value, "Failed") + Int(g.Value, "Lost");
                    running += Int(g.Value, "Running") + Int(g.Value, "Starting");
                }
            var submitted = j.TryGetProperty("SubmitTime", out var t) && t.TryGetInt64(out var ns) ? DateTimeOffset.FromUnixTimeMilliseconds(ns / 1_000_000) : DateTimeOffset.MinValue;
            return new PeriodicRun(j.GetProperty("ID").GetString() ?? "", submitted, j.TryGetProperty("Status", out var x) ? x.GetString() ?? "" : "", complete, failed, running);
        }).ToList();
    }

    private static string Schedule(JsonElement periodic)
    {
        if (periodic.TryGetProperty("Spec", out var spec) && spec.ValueKind == JsonValueKind.String && spec.GetString() is { Length: > 0 } s) return s;
        if (periodic.TryGetProperty("Specs", out var specs) && specs.ValueKind == JsonValueKind.Array) return string.Join(" | ", specs.EnumerateArray().Select(e => e.GetString()));
        return "";
    }

    private static int Int(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.TryGetInt32(out var i) ? i : 0;
}

/// <summary>SEC-TSC-2 and SEC-TSC-4 rules.</summary>
public static class RenewalRules
{
    /// <summary>The renewal job exists, is periodic, enabled and not stopped, and its last finished run succeeded.</summary>
    public static Verdict RenewalJobHealthy(RenewalJob job) => Verdict.From(
        "certificate renewal is automated: the Nomad periodic job tls.renewal_job exists, is enabled, and its last run succeeded",
        $"job {job.Name} registered, periodic and enabled, not stopped, last finished run complete with no failed allocation",
        job.ToString() + (job.Runs.Count > 0 ? $"; runs: {string.Join("; ", job.Runs.OrderByDescending(r => r.Submitted).Take(5))}" : ""),
        !job.Exists ? [$"renewal job {job.Name} is not registered in Nomad"]
            : new[]
            {
                job.Periodic ? null : $"renewal job {job.Name} is not periodic: nothing renews the certificates on a schedule",
                job.Periodic && !job.Enabled ? $"renewal job {job.Name}'s schedule is disabled" : null,
                job.Stopped ? $"renewal job {job.Name} is stopped" : null,
                job.LastFinished is null ? $"renewal job {job.Name} has never finished a run" : null,
                job.LastFinished is { Succeeded: false } last ? $"the last run of renewal job {job.Name} failed: {last}" : null,
            }.OfType<string>());

    /// <summary>Without a renewal job: every certificate is younger than tls.renewal_interval_days (weaker evidence, said so).</summary>
    public static Verdict CertificatesYoungerThanInterval(IReadOnlyList<ServiceCertificate> certificates, int intervalDays, DateTimeOffset now) => Verdict.From(
        "certificates are renewed on schedule: every certificate is younger than tls.renewal_interval_days (evidence by age only: the target names no tls.renewal_job)",
        $"every certificate issued less than {intervalDays} days ago",
        string.Join("; ", certificates.Select(c => $"{c.Service}: issued {c.Handshake.NotBefore.UtcDateTime:yyyy-MM-dd}, {Math.Floor((now - c.Handshake.NotBefore).TotalDays).ToString(CultureInfo.InvariantCulture)} days ago")),
        certificates.Count == 0 ? ["no TLS endpoint: no certificate to judge"]
            : certificates.Where(c => (now - c.Handshake.NotBefore).TotalDays > intervalDays)
                .Select(c => $"{c.Service}: {c.Handshake.Subject} was issued {Math.Floor((now - c.Handshake.NotBefore).TotalDays).ToString(CultureInfo.InvariantCulture)} days ago, more than tls.renewal_interval_days ({intervalDays}): not renewed on schedule"));

    /// <summary>No CA private key at any of tls.ca_key_paths on the service node (the automated half of SEC-TSC-4).</summary>
    public static Verdict NoCaKeyOnServiceNodes(string origin, IReadOnlyList<string> patterns, IReadOnlyList<string> found) => Verdict.From(
        "the CA private key is not on any service node (SEC-TSC-4, automated half: the CA backup is attested separately)",
        $"no file at [{string.Join(", ", patterns)}] on {origin}",
        found.Count == 0 ? $"{origin}: none of the paths holds a file" : $"{origin}: found {string.Join(", ", found)}",
        found.Select(f => $"CA private key found on a service node: {origin}{f}"));
}

using System.Globalization;
using Acceptance.Support.Consul;
using Acceptance.Support.Evidence;
using Acceptance.Support.Http;

namespace Acceptance.Support.Backups;

/// <summary>
/// What a killed restore drill can leave behind, removed by the janitor once older than the grace period: scratch folders
/// (acceptance-restore-*, in the temp folder of the machine running the suite) and the processes running in them, and the
/// Consul KV canaries (acceptance/backup-canary-*, whose value starts with the unix time they were written).
/// </summary>
public static class DrillLeftovers
{
    /// <summary>The KV prefix of the drill's canaries.</summary>
    public const string CanaryPrefix = "acceptance/backup-canary-";

    /// <summary>A canary value: the unix time, then random hex.</summary>
    public static string NewCanaryValue(DateTimeOffset now) => $"{now.ToUnixTimeSeconds()}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8))}";

    /// <summary>Removes scratch folders (and their processes) and KV canaries older than <paramref name="grace"/>; returns what it removed.</summary>
    public static async Task<IReadOnlyList<string>> RemoveAsync(Configuration.TargetEnvironment target, TimeSpan grace, EvidenceLog evidence, CancellationToken ct = default)
    {
        var removed = new List<string>();
        var now = DateTimeOffset.UtcNow;
        foreach (var dir in Directory.EnumerateDirectories(Path.GetTempPath(), "acceptance-restore-*"))
        {
            if (now - Directory.GetLastWriteTimeUtc(dir) <= grace) continue;
            foreach (var pid in ProcessesIn(dir))
                try { System.Diagnostics.Process.GetProcessById(pid).Kill(entireProcessTree: true); removed.Add($"scratch process {pid} in {dir}"); }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception) { }
            Directory.Delete(dir, recursive: true);
            removed.Add($"scratch folder {dir}");
        }
        if (target.Service("consul") is null) return removed;
        using var consul = new ConsulClient(target, evidence);
        var keys = await consul.Http.SendAsync(HttpMethod.Get, $"v1/kv/{CanaryPrefix}?keys", ct: ct);
        if (keys.StatusCode == 404) return removed;
        if (!keys.IsSuccess) throw ServiceResponseException.For(keys);
        foreach (var key in keys.Json().EnumerateArray().Select(k => k.GetString() ?? ""))
        {
            var value = await consul.Http.SendAsync(HttpMethod.Get, $"v1/kv/{key}?raw", ct: ct);
            var written = long.TryParse(value.Body.Split('-')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var unix) ? DateTimeOffset.FromUnixTimeSeconds(unix) : (DateTimeOffset?)null;
            if (written is { } w && now - w <= grace) continue;
            var del = await consul.Http.SendAsync(HttpMethod.Delete, $"v1/kv/{key}", ct: ct);
            if (!del.IsSuccess) throw ServiceResponseException.For(del);
            removed.Add($"Consul KV canary {key}");
        }
        return removed;
    }

    private static IEnumerable<int> ProcessesIn(string dir)
    {
        foreach (var p in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(p), out var pid)) continue;
            string cmd;
            try { cmd = File.ReadAllText(Path.Combine(p, "cmdline")); } catch (IOException) { continue; } catch (UnauthorizedAccessException) { continue; }
            if (cmd.Contains(dir, StringComparison.Ordinal)) yield return pid;
        }
    }
}

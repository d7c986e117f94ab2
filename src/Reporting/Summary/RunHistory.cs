using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Acceptance.Reporting.Summary;

/// <summary>One item of the target's fingerprint: a service version, a leader, an image digest, a certificate, ...</summary>
public sealed record FingerprintItem(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("value")] string Value);

/// <summary>
/// The target's fingerprint as the suite run writes it to $REPORTS/fingerprint.json:
/// {"target", "collected", "items": [{"kind", "name", "value"}]}.
/// </summary>
public sealed record Fingerprint(
    [property: JsonPropertyName("target")] string Target,
    [property: JsonPropertyName("collected")] string Collected,
    [property: JsonPropertyName("items")] IReadOnlyList<FingerprintItem> Items)
{
    /// <summary>The file's name in the reports folder.</summary>
    public const string FileName = "fingerprint.json";

    /// <summary>Reads the fingerprint; null when the file is absent. A file that cannot be read is an error naming it.</summary>
    /// <exception cref="InvalidDataException">The file is not a fingerprint.</exception>
    public static Fingerprint? Load(string file)
    {
        if (!File.Exists(file)) return null;
        try
        {
            var f = JsonSerializer.Deserialize<Fingerprint>(File.ReadAllText(file), RunHistory.Json);
            return f is { Items: not null } ? f with { Items = f.Items.Where(i => i is { Kind: not null, Name: not null }).ToList() }
                : throw new InvalidDataException($"{file}: not a fingerprint (no items)");
        }
        catch (JsonException e) { throw new InvalidDataException($"{file}: not a fingerprint: {e.Message}"); }
    }
}

/// <summary>A run as kept in $REPORTS/history/runs/&lt;run-id&gt;.json, for comparing the next run of the same target with it.</summary>
public sealed record RunRecord
{
    [JsonPropertyName("run_id")] public string RunId { get; init; } = "";
    [JsonPropertyName("target")] public string Target { get; init; } = "";
    [JsonPropertyName("environment")] public string Environment { get; init; } = "";
    [JsonPropertyName("finished")] public string Finished { get; init; } = "";
    [JsonPropertyName("signoff")] public string SignOff { get; init; } = "";

    /// <summary>Status word per checklist line (verified, attested, waived, not verified, failed, broken).</summary>
    [JsonPropertyName("lines")] public IReadOnlyDictionary<string, string> Lines { get; init; } = new Dictionary<string, string>();

    [JsonPropertyName("fingerprint")] public Fingerprint? Fingerprint { get; init; }

    /// <summary>When the run finished (DateTimeOffset.MinValue when unreadable).</summary>
    [JsonIgnore]
    public DateTimeOffset FinishedAt => RunMetadata.Time(Finished) ?? DateTimeOffset.MinValue;
}

/// <summary>A checklist line whose status changed since the previous run.</summary>
public sealed record LineChange(string Id, string Before, string After);

/// <summary>A fingerprint item that changed (both values), appeared (no Before) or went away (no After).</summary>
public sealed record FingerprintChange(string Kind, string Name, string? Before, string? After)
{
    /// <summary>changed, added or removed.</summary>
    public string Change => Before is null ? "added" : After is null ? "removed" : "changed";
}

/// <summary>What changed on a target since its previous run: line statuses and the fingerprint.</summary>
public sealed record Drift(RunRecord? Previous, IReadOnlyList<LineChange> Lines, IReadOnlyList<FingerprintChange> Fingerprint, string? FingerprintNote)
{
    /// <summary>
    /// One sentence for the banner: "drift since run X at T: 3 lines changed, 1 image digest changed",
    /// "no drift since run X at T", or "no earlier run of target T to compare with".
    /// </summary>
    public string Summary(string target)
    {
        if (Previous is null) return $"no earlier run of {target} to compare with";
        var since = $"since run {Previous.RunId} at {(Previous.FinishedAt == DateTimeOffset.MinValue ? Previous.Finished : RunMetadata.Utc(Previous.FinishedAt))}";
        var parts = new List<string>();
        if (Lines.Count > 0) parts.Add(Lines.Count == 1 ? "1 line changed status" : $"{Lines.Count} lines changed status");
        parts.AddRange(Fingerprint.GroupBy(c => (c.Kind, c.Change)).OrderBy(g => g.Key.Kind, StringComparer.Ordinal).ThenBy(g => g.Key.Change, StringComparer.Ordinal)
            .Select(g => $"{g.Count()} {KindWord(g.Key.Kind, g.Count())} {g.Key.Change}"));
        var note = FingerprintNote is null ? "" : $" ({FingerprintNote})";
        return parts.Count == 0 ? $"no drift {since}{note}" : $"drift {since}: {string.Join(", ", parts)}{note}";
    }

    /// <summary>"image digest", "config file hashes".</summary>
    public static string KindWord(string kind, int count)
    {
        var word = kind switch
        {
            "service-version" => "service version",
            "image-digest" => "image digest",
            "job-version" => "job version",
            "config-hash" => "config file hash",
            _ => kind.Replace('-', ' '),
        };
        return count == 1 ? word : word.EndsWith('h') || word.EndsWith('s') ? word + "es" : word + "s";
    }

    /// <summary>
    /// Compares a run with the previous one of the same target: lines whose status changed (a line only one of the runs
    /// has counts as changed from/to "absent") and the fingerprint items changed, added or removed (by kind and name).
    /// </summary>
    public static Drift Compare(RunRecord current, RunRecord? previous)
    {
        if (previous is null) return new(null, [], [], current.Fingerprint is null ? "no fingerprint" : null);
        var lines = current.Lines.Keys.Union(previous.Lines.Keys, StringComparer.OrdinalIgnoreCase)
            .Select(id => new LineChange(id, previous.Lines.GetValueOrDefault(id) ?? "absent", current.Lines.GetValueOrDefault(id) ?? "absent"))
            .Where(c => c.Before != c.After).ToList();
        string? note = (current.Fingerprint, previous.Fingerprint) switch
        {
            (null, null) => "no fingerprint",
            (null, _) => "no fingerprint in this run",
            (_, null) => $"no fingerprint in run {previous.RunId}",
            _ => null,
        };
        var changes = new List<FingerprintChange>();
        if (note is null)
        {
            static Dictionary<(string, string), string> Index(Fingerprint f) =>
                f.Items.GroupBy(i => (i.Kind, i.Name)).ToDictionary(g => g.Key, g => string.Join(", ", g.Select(i => i.Value)));
            var before = Index(previous.Fingerprint!);
            var after = Index(current.Fingerprint!);
            foreach (var key in before.Keys.Union(after.Keys).OrderBy(k => k.Item1, StringComparer.Ordinal).ThenBy(k => k.Item2, StringComparer.Ordinal))
            {
                var b = before.GetValueOrDefault(key);
                var a = after.GetValueOrDefault(key);
                if (b != a) changes.Add(new(key.Item1, key.Item2, b, a));
            }
        }
        return new(previous, lines, changes, note);
    }
}

/// <summary>The runs kept in $REPORTS/history/runs: one JSON file per run, compared with the newest earlier one of the same target.</summary>
public static class RunHistory
{
    internal static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNameCaseInsensitive = false };

    /// <summary>history/runs under the reports folder.</summary>
    public static string Folder(string reportsDir) => Path.Combine(reportsDir, "history", "runs");

    /// <summary>Writes the run's record (history/runs/&lt;run-id&gt;.json) and returns its path.</summary>
    public static string Write(string reportsDir, RunRecord record)
    {
        var dir = Folder(reportsDir);
        Directory.CreateDirectory(dir);
        var safe = string.Concat(record.RunId.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
        var path = Path.Combine(dir, (safe.Length == 0 ? "run" : safe) + ".json");
        File.WriteAllText(path, JsonSerializer.Serialize(record, Json));
        return path;
    }

    /// <summary>
    /// The newest run of the same target that finished before <paramref name="current"/> (another run id); files that
    /// cannot be read are skipped (they are reported in <paramref name="skipped"/>).
    /// </summary>
    public static RunRecord? Previous(string reportsDir, RunRecord current, List<string>? skipped = null)
    {
        var dir = Folder(reportsDir);
        if (!Directory.Exists(dir)) return null;
        var runs = new List<RunRecord>();
        foreach (var file in Directory.EnumerateFiles(dir, "*.json"))
        {
            try
            {
                if (JsonSerializer.Deserialize<RunRecord>(File.ReadAllText(file), Json) is { } r && r.Lines is not null) runs.Add(r);
            }
            catch (Exception e) when (e is JsonException or IOException) { skipped?.Add($"{file}: {e.Message}"); }
        }
        return runs.Where(r => r.Target == current.Target && r.RunId != current.RunId && r.FinishedAt <= current.FinishedAt)
            .OrderByDescending(r => r.FinishedAt).ThenByDescending(r => r.RunId, StringComparer.Ordinal).FirstOrDefault();
    }

    /// <summary>ISO-8601 UTC ("2026-11-28T13:44:08Z").</summary>
    public static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

namespace Acceptance.Reporting.Checklist;

/// <summary>One line of the production deployment checklist, with its stable id.</summary>
public sealed record ChecklistItem(string Id, string Phase, string Section, string Group, string Text)
{
    /// <inheritdoc />
    public override string ToString() => $"{Id} ({Section} / {Group}): {Text}";
}

/// <summary>
/// The checklist's lines by stable id (checklist/checklist-items.tsv). Scenarios reference them
/// with <c>@checklist:&lt;id&gt;</c> tags.
/// </summary>
public sealed class ChecklistCatalog
{
    /// <summary>Tag prefix that links a scenario to a checklist line.</summary>
    public const string TagPrefix = "checklist:";

    private readonly Dictionary<string, ChecklistItem> _byId;

    private ChecklistCatalog(IReadOnlyList<ChecklistItem> items)
    {
        Items = items;
        _byId = items.ToDictionary(i => i.Id, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Every line, in checklist order.</summary>
    public IReadOnlyList<ChecklistItem> Items { get; }

    /// <summary>The line with this id, or null.</summary>
    public ChecklistItem? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>Checklist ids named by a set of tags (with or without the leading '@').</summary>
    public static IEnumerable<string> IdsFromTags(IEnumerable<string> tags) =>
        tags.Select(t => t.TrimStart('@'))
            .Where(t => t.StartsWith(TagPrefix, StringComparison.OrdinalIgnoreCase))
            .Select(t => t[TagPrefix.Length..]);

    /// <summary>Reads a TSV file with the header id, phase, section, group, item.</summary>
    public static ChecklistCatalog Load(string path)
    {
        var items = new List<ChecklistItem>();
        foreach (var (line, n) in File.ReadLines(path).Select((l, i) => (l, i + 1)).Skip(1))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            var f = line.Split('\t');
            if (f.Length < 5) throw new InvalidDataException($"{path}:{n}: expected 5 tab-separated fields, found {f.Length}");
            items.Add(new ChecklistItem(f[0].Trim(), f[1].Trim(), f[2].Trim(), f[3].Trim(), f[4].Trim()));
        }
        return new ChecklistCatalog(items);
    }

    private static readonly Lazy<ChecklistCatalog> LazyDefault = new(() => Load(Locate("checklist-items.tsv")));

    /// <summary>The project's checklist (found beside the assembly or in the repository's checklist/ folder).</summary>
    public static ChecklistCatalog Default => LazyDefault.Value;

    /// <summary>Finds a file of the checklist/ folder: $ACCEPTANCE_CHECKLIST_DIR, the output folder, or up the tree.</summary>
    public static string Locate(string fileName)
    {
        if (Environment.GetEnvironmentVariable("ACCEPTANCE_CHECKLIST_DIR") is { Length: > 0 } dir)
            return Path.Combine(dir, fileName);
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var candidate = Path.Combine(d.FullName, "checklist", fileName);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"checklist/{fileName} not found above {AppContext.BaseDirectory}; set ACCEPTANCE_CHECKLIST_DIR");
    }
}

namespace Acceptance.Reporting.Checklist;

/// <summary>One control of a standard and the checklist lines that evidence it.</summary>
public sealed record ComplianceControl(string Standard, string Control, string Title, IReadOnlyList<string> Lines);

/// <summary>
/// Checklist lines mapped to the controls of standards (GOV-SC-2): a TSV with the header
/// <c>standard, control, title, lines</c>, lines comma-separated (checklist/compliance-mapping.tsv). The report lists
/// each control with the status of the lines behind it.
/// </summary>
public sealed class ComplianceMapping
{
    private ComplianceMapping(string source, IReadOnlyList<ComplianceControl> controls)
    {
        Source = source;
        Controls = controls;
    }

    /// <summary>The file it was read from.</summary>
    public string Source { get; }

    /// <summary>Every control, in file order.</summary>
    public IReadOnlyList<ComplianceControl> Controls { get; }

    /// <summary>Reads the file; every malformed row (field count, unknown line id) is named with file:line in one exception.</summary>
    public static ComplianceMapping Load(string path, ChecklistCatalog catalog)
    {
        if (!File.Exists(path)) throw new InvalidDataException($"{path}: the compliance mapping does not exist");
        var controls = new List<ComplianceControl>();
        var problems = new List<string>();
        foreach (var (line, n) in File.ReadLines(path).Select((l, i) => (l, i + 1)).Skip(1))
        {
            if (string.IsNullOrWhiteSpace(line) || line.StartsWith('#')) continue;
            var f = line.Split('\t');
            if (f.Length != 4) { problems.Add($"{path}:{n}: expected 4 tab-separated fields (standard, control, title, lines), found {f.Length}"); continue; }
            var ids = f[3].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
            var unknown = ids.Where(id => catalog.Find(id) is null).ToList();
            if (ids.Count == 0) problems.Add($"{path}:{n}: field lines: names no checklist line");
            else if (unknown.Count > 0) problems.Add($"{path}:{n}: field lines: {string.Join(", ", unknown)} is not a checklist line");
            else controls.Add(new ComplianceControl(f[0].Trim(), f[1].Trim(), f[2].Trim(), ids));
        }
        if (problems.Count > 0) throw new InvalidDataException(string.Join("\n", problems));
        return new ComplianceMapping(path, controls);
    }
}

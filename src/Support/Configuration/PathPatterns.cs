namespace Acceptance.Support.Configuration;

/// <summary>
/// Paths with * or ? in the file name, as the target file allows them (rule_files, scan_reports, scan_files, …): the one place
/// that expands them, in ordinal order.
/// </summary>
public static class PathPatterns
{
    /// <summary>True when the file name of <paramref name="pattern"/> holds * or ?.</summary>
    public static bool IsPattern(string pattern) => pattern.Contains('*') || pattern.Contains('?');

    /// <summary>The files a pattern matches (none when its folder does not exist); a plain path is returned as it is.</summary>
    public static IReadOnlyList<string> Matches(string pattern)
    {
        if (!IsPattern(pattern)) return [pattern];
        var dir = Path.GetDirectoryName(pattern) is { Length: > 0 } d ? d : ".";
        return Directory.Exists(dir) ? Directory.GetFiles(dir, Path.GetFileName(pattern)).Order(StringComparer.Ordinal).ToList() : [];
    }

    /// <summary>Every pattern expanded (<see cref="Matches"/>), in the order given.</summary>
    public static IReadOnlyList<string> Expand(IEnumerable<string> patterns) => patterns.SelectMany(Matches).ToList();
}

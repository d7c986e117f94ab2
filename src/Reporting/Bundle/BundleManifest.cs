using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Acceptance.Reporting.Bundle;

/// <summary>One line of a manifest: the SHA-256 of a file of the bundle.</summary>
public sealed record ManifestEntry(string Path, string Sha256);

/// <summary>
/// The bundle's manifest, MANIFEST.sha256, in sha256sum's format ("HEX  PATH", one file a line, sorted by path), so that
/// an unpacked bundle checks with the standard tool: <c>sha256sum -c MANIFEST.sha256</c>.
/// </summary>
public static partial class BundleManifest
{
    /// <summary>The manifest's file name at the bundle's root.</summary>
    public const string FileName = "MANIFEST.sha256";

    /// <summary>The manifest's own signature (ssh-keygen -Y sign of the manifest), at the bundle's root.</summary>
    public const string SignatureFileName = FileName + ".sig";

    /// <summary>The manifest's text.</summary>
    public static string Render(IEnumerable<ManifestEntry> entries) =>
        string.Concat(entries.OrderBy(e => e.Path, StringComparer.Ordinal).Select(e => $"{e.Sha256}  {e.Path}\n"));

    /// <summary>Reads a manifest; every line that is not "HEX  PATH" is a problem naming its line.</summary>
    public static (IReadOnlyList<ManifestEntry> Entries, IReadOnlyList<string> Problems) Parse(string text)
    {
        var entries = new List<ManifestEntry>();
        var problems = new List<string>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var m = Line().Match(lines[i]);
            if (!m.Success) { problems.Add($"{FileName} line {i + 1}: not a sha256sum line (HEX  PATH): '{Trim(lines[i])}'"); continue; }
            entries.Add(new ManifestEntry(m.Groups[2].Value, m.Groups[1].Value.ToLowerInvariant()));
        }
        foreach (var twice in entries.GroupBy(e => e.Path).Where(g => g.Count() > 1))
            problems.Add($"{FileName}: {twice.Key} is listed {twice.Count()} times");
        return (entries, problems);
    }

    /// <summary>The lower-case hex SHA-256 of a stream.</summary>
    public static string Sha256(Stream stream) => Convert.ToHexStringLower(SHA256.HashData(stream));

    /// <summary>The lower-case hex SHA-256 of a file.</summary>
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Sha256(stream);
    }

    /// <summary>
    /// The version of a folder of files (the checklist's seed: items, text, compliance mapping): the SHA-256 of their
    /// manifest, with each file's own hash.
    /// </summary>
    public static (string Version, IReadOnlyDictionary<string, string> Files) FolderVersion(string folder)
    {
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => new ManifestEntry(System.IO.Path.GetRelativePath(folder, f).Replace('\\', '/'), Sha256(f)))
            .OrderBy(e => e.Path, StringComparer.Ordinal).ToList();
        var version = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Render(files))));
        return (version, files.ToDictionary(f => f.Path, f => f.Sha256));
    }

    private static string Trim(string s) => s.Length > 80 ? s[..80] + "…" : s;

    [GeneratedRegex(@"^([0-9a-fA-F]{64}) [ *](.+)$")]
    private static partial Regex Line();
}

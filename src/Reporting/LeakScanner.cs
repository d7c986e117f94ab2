using System.Text;
using Acceptance.Support.Configuration;

namespace Acceptance.Reporting;

/// <summary>A file of the evidence that holds a secret's value.</summary>
public sealed record SecretLeak(string File, string Secret)
{
    /// <inheritdoc />
    public override string ToString() => $"{File} contains the value of {Secret}";
}

/// <summary>
/// The last line of defence: reads back every file of the evidence (results, attachments,
/// checklist.md) and looks for the value, and the base64 form, of every secret the target file
/// references. Redaction happens when evidence is written; this proves it held.
/// </summary>
public static class LeakScanner
{
    /// <summary>Scans every file below <paramref name="folders"/> for the target's secrets.</summary>
    public static IReadOnlyList<SecretLeak> Scan(TargetEnvironment target, params string[] folders)
    {
        var secrets = new List<(string Name, string Value)>();
        foreach (var reference in target.SecretReferences())
        {
            if (reference.TryResolve(out _) is not { Length: >= 4 } value) continue;
            secrets.Add((reference.ToString(), value));
            secrets.Add((reference + " (base64)", Convert.ToBase64String(Encoding.UTF8.GetBytes(value))));
        }
        var leaks = new List<SecretLeak>();
        if (secrets.Count == 0) return leaks;
        var files = folders.Where(Directory.Exists)
            .SelectMany(f => Directory.EnumerateFiles(f, "*", SearchOption.AllDirectories))
            .Select(Path.GetFullPath).Distinct();
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            foreach (var (name, value) in secrets)
                if (text.Contains(value, StringComparison.Ordinal)) leaks.Add(new SecretLeak(file, name));
        }
        return leaks;
    }
}

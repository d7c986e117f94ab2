using System.Text;
using Acceptance.Support.Configuration;
using Acceptance.Support.Evidence;

namespace Acceptance.Reporting;

/// <summary>A file of the evidence that holds a secret's value.</summary>
public sealed record SecretLeak(string File, string Secret)
{
    /// <inheritdoc />
    public override string ToString() => $"{File} contains the value of {Secret}";
}

/// <summary>
/// The last line of defence: reads back every file of the evidence (results, attachments,
/// checklist.md) and looks for every secret the target file references, in every form the suite sends it
/// (as is, base64, URL-encoded, JSON-escaped, and the Basic authorization of user:password). Redaction happens when evidence is written; this proves it held.
/// </summary>
public static class LeakScanner
{
    /// <summary>Scans every file below <paramref name="folders"/> for the target's secrets.</summary>
    /// <remarks>Sealed bundles (*.tar.gz, compressed: their files were scanned before they were sealed) are left out.</remarks>
    public static IReadOnlyList<SecretLeak> Scan(TargetEnvironment target, params string[] folders) =>
        ScanFiles(target, folders.Where(Directory.Exists).SelectMany(f => Directory.EnumerateFiles(f, "*", SearchOption.AllDirectories))
            .Where(f => !f.EndsWith(".tar.gz", StringComparison.Ordinal)));

    /// <summary>Scans <paramref name="files"/> (the contents of an evidence bundle) for the target's secrets.</summary>
    public static IReadOnlyList<SecretLeak> ScanFiles(TargetEnvironment target, IEnumerable<string> files)
    {
        var secrets = new List<(string Name, string Value)>();
        foreach (var reference in target.SecretReferences())
        {
            if (reference.TryResolve(out _) is not { Length: >= 4 } value) continue;
            secrets.AddRange(SecretRegistry.Forms(value).Select((form, i) => (i == 0 ? reference.ToString() : $"{reference} (encoded)", form)));
        }
        // The Authorization: Basic form the suite itself sends.
        foreach (var endpoint in target.Services.Values.OfType<ServiceEndpoint>())
            if (endpoint.Username is { } user && endpoint.Password?.TryResolve(out _) is { } password)
                secrets.Add(($"{endpoint.Password} (Basic authorization of {user})", SecretRegistry.BasicForm(user, password)));
        var leaks = new List<SecretLeak>();
        if (secrets.Count == 0) return leaks;
        foreach (var file in files.Select(Path.GetFullPath).Distinct())
        {
            var text = File.ReadAllText(file);
            foreach (var (name, value) in secrets)
                if (text.Contains(value, StringComparison.Ordinal)) leaks.Add(new SecretLeak(file, name));
        }
        return leaks;
    }
}

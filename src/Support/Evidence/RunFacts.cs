using System.Collections.Concurrent;

namespace Acceptance.Support.Evidence;

/// <summary>
/// Facts about the run that belong in the report's environment section: target name, the version
/// every service reports, whether a component is the real product or a sandbox stand-in.
/// Probes add what they learn; the report writer prints them once at the end.
/// </summary>
public static class RunFacts
{
    private static readonly ConcurrentDictionary<string, string> Facts = new();

    /// <summary>Records a fact (the last value wins). Values are redacted.</summary>
    public static void Set(string key, string value) => Facts[key] = SecretRegistry.Redact(value);

    /// <summary>A snapshot, sorted by key.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Snapshot() =>
        Facts.OrderBy(f => f.Key, StringComparer.Ordinal).ToList();
}

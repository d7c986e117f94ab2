using System.Globalization;
using Acceptance.Support.Checks;

namespace Acceptance.Support.Documentation;

/// <summary>The automated halves of the documentation lines: documents resolve, and were updated in this change window.</summary>
public static class DocumentationRules
{
    /// <summary>DOCS-DU-*: every document of documentation.KEY resolves and its Last-Modified is after change.window_start.</summary>
    public static Verdict UpdatedInWindow(string key, IReadOnlyList<DocumentCheck> docs, DateTimeOffset? windowStart) => Verdict.From(
        $"every document of documentation.{key} resolves and was modified after change.window_start (HTTP Last-Modified)",
        $"2xx and Last-Modified after {Window(windowStart)} for each of {docs.Count} document(s)",
        string.Join("; ", docs),
        (windowStart is null ? ["change.window_start is not set: whether the documents were updated for this change cannot be judged"] : Array.Empty<string>())
            .Concat(docs.Where(d => !d.Resolves).Select(d => d.ToString()))
            .Concat(docs.Where(d => d.Resolves && d.LastModified is null).Select(d => $"{d.Url}: no Last-Modified header: when it was updated cannot be told"))
            .Concat(windowStart is { } w
                ? docs.Where(d => d.LastModified is { } t && t < w.AddSeconds(-1)).Select(d =>
                    $"{d.Url}: not updated for this change: last modified {d.LastModified!.Value.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC, before the change window opened")
                : []));

    /// <summary>NEXT-DOCS-1: every runbook the target lists resolves.</summary>
    public static Verdict RunbooksExist(IReadOnlyList<DocumentCheck> docs) => Verdict.From(
        "every runbook of documentation.runbooks resolves",
        $"2xx for each of {docs.Count} runbook(s)",
        string.Join("; ", docs),
        docs.Where(d => !d.Resolves).Select(d => d.ToString()));

    private static string Window(DateTimeOffset? w) =>
        w is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC (change.window_start)" : "change.window_start (not set)";
}

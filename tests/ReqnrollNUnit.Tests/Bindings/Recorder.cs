using System.Collections.Concurrent;
using System.Text.Json;

namespace Acceptance.ReqnrollNUnit.Tests.Bindings;

/// <summary>One thing a binding or hook observed.</summary>
public sealed record Entry(long Seq, string Kind, string Feature, string Scenario, string Detail, int Thread, long Ticks);

/// <summary>Thread-safe log of what the bindings ran, written to a file by the nested run (Program.Main).</summary>
public static class Recorder
{
    private static readonly ConcurrentQueue<Entry> Entries = new();
    private static long _seq;

    /// <summary>True in a nested run (enables the cross-feature rendezvous).</summary>
    public static bool Enabled { get; set; }

    public static void Add(string kind, string feature = "", string scenario = "", string detail = "") =>
        Entries.Enqueue(new Entry(Interlocked.Increment(ref _seq), kind, feature, scenario, detail,
            Environment.CurrentManagedThreadId, DateTime.UtcNow.Ticks));

    public static IEnumerable<string> Lines() => Entries.OrderBy(e => e.Seq).Select(e => JsonSerializer.Serialize(e));

    public static List<Entry> Parse(IEnumerable<string> lines) =>
        lines.Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<Entry>(l)!).OrderBy(e => e.Seq).ToList();
}

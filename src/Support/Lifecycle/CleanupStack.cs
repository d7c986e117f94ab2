using Acceptance.Support.Evidence;

namespace Acceptance.Support.Lifecycle;

/// <summary>
/// Everything a scenario created (a pushed metric group, a submitted job, a KV key) is pushed here
/// as an <see cref="IAsyncDisposable"/> and undone LIFO when the scenario ends, pass or fail.
/// Every undo is attempted even when one fails; failures are recorded and reported together.
/// KEEP_SANDBOX=1 keeps what was created, for debugging, and says so in the evidence.
/// </summary>
public sealed class CleanupStack(EvidenceLog evidence)
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<CleanupStack, byte> Live = new();
    private readonly Stack<IAsyncDisposable> _items = new();
    private readonly object _gate = new();

    /// <summary>Registers something to undo; returns it for chaining.</summary>
    public T Push<T>(T item) where T : IAsyncDisposable
    {
        lock (_gate) _items.Push(item);
        Live.TryAdd(this, 0);
        return item;
    }

    /// <summary>
    /// Undoes what every running scenario created (the run was interrupted: SIGINT/SIGTERM), within <paramref name="deadline"/>;
    /// returns the failures. Each stack's undos are idempotent, so a scenario's own cleanup running at the same time is harmless.
    /// </summary>
    public static IReadOnlyList<string> RunAllLive(TimeSpan deadline)
    {
        var failures = new List<string>();
        var all = Task.WhenAll(Live.Keys.Select(async stack =>
        {
            try { await stack.RunAsync(); }
            catch (Exception e) { lock (failures) failures.Add(e.Message); }
        }));
        if (!all.Wait(deadline)) failures.Add($"cleanup did not finish within {deadline.TotalSeconds:F0} s");
        return failures;
    }

    /// <summary>Number of pending undos.</summary>
    public int Count { get { lock (_gate) return _items.Count; } }

    /// <summary>Undoes everything, most recent first. Throws one exception listing every failed undo.</summary>
    public async Task RunAsync()
    {
        if (Environment.GetEnvironmentVariable("KEEP_SANDBOX") == "1")
        {
            lock (_gate)
            {
                foreach (var item in _items) evidence.Note($"cleanup skipped (KEEP_SANDBOX=1): {item}");
                _items.Clear();
            }
            Live.TryRemove(this, out _);
            return;
        }
        var failures = new List<string>();
        while (true)
        {
            IAsyncDisposable item;
            lock (_gate)
            {
                if (_items.Count == 0) break;
                item = _items.Pop();
            }
            try
            {
                await item.DisposeAsync();
                evidence.Note($"cleanup: {item}: done");
            }
            catch (Exception e)
            {
                failures.Add($"{item}: {e.Message}");
                evidence.Note($"cleanup: {item}: FAILED: {e.Message}");
            }
        }
        Live.TryRemove(this, out _);
        if (failures.Count > 0)
            throw new InvalidOperationException("Cleanup left something behind:\n  - " + string.Join("\n  - ", failures));
    }
}

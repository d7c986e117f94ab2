namespace Acceptance.StepDefinitions.Infrastructure;

/// <summary>
/// Base of the per-scenario client holders (one instance per scenario, by context injection): clients
/// are created on first use and disposed when the scenario ends.
/// </summary>
public abstract class ScenarioClients : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    /// <summary>Keeps <paramref name="item"/> to dispose at the end of the scenario.</summary>
    protected T Own<T>(T item) where T : IDisposable
    {
        _owned.Add(item);
        return item;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var d in _owned) d.Dispose();
        _owned.Clear();
        GC.SuppressFinalize(this);
    }
}

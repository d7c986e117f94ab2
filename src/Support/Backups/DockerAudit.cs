using Acceptance.Support.Docker;
using Docker.DotNet.Models;

namespace Acceptance.Support.Backups;

/// <summary>
/// The Docker engine as an audit source (GOV-SC-3): the suite creates and removes a run-scoped volume, and the engine's event log
/// (GET /events with since/until, type volume) must show its creation.
/// </summary>
public static class DockerAudit
{
    /// <summary>The label every audit volume carries.</summary>
    public const string Label = "org.ml-platform.acceptance";

    /// <summary>Creates the volume <paramref name="name"/> and returns the undo that removes it (for the cleanup stack).</summary>
    public static async Task<IAsyncDisposable> CreateVolumeAsync(DockerEngineClient docker, string name, CancellationToken ct = default)
    {
        await docker.CallAsync($"create audit volume {name}", (c, t) => c.Volumes.CreateAsync(
            new VolumesCreateParameters { Name = name, Labels = new Dictionary<string, string> { [Label] = "audit" } }, t), ct);
        return new VolumeUndo(docker, name);
    }

    /// <summary>Looks for the volume's create event in the engine's events since <paramref name="since"/> (one read).</summary>
    public static async Task<AuditFinding> CreateEventAsync(DockerEngineClient docker, string name, DateTimeOffset since, CancellationToken ct = default)
    {
        var found = new List<Message>();
        var now = DateTimeOffset.UtcNow;
        await docker.CallAsync("read the engine's volume events", async (c, t) =>
        {
            await c.System.MonitorEventsAsync(new ContainerEventsParameters
            {
                Since = (since.ToUnixTimeSeconds() - 2).ToString(System.Globalization.CultureInfo.InvariantCulture),
                Until = (now.ToUnixTimeSeconds() + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                Filters = new Dictionary<string, IDictionary<string, bool>> { ["type"] = new Dictionary<string, bool> { ["volume"] = true } },
            }, new Progress<Message>(m => { lock (found) found.Add(m); }), t);
            return true;
        }, ct);
        await Task.Delay(100, ct);   // Progress<T> reports on the thread pool: let the last ones land
        Message? hit;
        lock (found) hit = found.FirstOrDefault(m => m.Action == "create" && m.Actor?.ID == name);
        return new AuditFinding($"Docker engine events ({docker.Options.Address})", $"volume create {name}",
            hit is null ? null : $"{hit.Type} {hit.Action} {hit.Actor?.ID} at {DateTimeOffset.FromUnixTimeSeconds(hit.Time ?? 0).UtcDateTime:HH:mm:ss} UTC",
            DateTimeOffset.UtcNow - since);
    }

    private sealed class VolumeUndo(DockerEngineClient docker, string name) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await docker.CallAsync($"remove audit volume {name}", async (c, t) => { await c.Volumes.RemoveAsync(name, true, t); return true; });

        public override string ToString() => $"remove Docker volume {name}";
    }
}

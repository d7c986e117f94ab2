using System.Globalization;
using System.Text.Json;

namespace Acceptance.Support.Docker;

/// <summary>The images and limits of one Nomad job's tasks.</summary>
/// <param name="JobId">The job's ID.</param>
/// <param name="Images">One per task whose Config has an image (docker, podman and other container drivers).</param>
/// <param name="Limits">One per such task, from its Resources.</param>
public sealed record NomadJobWorkloads(string JobId, IReadOnlyList<WorkloadImage> Images, IReadOnlyList<WorkloadLimits> Limits);

/// <summary>
/// Reads a Nomad job (the body of GET /v1/job/:id, or <c>nomad job inspect</c>'s {"Job": ...}) into the images its
/// container tasks run and their limits. Owners read "Nomad job J, group G, task T".
/// </summary>
public static class NomadJobImages
{
    /// <summary>Reads the job JSON.</summary>
    /// <exception cref="FormatException">Not a job (no ID and TaskGroups).</exception>
    public static NomadJobWorkloads Read(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return Read(doc.RootElement);
    }

    /// <summary>Reads a job already parsed.</summary>
    /// <exception cref="FormatException">Not a job (no ID and TaskGroups).</exception>
    public static NomadJobWorkloads Read(JsonElement job)
    {
        if (job.ValueKind == JsonValueKind.Object && job.TryGetProperty("Job", out var inner) && inner.ValueKind == JsonValueKind.Object) job = inner;
        if (job.ValueKind != JsonValueKind.Object || !job.TryGetProperty("ID", out var idElement) || idElement.ValueKind != JsonValueKind.String
            || !job.TryGetProperty("TaskGroups", out var groups) || groups.ValueKind != JsonValueKind.Array)
            throw new FormatException("not a Nomad job: an object with ID and TaskGroups is expected");
        var id = idElement.GetString()!;
        var images = new List<WorkloadImage>();
        var limits = new List<WorkloadLimits>();
        foreach (var g in groups.EnumerateArray())
        {
            var group = Str(g, "Name");
            if (!g.TryGetProperty("Tasks", out var tasks) || tasks.ValueKind != JsonValueKind.Array) continue;
            foreach (var t in tasks.EnumerateArray())
            {
                if (!t.TryGetProperty("Config", out var config) || config.ValueKind != JsonValueKind.Object
                    || !config.TryGetProperty("image", out var image) || image.ValueKind != JsonValueKind.String) continue;
                var owner = $"Nomad job {id}, group {group}, task {Str(t, "Name")}";
                images.Add(new WorkloadImage(owner, image.GetString()!));
                limits.Add(LimitsOf(owner, t.TryGetProperty("Resources", out var r) ? r : default));
            }
        }
        return new NomadJobWorkloads(id, images, limits);
    }

    /// <summary>
    /// Limits in words from a task's Resources: memory "256 MiB" (MemoryMB) with " (max 512 MiB)" when MemoryMaxMB
    /// is set; CPU "500 MHz" (CPU) or "2 cores" (Cores). Zero or absent: null.
    /// </summary>
    public static WorkloadLimits LimitsOf(string owner, JsonElement resources)
    {
        var memoryMb = Long(resources, "MemoryMB");
        var memoryMax = Long(resources, "MemoryMaxMB");
        var cpu = Long(resources, "CPU");
        var cores = Long(resources, "Cores");
        var memory = memoryMb > 0 ? Sizes.Bytes(memoryMb << 20) + (memoryMax > memoryMb ? $" (max {Sizes.Bytes(memoryMax << 20)})" : "") : null;
        var cpuText = cores > 0 ? $"{cores.ToString(CultureInfo.InvariantCulture)} cores" : cpu > 0 ? $"{cpu.ToString(CultureInfo.InvariantCulture)} MHz" : null;
        return new WorkloadLimits(owner, memory, cpuText);
    }

    private static string Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";

    private static long Long(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : 0;
}

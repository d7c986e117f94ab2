using System.Text.Json.Nodes;
using Acceptance.Support.Docker;
using Acceptance.Support.Http;
using Acceptance.Support.Nomad;
using Acceptance.Support.Outcomes;

namespace Acceptance.Support.EnvironmentVariables;

/// <summary>
/// Reads the deployed environment of the workloads the requirements name: every task of a registered Nomad job
/// (GET /v1/job/:id, TaskGroups[].Tasks[].Env) and every container of a compose service (Config.Env through the Engine API).
/// </summary>
public sealed class WorkloadEnvProbe(NomadClient? nomad, DockerEngineClient? docker, string? composeProject)
{
    /// <summary>The environments of every workload <paramref name="required"/> names (NOT VERIFIED when a kind's service is not declared).</summary>
    public async Task<IReadOnlyList<WorkloadEnvironment>> ReadAsync(IReadOnlyList<EnvRequirement> required, CancellationToken ct = default)
    {
        var list = new List<WorkloadEnvironment>();
        foreach (var job in required.Where(r => r.Kind == "job").Select(r => r.Workload).Distinct())
            list.AddRange(await JobAsync(job, ct));
        var services = required.Where(r => r.Kind == "service").Select(r => r.Workload).Distinct().ToList();
        if (services.Count > 0) list.AddRange(await ContainersAsync(services, ct));
        return list;
    }

    private async Task<IReadOnlyList<WorkloadEnvironment>> JobAsync(string id, CancellationToken ct)
    {
        if (nomad is null) throw new NotVerifiedException($"a required variable names Nomad job {id}, but the target declares no Nomad");
        var x = await nomad.GetInNamespaceAsync($"v1/job/{Uri.EscapeDataString(id)}", ct);
        if (x.StatusCode == 404) return [];
        if (!x.IsSuccess) throw ServiceResponseException.For(x);
        var list = new List<WorkloadEnvironment>();
        foreach (var g in JsonNode.Parse(x.Body)?["TaskGroups"] as JsonArray ?? [])
            foreach (var t in g?["Tasks"] as JsonArray ?? [])
            {
                var env = (t?["Env"] as JsonObject ?? []).ToDictionary(kv => kv.Key, kv => kv.Value?.ToString() ?? "");
                list.Add(new WorkloadEnvironment("job", id, $"Nomad job {id}, group {g?["Name"]}, task {t?["Name"]}", env));
            }
        return list;
    }

    private async Task<IReadOnlyList<WorkloadEnvironment>> ContainersAsync(IReadOnlyList<string> services, CancellationToken ct)
    {
        if (docker is null || composeProject is null)
            throw new NotVerifiedException("a required variable names a compose service, but the target declares no Docker engine with a compose_project");
        var list = new List<WorkloadEnvironment>();
        foreach (var c in await docker.ListProjectAsync(composeProject, ct))
        {
            var service = c.Labels is { } labels && labels.TryGetValue("com.docker.compose.service", out var s) ? s : "";
            if (!services.Contains(service)) continue;
            var inspect = await docker.InspectAsync(c.ID, ct);
            var env = (inspect.Config?.Env ?? []).Select(e => e.Split('=', 2)).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.Last().Length > 1 ? g.Last()[1] : "");
            list.Add(new WorkloadEnvironment("service", service, $"container {inspect.Name.TrimStart('/')}", env));
        }
        return list;
    }
}

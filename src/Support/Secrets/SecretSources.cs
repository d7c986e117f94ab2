using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Acceptance.Support.Configuration;
using Acceptance.Support.Consul;
using Acceptance.Support.Docker;
using Acceptance.Support.Evidence;
using Acceptance.Support.Http;
using Acceptance.Support.Nomad;

namespace Acceptance.Support.Secrets;

/// <summary>
/// Reads, for the secret scan, every place a credential can hide on the target: each registered Nomad job (task env,
/// templates, meta and driver config), the Consul KV values under configuration.consul_kv_prefixes, the environment and
/// labels of the compose project's containers, and the configuration files of configuration.scan_files. Only what the target
/// declares is read; the suite's own run-scoped jobs are skipped.
/// </summary>
public sealed class SecretSources(NomadClient? nomad, ConsulClient? consul, DockerEngineClient? docker, string? composeProject, SecretsOptions options, EvidenceLog evidence,
    Ssh.SshOptions? ssh = null)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Every source, with what was read summarised in the evidence.</summary>
    public async Task<IReadOnlyList<SecretSource>> ReadAsync(CancellationToken ct = default)
    {
        var sources = new List<SecretSource>();
        if (nomad is not null) sources.AddRange(await NomadJobsAsync(nomad, ct));
        if (consul is not null) foreach (var prefix in options.ConsulKvPrefixes) sources.AddRange(await ConsulKvAsync(consul, prefix, ct));
        if (docker is not null && composeProject is not null) sources.AddRange(await ContainersAsync(docker, composeProject, ct));
        sources.AddRange(Files(options.ScanFiles));
        if (options.ScanFilesSsh.Count > 0)
        {
            if (ssh is null) throw new Outcomes.EnvironmentProblemException("configuration.scan_files_ssh names files on the SSH host, but the target declares no services.ssh");
            var reader = new Ssh.SshFileReader(ssh, evidence);
            foreach (var (path, text) in await reader.ReadAsync(options.ScanFilesSsh, ct)) sources.Add(new SecretSource($"{reader.Origin}{path}", text));
        }
        evidence.Note($"secret scan sources: {sources.Count}: {string.Join("; ", sources.Select(s => s.Place).Take(60))}{(sources.Count > 60 ? "; …" : "")}");
        return sources;
    }

    private static async Task<IReadOnlyList<SecretSource>> NomadJobsAsync(NomadClient nomad, CancellationToken ct)
    {
        var list = new List<SecretSource>();
        var jobs = await nomad.GetInNamespaceAsync(NomadClient.Paths.Jobs, ct);
        if (!jobs.IsSuccess) throw ServiceResponseException.For(jobs);
        foreach (var j in JsonNode.Parse(jobs.Body) as JsonArray ?? [])
        {
            var id = j?["ID"]?.ToString() ?? "";
            if (id.StartsWith(SubmittedJob.IdPrefix, StringComparison.Ordinal)) continue;
            var x = await nomad.GetInNamespaceAsync($"v1/job/{Uri.EscapeDataString(id)}", ct);
            if (!x.IsSuccess) continue;
            var job = JsonNode.Parse(x.Body) as JsonObject ?? [];
            list.Add(new SecretSource($"Nomad job {id}, meta", KeyValues(job["Meta"] as JsonObject)));
            foreach (var g in job["TaskGroups"] as JsonArray ?? [])
            {
                var gn = g?["Name"]?.ToString();
                foreach (var t in g?["Tasks"] as JsonArray ?? [])
                {
                    var at = $"Nomad job {id}, group {gn}, task {t?["Name"]}";
                    list.Add(new SecretSource($"{at}, env", KeyValues(t?["Env"] as JsonObject)));
                    list.Add(new SecretSource($"{at}, meta", KeyValues(t?["Meta"] as JsonObject)));
                    list.Add(new SecretSource($"{at}, driver config", t?["Config"]?.ToJsonString(Indented) ?? ""));
                    foreach (var tmpl in t?["Templates"] as JsonArray ?? [])
                        list.Add(new SecretSource($"{at}, template {tmpl?["DestPath"]}", tmpl?["EmbeddedTmpl"]?.ToString() ?? ""));
                }
            }
        }
        return list.Where(s => s.Text.Length > 0).ToList();
    }

    private static async Task<IReadOnlyList<SecretSource>> ConsulKvAsync(ConsulClient consul, string prefix, CancellationToken ct)
    {
        var x = await consul.GetAsync($"v1/kv/{prefix.TrimStart('/')}?recurse=true", ct);
        if (x.StatusCode == 404) return [];
        if (!x.IsSuccess) throw ServiceResponseException.For(x);
        var list = new List<SecretSource>();
        foreach (var e in JsonNode.Parse(x.Body) as JsonArray ?? [])
        {
            var value = e?["Value"]?.ToString();
            if (string.IsNullOrEmpty(value)) continue;
            string text;
            try { text = Encoding.UTF8.GetString(Convert.FromBase64String(value)); }
            catch (FormatException) { continue; }
            list.Add(new SecretSource($"Consul KV {e?["Key"]}", $"{Path.GetFileName(e?["Key"]?.ToString() ?? "value")}: {text}\n{text}"));
        }
        return list;
    }

    private static async Task<IReadOnlyList<SecretSource>> ContainersAsync(DockerEngineClient docker, string project, CancellationToken ct)
    {
        var list = new List<SecretSource>();
        foreach (var c in await docker.ListProjectAsync(project, ct))
        {
            var inspect = await docker.InspectAsync(c.ID, ct);
            var name = inspect.Name.TrimStart('/');
            list.Add(new SecretSource($"container {name}, env", string.Join('\n', inspect.Config?.Env ?? [])));
            list.Add(new SecretSource($"container {name}, labels", string.Join('\n', (inspect.Config?.Labels ?? new Dictionary<string, string>()).Select(l => $"{l.Key}={l.Value}"))));
        }
        return list.Where(s => s.Text.Length > 0).ToList();
    }

    private static IEnumerable<SecretSource> Files(IReadOnlyList<string> patterns)
    {
        foreach (var p in patterns)
        {
            if (!PathPatterns.IsPattern(p) && !File.Exists(p)) throw new Outcomes.EnvironmentProblemException($"configuration.scan_files: {p} does not exist");
            foreach (var f in PathPatterns.Matches(p)) yield return new SecretSource(f, File.ReadAllText(f), 0, f);
        }
    }

    private static string KeyValues(JsonObject? o) => string.Join('\n', (o ?? []).Select(kv => $"{kv.Key}={kv.Value}"));
}

using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Acceptance.Support.Evidence;
using Acceptance.Support.Http;
using Acceptance.Support.Outcomes;

namespace Acceptance.Support.Nomad;

/// <summary>A template rendered by Nomad (/v1/jobs/parse): the job, or the parse error with its file:line.</summary>
/// <param name="Template">The template file.</param>
/// <param name="Job">The canonical job (null when it did not parse).</param>
/// <param name="Error">The parse error with input.hcl replaced by the template's path (null when it parsed).</param>
public sealed record RenderedJob(string Template, JsonObject? Job, string? Error)
{
    /// <summary>The job's ID ("" when it did not parse).</summary>
    public string Id => Job?["ID"]?.GetValue<string>() ?? "";

    /// <summary>The template's file name.</summary>
    public string Name => Path.GetFileName(Template);
}

/// <summary>What /v1/validate/job and /v1/job/:id/plan say of a rendered job.</summary>
/// <param name="Template">The template.</param>
/// <param name="JobId">The job's ID.</param>
/// <param name="ValidationErrors">Validation errors (empty: valid).</param>
/// <param name="PlacementFailures">Per task group, why the plan cannot place it ("group train: memory exhausted on 2 of 2 nodes").</param>
public sealed record JobCheck(string Template, string JobId, IReadOnlyList<string> ValidationErrors, IReadOnlyList<string> PlacementFailures);

/// <summary>A registered job compared with its rendered template.</summary>
/// <param name="JobId">The job ID.</param>
/// <param name="Registered">False when the job is not registered.</param>
/// <param name="Differences">Each field that differs, "TaskGroups[train].Tasks[trainer].Config.image: template X, registered Y".</param>
public sealed record JobDrift(string JobId, bool Registered, IReadOnlyList<string> Differences);

/// <summary>
/// The platform's job templates through Nomad's own API: rendered with the target's variables (/v1/jobs/parse with
/// Variables), validated (/v1/validate/job), planned (/v1/job/:id/plan) and compared with what is registered.
/// </summary>
public sealed partial class JobTemplates(NomadClient nomad, EvidenceLog evidence)
{
    private NomadOptions Options => nomad.Endpoint;

    /// <summary>The HCL var-file text of the target's variables (secrets resolved, registered for redaction) plus <paramref name="extra"/>.</summary>
    public string Variables(IReadOnlyDictionary<string, string>? extra = null)
    {
        var vars = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var kv in Options.JobVariables)
        {
            var i = kv.IndexOf('=');
            if (i <= 0) throw new EnvironmentProblemException($"services.nomad.job_variables: '{kv}' is not NAME=VALUE");
            vars[kv[..i].Trim()] = kv[(i + 1)..];
        }
        foreach (var (name, secret) in Options.SecretVariables) vars[name] = secret.Resolve();
        foreach (var (k, v) in extra ?? new Dictionary<string, string>()) vars[k] = v;
        var sb = new StringBuilder();
        foreach (var (k, v) in vars) sb.Append(k).Append(" = \"").Append(v.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)).Append("\"\n");
        return sb.ToString();
    }

    /// <summary>Renders <paramref name="template"/> through POST /v1/jobs/parse (Canonicalize) with the variables.</summary>
    public async Task<RenderedJob> RenderAsync(string template, IReadOnlyDictionary<string, string>? extra = null, CancellationToken ct = default)
    {
        if (!File.Exists(template)) throw new EnvironmentProblemException($"services.nomad.job_templates: {template} does not exist");
        var body = new JsonObject { ["JobHCL"] = await File.ReadAllTextAsync(template, ct), ["Variables"] = Variables(extra), ["Canonicalize"] = true };
        var x = await nomad.SendAsync(HttpMethod.Post, "v1/jobs/parse", body, ct);
        if (x.StatusCode is 400 or 500 && !x.Body.TrimStart().StartsWith('{'))
            return new RenderedJob(template, null, WithTemplatePath(x.Body.Trim(), template));
        if (!x.IsSuccess) throw ServiceResponseException.For(x);
        var job = JsonNode.Parse(x.Body) as JsonObject ?? throw new EnvironmentProblemException($"{x}: the parsed job is not an object");
        return new RenderedJob(template, job["Job"] as JsonObject ?? job, null);
    }

    /// <summary>Validates and plans a rendered job.</summary>
    public async Task<JobCheck> CheckAsync(RenderedJob rendered, CancellationToken ct = default)
    {
        var job = rendered.Job ?? throw new InvalidOperationException("the template did not render");
        var v = await nomad.SendAsync(HttpMethod.Post, "v1/validate/job", new JsonObject { ["Job"] = job.DeepClone() }, ct);
        var errors = new List<string>();
        if (v.StatusCode == 400) errors.Add(v.Body.Trim());
        else if (!v.IsSuccess) throw ServiceResponseException.For(v);
        else
        {
            var vj = JsonNode.Parse(v.Body);
            errors.AddRange(vj?["ValidationErrors"]?.AsArray().Select(e => e?.ToString() ?? "").Where(e => e.Length > 0) ?? []);
            if (vj?["Error"]?.ToString() is { Length: > 0 } err && errors.Count == 0) errors.Add(err);
        }
        var failures = new List<string>();
        if (errors.Count == 0)
        {
            var p = await nomad.SendAsync(HttpMethod.Post, $"v1/job/{Uri.EscapeDataString(rendered.Id)}/plan", new JsonObject { ["Job"] = job.DeepClone(), ["Diff"] = false }, ct);
            if (!p.IsSuccess) throw ServiceResponseException.For(p);
            failures.AddRange(PlacementFailures(JsonNode.Parse(p.Body)?["FailedTGAllocs"] as JsonObject));
        }
        return new JobCheck(rendered.Template, rendered.Id, errors, failures);
    }

    /// <summary>
    /// FailedTGAllocs in words: "group train: 2 nodes evaluated, memory exhausted on 2, constraint ${attr.kernel.name} = windows filtered 1".
    /// </summary>
    public static IReadOnlyList<string> PlacementFailures(JsonObject? failed)
    {
        var list = new List<string>();
        foreach (var (group, metric) in failed ?? [])
        {
            var m = metric as JsonObject;
            var parts = new List<string> { $"{Long(m, "NodesEvaluated")} nodes evaluated" };
            foreach (var (dim, n) in m?["DimensionExhausted"] as JsonObject ?? []) parts.Add($"{dim} exhausted on {n}");
            foreach (var (c, n) in m?["ConstraintFiltered"] as JsonObject ?? []) parts.Add($"constraint {c} filtered {n}");
            foreach (var (c, n) in m?["ClassExhausted"] as JsonObject ?? []) parts.Add($"class {c} exhausted on {n}");
            if (Long(m, "NodesAvailable") is var avail && m?["NodesAvailable"] is JsonObject dcs && dcs.Count > 0)
                parts.Add("available per datacenter " + string.Join(", ", dcs.Select(d => $"{d.Key}={d.Value}")));
            if (Long(m, "NodesExhausted") > 0 && !(m?["DimensionExhausted"] is JsonObject { Count: > 0 })) parts.Add($"{Long(m, "NodesExhausted")} nodes exhausted");
            if (parts.Count == 1 && Long(m, "NodesEvaluated") == 0) parts.Add("no node in the job's datacenters is ready and eligible");
            list.Add($"group {group}: {string.Join(", ", parts)}");
        }
        return list;
    }

    /// <summary>The registered job of <paramref name="id"/> (null: not registered).</summary>
    public async Task<JsonObject?> RegisteredAsync(string id, CancellationToken ct = default)
    {
        var x = await nomad.GetInNamespaceAsync($"v1/job/{Uri.EscapeDataString(id)}", ct);
        if (x.StatusCode == 404) return null;
        if (!x.IsSuccess) throw ServiceResponseException.For(x);
        return JsonNode.Parse(x.Body) as JsonObject;
    }

    /// <summary>Compares what is registered under the rendered job's ID with the rendered job, field by field (fields the server adds are ignored).</summary>
    public async Task<JobDrift> DriftAsync(RenderedJob rendered, CancellationToken ct = default)
    {
        var registered = await RegisteredAsync(rendered.Id, ct);
        if (registered is null) return new JobDrift(rendered.Id, false, []);
        var diffs = JobSpecComparison.Differences(rendered.Job!, registered);
        evidence.Note($"job {rendered.Id}: registered spec vs {rendered.Name}: {(diffs.Count == 0 ? "equal" : string.Join("; ", diffs))}");
        return new JobDrift(rendered.Id, true, diffs);
    }

    /// <summary>Every template of services.nomad.job_templates, rendered (NOT VERIFIED when the target lists none).</summary>
    public async Task<IReadOnlyList<RenderedJob>> RenderAllAsync(CancellationToken ct = default)
    {
        if (Options.JobTemplates.Count == 0)
            throw new NotVerifiedException("The target lists no services.nomad.job_templates: the platform's job templates are not named.");
        var list = new List<RenderedJob>();
        foreach (var t in Options.JobTemplates) list.Add(await RenderAsync(t, ct: ct));
        return list;
    }

    /// <summary>Every rendered template validated and planned (a template that does not render is named as invalid).</summary>
    public async Task<IReadOnlyList<JobCheck>> CheckAllAsync(CancellationToken ct = default)
    {
        var list = new List<JobCheck>();
        foreach (var r in await RenderAllAsync(ct))
            list.Add(r.Job is null ? new JobCheck(r.Template, "", [$"does not render: {r.Error}"], []) : await CheckAsync(r, ct));
        return list;
    }

    /// <summary>Every rendered template compared with what is registered under its ID.</summary>
    public async Task<IReadOnlyList<JobDrift>> DriftAllAsync(CancellationToken ct = default)
    {
        var list = new List<JobDrift>();
        foreach (var r in await RenderAllAsync(ct))
            if (r.Job is not null) list.Add(await DriftAsync(r, ct));
        return list;
    }

    private static long Long(JsonObject? o, string key) => o?[key] is JsonValue v && v.TryGetValue<long>(out var l) ? l : 0;

    /// <summary>Nomad names the HCL it parsed "input.hcl" (or nothing): the message names the template file instead.</summary>
    private static string WithTemplatePath(string error, string template) =>
        InputName().Replace(error, Path.GetFullPath(template) + ":");

    [GeneratedRegex(@"\b(?:input\.hcl|<input>|job\.hcl):")]
    private static partial Regex InputName();
}

/// <summary>The fields of a job spec that a deployment decides (image, count, resources, env, driver, schedule), compared.</summary>
public static class JobSpecComparison
{
    /// <summary>Each field that differs between <paramref name="template"/> and <paramref name="registered"/>, named.</summary>
    public static IReadOnlyList<string> Differences(JsonObject template, JsonObject registered)
    {
        var diffs = new List<string>();
        void Compare(string path, JsonNode? a, JsonNode? b)
        {
            var x = Canon(a);
            var y = Canon(b);
            if (x != y) diffs.Add($"{path}: template {Show(x)}, registered {Show(y)}");
        }
        Compare("Type", template["Type"], registered["Type"]);
        Compare("Datacenters", template["Datacenters"], registered["Datacenters"]);
        Compare("Periodic.Spec", template["Periodic"]?["Spec"], registered["Periodic"]?["Spec"]);
        Compare("ParameterizedJob.MetaRequired", template["ParameterizedJob"]?["MetaRequired"], registered["ParameterizedJob"]?["MetaRequired"]);
        var groups = Named(registered["TaskGroups"]);
        foreach (var (gname, g) in Named(template["TaskGroups"]))
        {
            if (!groups.TryGetValue(gname, out var rg)) { diffs.Add($"TaskGroups[{gname}]: in the template, not registered"); continue; }
            Compare($"TaskGroups[{gname}].Count", g["Count"], rg["Count"]);
            var tasks = Named(rg["Tasks"]);
            foreach (var (tname, t) in Named(g["Tasks"]))
            {
                var at = $"TaskGroups[{gname}].Tasks[{tname}]";
                if (!tasks.TryGetValue(tname, out var rt)) { diffs.Add($"{at}: in the template, not registered"); continue; }
                Compare($"{at}.Driver", t["Driver"], rt["Driver"]);
                foreach (var key in new[] { "image", "command", "args" }) Compare($"{at}.Config.{key}", t["Config"]?[key], rt["Config"]?[key]);
                foreach (var key in new[] { "CPU", "MemoryMB", "MemoryMaxMB" }) Compare($"{at}.Resources.{key}", t["Resources"]?[key], rt["Resources"]?[key]);
                Compare($"{at}.Env", t["Env"], rt["Env"]);
            }
            foreach (var extra in tasks.Keys.Except(Named(g["Tasks"]).Keys)) diffs.Add($"TaskGroups[{gname}].Tasks[{extra}]: registered, not in the template");
        }
        foreach (var extra in groups.Keys.Except(Named(template["TaskGroups"]).Keys)) diffs.Add($"TaskGroups[{extra}]: registered, not in the template");
        return diffs;
    }

    private static Dictionary<string, JsonObject> Named(JsonNode? list) =>
        (list as JsonArray ?? []).OfType<JsonObject>().GroupBy(o => o["Name"]?.ToString() ?? "").ToDictionary(g => g.Key, g => g.First());

    private static string Canon(JsonNode? n) => n switch
    {
        null => "null",
        JsonObject o when o.Count == 0 => "null",
        JsonArray a when a.Count == 0 => "null",
        JsonObject o => "{" + string.Join(",", o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}:{Canon(p.Value)}")) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(Canon)) + "]",
        JsonValue v when v.TryGetValue<double>(out var d) => d.ToString(CultureInfo.InvariantCulture),
        _ => n.ToJsonString(),
    };

    private static string Show(string canon) => canon == "null" ? "(none)" : canon.Length > 120 ? canon[..120] + "…" : canon;
}

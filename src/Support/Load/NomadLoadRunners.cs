using System.Text.Json.Nodes;
using Acceptance.Support.Evidence;
using Acceptance.Support.Http;
using Acceptance.Support.Lifecycle;
using Acceptance.Support.Nomad;
using Acceptance.Support.Outcomes;

namespace Acceptance.Support.Load;

/// <summary>
/// Load generated from the cluster itself: a run-scoped Nomad batch job (acceptance-load-&lt;id&gt;) with count = N, each
/// allocation running hey (raw_exec) against the plan's address with 1/N of the rate and writing one CSV row per response
/// to its stdout. The suite reads every allocation's stdout through the Nomad logs API and merges the raw samples
/// (<see cref="LoadResult.Merge"/>: percentiles over all samples, never averaged). The job is purged by the cleanup stack;
/// the janitor sweeps leftovers of killed runs by the ID prefix.
/// </summary>
public sealed class NomadLoadRunners(NomadClient nomad, CleanupStack cleanup, EvidenceLog evidence)
{
    /// <summary>Prefix of the runner jobs' IDs (the janitor's key).</summary>
    public const string IdPrefix = "acceptance-load-";

    /// <summary>The batch job: N allocations of hey, each with its share of the profile.</summary>
    public static JsonObject JobSpec(string id, LoadPlan plan, int runners, string datacenter = "*")
    {
        var p = plan.Profile;
        var share = p with { Rate = p.Rate / runners, Vus = Math.Max(1, (int)Math.Ceiling(p.Vus / (double)runners)) };
        var args = new JsonArray(HeyEngine.Arguments(plan with { Profile = share }).Select(a => (JsonNode)JsonValue.Create(a)!).ToArray());
        return new JsonObject
        {
            ["ID"] = id, ["Name"] = id, ["Type"] = "batch", ["Datacenters"] = new JsonArray(datacenter),
            ["Meta"] = new JsonObject { ["created-by"] = "acceptance suite: load runners (purged after the scenario)" },
            ["TaskGroups"] = new JsonArray(new JsonObject
            {
                ["Name"] = "runners", ["Count"] = runners,
                ["RestartPolicy"] = new JsonObject { ["Attempts"] = 0, ["Mode"] = "fail" },
                ["ReschedulePolicy"] = new JsonObject { ["Attempts"] = 0, ["Unlimited"] = false },
                ["Tasks"] = new JsonArray(new JsonObject
                {
                    ["Name"] = "engine", ["Driver"] = "raw_exec",
                    ["Config"] = new JsonObject { ["command"] = "hey", ["args"] = args },
                    ["Resources"] = new JsonObject { ["CPU"] = 200, ["MemoryMB"] = 128 },
                }),
            }),
        };
    }

    /// <summary>Runs <paramref name="plan"/> from <paramref name="runners"/> allocations and merges their samples.</summary>
    public async Task<LoadRun> RunAsync(LoadPlan plan, int runners, CancellationToken ct = default)
    {
        var id = IdPrefix + Guid.NewGuid().ToString("N")[..8];
        var started = DateTime.UtcNow;
        var job = cleanup.Push(await SubmittedJob.SubmitSpecAsync(nomad, evidence, JobSpec(id, plan, runners), id, ct));
        var outcome = await job.FollowAsync(plan.Profile.Duration + TimeSpan.FromSeconds(plan.Profile.TimeoutSeconds + 60), ct: ct);
        if (outcome.TimedOut || !outcome.Succeeded)
            throw new EnvironmentProblemException($"the load runners (Nomad job {id}, count {runners}) did not all complete: {string.Join("; ", outcome.Allocations)}" +
                                                  (outcome.PlacementFailures.Count > 0 ? $"; placement: {string.Join("; ", outcome.PlacementFailures)}" : ""));
        var parts = new List<LoadResult>();
        var raw = new System.Text.StringBuilder();
        foreach (var alloc in outcome.Allocations)
        {
            var x = await nomad.GetInNamespaceAsync($"v1/client/fs/logs/{alloc.Id}?task=engine&type=stdout&plain=true&origin=start&offset=0", ct);
            if (!x.IsSuccess) throw ServiceResponseException.For(x);
            parts.Add(HeyEngine.ParseCsv(x.Body, plan.Profile.Duration));
            raw.Append("# allocation ").Append(alloc.Id).Append(" on ").AppendLine(alloc.NodeName).AppendLine(x.Body.TrimEnd());
            evidence.Note($"runner {alloc.Name} on {alloc.NodeName}: {parts[^1].Responses} responses");
        }
        var merged = LoadResult.Merge(parts);
        var file = Path.Combine(Path.GetTempPath(), $"{id}.csv");
        await File.WriteAllTextAsync(file, raw.ToString(), ct);
        return new LoadRun($"hey x {runners} Nomad runners", plan, merged,
            new Dictionary<string, double> { ["requests"] = merged.Responses, ["runners"] = runners }, new Dictionary<string, bool>(), file, DateTime.UtcNow - started);
    }
}

using StandIns.Core;
using System.Text.Json.Nodes;

namespace StandIns.Nomad;

/// <summary>Fills Nomad's API defaults into a job (api.Job.Canonicalize) and validates it.</summary>
public static class JobCanon
{
    private static void Def(JsonObject o, string key, JsonNode? value)
    {
        if (!o.ContainsKey(key) || o[key] is null) o[key] = value;
    }

    private static void DefNull(JsonObject o, string key)
    {
        if (!o.ContainsKey(key)) o[key] = null;
    }

    public static JsonObject Canonicalize(JsonObject job)
    {
        var id = job["ID"]?.GetValue<string>() ?? "";
        Def(job, "Region", "global");
        Def(job, "Namespace", "default");
        Def(job, "ID", id);
        Def(job, "Name", id);
        Def(job, "Type", "service");
        Def(job, "Priority", 50);
        Def(job, "AllAtOnce", false);
        Def(job, "Datacenters", new JsonArray("*"));
        Def(job, "NodePool", "default");
        foreach (var k in new[] { "Constraints", "Affinities", "Spreads", "Meta", "Migrate", "Reschedule", "Multiregion", "Periodic", "ParameterizedJob", "Payload", "UI", "SubmitTime" })
            DefNull(job, k);
        Def(job, "Update", new JsonObject
        {
            ["Stagger"] = 30_000_000_000L, ["MaxParallel"] = 1, ["HealthCheck"] = "", ["MinHealthyTime"] = 0, ["HealthyDeadline"] = 0,
            ["ProgressDeadline"] = 0, ["AutoRevert"] = false, ["AutoPromote"] = false, ["Canary"] = 0,
        });
        Def(job, "Dispatched", false);
        Def(job, "DispatchIdempotencyToken", "");
        Def(job, "ConsulToken", "");
        Def(job, "VaultToken", "");
        Def(job, "ParentID", "");
        Def(job, "Stop", false);
        Def(job, "Stable", false);
        Def(job, "Status", "");
        Def(job, "StatusDescription", "");
        Def(job, "Version", 0);
        Def(job, "CreateIndex", 0);
        Def(job, "ModifyIndex", 0);
        Def(job, "JobModifyIndex", 0);
        if (job["Periodic"] is JsonObject per)
        {
            Def(per, "Enabled", true);
            Def(per, "SpecType", "cron");
            Def(per, "ProhibitOverlap", false);
            Def(per, "TimeZone", "UTC");
        }
        if (job["ParameterizedJob"] is JsonObject pj)
        {
            Def(pj, "Payload", "optional");
            DefNull(pj, "MetaRequired");
            DefNull(pj, "MetaOptional");
        }
        var batch = job["Type"]?.ToString() is "batch" or "sysbatch";
        if (job["TaskGroups"] is JsonArray groups)
        {
            foreach (var g in groups.OfType<JsonObject>())
            {
                Def(g, "Count", 1);
                DefNull(g, "Constraints");
                DefNull(g, "Affinities");
                DefNull(g, "Spreads");
                DefNull(g, "Meta");
                DefNull(g, "Networks");
                DefNull(g, "Services");
                DefNull(g, "Volumes");
                Def(g, "RestartPolicy", new JsonObject());
                var rp = (JsonObject)g["RestartPolicy"]!;
                Def(rp, "Attempts", batch ? 3 : 2);
                Def(rp, "Delay", 15_000_000_000L);
                Def(rp, "Interval", batch ? 86_400_000_000_000L : 1_800_000_000_000L);
                Def(rp, "Mode", "fail");
                Def(rp, "RenderTemplates", false);
                Def(g, "ReschedulePolicy", batch
                    ? new JsonObject { ["Attempts"] = 1, ["Interval"] = 86_400_000_000_000L, ["Delay"] = 5_000_000_000L, ["DelayFunction"] = "constant", ["MaxDelay"] = 0, ["Unlimited"] = false }
                    : new JsonObject { ["Attempts"] = 0, ["Interval"] = 0, ["Delay"] = 30_000_000_000L, ["DelayFunction"] = "exponential", ["MaxDelay"] = 3_600_000_000_000L, ["Unlimited"] = true });
                Def(g, "EphemeralDisk", new JsonObject { ["Sticky"] = false, ["SizeMB"] = 300, ["Migrate"] = false });
                if (g["Tasks"] is JsonArray tasks)
                    foreach (var t in tasks.OfType<JsonObject>())
                    {
                        Def(t, "Driver", "");
                        DefNull(t, "Config");
                        DefNull(t, "Env");
                        DefNull(t, "Meta");
                        DefNull(t, "Constraints");
                        DefNull(t, "Templates");
                        DefNull(t, "VolumeMounts");
                        DefNull(t, "DispatchPayload");
                        Def(t, "User", "");
                        Def(t, "Leader", false);
                        Def(t, "KillTimeout", 5_000_000_000L);
                        Def(t, "KillSignal", "");
                        Def(t, "Resources", new JsonObject());
                        var r = (JsonObject)t["Resources"]!;
                        Def(r, "CPU", 100);
                        Def(r, "Cores", 0);
                        Def(r, "MemoryMB", 300);
                        Def(r, "MemoryMaxMB", 0);
                        DefNull(r, "DiskMB");
                        DefNull(r, "Networks");
                        DefNull(r, "Devices");
                        Def(t, "LogConfig", new JsonObject { ["MaxFiles"] = 10, ["MaxFileSizeMB"] = 10, ["Disabled"] = false });
                    }
                else g["Tasks"] = null;
            }
        }
        else DefNull(job, "TaskGroups");
        return job;
    }

    /// <summary>Nomad-style validation messages (structs.Job.Validate subset).</summary>
    public static List<string> Validate(JsonObject job)
    {
        var errs = new List<string>();
        var id = job["ID"]?.ToString() ?? "";
        if (id == "") errs.Add("Missing job ID");
        else if (id.Contains(' ')) errs.Add("Job ID contains a space");
        if (job["Type"]?.ToString() is not ("service" or "batch" or "system" or "sysbatch"))
            errs.Add($"Invalid job type: \"{job["Type"]}\"");
        var prio = job["Priority"].Long(50);
        if (prio < 1 || prio > 100) errs.Add($"Job priority must be between [1, 100]");
        if (job["TaskGroups"] is not JsonArray groups || groups.Count == 0)
        {
            errs.Add("Missing job task groups");
            return errs;
        }
        foreach (var g in groups.OfType<JsonObject>())
        {
            var gname = g["Name"]?.ToString() ?? "";
            var gerrs = new List<string>();
            if (gname == "") gerrs.Add("Missing task group name");
            if ((g["Count"].Long(1)) < 0) gerrs.Add("Task group count can't be negative");
            if (g["Tasks"] is not JsonArray tasks || tasks.Count == 0) gerrs.Add("Missing tasks for task group");
            else
                foreach (var t in tasks.OfType<JsonObject>())
                {
                    var terrs = new List<string>();
                    var tname = t["Name"]?.ToString() ?? "";
                    if (tname == "") terrs.Add("Missing task name");
                    var driver = t["Driver"]?.ToString() ?? "";
                    if (driver == "") terrs.Add("Missing task driver");
                    var res = t["Resources"] as JsonObject;
                    var cpu = (res?["CPU"]).Long(100);
                    var mem = (res?["MemoryMB"]).Long(300);
                    if (cpu < 1) terrs.Add($"minimum CPU value is 1; got {cpu}");
                    if (mem < 10) terrs.Add($"minimum MemoryMB value is 10; got {mem}");
                    if (driver == "raw_exec" && string.IsNullOrEmpty(t["Config"]?["command"]?.ToString()))
                        terrs.Add("Missing required field: command");
                    if (terrs.Count > 0)
                        gerrs.Add($"Task {tname} validation failed: {Multi(terrs)}");
                }
            if (gerrs.Count > 0) errs.Add($"Task group {gname} validation failed: {Multi(gerrs)}");
        }
        return errs;
    }

    public static string Multi(IReadOnlyCollection<string> errs) =>
        $"{errs.Count} error(s) occurred:\n\n" + string.Join("\n", errs.Select(e => "* " + e));
}

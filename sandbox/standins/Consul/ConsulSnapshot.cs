using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using StandIns.Core;

namespace StandIns.Consul;

/// <summary>
/// /v1/snapshot in the stand-in's OWN format: GET returns the KV store as JSON (labelled <see cref="SnapshotFormat"/>),
/// PUT replaces the KV store with such a document. It is not Consul's raft snapshot (a gzipped tar): a real agent would not
/// accept it, and this stand-in accepts nothing else. Both need the management token (as Consul's snapshot API does).
/// </summary>
public sealed partial class ConsulService
{
    /// <summary>The format label of the stand-in's snapshot.</summary>
    public const string SnapshotFormat = "consul-standin-snapshot/1 (sandbox stand-in format: the KV store as JSON, not a raft snapshot)";

    private async Task Snapshot(HttpContext ctx)
    {
        var p = Caller(ctx);
        if (!p.IsManagement && !p.AclsDisabled) throw new HttpError(403, "Permission denied: the snapshot API needs a management token");
        if (NoLeader) throw new HttpError(500, "No cluster leader");
        switch (ctx.Request.Method)
        {
            case "GET":
            {
                JsonArray kv;
                lock (_kvLock)
                    kv = new JsonArray(_kv.Values.Select(e => (JsonNode)new JsonObject
                    {
                        ["Key"] = e.Key, ["Flags"] = e.Flags, ["Value"] = Convert.ToBase64String(e.Value),
                    }).ToArray());
                ctx.Response.Headers["X-Consul-Index"] = Interlocked.Read(ref _index).ToString();
                await Http.Json(ctx, new JsonObject
                {
                    ["Format"] = SnapshotFormat, ["Index"] = Interlocked.Read(ref _index), ["Taken"] = Http.Rfc3339(DateTimeOffset.UtcNow), ["KV"] = kv,
                });
                return;
            }
            case "PUT":
            {
                var doc = await Http.BodyJson(ctx) as JsonObject;
                if (doc?["Format"]?.ToString() != SnapshotFormat)
                    throw new HttpError(400, $"failed to restore snapshot: not a {SnapshotFormat} document (this stand-in restores only its own format)");
                lock (_kvLock)
                {
                    _kv.Clear();
                    foreach (var e in doc["KV"]?.AsArray().OfType<JsonObject>() ?? [])
                    {
                        var idx = NextIndex();
                        var key = e["Key"]!.ToString();
                        _kv[key] = new KvEntry { Key = key, Flags = e["Flags"].Long(), Value = Convert.FromBase64String(e["Value"]?.ToString() ?? ""), CreateIndex = idx, ModifyIndex = idx };
                    }
                }
                ctx.Response.StatusCode = 200;
                return;
            }
            default: throw new HttpError(405, "method not allowed");
        }
    }
}

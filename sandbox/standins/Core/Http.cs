using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace StandIns.Core;

public static class Http
{
    public static readonly JsonSerializerOptions JsonOpts = new()
    {
        PropertyNamingPolicy = null,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static readonly JsonSerializerOptions JsonIndented = new(JsonOpts) { WriteIndented = true };

    public static Task Json(HttpContext ctx, int status, object? body)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        var bytes = body is JsonNode n
            ? Encoding.UTF8.GetBytes(n.ToJsonString(JsonOpts))
            : JsonSerializer.SerializeToUtf8Bytes(body, JsonOpts);
        return ctx.Response.Body.WriteAsync(bytes).AsTask();
    }

    public static Task Json(HttpContext ctx, object? body) => Json(ctx, 200, body);

    public static Task Text(HttpContext ctx, int status, string text, string contentType = "text/plain; charset=utf-8")
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = contentType;
        return ctx.Response.WriteAsync(text);
    }

    public static async Task<string> BodyString(HttpContext ctx)
    {
        using var r = new StreamReader(ctx.Request.Body, Encoding.UTF8);
        return await r.ReadToEndAsync();
    }

    public static async Task<JsonNode?> BodyJson(HttpContext ctx)
    {
        var s = await BodyString(ctx);
        if (string.IsNullOrWhiteSpace(s)) return null;
        try { return JsonNode.Parse(s); }
        catch (JsonException e) { throw new HttpError(400, "Failed to decode request body: " + e.Message); }
    }

    /// <summary>Path split on '/', each segment percent-decoded (so job ids with %2F stay one segment).</summary>
    public static string[] Segments(HttpContext ctx) =>
        (ctx.Request.Path.Value ?? "/").Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();

    public static bool HasQuery(HttpContext ctx, string key) => ctx.Request.Query.ContainsKey(key);

    public static string? Query(HttpContext ctx, string key)
    {
        var v = ctx.Request.Query[key];
        return v.Count == 0 ? null : v[0];
    }

    /// <summary>Flag query parameter: present with no value or a true-ish value.</summary>
    public static bool Flag(HttpContext ctx, string key)
    {
        if (!ctx.Request.Query.TryGetValue(key, out var v)) return false;
        var s = v.Count == 0 ? "" : v[0] ?? "";
        return s == "" || s.Equals("true", StringComparison.OrdinalIgnoreCase) || s == "1";
    }

    public static string? BearerOrHeader(HttpContext ctx, string header)
    {
        var h = ctx.Request.Headers[header];
        if (h.Count > 0 && !string.IsNullOrEmpty(h[0])) return h[0]!.Trim();
        var auth = ctx.Request.Headers.Authorization;
        if (auth.Count > 0 && auth[0]!.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return auth[0]![7..].Trim();
        return null;
    }

    public static long UnixNanos(DateTimeOffset t) => (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
    public static string Rfc3339(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'");
}

/// <summary>Prometheus text exposition helper.</summary>
public sealed class PromText
{
    private readonly StringBuilder _sb = new();
    private readonly HashSet<string> _declared = new();

    public PromText Metric(string name, string type, string help, double value, params (string k, string v)[] labels)
    {
        if (_declared.Add(name))
        {
            _sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
            _sb.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        }
        _sb.Append(name);
        if (labels.Length > 0)
            _sb.Append('{').Append(string.Join(",", labels.Select(l => $"{l.k}=\"{l.v.Replace("\\", "\\\\").Replace("\"", "\\\"")}\""))).Append('}');
        _sb.Append(' ').Append(value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
        return this;
    }

    public override string ToString() => _sb.ToString();

    public static void AddProcessMetrics(PromText p, string prefix)
    {
        using var proc = System.Diagnostics.Process.GetCurrentProcess();
        p.Metric("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", proc.WorkingSet64);
        p.Metric("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.",
            new DateTimeOffset(proc.StartTime.ToUniversalTime()).ToUnixTimeSeconds());
        p.Metric("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.", proc.TotalProcessorTime.TotalSeconds);
        p.Metric(prefix + "runtime_alloc_bytes", "gauge", "Bytes allocated on the managed heap.", GC.GetTotalMemory(false));
    }
}

public static class JsonNodeExt
{
    /// <summary>Numeric value of a node whatever CLR type backs it (int, long, double, JsonElement, numeric string).</summary>
    public static long Long(this JsonNode? n, long def = 0)
    {
        if (n is not JsonValue v) return def;
        if (v.TryGetValue<long>(out var l)) return l;
        if (v.TryGetValue<int>(out var i)) return i;
        if (v.TryGetValue<double>(out var d)) return (long)d;
        if (v.TryGetValue<string>(out var s) && long.TryParse(s, out l)) return l;
        return def;
    }

    public static bool Bool(this JsonNode? n, bool def = false) =>
        n is JsonValue v && v.TryGetValue<bool>(out var b) ? b : def;
}

public static class Background
{
    /// <summary>Task.Run that reports failures on stderr instead of losing them.</summary>
    public static void Run(Func<Task> work, string what) => _ = Task.Run(async () =>
    {
        try { await work(); }
        catch (Exception e) { Console.Error.WriteLine($"{DateTime.UtcNow:O} background {what} failed: {e}"); }
    });
}

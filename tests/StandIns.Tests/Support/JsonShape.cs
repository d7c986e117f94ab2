using System.Text.Json;
using System.Text.Json.Nodes;

namespace StandIns.Tests.Support;

/// <summary>
/// Compares a response with a documented fixture by SHAPE: every field of the fixture must be present
/// (recursively) with the same JSON type. Extra fields in the response are allowed. Rules:
/// - a fixture null accepts anything; a fixture array of only "..." placeholders accepts any array or null;
/// - array elements are compared index-wise against the fixture (the last fixture element for the rest);
/// - objects named in <see cref="Maps"/> are maps with free keys: each value is compared with the first fixture value;
/// - objects named in <see cref="Opaque"/> are only type-checked; fields in <see cref="Ignored"/> are documented deviations;
/// - fields in <see cref="Nullable"/> may be null in the response where the fixture shows a value.
/// </summary>
public sealed class JsonShape
{
    public HashSet<string> Maps { get; } = new(StringComparer.Ordinal)
    {
        "Tags", "Meta", "NodeMeta", "ServiceMeta", "TaggedAddresses", "ServiceTaggedAddresses", "TaskStates", "FailedTGAllocs",
        "DesiredTGUpdates", "Summary", "QueuedAllocations", "NodesAvailable", "Drivers", "results", "Updates", "ClassEligibility",
        "DimensionExhausted", "ConstraintFiltered", "Attributes", "secureJsonFields", "Options", "ChrootEnv",
        "HTTPAPIResponseHeaders", "labels", "annotations",
    };

    public HashSet<string> Opaque { get; } = new(StringComparer.Ordinal) { "model", "DebugConfig", "jsonData" };

    /// <summary>Fixture fields the real product does not send in our setting (see README of the tests).</summary>
    public Dictionary<string, string> Ignored { get; } = new(StringComparer.Ordinal)
    {
        ["Namespace@consul"] = "Consul Enterprise only (fixture notes)",
        ["Session"] = "Consul KV: omitted unless the key is locked by a session",
        ["conditions"] = "Grafana Go-client fixture; the provisioning API field is 'condition'",
    };

    public HashSet<string> Nullable { get; } = new(StringComparer.Ordinal) { "RescheduleTracker", "FailedTGAllocs", "DimensionExhausted", "Attributes", "RelatedEvals" };

    public bool RootIsMap { get; init; }
    public string Product { get; init; } = "";

    public static List<string> Compare(JsonNode? fixture, JsonNode? actual, string product, bool rootIsMap = false)
    {
        var s = new JsonShape { RootIsMap = rootIsMap, Product = product };
        var errors = new List<string>();
        s.Walk(fixture, actual, "$", "", rootIsMap, errors);
        return errors;
    }

    private static string Kind(JsonNode? n) => n switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Null => "null",
            var k => k.ToString(),
        },
        _ => "?",
    };

    private void Walk(JsonNode? exp, JsonNode? act, string path, string name, bool isMap, List<string> errors)
    {
        var ek = Kind(exp);
        if (ek == "null") return;
        if (exp is JsonArray ea && ea.Count > 0 && ea.All(x => x is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == "..."))
        {
            if (act is not null and not JsonArray) errors.Add($"{path}: expected array, got {Kind(act)}");
            return;
        }
        var ak = Kind(act);
        if (ak == "null" && Nullable.Contains(name)) return;
        if (ek != ak) { errors.Add($"{path}: expected {ek}, got {ak}"); return; }
        if (Opaque.Contains(name)) return;
        switch (exp)
        {
            case JsonObject eo:
            {
                var ao = (JsonObject)act!;
                if (isMap)
                {
                    var first = eo.FirstOrDefault();
                    if (first.Key == null) return;
                    foreach (var (k, v) in ao) Walk(first.Value, v, $"{path}.{k}", k, false, errors);
                    return;
                }
                foreach (var (k, v) in eo)
                {
                    if (Ignored.ContainsKey(k) || Ignored.ContainsKey($"{k}@{Product}")) continue;
                    if (!ao.ContainsKey(k)) { errors.Add($"{path}: missing field '{k}'"); continue; }
                    Walk(v, ao[k], $"{path}.{k}", k, Maps.Contains(k), errors);
                }
                return;
            }
            case JsonArray earr:
            {
                var aarr = (JsonArray)act!;
                if (earr.Count == 0 || aarr.Count == 0) return;
                for (var i = 0; i < aarr.Count; i++)
                    Walk(earr[Math.Min(i, earr.Count - 1)], aarr[i], $"{path}[{i}]", name, false, errors);
                return;
            }
        }
    }
}

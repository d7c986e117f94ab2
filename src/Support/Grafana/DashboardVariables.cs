using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Acceptance.Support.Grafana;

/// <summary>
/// A dashboard's template variables resolved the way the browser resolves them before it queries: Grafana's query API
/// does not substitute dashboard variables, so a panel sent with <c>$job</c> literally would show no data although its
/// series exist. Values come from each variable's saved current value (else its first option, its query for constants
/// and custom lists); "All" becomes the variable's allValue or a regex of every option; datasource variables name a
/// datasource; the built-in interval and range variables get values for the queried range.
/// </summary>
public sealed partial class DashboardVariables
{
    private readonly Dictionary<string, string[]> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unresolved = new(StringComparer.Ordinal);

    /// <summary>Datasource variables: name → the datasource (uid or name) they select.</summary>
    public IReadOnlyDictionary<string, string> Datasources { get; }

    private DashboardVariables(Dictionary<string, string> datasources) => Datasources = datasources;

    /// <summary>Reads templating.list of a dashboard model (saved values only), with the built-ins for a query over <paramref name="range"/>.</summary>
    public static DashboardVariables From(JsonElement model, TimeSpan range) => ResolveAsync(model, range, null).GetAwaiter().GetResult();

    /// <summary>
    /// Resolves the variables in order (a variable may use the ones before it). A query variable without a saved value
    /// whose query is <c>label_values(selector, label)</c> or <c>label_values(label)</c> is asked of the datasource through
    /// <paramref name="labelValues"/> (selector with earlier variables substituted, label), as the browser does on load;
    /// it then takes its first value, or every value (its allValue) when it includes "All".
    /// </summary>
    public static async Task<DashboardVariables> ResolveAsync(JsonElement model, TimeSpan range,
        Func<string, string, Task<IReadOnlyList<string>>>? labelValues)
    {
        var datasources = new Dictionary<string, string>(StringComparer.Ordinal);
        var v = new DashboardVariables(datasources);
        var seconds = Math.Max(1, (long)range.TotalSeconds);
        v._values["__range"] = [$"{seconds}s"];
        v._values["__range_s"] = [seconds.ToString(CultureInfo.InvariantCulture)];
        v._values["__range_ms"] = [(seconds * 1000).ToString(CultureInfo.InvariantCulture)];
        v._values["__interval"] = ["15s"];
        v._values["__interval_ms"] = ["15000"];
        v._values["__rate_interval"] = ["1m"];
        if (!model.TryGetProperty("templating", out var templating) || !templating.TryGetProperty("list", out var list) || list.ValueKind != JsonValueKind.Array)
            return v;
        foreach (var variable in list.EnumerateArray())
        {
            var name = Str(variable, "name");
            if (name.Length == 0) continue;
            var type = Str(variable, "type");
            var values = CurrentValues(variable);
            if (values.Length == 1 && values[0] is "$__all" or "All")
                values = variable.TryGetProperty("allValue", out var all) && all.ValueKind == JsonValueKind.String && all.GetString() is { Length: > 0 } a
                    ? [a]
                    : Options(variable) is { Length: > 0 } options ? options : [".*"];
            if (values.Length == 0) values = Options(variable);
            if (values.Length == 0 && type == "query" && labelValues is not null && LabelValuesQuery().Match(QueryText(variable)) is { Success: true } lv)
            {
                var selector = lv.Groups["selector"].Success ? v.Substitute(lv.Groups["selector"].Value) : "";
                var label = lv.Groups["label"].Value;
                IReadOnlyList<string> found;
                try { found = await labelValues(selector.Length > 0 ? selector : $"{{{label}!=\"\"}}", label); }
                catch (Exception e) when (e is Outcomes.EnvironmentProblemException or Outcomes.DeploymentDefectException or InvalidOperationException) { found = []; }
                var includeAll = variable.TryGetProperty("includeAll", out var ia) && ia.ValueKind == JsonValueKind.True;
                values = found.Count == 0 ? [] : includeAll
                    ? variable.TryGetProperty("allValue", out var av) && av.ValueKind == JsonValueKind.String && av.GetString() is { Length: > 0 } allValue ? [allValue] : found.ToArray()
                    : [found[0]];
                if (values.Length == 0 && includeAll && variable.TryGetProperty("allValue", out var av2) && av2.GetString() is { Length: > 0 } emptyAll)
                    values = [emptyAll];
            }
            if (values.Length == 0 && type is "constant" or "custom" or "textbox")
                values = Str(variable, "query").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Take(type == "custom" ? 1 : int.MaxValue).ToArray();
            if (values.Length == 0) { v._unresolved.Add(name); continue; }
            v._values[name] = values;
            if (type == "datasource") datasources[name] = values[0];
        }
        return v;
    }

    /// <summary>Variables a text uses that have no value the suite can determine (the panel cannot be judged as the browser shows it).</summary>
    public IReadOnlyList<string> UnresolvedIn(string text) =>
        References().Matches(text).Select(m => Name(m)).Where(_unresolved.Contains).Distinct().ToList();

    /// <summary>Substitutes every known variable ($name, ${name}, ${name:format}, [[name]]); unknown ones stay as written.</summary>
    public string Substitute(string text) => References().Replace(text, m =>
    {
        var name = Name(m);
        if (!_values.TryGetValue(name, out var values)) return m.Value;
        var format = m.Groups["format"].Success ? m.Groups["format"].Value : "";
        return Format(values, format);
    });

    /// <summary>The datasource a reference such as "$datasource" or "${DS_PROMETHEUS}" selects, or null.</summary>
    public string? DatasourceOf(string reference)
    {
        var m = References().Match(reference);
        return m.Success && m.Length == reference.Length && Datasources.TryGetValue(Name(m), out var ds) ? ds : null;
    }

    private static string Format(string[] values, string format) => format switch
    {
        "csv" => string.Join(",", values),
        "pipe" => string.Join("|", values),
        "raw" or "text" => string.Join(",", values),
        _ when values.Length == 1 => values[0],
        _ => "(" + string.Join("|", values.Select(x => Regex.Escape(x))) + ")",
    };

    private static string Name(Match m) => m.Groups["braced"].Success ? m.Groups["braced"].Value
        : m.Groups["bracket"].Success ? m.Groups["bracket"].Value : m.Groups["plain"].Value;

    private static string[] CurrentValues(JsonElement variable)
    {
        if (!variable.TryGetProperty("current", out var current) || current.ValueKind != JsonValueKind.Object) return [];
        if (!current.TryGetProperty("value", out var value)) return [];
        return value.ValueKind switch
        {
            JsonValueKind.String when value.GetString() is { Length: > 0 } s => [s],
            JsonValueKind.Array => value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).Where(s => s.Length > 0).ToArray(),
            _ => [],
        };
    }

    private static string[] Options(JsonElement variable) =>
        variable.TryGetProperty("options", out var options) && options.ValueKind == JsonValueKind.Array
            ? options.EnumerateArray().Select(o => o.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "")
                .Where(s => s.Length > 0 && s != "$__all").ToArray()
            : [];

    private static string QueryText(JsonElement variable) =>
        variable.TryGetProperty("query", out var q) ? q.ValueKind switch
        {
            JsonValueKind.String => q.GetString() ?? "",
            JsonValueKind.Object => Str(q, "query"),
            _ => "",
        } : "";

    [GeneratedRegex(@"^\s*label_values\(\s*(?:(?<selector>.*),\s*)?(?<label>\w+)\s*\)\s*$", RegexOptions.Singleline)]
    private static partial Regex LabelValuesQuery();

    private static string Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : "";

    [GeneratedRegex(@"\$\{(?<braced>\w+)(?::(?<format>\w+))?\}|\[\[(?<bracket>\w+)\]\]|\$(?<plain>\w+)")]
    private static partial Regex References();
}

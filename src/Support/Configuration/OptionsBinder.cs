using System.Globalization;
using System.Reflection;
using YamlDotNet.RepresentationModel;

namespace Acceptance.Support.Configuration;

/// <summary>One key of the target file, as an options class declares it (for docs and checks).</summary>
/// <param name="Path">Dotted path ("thresholds.poll_timeout_seconds", "services.consul.token").</param>
/// <param name="Type">What the value must be ("a whole number >= 1").</param>
/// <param name="Default">The default, as text ("" when none).</param>
/// <param name="Doc">What it means.</param>
/// <param name="Group">The threshold group or nested mapping it belongs to ("" at the top of its section).</param>
public sealed record OptionKey(string Path, string Type, string Default, string Doc, string Group);

/// <summary>
/// Binds a YAML mapping onto an options class through its <see cref="OptionAttribute"/> properties:
/// the property initialisers are the defaults (one place), every key is checked (unknown keys, wrong
/// types, out-of-range values, missing required keys), and every problem is collected with file:line
/// so a target file fails once with the whole list.
/// </summary>
public sealed class OptionsBinder(string file, string folder, List<string> problems)
{
    /// <summary>Problems found so far.</summary>
    public IReadOnlyList<string> Problems => problems;

    /// <summary>Records a problem at a node's line.</summary>
    public void Problem(YamlNode node, string field, string why) => problems.Add($"{file}:{node.Start.Line}: field {field}: {why}");

    /// <summary>Records a problem without a line (a missing key).</summary>
    public void Problem(string field, string why) => problems.Add($"{file}: field {field}: {why}");

    /// <summary>Resolves a path against the target file's folder (~/ is the home folder).</summary>
    public string ResolvePath(string p)
    {
        if (p.StartsWith("~/", StringComparison.Ordinal))
            p = System.IO.Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), p[2..]);
        return System.IO.Path.GetFullPath(System.IO.Path.IsPathRooted(p) ? p : System.IO.Path.Combine(folder, p));
    }

    /// <summary>Binds <paramref name="node"/> (null: every default) onto a new <typeparamref name="T"/>.</summary>
    public T Bind<T>(YamlNode? node, string path) where T : new() => (T)Bind(typeof(T), node, path, new T());

    /// <summary>Binds <paramref name="node"/> onto <paramref name="instance"/> (its initial values are the defaults).</summary>
    public object Bind(Type type, YamlNode? node, string path, object instance)
    {
        if (node is null)
        {
            foreach (var (key, (prop, attr, owner)) in Keys(type, instance))
                if (attr.Required) Problem(Join(path, key), "missing");
            return instance;
        }
        if (node is not YamlMappingNode mapping)
        {
            Problem(node, path, "must be a mapping");
            return instance;
        }
        var keys = Keys(type, instance);
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            if (!keys.TryGetValue(key, out var slot))
            {
                Problem(keyNode, Join(path, key), $"unknown field (expected one of: {string.Join(", ", keys.Keys)})");
                continue;
            }
            var value = Convert(slot.Property.PropertyType, slot.Attribute, valueNode, Join(path, key), slot.Property.GetValue(slot.Owner));
            if (value is not Invalid) slot.Property.SetValue(slot.Owner, value);
        }
        foreach (var (key, slot) in keys)
            if (slot.Attribute.Required && !mapping.Children.ContainsKey(new YamlScalarNode(key)))
                Problem(mapping, Join(path, key), "missing");
        return instance;
    }

    /// <summary>Every key an options class accepts, with its type, default and meaning (groups flattened).</summary>
    public static IReadOnlyList<OptionKey> Describe(Type type, string path, string group = "")
    {
        var instance = Activator.CreateInstance(type)!;
        var list = new List<OptionKey>();
        foreach (var prop in OptionProperties(type))
        {
            if (prop.GetCustomAttribute<OptionGroupAttribute>() is { } g)
            {
                list.AddRange(Describe(prop.PropertyType, path, g.Title));
                continue;
            }
            var attr = prop.GetCustomAttribute<OptionAttribute>()!;
            var full = Join(path, attr.Key);
            if (IsOptionsClass(prop.PropertyType))
            {
                list.AddRange(Describe(prop.PropertyType, full, full));
                continue;
            }
            list.Add(new OptionKey(full, TypeName(prop.PropertyType, attr) + (attr.Required ? " (required)" : ""), Format(prop.GetValue(instance)), attr.Doc, group));
        }
        return list;
    }

    /// <summary>
    /// "thresholds.X is 1000 here; the checklist says 25000" when a threshold differs from the checklist's own
    /// number (null when it does not, or when the option has no checklist number).
    /// </summary>
    public static string? ChecklistDifference(object options, string propertyName, string path)
    {
        var prop = options.GetType().GetProperty(propertyName) ?? throw new ArgumentException($"no option {propertyName}", nameof(propertyName));
        var attr = prop.GetCustomAttribute<OptionAttribute>() ?? throw new ArgumentException($"{propertyName} is not an option", nameof(propertyName));
        if (double.IsNaN(attr.Checklist)) return null;
        var value = System.Convert.ToDouble(prop.GetValue(options), CultureInfo.InvariantCulture);
        return value.Equals(attr.Checklist) ? null
            : $"{Join(path, attr.Key)} is {Format(value)} on this target; the checklist says {Format(attr.Checklist)}";
    }

    /// <summary>
    /// Every threshold of <paramref name="options"/> (groups and nested sections included) whose value differs from
    /// the checklist's own number: each must be declared under tailoring: in the target file.
    /// </summary>
    public static IEnumerable<ChecklistDeviation> ChecklistDeviations(object options, string path)
    {
        foreach (var prop in OptionProperties(options.GetType()))
        {
            var value = prop.GetValue(options);
            if (value is null) continue;
            if (prop.GetCustomAttribute<OptionGroupAttribute>() is not null)
            {
                foreach (var d in ChecklistDeviations(value, path)) yield return d;
                continue;
            }
            var attr = prop.GetCustomAttribute<OptionAttribute>()!;
            if (IsOptionsClass(prop.PropertyType))
            {
                foreach (var d in ChecklistDeviations(value, Join(path, attr.Key))) yield return d;
                continue;
            }
            if (double.IsNaN(attr.Checklist)) continue;
            var number = System.Convert.ToDouble(value, CultureInfo.InvariantCulture);
            if (!number.Equals(attr.Checklist))
                yield return new ChecklistDeviation(Join(path, attr.Key), number, attr.Checklist, attr.Unit ?? "",
                    (attr.Lines ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }
    }

    /// <summary>Key paths of every option of <paramref name="type"/> that carries a checklist number.</summary>
    public static IEnumerable<string> ChecklistNumberPaths(Type type, string path)
    {
        foreach (var prop in OptionProperties(type))
        {
            if (prop.GetCustomAttribute<OptionGroupAttribute>() is not null)
            {
                foreach (var p in ChecklistNumberPaths(prop.PropertyType, path)) yield return p;
                continue;
            }
            var attr = prop.GetCustomAttribute<OptionAttribute>()!;
            if (IsOptionsClass(prop.PropertyType))
                foreach (var p in ChecklistNumberPaths(prop.PropertyType, Join(path, attr.Key))) yield return p;
            else if (!double.IsNaN(attr.Checklist)) yield return Join(path, attr.Key);
        }
    }

    private sealed record Slot(PropertyInfo Property, OptionAttribute Attribute, object Owner);

    private sealed class Invalid
    {
        public static readonly Invalid Value = new();
    }

    private static Dictionary<string, Slot> Keys(Type type, object instance)
    {
        var keys = new Dictionary<string, Slot>(StringComparer.Ordinal);
        foreach (var prop in OptionProperties(type))
        {
            if (prop.GetCustomAttribute<OptionGroupAttribute>() is not null)
            {
                var group = prop.GetValue(instance) ?? Activator.CreateInstance(prop.PropertyType)!;
                prop.SetValue(instance, group);
                foreach (var (k, v) in Keys(prop.PropertyType, group)) keys[k] = v;
                continue;
            }
            var attr = prop.GetCustomAttribute<OptionAttribute>()!;
            keys[attr.Key] = new Slot(prop, attr, instance);
        }
        return keys;
    }

    private static IEnumerable<PropertyInfo> OptionProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<OptionAttribute>() is not null || p.GetCustomAttribute<OptionGroupAttribute>() is not null)
            .OrderBy(p => Depth(p.DeclaringType)).ThenBy(p => p.MetadataToken);

    private static int Depth(Type? t)
    {
        var depth = 0;
        for (; t is not null; t = t.BaseType) depth++;
        return depth;
    }

    private static bool IsOptionsClass(Type t) =>
        t.IsClass && t != typeof(string) && t != typeof(SecretReference) && OptionProperties(t).Any();

    private object? Convert(Type type, OptionAttribute attr, YamlNode node, string field, object? current)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(SecretReference)) return Secret(node, field) ?? (object)Invalid.Value;
        if (IsOptionsClass(underlying))
            return Bind(underlying, node, field, current ?? Activator.CreateInstance(underlying)!);
        if (underlying == typeof(IReadOnlyDictionary<string, SecretReference>))
        {
            if (node is not YamlMappingNode secrets) { Problem(node, field, "must be a mapping of NAME: { env: VARIABLE } or { file: PATH }"); return Invalid.Value; }
            var map = new Dictionary<string, SecretReference>(StringComparer.Ordinal);
            foreach (var (k, v) in secrets.Children)
                if (Secret(v, Join(field, (k as YamlScalarNode)?.Value ?? "")) is { } secret) map[(k as YamlScalarNode)?.Value ?? ""] = secret;
            return map.Count == secrets.Children.Count ? map : Invalid.Value;
        }
        if (underlying == typeof(IReadOnlyList<string>))
        {
            if (node is YamlSequenceNode seq && seq.Children.All(c => c is YamlScalarNode))
            {
                var items = seq.Children.Cast<YamlScalarNode>().Select(s => s.Value ?? "").ToList();
                if (attr.IsHostPort && items.FirstOrDefault(i => !HostPort.TryParse(i, out _)) is { } bad)
                { Problem(node, field, $"'{bad}' is not host:port"); return Invalid.Value; }
                return attr.IsPath ? items.Select(ResolvePath).ToList() : items;
            }
            Problem(node, field, "must be a list of strings, e.g. [ a, b ]");
            return Invalid.Value;
        }
        if (node is not YamlScalarNode scalar)
        {
            Problem(node, field, $"must be {TypeName(type, attr)}");
            return Invalid.Value;
        }
        var text = scalar.Value ?? "";
        if (underlying == typeof(string))
        {
            if (string.IsNullOrWhiteSpace(text)) { Problem(node, field, "must be a non-empty string"); return Invalid.Value; }
            if (attr.IsUrl && !(Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            { Problem(node, field, $"'{text}' is not an http(s) URL"); return Invalid.Value; }
            if (attr.IsHostPort && !HostPort.TryParse(text, out _)) { Problem(node, field, $"'{text}' is not host:port"); return Invalid.Value; }
            if (attr.OneOf is { } oneOf && !oneOf.Split(',').Contains(text))
            { Problem(node, field, $"'{text}' is not one of {oneOf.Replace(",", ", ")}"); return Invalid.Value; }
            if (attr.Schemes is { } schemes && !HasScheme(text, schemes))
            { Problem(node, field, $"'{text}' is not a {schemes.Replace(",", "://, ")}:// address"); return Invalid.Value; }
            if (attr.IsPath)
            {
                var path = ResolvePath(text);
                if (attr.MustExist && !File.Exists(path)) { Problem(node, field, $"file {path} does not exist"); return Invalid.Value; }
                return path;
            }
            return attr.IsUrl ? text.TrimEnd('/') : text;
        }
        if (underlying == typeof(bool))
        {
            if (bool.TryParse(text, out var b)) return b;
            Problem(node, field, $"'{text}' is not true or false");
            return Invalid.Value;
        }
        if (underlying == typeof(int))
        {
            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) && InRange(i, attr)) return i;
            Problem(node, field, $"'{text}' is not {TypeName(type, attr)}");
            return Invalid.Value;
        }
        if (underlying == typeof(double))
        {
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) && InRange(d, attr)) return d;
            Problem(node, field, $"'{text}' is not {TypeName(type, attr)}");
            return Invalid.Value;
        }
        throw new InvalidOperationException($"option type {type} of {field} is not supported by {nameof(OptionsBinder)}");
    }

    private SecretReference? Secret(YamlNode v, string field)
    {
        if (v is YamlScalarNode)
        {
            Problem(v, field, "secrets must not be written in the target file: use { env: VARIABLE } or { file: PATH }");
            return null;
        }
        if (v is YamlMappingNode m && m.Children.Count == 1 && m.Children.First() is var (k, val) &&
            k is YamlScalarNode ks && val is YamlScalarNode vs && !string.IsNullOrWhiteSpace(vs.Value))
        {
            if (ks.Value == "env") return SecretReference.FromEnvironment(vs.Value);
            if (ks.Value == "file") return SecretReference.FromFile(ResolvePath(vs.Value));
        }
        Problem(v, field, "a secret reference is { env: VARIABLE } or { file: PATH }");
        return null;
    }

    private static bool InRange(double value, OptionAttribute attr) =>
        (double.IsNaN(attr.Min) || value >= attr.Min) && (double.IsNaN(attr.Max) || value <= attr.Max);

    private static string TypeName(Type type, OptionAttribute attr)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        var range = (double.IsNaN(attr.Min), double.IsNaN(attr.Max)) switch
        {
            (false, false) => $" between {Format(attr.Min)} and {Format(attr.Max)}",
            (false, true) => $" >= {Format(attr.Min)}",
            (true, false) => $" <= {Format(attr.Max)}",
            _ => "",
        };
        if (t == typeof(int)) return "a whole number" + range;
        if (t == typeof(double)) return "a number" + range;
        if (t == typeof(bool)) return "true or false";
        if (t == typeof(IReadOnlyList<string>) && attr.IsHostPort) return "a list of host:port";
        if (t == typeof(IReadOnlyList<string>)) return attr.IsPath ? "a list of paths (globs allowed)" : "a list of strings";
        if (t == typeof(SecretReference)) return "a secret reference { env: VARIABLE } or { file: PATH }";
        if (t == typeof(IReadOnlyDictionary<string, SecretReference>)) return "a mapping of NAME: { env: VARIABLE } or { file: PATH }";
        if (attr.IsUrl) return "an http(s) URL";
        if (attr.IsHostPort) return "host:port";
        if (attr.OneOf is { } values) return "one of " + values.Replace(",", ", ");
        if (attr.Schemes is { } schemes) return "a " + schemes.Replace(",", "://, ") + ":// address";
        if (attr.IsPath) return attr.MustExist ? "the path of an existing file" : "a path";
        return "a string";
    }

    private static string Format(object? value) => value switch
    {
        null => "",
        double d => d.ToString("0.###", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IReadOnlyList<string> l => l.Count == 0 ? "" : $"[ {string.Join(", ", l)} ]",
        IReadOnlyDictionary<string, SecretReference> m => m.Count == 0 ? "" : $"{{ {string.Join(", ", m.Keys)} }}",
        _ => System.Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    /// <summary>True when <paramref name="text"/> is an absolute URL with one of the comma-separated <paramref name="schemes"/>.</summary>
    public static bool HasScheme(string text, string schemes) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && schemes.Split(',').Contains(uri.Scheme);
}

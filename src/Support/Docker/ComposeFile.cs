using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Acceptance.Support.Docker;

/// <summary>One volume of a compose service.</summary>
/// <param name="Type">volume (named or anonymous), bind or tmpfs.</param>
/// <param name="Source">The volume's name or the host path ("" for an anonymous volume or a tmpfs).</param>
/// <param name="Target">Path inside the container.</param>
/// <param name="ReadOnly">Mounted read-only (":ro" or read_only: true).</param>
public sealed record ComposeVolume(string Type, string Source, string Target, bool ReadOnly);

/// <summary>What a compose file says of one service.</summary>
/// <param name="Name">The service's key under services.</param>
/// <param name="Image">image (null: built, not pulled).</param>
/// <param name="MemoryLimit">mem_limit or deploy.resources.limits.memory as written ("512m"), null when neither.</param>
/// <param name="CpuLimit">cpus or deploy.resources.limits.cpus as written ("0.5"), null when neither.</param>
/// <param name="Volumes">volumes, short and long syntax.</param>
/// <param name="HasHealthcheck">A healthcheck is declared and not disabled (disable: true, test: ["NONE"]).</param>
/// <param name="Restart">restart ("always", "unless-stopped", ...), else deploy.restart_policy.condition prefixed
/// "deploy:" ("deploy:on-failure"), else null.</param>
public sealed record ComposeService(
    string Name, string? Image, string? MemoryLimit, string? CpuLimit, IReadOnlyList<ComposeVolume> Volumes, bool HasHealthcheck, string? Restart)
{
    /// <summary>The service's profiles: a service with profiles starts only when one is activated, so a plain `up` does not run it.</summary>
    public IReadOnlyList<string> Profiles { get; init; } = [];

    /// <summary>"compose service NAME", the owner in <see cref="WorkloadImage"/> and <see cref="WorkloadLimits"/>.</summary>
    public string Owner => $"compose service {Name}";
}

/// <summary>
/// A docker-compose file read into per-service facts, with ${VAR} substitution (<see cref="ComposeEnvironment"/>).
/// It reads the file as written, not <c>docker compose config</c>'s normalised output: extends, profiles and
/// merges of several files are not applied.
/// </summary>
/// <param name="Path">The file read (for messages).</param>
/// <param name="Services">The services in file order.</param>
/// <param name="UnsetVariables">Variables the file uses that were not set and had no default (they became "").</param>
public sealed record ComposeFile(string Path, IReadOnlyList<ComposeService> Services, IReadOnlyList<string> UnsetVariables)
{
    /// <summary>Reads the compose file at <paramref name="path"/>; variables come from <paramref name="environment"/>.</summary>
    public static ComposeFile Load(string path, IReadOnlyDictionary<string, string>? environment = null) =>
        Parse(File.ReadAllText(path), environment, path);

    /// <summary>
    /// Reads compose YAML. Scalars get ${VAR}, ${VAR:-default}, ${VAR-default}, $VAR and $$ substitution from
    /// <paramref name="environment"/>; ${VAR:?message} / ${VAR?message} on an unset variable throws.
    /// </summary>
    /// <exception cref="FormatException">Not a compose file (no services mapping), or a required variable is unset; the message names <paramref name="path"/>.</exception>
    public static ComposeFile Parse(string yaml, IReadOnlyDictionary<string, string>? environment = null, string path = "docker-compose.yml")
    {
        var env = environment ?? new Dictionary<string, string>();
        var unset = new SortedSet<string>(StringComparer.Ordinal);
        var stream = new YamlStream();
        try { stream.Load(new StringReader(yaml)); }
        catch (YamlDotNet.Core.YamlException e) { throw new FormatException($"{path}: not valid YAML: {e.Message}", e); }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root || Child(root, "services") is not YamlMappingNode services)
            throw new FormatException($"{path}: not a compose file (no 'services' mapping)");

        string? Scalar(YamlNode? n) => n is YamlScalarNode { Value: { } v } && !IsNull(n) ? ComposeEnvironment.Substitute(v, env, unset, path) : null;

        var list = new List<ComposeService>();
        foreach (var (key, node) in services.Children)
        {
            var name = ((YamlScalarNode)key).Value ?? "";
            var svc = node as YamlMappingNode ?? new YamlMappingNode();
            var limits = Child(Child(Child(svc, "deploy"), "resources"), "limits");
            var memory = Scalar(Child(svc, "mem_limit")) ?? Scalar(Child(limits, "memory"));
            var cpus = Scalar(Child(svc, "cpus")) ?? Scalar(Child(limits, "cpus"));
            var restart = Scalar(Child(svc, "restart"));
            if (restart is null && Scalar(Child(Child(Child(svc, "deploy"), "restart_policy"), "condition")) is { } condition) restart = "deploy:" + condition;
            var volumes = new List<ComposeVolume>();
            if (Child(svc, "volumes") is YamlSequenceNode vs)
                foreach (var v in vs.Children)
                {
                    if (v is YamlScalarNode) volumes.Add(ShortVolume(Scalar(v) ?? ""));
                    else if (v is YamlMappingNode m)
                    {
                        var type = Scalar(Child(m, "type")) ?? "volume";
                        volumes.Add(new ComposeVolume(type, Scalar(Child(m, "source")) ?? "", Scalar(Child(m, "target")) ?? "",
                            string.Equals(Scalar(Child(m, "read_only")), "true", StringComparison.OrdinalIgnoreCase)));
                    }
                }
            var health = Child(svc, "healthcheck");
            var hasHealth = health is YamlMappingNode hm
                            && !string.Equals(Scalar(Child(hm, "disable")), "true", StringComparison.OrdinalIgnoreCase)
                            && !(Child(hm, "test") is YamlSequenceNode { Children: [YamlScalarNode { Value: "NONE" }, ..] });
            var profiles = Child(svc, "profiles") is YamlSequenceNode ps ? ps.Children.Select(Scalar).OfType<string>().ToList() : [];
            list.Add(new ComposeService(name, Scalar(Child(svc, "image")), memory, cpus, volumes, hasHealth, restart) { Profiles = profiles });
        }
        return new ComposeFile(path, list, unset.ToList());
    }

    /// <summary>The image of every service that has one.</summary>
    public IReadOnlyList<WorkloadImage> Images => Services.Where(s => s.Image is not null).Select(s => new WorkloadImage(s.Owner, s.Image!)).ToList();

    /// <summary>The limits of every service, in words ("512 MiB", "0.5 CPU"; as written when not a size).</summary>
    public IReadOnlyList<WorkloadLimits> Limits => Services.Select(s => new WorkloadLimits(s.Owner,
        s.MemoryLimit is null ? null : Sizes.TryParseBytes(s.MemoryLimit) is { } b ? Sizes.Bytes(b) : s.MemoryLimit,
        s.CpuLimit is null ? null : double.TryParse(s.CpuLimit, NumberStyles.Float, CultureInfo.InvariantCulture, out var c) ? Sizes.Cpus(c) : s.CpuLimit)).ToList();

    /// <summary>Short syntax: [SOURCE:]TARGET[:MODE]; a source starting with '.', '/' or '~' is a host path (bind).</summary>
    public static ComposeVolume ShortVolume(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var parts = spec.Split(':');
        if (parts.Length == 1) return new ComposeVolume("volume", "", parts[0], false); // anonymous volume
        var source = parts[0];
        var target = parts[1];
        var mode = parts.Length > 2 ? parts[2] : "";
        var readOnly = mode.Split(',').Contains("ro");
        var bind = source.StartsWith('.') || source.StartsWith('/') || source.StartsWith('~') || source.StartsWith('$');
        return new ComposeVolume(bind ? "bind" : "volume", source, target, readOnly);
    }

    private static bool IsNull(YamlNode n) => n is YamlScalarNode s && s.Style == YamlDotNet.Core.ScalarStyle.Plain && s.Value is "null" or "~" or "";

    private static YamlNode? Child(YamlNode? node, string key) =>
        node is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;
}

/// <summary>Compose's variable substitution and .env files.</summary>
public static partial class ComposeEnvironment
{
    /// <summary>
    /// An env file (compose's .env, docker's --env-file): KEY=VALUE lines; blank lines and lines starting with '#'
    /// are skipped; "export " before the key is allowed; a value in single quotes is literal, in double quotes
    /// understands \n and \"; an unquoted value ends at " #". A later key wins.
    /// </summary>
    /// <exception cref="FormatException">A line that is not KEY=VALUE; the message gives the line number.</exception>
    public static IReadOnlyDictionary<string, string> ParseEnvFile(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r').Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (line.StartsWith("export ", StringComparison.Ordinal)) line = line[7..].TrimStart();
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !NamePattern().IsMatch(line[..eq].Trim())) throw new FormatException($"env file line {i + 1}: '{lines[i].TrimEnd('\r')}' is not KEY=VALUE");
            var key = line[..eq].Trim();
            var value = line[(eq + 1)..].Trim();
            if (value.Length >= 2 && value[0] == '\'' && value[^1] == '\'') value = value[1..^1];
            else if (value.Length >= 2 && value[0] == '"' && value[^1] == '"') value = value[1..^1].Replace("\\n", "\n", StringComparison.Ordinal).Replace("\\\"", "\"", StringComparison.Ordinal);
            else
            {
                var comment = value.IndexOf(" #", StringComparison.Ordinal);
                if (comment >= 0) value = value[..comment].TrimEnd();
            }
            result[key] = value;
        }
        return result;
    }

    /// <summary>
    /// Substitutes $$ (a literal $), $VAR, ${VAR}, ${VAR:-default} (unset or empty), ${VAR-default} (unset),
    /// ${VAR:?message} / ${VAR?message} (throws when unset); an unset variable without a default becomes "" and is
    /// added to <paramref name="unset"/>.
    /// </summary>
    /// <exception cref="FormatException">A required variable is unset, or a ${ is not closed.</exception>
    public static string Substitute(string value, IReadOnlyDictionary<string, string> environment, ISet<string>? unset = null, string path = "compose file")
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(environment);
        if (!value.Contains('$')) return value;
        var sb = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c != '$' || i + 1 >= value.Length) { sb.Append(c); continue; }
            var next = value[i + 1];
            if (next == '$') { sb.Append('$'); i++; continue; }
            if (next == '{')
            {
                var close = -1;
                for (int j = i + 2, depth = 1; j < value.Length; j++)
                {
                    if (value[j] == '{') depth++;
                    else if (value[j] == '}' && --depth == 0) { close = j; break; }
                }
                if (close < 0) throw new FormatException($"{path}: '{value}' has a '${{' without '}}'");
                sb.Append(Expand(value[(i + 2)..close], environment, unset, path));
                i = close;
                continue;
            }
            var m = NamePrefixPattern().Match(value, i + 1);
            if (m.Success && m.Index == i + 1)
            {
                sb.Append(Lookup(m.Value, environment, unset));
                i += m.Length;
                continue;
            }
            sb.Append(c);
        }
        return sb.ToString();
    }

    private static string Expand(string inner, IReadOnlyDictionary<string, string> env, ISet<string>? unset, string path)
    {
        var m = NamePrefixPattern().Match(inner);
        if (!m.Success || m.Index != 0) throw new FormatException($"{path}: '${{{inner}}}' is not a variable");
        var name = m.Value;
        var rest = inner[name.Length..];
        var isSet = env.TryGetValue(name, out var v);
        var nonEmpty = isSet && !string.IsNullOrEmpty(v);
        if (rest.Length == 0) return Lookup(name, env, unset);
        if (rest.StartsWith(":-", StringComparison.Ordinal)) return nonEmpty ? v! : Substitute(rest[2..], env, unset, path);
        if (rest.StartsWith('-')) return isSet ? v! : Substitute(rest[1..], env, unset, path);
        if (rest.StartsWith(":?", StringComparison.Ordinal) || rest.StartsWith('?'))
            return (rest[0] == ':' ? nonEmpty : isSet) ? v! : throw new FormatException($"{path}: required variable {name} is not set: {rest.TrimStart(':', '?')}");
        if (rest.StartsWith(":+", StringComparison.Ordinal)) return nonEmpty ? Substitute(rest[2..], env, unset, path) : "";
        if (rest.StartsWith('+')) return isSet ? Substitute(rest[1..], env, unset, path) : "";
        throw new FormatException($"{path}: '${{{inner}}}' uses an operator compose does not know");
    }

    private static string Lookup(string name, IReadOnlyDictionary<string, string> env, ISet<string>? unset)
    {
        if (env.TryGetValue(name, out var v)) return v;
        unset?.Add(name);
        return "";
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_.]*$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("[A-Za-z_][A-Za-z0-9_]*")]
    private static partial Regex NamePrefixPattern();
}

/// <summary>Sizes and CPU amounts in words, and compose/docker size strings read.</summary>
public static partial class Sizes
{
    /// <summary>Bytes in binary units: "2 GiB", "256 MiB", "1.5 GiB", "512 B".</summary>
    public static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double v = bytes;
        var u = 0;
        while (v >= 1024 && u < units.Length - 1) { v /= 1024; u++; }
        return v.ToString(v % 1 == 0 ? "0" : "0.##", CultureInfo.InvariantCulture) + " " + units[u];
    }

    /// <summary>CPUs in words: "2 CPU", "0.5 CPU".</summary>
    public static string Cpus(double cpus) => cpus.ToString("0.###", CultureInfo.InvariantCulture) + " CPU";

    /// <summary>
    /// Reads a docker/compose size ("512m", "1g", "1GB", "1024k", "1073741824", "1.5g"): units b, k, m, g, t with an
    /// optional trailing "b", powers of 1024; null when it is not one.
    /// </summary>
    public static long? TryParseBytes(string text)
    {
        var m = SizePattern().Match((text ?? "").Trim());
        if (!m.Success) return null;
        var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        var mult = char.ToLowerInvariant(m.Groups[2].Value.FirstOrDefault('b')) switch
        {
            'k' => 1024d, 'm' => 1024d * 1024, 'g' => 1024d * 1024 * 1024, 't' => 1024d * 1024 * 1024 * 1024, _ => 1d,
        };
        return (long)(n * mult);
    }

    [GeneratedRegex("^([0-9]+(?:\\.[0-9]+)?)\\s*([bkmgtBKMGT]?)[bB]?$")]
    private static partial Regex SizePattern();
}

namespace Acceptance.Support.Validation;

/// <summary>
/// One kind of configuration file and its own validator: the real tool (located on PATH, run under a deadline) or, for
/// plain YAML and JSON, an in-process parser.
/// </summary>
/// <param name="Name">The kind as written in <c>configuration.files</c> entries (<c>prometheus</c>, <c>haproxy</c>, ...).</param>
/// <param name="Tool">The validator's executable, looked up on PATH; null for the in-process parsers.</param>
/// <param name="DebianPackage">The Debian package that installs <paramref name="Tool"/> (named when it is missing).</param>
/// <param name="Arguments">The validator's arguments for a file (its full path) and an optional env file.</param>
/// <param name="ToolVariable">An environment variable that may name the tool's path ($PROMTOOL), or null.</param>
public sealed record ConfigKind(string Name, string? Tool, string? DebianPackage, Func<string, string?, IReadOnlyList<string>> Arguments,
    string? ToolVariable = null)
{
    /// <summary>The validator as a command template ("promtool check config FILE"), for documentation and messages.</summary>
    public string Describe() => Tool is null ? Name == ConfigKinds.Json ? "System.Text.Json parse" : "YamlDotNet parse (all documents)"
        : $"{Tool} {string.Join(' ', Arguments("FILE", null))}";
}

/// <summary>The kinds of configuration file the suite validates, each with its own validator (APP-CM-1, PREVAL-AT-1).</summary>
public static class ConfigKinds
{
    /// <summary>Plain YAML: parsed with YamlDotNet, every document of the stream.</summary>
    public const string Yaml = "yaml";

    /// <summary>Plain JSON: parsed with System.Text.Json (strict: no comments, no trailing commas).</summary>
    public const string Json = "json";

    /// <summary>A compose file: <c>docker-compose -f FILE config -q</c>.</summary>
    public const string Compose = "compose";

    /// <summary>Every kind by name, in a stable order.</summary>
    public static IReadOnlyDictionary<string, ConfigKind> All { get; } = new[]
    {
        new ConfigKind("prometheus", "promtool", "prometheus", (f, _) => ["check", "config", f], "PROMTOOL"),
        new ConfigKind("prometheus-rules", "promtool", "prometheus", (f, _) => ["check", "rules", f], "PROMTOOL"),
        new ConfigKind("prometheus-web", "promtool", "prometheus", (f, _) => ["check", "web-config", f], "PROMTOOL"),
        new ConfigKind("alertmanager", "amtool", "prometheus-alertmanager", (f, _) => ["check-config", f]),
        new ConfigKind("haproxy", "haproxy", "haproxy", (f, _) => ["-c", "-f", f]),
        new ConfigKind("sshd", "sshd", "openssh-server", (f, _) => ["-t", "-f", f]),
        new ConfigKind("dnsmasq", "dnsmasq", "dnsmasq-base", (f, _) => ["--test", $"--conf-file={f}"]),
        new ConfigKind("blackbox", "prometheus-blackbox-exporter", "prometheus-blackbox-exporter", (f, _) => ["--config.check", $"--config.file={f}"]),
        new ConfigKind(Compose, "docker-compose", "docker-compose", (f, env) => env is null ? ["-f", f, "config", "-q"] : ["--env-file", env, "-f", f, "config", "-q"], "DOCKER_COMPOSE"),
        new ConfigKind(Yaml, null, null, (_, _) => []),
        new ConfigKind(Json, null, null, (_, _) => []),
    }.ToDictionary(k => k.Name, StringComparer.Ordinal);
}

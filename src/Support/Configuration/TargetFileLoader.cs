using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Acceptance.Support.Configuration;

/// <summary>
/// Reads a target file (docs/target-file.md), applies the standard environment-variable overrides
/// and validates the result. Every section is bound onto its typed options class by
/// <see cref="OptionsBinder"/>, so unknown keys, wrong types and out-of-range values are all found, and
/// every problem is collected: a bad file fails once with the whole list (file:line, field, why).
/// </summary>
public static class TargetFileLoader
{
    private static readonly string[] TopLevelKeys = ["name", "environment", "tls", "services", "expect", "thresholds", "scale", "configuration", "firewall", "exposure"];

    /// <summary>Service keys a target file may declare.</summary>
    public static IReadOnlyCollection<string> KnownServices => ServiceCatalog.Types.Keys.ToList();

    /// <summary>
    /// Loads and validates <paramref name="path"/>. Throws <see cref="TargetConfigurationException"/>
    /// listing every problem.
    /// </summary>
    /// <param name="path">The target file.</param>
    /// <param name="environment">Environment variables (defaults to the process environment).</param>
    public static TargetEnvironment Load(string path, IReadOnlyDictionary<string, string?>? environment = null)
    {
        environment ??= ProcessEnvironment();
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
            throw new TargetConfigurationException([$"{path}: the target file does not exist"]);
        var root = Parse(path, fullPath);

        var problems = new List<string>();
        var binder = new OptionsBinder(path, Path.GetDirectoryName(fullPath)!, problems);
        YamlNode? Child(string key) => root.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

        foreach (var key in root.Children.Keys)
            if (key is not YamlScalarNode { Value: { } k } || !TopLevelKeys.Contains(k))
                binder.Problem(key, (key as YamlScalarNode)?.Value ?? "?", $"unknown field (expected one of: {string.Join(", ", TopLevelKeys)})");

        var name = RequiredString(binder, Child("name"), "name");
        var env = RequiredString(binder, Child("environment"), "environment");
        var tls = binder.Bind<TlsDefaults>(Child("tls"), "tls");

        var services = new Dictionary<string, ServiceOptions>();
        switch (Child("services"))
        {
            case null:
                binder.Problem("services", "missing (declare at least one service)");
                break;
            case YamlMappingNode servicesNode:
                foreach (var (keyNode, valueNode) in servicesNode.Children)
                {
                    var key = (keyNode as YamlScalarNode)?.Value ?? "";
                    if (!ServiceCatalog.Types.ContainsKey(key))
                    {
                        binder.Problem(keyNode, $"services.{key}", $"unknown service (expected one of: {string.Join(", ", ServiceCatalog.Types.Keys)})");
                        continue;
                    }
                    var section = ServiceCatalog.Create(key);
                    services[key] = (ServiceOptions)binder.Bind(section.GetType(), valueNode, $"services.{key}", section);
                }
                break;
            case var other:
                binder.Problem(other, "services", "must be a mapping of service sections");
                break;
        }

        var target = new TargetEnvironment
        {
            SourceFile = fullPath,
            Name = name ?? "",
            Environment = env ?? "",
            CaFile = tls.CaFile,
            Tls = tls,
            Firewall = binder.Bind<Network.FirewallOptions>(Child("firewall"), "firewall"),
            Exposure = binder.Bind<Exposure.ExposureOptions>(Child("exposure"), "exposure"),
            Services = services,
            Expect = binder.Bind<Expectations>(Child("expect"), "expect"),
            Thresholds = binder.Bind<Thresholds>(Child("thresholds"), "thresholds"),
            Scale = binder.Bind<Nomad.ScaleOptions>(Child("scale"), "scale"),
            Configuration = binder.Bind<ConfigurationSection>(Child("configuration"), "configuration"),
        };
        target = EnvironmentOverrides.Apply(target, environment, problems);

        foreach (var (key, service) in target.Services)
        {
            if (service is ServiceEndpoint { CaFile: { } ca } && !File.Exists(ca))
                problems.Add($"{path}: field services.{key}.ca_file: file {ca} does not exist");
            foreach (var (field, secret) in service.Secrets())
                if (secret.Problem(environment) is { } why)
                    problems.Add($"{path}: field services.{key}.{field}: {why}");
        }

        if (problems.Count > 0) throw new TargetConfigurationException(problems);
        return target;
    }

    private static YamlMappingNode Parse(string path, string fullPath)
    {
        try
        {
            var stream = new YamlStream();
            using var reader = new StreamReader(fullPath);
            stream.Load(reader);
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode mapping)
                throw new TargetConfigurationException([$"{path}: the target file must be a YAML mapping (name, environment, services, ...)"]);
            return mapping;
        }
        catch (YamlException e)
        {
            throw new TargetConfigurationException([$"{path}:{e.Start.Line}:{e.Start.Column}: not valid YAML: {e.InnerException?.Message ?? e.Message}"]);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or InvalidCastException)
        {
            // YamlDotNet reports some malformed documents (e.g. an unclosed flow sequence) this way.
            throw new TargetConfigurationException([$"{path}: not valid YAML: {e.Message}"]);
        }
    }

    private static string? RequiredString(OptionsBinder binder, YamlNode? node, string field)
    {
        if (node is null) { binder.Problem(field, "missing"); return null; }
        if (node is YamlScalarNode { Value: { } v } && !string.IsNullOrWhiteSpace(v)) return v;
        binder.Problem(node, field, "must be a non-empty string");
        return null;
    }

    private static IReadOnlyDictionary<string, string?> ProcessEnvironment()
    {
        var d = new Dictionary<string, string?>();
        foreach (System.Collections.DictionaryEntry e in System.Environment.GetEnvironmentVariables())
            d[(string)e.Key] = (string?)e.Value;
        return d;
    }
}

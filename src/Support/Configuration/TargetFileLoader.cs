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
    private static readonly string[] TopLevelKeys = ["name", "environment", "tls", "services", "expect", "thresholds", "scale", "configuration",
        "performance", "change", "attestations", "ci_results", "documentation", "tailoring", "backups", "retention", "audit", "firewall", "exposure", "evidence"];

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
            Performance = binder.Bind<Load.PerformanceSection>(Child("performance"), "performance"),
            Change = binder.Bind<ChangeOptions>(Child("change"), "change"),
            Attestations = binder.Bind<AttestationPolicyOptions>(Child("attestations"), "attestations"),
            CiResults = binder.Bind<ContinuousIntegration.CiResultsOptions>(Child("ci_results"), "ci_results"),
            Documentation = binder.Bind<Documentation.DocumentationOptions>(Child("documentation"), "documentation"),
            Tailoring = ReadTailoring(binder, Child("tailoring")),
            Backups = binder.Bind<Backups.BackupSection>(Child("backups"), "backups"),
            Retention = binder.Bind<Backups.RetentionSection>(Child("retention"), "retention"),
            Audit = binder.Bind<Backups.AuditSection>(Child("audit"), "audit"),
            Evidence = binder.Bind<Evidence.EvidenceBundleOptions>(Child("evidence"), "evidence"),
        };
        problems.AddRange(target.Performance.Problems().Select(p => $"{path}: {p}"));
        CheckSignOffSettings(binder, root, target);
        target = EnvironmentOverrides.Apply(target, environment, problems);

        foreach (var (key, service) in target.Services)
        {
            if (service is ServiceEndpoint { CaFile: { } ca } && !File.Exists(ca))
                problems.Add($"{path}: field services.{key}.ca_file: file {ca} does not exist");
            if (service is Backups.BackupStoreOptions { Parts: null } store)
                problems.Add($"{path}: field services.{key}.address: '{store.Address}' is not sftp://USER@HOST:PORT/PATH");
            foreach (var (field, secret) in service.Secrets())
                if (secret.Problem(environment) is { } why)
                    problems.Add($"{path}: field services.{key}.{field}: {why}");
        }

        if (target.Evidence.StoreService is { } storeService && target.Service(storeService) is null)
            problems.Add($"{path}: field evidence.store_service: the target file declares no services.{storeService} to upload the evidence to");

        if (problems.Count > 0) throw new TargetConfigurationException(problems);
        return target;
    }

    /// <summary>tailoring: { KEY.PATH: { reason: TEXT, approver: NAME } }, every field checked.</summary>
    private static IReadOnlyDictionary<string, Tailoring> ReadTailoring(OptionsBinder binder, YamlNode? node)
    {
        var map = new Dictionary<string, Tailoring>(StringComparer.Ordinal);
        if (node is null) return map;
        if (node is not YamlMappingNode m) { binder.Problem(node, "tailoring", "must be a mapping of KEY.PATH: { reason: TEXT, approver: NAME }"); return map; }
        foreach (var (k, v) in m.Children)
        {
            var path = (k as YamlScalarNode)?.Value ?? "";
            var field = $"tailoring.{path}";
            if (v is not YamlMappingNode entry) { binder.Problem(v, field, "must be { reason: TEXT, approver: NAME }"); continue; }
            string? Get(string key) => entry.Children.TryGetValue(new YamlScalarNode(key), out var x) && x is YamlScalarNode { Value: { } t } && !string.IsNullOrWhiteSpace(t) ? t.Trim() : null;
            foreach (var extra in entry.Children.Keys.OfType<YamlScalarNode>().Where(x => x.Value is not ("reason" or "approver")))
                binder.Problem(extra, $"{field}.{extra.Value}", "unknown field (expected one of: reason, approver)");
            var missing = new[] { "reason", "approver" }.Where(f => Get(f) is null).ToList();
            if (missing.Count > 0) { binder.Problem(entry, field, $"missing {string.Join(", ", missing)} (a tailoring says why and who approved it)"); continue; }
            map[path] = new Tailoring(path, Get("reason")!, Get("approver")!, (int)k.Start.Line);
        }
        return map;
    }

    /// <summary>
    /// The checks that span sections: every threshold that differs from the checklist's number is declared under
    /// tailoring (and every tailoring names such a threshold); change.window_start is a date-time; per-line caps are ID=DAYS.
    /// </summary>
    private static void CheckSignOffSettings(OptionsBinder binder, YamlMappingNode root, TargetEnvironment target)
    {
        // The checklist's numbers are minimums: a target asking less must declare it; asking more is not a tailoring.
        var deviations = ChecklistDeviations(target).ToList();
        foreach (var d in deviations.Where(d => d.IsRelaxed && !target.Tailoring.ContainsKey(d.Path)))
        {
            var node = Find(root, d.Path);
            var why = $"{d.Describe(null)} differs from the checklist's number and is not declared under tailoring: " +
                      $"add tailoring: {{ {d.Path}: {{ reason: ..., approver: ... }} }} (docs/target-file.md#tailoring)";
            if (node is not null) binder.Problem(node, d.Path, why); else binder.Problem(d.Path, why);
        }
        foreach (var t in target.Tailoring.Values.Where(t => deviations.All(d => d.Path != t.Path)))
            binder.Problem($"tailoring.{t.Path}", $"(line {t.Line}) names no threshold that differs from the checklist's number " +
                                                  $"(thresholds with a checklist number: {string.Join(", ", ChecklistNumberKeys())})");
        if (target.Change.WindowStart is { } w && target.Change.WindowStartTime is null)
            binder.Problem(Find(root, "change.window_start") ?? root, "change.window_start", $"'{w}' is not a date-time (ISO 8601, e.g. 2026-11-28T08:00:00Z)");
        foreach (var e in target.Attestations.LineMaxValidityDays.Where(e => !target.Attestations.LineCaps().ContainsKey(e.Split('=')[0].Trim())))
            binder.Problem(Find(root, "attestations.line_max_validity_days") ?? root, "attestations.line_max_validity_days", $"'{e}' is not ID=DAYS (DAYS >= 1)");
    }

    /// <summary>Every threshold of the target that differs from the checklist's own number.</summary>
    public static IEnumerable<ChecklistDeviation> ChecklistDeviations(TargetEnvironment target) =>
        OptionsBinder.ChecklistDeviations(target.Expect, "expect").Concat(OptionsBinder.ChecklistDeviations(target.Thresholds, "thresholds"));

    private static IEnumerable<string> ChecklistNumberKeys() =>
        OptionsBinder.ChecklistNumberPaths(typeof(Expectations), "expect").Concat(OptionsBinder.ChecklistNumberPaths(typeof(Thresholds), "thresholds"));

    private static YamlNode? Find(YamlMappingNode root, string path)
    {
        YamlNode? node = root;
        var parts = path.Split('.');
        foreach (var part in parts)
        {
            if (node is not YamlMappingNode m || !m.Children.TryGetValue(new YamlScalarNode(part), out var next)) return null;
            node = next;
        }
        return node;
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

using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Acceptance.Support.Configuration;

/// <summary>
/// Reads a target file (docs/target-file.md), applies the standard environment-variable overrides
/// and validates the result. Every problem found is collected, so a bad file fails once with the
/// whole list (file, field, why) instead of one problem per run.
/// </summary>
public static class TargetFileLoader
{
    /// <summary>Service keys a target file may declare.</summary>
    public static readonly IReadOnlyList<string> KnownServices =
        ["consul", "nomad", "prometheus", "pushgateway", "alertmanager", "grafana", "load_balancer", "dns", "ssh", "loki"];

    private static readonly HashSet<string> TopLevelKeys = ["name", "environment", "tls", "services", "expect", "thresholds"];
    private static readonly HashSet<string> SecretFields = ["token", "password", "private_key"];
    private static readonly HashSet<string> UrlServices = ["consul", "nomad", "prometheus", "pushgateway", "alertmanager", "grafana", "load_balancer", "loki"];

    /// <summary>
    /// Loads and validates <paramref name="path"/>. Throws <see cref="TargetConfigurationException"/>
    /// listing every problem.
    /// </summary>
    /// <param name="path">The target file.</param>
    /// <param name="environment">Environment variables (defaults to the process environment).</param>
    public static TargetEnvironment Load(string path, IReadOnlyDictionary<string, string?>? environment = null)
    {
        environment ??= ProcessEnvironment();
        var problems = new List<string>();
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
            throw new TargetConfigurationException([$"{path}: the target file does not exist"]);

        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            using var reader = new StreamReader(fullPath);
            stream.Load(reader);
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode mapping)
                throw new TargetConfigurationException([$"{path}: the target file must be a YAML mapping (name, environment, services, ...)"]);
            root = mapping;
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

        var ctx = new Context(path, Path.GetDirectoryName(fullPath)!, problems);

        foreach (var key in root.Children.Keys.OfType<YamlScalarNode>())
            if (!TopLevelKeys.Contains(key.Value!))
                ctx.Problem(key, key.Value!, $"unknown field (expected one of: {string.Join(", ", TopLevelKeys)})");

        var name = ctx.RequiredString(root, "name", "name");
        var env = ctx.RequiredString(root, "environment", "environment");
        string? caFile = null;
        if (ctx.Mapping(root, "tls", "tls") is { } tls)
            caFile = ctx.OptionalPath(tls, "ca_file", "tls.ca_file", mustExist: true);

        var services = new Dictionary<string, ServiceEndpoint>();
        if (ctx.Mapping(root, "services", "services") is { } servicesNode)
        {
            foreach (var (keyNode, valueNode) in servicesNode.Children)
            {
                var key = ((YamlScalarNode)keyNode).Value!;
                if (!KnownServices.Contains(key))
                {
                    ctx.Problem(keyNode, $"services.{key}", $"unknown service (expected one of: {string.Join(", ", KnownServices)})");
                    continue;
                }
                if (valueNode is not YamlMappingNode serviceNode)
                {
                    ctx.Problem(valueNode, $"services.{key}", "must be a mapping with at least an address");
                    continue;
                }
                var endpoint = ReadService(ctx, key, serviceNode);
                if (endpoint is not null) services[key] = endpoint;
            }
        }
        else
        {
            problems.Add($"{path}: field services: missing (declare at least one service)");
        }

        var expect = ReadExpectations(ctx, root);
        var thresholds = ReadThresholds(ctx, root);

        var target = new TargetEnvironment
        {
            SourceFile = fullPath,
            Name = name ?? "",
            Environment = env ?? "",
            CaFile = caFile,
            Services = services,
            Expect = expect,
            Thresholds = thresholds,
        };
        target = EnvironmentOverrides.Apply(target, environment, problems);

        foreach (var (key, service) in target.Services)
        {
            if (service.CaFile is { } ca && !File.Exists(ca))
                problems.Add($"{path}: field services.{key}.ca_file: file {ca} does not exist");
            foreach (var (field, secret) in new[] { ("token", service.Token), ("password", service.Password), ("private_key", service.PrivateKey) })
                if (secret?.Kind == "file" && !File.Exists(secret.Location))
                    problems.Add($"{path}: field services.{key}.{field}: secret file {secret.Location} does not exist");
        }

        if (problems.Count > 0) throw new TargetConfigurationException(problems);
        return target;
    }

    private static ServiceEndpoint? ReadService(Context ctx, string key, YamlMappingNode node)
    {
        var field = $"services.{key}";
        var settings = new Dictionary<string, string>();
        var lists = new Dictionary<string, IReadOnlyList<string>>();
        SecretReference? token = null, password = null, privateKey = null;
        string? username = null;

        foreach (var (k, v) in node.Children)
        {
            var name = ((YamlScalarNode)k).Value!;
            var sub = $"{field}.{name}";
            if (SecretFields.Contains(name))
            {
                var secret = ctx.Secret(v, sub);
                if (name == "token") token = secret;
                else if (name == "password") password = secret;
                else privateKey = secret;
            }
            else if (name == "basic_auth")
            {
                if (v is not YamlMappingNode auth) { ctx.Problem(v, sub, "must be a mapping with username and password"); continue; }
                username = ctx.RequiredString(auth, "username", $"{sub}.username");
                if (auth.Children.TryGetValue(new YamlScalarNode("password"), out var p)) password = ctx.Secret(p, $"{sub}.password");
                else ctx.Problem(auth, $"{sub}.password", "missing");
            }
            else if (v is YamlScalarNode scalar)
            {
                settings[name] = scalar.Value ?? "";
            }
            else if (v is YamlSequenceNode seq)
            {
                lists[name] = seq.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "").ToList();
            }
            else
            {
                ctx.Problem(v, sub, "unexpected mapping");
            }
        }

        var addressKey = key switch { "dns" => "server", "ssh" => "host", _ => "address" };
        if (!settings.TryGetValue(addressKey, out var address) || string.IsNullOrWhiteSpace(address))
        {
            ctx.Problem(node, $"{field}.{addressKey}", "missing");
            return null;
        }
        if (UrlServices.Contains(key) &&
            (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https")))
        {
            ctx.Problem(node, $"{field}.address", $"'{address}' is not an http(s) URL");
        }
        if (key == "dns" && !HostPort.TryParse(address, out _))
            ctx.Problem(node, $"{field}.server", $"'{address}' is not host:port");

        string? caFile = null;
        if (settings.Remove("ca_file", out var ca)) caFile = ctx.ResolvePath(ca);
        settings.Remove("tls_server_name", out var serverName);
        var skipVerify = false;
        if (settings.Remove("skip_verify", out var sv) && !bool.TryParse(sv, out skipVerify))
            ctx.Problem(node, $"{field}.skip_verify", $"'{sv}' is not true or false");
        if (settings.TryGetValue("user", out var user)) username ??= user;
        if (token?.Kind == "file") token = SecretReference.FromFile(ctx.ResolvePath(token.Location));
        if (password?.Kind == "file") password = SecretReference.FromFile(ctx.ResolvePath(password.Location));
        if (privateKey?.Kind == "file") privateKey = SecretReference.FromFile(ctx.ResolvePath(privateKey.Location));
        foreach (var rel in new[] { "rule_files", "rule_tests" })
            if (lists.TryGetValue(rel, out var files)) lists[rel] = files.Select(ctx.ResolvePath).ToList();

        return new ServiceEndpoint
        {
            Key = key,
            Address = address.TrimEnd('/'),
            Token = token,
            Username = username,
            Password = password,
            PrivateKey = privateKey,
            CaFile = caFile,
            TlsServerName = serverName,
            SkipVerify = skipVerify,
            Settings = settings,
            Lists = lists,
        };
    }

    private static Expectations ReadExpectations(Context ctx, YamlMappingNode root)
    {
        var e = new Expectations();
        if (ctx.Mapping(root, "expect", "expect") is not { } node) return e;
        var minimums = ctx.Mapping(node, "node_minimums", "expect.node_minimums");
        return e with
        {
            ConsulServers = ctx.Int(node, "consul_servers", "expect.consul_servers", e.ConsulServers, min: 1),
            NomadServers = ctx.Int(node, "nomad_servers", "expect.nomad_servers", e.NomadServers, min: 1),
            RecommendedServers = ctx.Int(node, "recommended_servers", "expect.recommended_servers", e.RecommendedServers, min: 1),
            NomadDrivers = ctx.List(node, "nomad_drivers", "expect.nomad_drivers"),
            Services = ctx.List(node, "services", "expect.services"),
            ScrapeJobs = ctx.List(node, "scrape_jobs", "expect.scrape_jobs"),
            Dashboards = ctx.List(node, "dashboards", "expect.dashboards"),
            HostVolumes = ctx.List(node, "host_volumes", "expect.host_volumes"),
            NodeMinCpuCores = minimums is null ? e.NodeMinCpuCores : ctx.Int(minimums, "cpu_cores", "expect.node_minimums.cpu_cores", e.NodeMinCpuCores, min: 1),
            NodeMinMemoryGb = minimums is null ? e.NodeMinMemoryGb : ctx.Number(minimums, "memory_gb", "expect.node_minimums.memory_gb", e.NodeMinMemoryGb),
            NodeMinDiskGb = minimums is null ? e.NodeMinDiskGb : ctx.Number(minimums, "disk_gb", "expect.node_minimums.disk_gb", e.NodeMinDiskGb),
        };
    }

    private static Thresholds ReadThresholds(Context ctx, YamlMappingNode root)
    {
        var t = new Thresholds();
        if (ctx.Mapping(root, "thresholds", "thresholds") is not { } node) return t;
        var known = new HashSet<string> { "retention_min_days", "response_time_p95_ms", "alert_pipeline_timeout_seconds", "poll_timeout_seconds" };
        var other = new Dictionary<string, double>();
        foreach (var key in node.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value!).Where(k => !known.Contains(k)))
            other[key] = ctx.Number(node, key, $"thresholds.{key}", 0);
        return t with
        {
            RetentionMinDays = ctx.Number(node, "retention_min_days", "thresholds.retention_min_days", t.RetentionMinDays),
            ResponseTimeP95Ms = ctx.Number(node, "response_time_p95_ms", "thresholds.response_time_p95_ms", t.ResponseTimeP95Ms),
            AlertPipelineTimeoutSeconds = ctx.Number(node, "alert_pipeline_timeout_seconds", "thresholds.alert_pipeline_timeout_seconds", t.AlertPipelineTimeoutSeconds),
            PollTimeoutSeconds = ctx.Number(node, "poll_timeout_seconds", "thresholds.poll_timeout_seconds", t.PollTimeoutSeconds),
            Other = other,
        };
    }

    private static IReadOnlyDictionary<string, string?> ProcessEnvironment()
    {
        var d = new Dictionary<string, string?>();
        foreach (System.Collections.DictionaryEntry e in System.Environment.GetEnvironmentVariables())
            d[(string)e.Key] = (string?)e.Value;
        return d;
    }

    /// <summary>Parsing context: file, folder for relative paths, collected problems.</summary>
    private sealed class Context(string file, string folder, List<string> problems)
    {
        public void Problem(YamlNode node, string field, string why) =>
            problems.Add($"{file}:{node.Start.Line}: field {field}: {why}");

        public string ResolvePath(string p)
        {
            if (p.StartsWith("~/")) p = Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), p[2..]);
            return Path.GetFullPath(Path.IsPathRooted(p) ? p : Path.Combine(folder, p));
        }

        private static YamlNode? Child(YamlMappingNode node, string key) =>
            node.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

        public string? RequiredString(YamlMappingNode node, string key, string field)
        {
            var v = Child(node, key);
            if (v is null) { problems.Add($"{file}: field {field}: missing"); return null; }
            if (v is not YamlScalarNode s || string.IsNullOrWhiteSpace(s.Value)) { Problem(v, field, "must be a non-empty string"); return null; }
            return s.Value;
        }

        public YamlMappingNode? Mapping(YamlMappingNode node, string key, string field)
        {
            var v = Child(node, key);
            if (v is null) return null;
            if (v is YamlMappingNode m) return m;
            Problem(v, field, "must be a mapping");
            return null;
        }

        public string? OptionalPath(YamlMappingNode node, string key, string field, bool mustExist)
        {
            var v = Child(node, key);
            if (v is null) return null;
            if (v is not YamlScalarNode s || string.IsNullOrWhiteSpace(s.Value)) { Problem(v, field, "must be a path"); return null; }
            var p = ResolvePath(s.Value);
            if (mustExist && !File.Exists(p)) Problem(v, field, $"file {p} does not exist");
            return p;
        }

        public SecretReference? Secret(YamlNode v, string field)
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
                if (ks.Value == "file") return SecretReference.FromFile(vs.Value);
            }
            Problem(v, field, "a secret reference is { env: VARIABLE } or { file: PATH }");
            return null;
        }

        public int Int(YamlMappingNode node, string key, string field, int fallback, int min = 0)
        {
            var v = Child(node, key);
            if (v is null) return fallback;
            if (v is YamlScalarNode s && int.TryParse(s.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) && i >= min) return i;
            Problem(v, field, $"must be a whole number >= {min}");
            return fallback;
        }

        public double Number(YamlMappingNode node, string key, string field, double fallback)
        {
            var v = Child(node, key);
            if (v is null) return fallback;
            if (v is YamlScalarNode s && double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d >= 0) return d;
            Problem(v, field, "must be a non-negative number");
            return fallback;
        }

        public IReadOnlyList<string> List(YamlMappingNode node, string key, string field)
        {
            var v = Child(node, key);
            if (v is null) return [];
            if (v is YamlSequenceNode seq && seq.Children.All(c => c is YamlScalarNode))
                return seq.Children.Cast<YamlScalarNode>().Select(s => s.Value ?? "").ToList();
            Problem(v, field, "must be a list of strings");
            return [];
        }
    }
}

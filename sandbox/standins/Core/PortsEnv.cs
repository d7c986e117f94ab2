namespace StandIns.Core;

/// <summary>sandbox/ports.env: KEY=VALUE lines, '#' comments (also trailing ones).</summary>
public sealed class PortsEnv
{
    private static readonly Dictionary<string, string> Defaults = new()
    {
        ["SANDBOX_HOST"] = "127.0.0.1", ["PROMETHEUS_PORT"] = "19090", ["PUSHGATEWAY_PORT"] = "19091",
        ["ALERTMANAGER_PORT"] = "19093", ["NODE_EXPORTER_PORT"] = "19100", ["WEBHOOK_RECEIVER_PORT"] = "19095",
        ["HAPROXY_HTTPS_PORT"] = "18443", ["HAPROXY_STATS_PORT"] = "18404", ["DNS_PORT"] = "18600",
        ["SSH_PORT"] = "18022", ["CONSUL_PORT"] = "18501", ["NOMAD_PORT"] = "14646", ["GRAFANA_PORT"] = "13000",
    };

    public IReadOnlyDictionary<string, string> Values { get; }
    public string? SourcePath { get; }

    private PortsEnv(Dictionary<string, string> v, string? src) { Values = v; SourcePath = src; }

    public string Host => Get("SANDBOX_HOST");
    public int Port(string key) => int.Parse(Get(key));
    public string Get(string key) => Values.TryGetValue(key, out var v) ? v : Defaults[key];

    public static PortsEnv Load(string? path)
    {
        path ??= Find();
        var values = new Dictionary<string, string>(Defaults);
        if (path != null && File.Exists(path))
        {
            foreach (var raw in File.ReadAllLines(path))
            {
                var line = raw;
                var hash = line.IndexOf('#');
                if (hash >= 0) line = line[..hash];
                line = line.Trim();
                if (line.StartsWith("export ")) line = line[7..].Trim();
                var eq = line.IndexOf('=');
                if (eq <= 0) continue;
                values[line[..eq].Trim()] = line[(eq + 1)..].Trim().Trim('"', '\'');
            }
        }
        else path = null;
        return new PortsEnv(values, path);
    }

    private static string? Find()
    {
        var env = Environment.GetEnvironmentVariable("SANDBOX_PORTS_ENV");
        if (!string.IsNullOrEmpty(env)) return env;
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
        {
            var p = Path.Combine(d.FullName, "ports.env");
            if (File.Exists(p)) return p;
            p = Path.Combine(d.FullName, "sandbox", "ports.env");
            if (File.Exists(p)) return p;
        }
        return null;
    }
}

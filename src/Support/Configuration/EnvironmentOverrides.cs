namespace Acceptance.Support.Configuration;

/// <summary>
/// The standard client environment variables (HashiCorp conventions, and the same style for the
/// other services) override what the target file says.
/// </summary>
public static class EnvironmentOverrides
{
    private sealed record Rule(string Service, string Address, string? Token, string? TokenFile, string? CaCert,
        string? ServerName, string? Verify, bool VerifyMeansSkip, string? Username = null, string? Password = null,
        string? PasswordFile = null);

    private static readonly Rule[] Rules =
    [
        new("consul", "CONSUL_HTTP_ADDR", "CONSUL_HTTP_TOKEN", "CONSUL_HTTP_TOKEN_FILE", "CONSUL_CACERT",
            "CONSUL_TLS_SERVER_NAME", "CONSUL_HTTP_SSL_VERIFY", VerifyMeansSkip: false),
        new("nomad", "NOMAD_ADDR", "NOMAD_TOKEN", null, "NOMAD_CACERT", "NOMAD_TLS_SERVER_NAME", "NOMAD_SKIP_VERIFY",
            VerifyMeansSkip: true),
        new("prometheus", "PROMETHEUS_ADDR", null, null, "PROMETHEUS_CACERT", null, null, false,
            Username: "PROMETHEUS_USERNAME", Password: "PROMETHEUS_PASSWORD", PasswordFile: "PROMETHEUS_PASSWORD_FILE"),
        new("pushgateway", "PUSHGATEWAY_ADDR", null, null, null, null, null, false),
        new("alertmanager", "ALERTMANAGER_ADDR", null, null, null, null, null, false),
        new("grafana", "GRAFANA_ADDR", "GRAFANA_TOKEN", "GRAFANA_TOKEN_FILE", "GRAFANA_CACERT", null, null, false),
        new("load_balancer", "LB_ADDR", null, null, null, null, null, false),
    ];

    /// <summary>Names of every variable this class reads (for the report's effective configuration).</summary>
    public static IEnumerable<string> VariableNames => Rules.SelectMany(r =>
        new[] { r.Address, r.Token, r.TokenFile, r.CaCert, r.ServerName, r.Verify, r.Username, r.Password, r.PasswordFile }
            .OfType<string>()).Concat(["NOMAD_REGION", "NOMAD_NAMESPACE", "DOCKER_HOST", "DOCKER_CERT_PATH", "DOCKER_TLS_VERIFY", "DOCKER_CONFIG"]);

    /// <summary>Applies the overrides; problems (bad values) are appended to <paramref name="problems"/>.</summary>
    public static TargetEnvironment Apply(TargetEnvironment target, IReadOnlyDictionary<string, string?> env, List<string> problems)
    {
        string? Get(string? name) => name is not null && env.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v) ? v : null;

        var services = new Dictionary<string, ServiceOptions>(target.Services);
        foreach (var rule in Rules)
        {
            var s = services.GetValueOrDefault(rule.Service) as ServiceEndpoint;
            var address = Get(rule.Address);
            if (address is not null)
            {
                if (!address.Contains("://")) address = "http://" + address;
                if (!Uri.TryCreate(address, UriKind.Absolute, out _))
                    problems.Add($"environment variable {rule.Address}: '{address}' is not a URL");
                else
                    s = (s ?? (ServiceEndpoint)ServiceCatalog.Create(rule.Service)) with { Address = address.TrimEnd('/') };
            }
            if (s is null) continue;

            if (Get(rule.Token) is { } token) s = s with { Token = SecretReference.FromOverride(rule.Token!, token) };
            else if (Get(rule.TokenFile) is { } tokenFile) s = s with { Token = SecretReference.FromFile(tokenFile) };
            if (Get(rule.CaCert) is { } ca) s = s with { CaFile = Path.GetFullPath(ca) };
            if (Get(rule.ServerName) is { } sn) s = s with { TlsServerName = sn };
            if (Get(rule.Verify) is { } verify)
            {
                if (bool.TryParse(verify, out var b) || TryParseFlag(verify, out b))
                    s = s with { SkipVerify = rule.VerifyMeansSkip ? b : !b };
                else
                    problems.Add($"environment variable {rule.Verify}: '{verify}' is not true or false");
            }
            if (Get(rule.Username) is { } user) s = s with { BasicAuth = (s.BasicAuth ?? new BasicAuth()) with { Username = user } };
            if (Get(rule.Password) is { } pw) s = s with { BasicAuth = (s.BasicAuth ?? new BasicAuth()) with { Password = SecretReference.FromOverride(rule.Password!, pw) } };
            else if (Get(rule.PasswordFile) is { } pwFile) s = s with { BasicAuth = (s.BasicAuth ?? new BasicAuth()) with { Password = SecretReference.FromFile(pwFile) } };
            if (s is Nomad.NomadOptions nomad)
                s = nomad with { Region = Get("NOMAD_REGION") ?? nomad.Region, Namespace = Get("NOMAD_NAMESPACE") ?? nomad.Namespace };
            services[rule.Service] = s;
        }
        ApplyDocker(services, Get, problems);
        return target with { Services = services };
    }

    /// <summary>The docker CLI's variables: DOCKER_HOST, DOCKER_CERT_PATH, DOCKER_TLS_VERIFY (any non-empty value: on), DOCKER_CONFIG.</summary>
    private static void ApplyDocker(Dictionary<string, ServiceOptions> services, Func<string?, string?> get, List<string> problems)
    {
        var docker = services.GetValueOrDefault("docker") as Docker.DockerOptions;
        if (get("DOCKER_HOST") is { } host)
        {
            if (OptionsBinder.HasScheme(host, "unix,tcp,ssh"))
                docker = (docker ?? (Docker.DockerOptions)ServiceCatalog.Create("docker")) with { Address = host };
            else
                problems.Add($"environment variable DOCKER_HOST: '{host}' is not a unix://, tcp:// or ssh:// address");
        }
        if (docker is null) return;
        if (get("DOCKER_CERT_PATH") is { } certs) docker = docker with { CertPath = Path.GetFullPath(certs) };
        if (get("DOCKER_TLS_VERIFY") is not null) docker = docker with { TlsVerify = true };
        if (get("DOCKER_CONFIG") is { } config) docker = docker with { ConfigDir = Path.GetFullPath(config) };
        services["docker"] = docker;
    }

    private static bool TryParseFlag(string value, out bool result)
    {
        result = value is "1";
        return value is "1" or "0";
    }
}

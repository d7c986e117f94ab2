using Acceptance.Support.Checks;

namespace Acceptance.Support.Consul;

/// <summary>Consul's own rules (ACLs, service health, catalog): pure functions of <see cref="ConsulProbe"/>'s facts.</summary>
public static class ConsulRules
{
    /// <summary>
    /// Default deny as Consul documents it: status endpoints stay open to anonymous callers (200), the agent API is
    /// denied (403), and every answer says X-Consul-Default-ACL-Policy: deny.
    /// </summary>
    public static Verdict AnonymousDenied(ConsulAnonymousAccess access)
    {
        var shortfalls = new List<string>();
        if (access.StatusLeaderCode != 200) shortfalls.Add($"anonymous /v1/status/leader answered {access.StatusLeaderCode}, not 200");
        if (access.AgentSelfCode != 403) shortfalls.Add($"anonymous /v1/agent/self answered {access.AgentSelfCode}, not 403: anonymous callers reach the agent API");
        if (access.DefaultPolicy != "deny") shortfalls.Add($"X-Consul-Default-ACL-Policy is {access.DefaultPolicy ?? "(absent)"}, not deny");
        return Verdict.From("Consul ACLs enabled with default deny",
            "anonymous /v1/status/leader 200, anonymous /v1/agent/self 403, header X-Consul-Default-ACL-Policy: deny", access.ToString(), shortfalls);
    }

    /// <summary>Each expected service has at least one instance, and every check of every instance passes.</summary>
    public static Verdict ServicesHealthy(IReadOnlyList<ServiceHealth> services) => Verdict.From(
        "every expect.services entry is registered in Consul with all its health checks passing",
        $"each of [{string.Join(", ", services.Select(s => s.Service))}] has >= 1 instance in /v1/health/service/:name, every check passing",
        string.Join(" || ", services), services.Where(s => !s.IsHealthy).Select(s => s.ToString()));

    /// <summary>No check in the datacenter (node or service) is anything but passing; there is at least one.</summary>
    public static Verdict AllChecksPassing(IReadOnlyList<HealthCheck> checks)
    {
        var shortfalls = checks.Where(c => !c.IsPassing).Select(c => c.ToString()).ToList();
        if (checks.Count == 0) shortfalls.Add("/v1/health/state/any lists no check at all");
        return Verdict.From("no health check in the Consul datacenter is failing", "every check in /v1/health/state/any has Status passing",
            $"{checks.Count(c => c.IsPassing)}/{checks.Count} passing", shortfalls);
    }

    /// <summary>Each expected service is in the catalog and every instance has an address and a port.</summary>
    public static Verdict CatalogComplete(IReadOnlyDictionary<string, IReadOnlyList<CatalogInstance>> catalog) => Verdict.From(
        "every expect.services entry is in the Consul catalog with an address and port",
        "each expected service in /v1/catalog/services, every instance with an address and a port",
        string.Join("; ", catalog.Select(c => c.Value.Count == 0 ? $"{c.Key}: not registered" : string.Join(", ", c.Value))),
        catalog.SelectMany(c => c.Value.Count == 0
            ? [$"{c.Key}: not registered"]
            : c.Value.Where(i => i.Address.Length == 0 || i.Port == 0).Select(i => $"{i}: no address or port")));
}

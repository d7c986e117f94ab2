using System.Text.Json;
using Acceptance.Support.Http;

namespace Acceptance.Support.Consul;

/// <summary>One instance in the Consul catalog.</summary>
public sealed record CatalogInstance(string Service, string Node, string Address, int Port)
{
    /// <inheritdoc />
    public override string ToString() => $"{Service} on {Node} at {Address}:{Port}";
}

/// <summary>One Consul health check.</summary>
public sealed record HealthCheck(string Node, string CheckId, string Name, string ServiceName, string Status, string Output)
{
    /// <summary>True when passing.</summary>
    public bool IsPassing => Status == "passing";

    /// <inheritdoc />
    public override string ToString() =>
        $"{Node}/{CheckId} {Status}" + (IsPassing || Output.Length == 0 ? "" : $": {HttpExchange.Truncate(Output.Trim(), 200)}");
}

/// <summary>One instance of a service with all its checks (/v1/health/service/:name).</summary>
public sealed record ServiceInstanceHealth(string Service, string Id, string Node, string Address, int Port, IReadOnlyList<HealthCheck> Checks)
{
    /// <summary>True when every check passes.</summary>
    public bool IsHealthy => Checks.All(c => c.IsPassing);

    /// <inheritdoc />
    public override string ToString() => $"{Service} ({Id} on {Node} {Address}:{Port}): " + string.Join(", ", Checks);
}

/// <summary>The health of one expected service: its instances (none = not registered).</summary>
public sealed record ServiceHealth(string Service, IReadOnlyList<ServiceInstanceHealth> Instances)
{
    /// <summary>Registered with at least one instance and every check of every instance passing.</summary>
    public bool IsHealthy => Instances.Count > 0 && Instances.All(i => i.IsHealthy);

    /// <inheritdoc />
    public override string ToString() => Instances.Count == 0
        ? $"{Service}: not registered"
        : $"{Service}: {(IsHealthy ? "healthy" : "NOT healthy")} [{string.Join(" | ", Instances)}]";
}

/// <summary>What an anonymous caller gets from Consul.</summary>
/// <param name="StatusLeaderCode">/v1/status/leader status (documented: 200 even with default deny).</param>
/// <param name="AgentSelfCode">/v1/agent/self status (documented: 403 with default deny).</param>
/// <param name="AgentSelfBody">/v1/agent/self body (truncated).</param>
/// <param name="DefaultPolicy">X-Consul-Default-ACL-Policy header (null when absent).</param>
public sealed record ConsulAnonymousAccess(int StatusLeaderCode, int AgentSelfCode, string AgentSelfBody, string? DefaultPolicy)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"anonymous GET /v1/status/leader → {StatusLeaderCode}; anonymous GET /v1/agent/self → {AgentSelfCode} " +
        $"({HttpExchange.Truncate(AgentSelfBody.Trim(), 120)}); X-Consul-Default-ACL-Policy: {DefaultPolicy ?? "(absent)"}";
}

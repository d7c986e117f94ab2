using Acceptance.Support.Configuration;

namespace Acceptance.Support.Network;

/// <summary>services.load_balancer.</summary>
public sealed record LoadBalancerOptions : ServiceEndpoint
{
    /// <summary>The load balancer's Prometheus endpoint (HAProxy's), if any.</summary>
    [Option("metrics", "the load balancer's metrics endpoint (HAProxy's Prometheus exporter)", IsUrl = true)]
    public string? Metrics { get; init; }

    /// <summary>HAProxy backends whose every server must be UP.</summary>
    [Option("backends", "HAProxy backends whose every server must be UP in the load balancer's metrics (POSTVAL-SHC-4, INFRA-NC-1)")]
    public IReadOnlyList<string> Backends { get; init; } = [];

    /// <summary>Response header in which each backend names itself.</summary>
    [Option("backend_header", "response header in which each backend server names itself, so the suite can see traffic reach every server (INFRA-NC-1)")]
    public string? BackendHeader { get; init; }

    /// <summary>The plain-http address that must redirect to https.</summary>
    [Option("http_address", "the load balancer's plain-http address: every request must be redirected to https (INFRA-NC-1)", IsUrl = true)]
    public string? HttpAddress { get; init; }

    /// <summary>HAProxy's runtime API socket, for the failover drill.</summary>
    [Option("runtime_socket", "HAProxy's runtime API (admin) unix socket reachable from the runner: naming it allows the @mutating failover drill (DEPLOY-ID-1), which fails one server's health check and restores it, even on interruption; unset: the drill is not verified", IsPath = true)]
    public string? RuntimeSocket { get; init; }

    /// <summary>Longest a failed server may stay in rotation: the health check's fall x inter, plus margin.</summary>
    [Option("health_check_seconds", "longest a server whose health check fails may stay UP (HAProxy fall x inter, plus margin), and a restored one may stay DOWN (DEPLOY-ID-1)", Min = 1)]
    public int HealthCheckSeconds { get; init; } = 10;
}

/// <summary>services.dns: a DNS server that serves the Consul domain.</summary>
public sealed record DnsOptions : ServiceOptions
{
    /// <summary>host:port of the DNS server.</summary>
    [Option("server", "host:port of Consul DNS (or any resolver that serves its domain)", Required = true, IsHostPort = true)]
    public override string Address { get; init; } = "";

    /// <summary>Every resolver the platform's clients use (INFRA-NC-2 asks each); default: the server above.</summary>
    [Option("resolvers", "every DNS resolver (host:port) the platform's clients use: each must answer for every expected service (default: server)", IsHostPort = true)]
    public IReadOnlyList<string> Resolvers { get; init; } = [];

    /// <summary>The resolvers INFRA-NC-2 asks: resolvers, or the server.</summary>
    public IReadOnlyList<string> AllResolvers => Resolvers.Count > 0 ? Resolvers : [Address];

    /// <summary>The Consul domain.</summary>
    [Option("domain", "the Consul DNS domain")]
    public string Domain { get; init; } = "consul";
}

/// <summary>firewall: ports that must answer and ports that must not (INFRA-NC-3), as seen from the runner.</summary>
public sealed record FirewallOptions
{
    /// <summary>host:port (or host:from-to) that must accept a connection.</summary>
    [Option("must_be_open", "host:port (or host:from-to) that must accept a TCP connection from the runner (INFRA-NC-3)")]
    public IReadOnlyList<string> MustBeOpen { get; init; } = [];

    /// <summary>host:port (or host:from-to) that must not accept a connection.</summary>
    [Option("must_be_closed", "host:port (or host:from-to) that must NOT accept a TCP connection from the runner: one that answers fails INFRA-NC-3, naming host and port")]
    public IReadOnlyList<string> MustBeClosed { get; init; } = [];

    /// <summary>Deadline of the scan of one host.</summary>
    [Option("scan_timeout_seconds", "deadline of the port scan (nmap) of one host", Min = 1)]
    public int ScanTimeoutSeconds { get; init; } = 30;
}

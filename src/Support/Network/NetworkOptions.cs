using Acceptance.Support.Configuration;

namespace Acceptance.Support.Network;

/// <summary>services.load_balancer.</summary>
public sealed record LoadBalancerOptions : ServiceEndpoint
{
    /// <summary>The load balancer's Prometheus endpoint (HAProxy's), if any.</summary>
    [Option("metrics", "the load balancer's metrics endpoint (HAProxy's Prometheus exporter)", IsUrl = true)]
    public string? Metrics { get; init; }
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

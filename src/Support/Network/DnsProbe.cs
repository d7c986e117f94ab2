using System.Net;
using Acceptance.Support.Configuration;
using Acceptance.Support.Evidence;
using Acceptance.Support.Outcomes;
using Acceptance.Support.Transport;
using DnsClient;
using DnsClient.Protocol;

namespace Acceptance.Support.Network;

/// <summary>One SRV record: where a service instance listens.</summary>
public sealed record SrvAnswer(string Target, int Port, int Priority, int Weight)
{
    /// <inheritdoc />
    public override string ToString() => $"{Target}:{Port}";
}

/// <summary>What a DNS server answers for one service name (SRV and A).</summary>
public sealed record DnsServiceAnswer(string Service, string Name, string Server, string SrvCode, IReadOnlyList<SrvAnswer> Srv,
    string ACode, IReadOnlyList<string> Addresses)
{
    /// <summary>Both an SRV and an A answer.</summary>
    public bool Resolves => Srv.Count > 0 && Addresses.Count > 0;

    /// <inheritdoc />
    public override string ToString() =>
        $"{Name} @ {Server}: SRV {SrvCode} [{string.Join(", ", Srv)}], A {ACode} [{string.Join(", ", Addresses)}]";
}

/// <summary>
/// Asks the target's DNS server (services.dns.server, Consul DNS or a resolver serving its domain)
/// for the SRV and A records of services: "&lt;name&gt;.service.&lt;domain&gt;". No cache; 3 s per query.
/// </summary>
public sealed class DnsProbe
{
    private readonly LookupClient _lookup;
    private readonly EvidenceLog _evidence;
    private readonly TransportRecorder _recorder;

    /// <summary>Creates the probe for services.dns.server, or <paramref name="server"/> (not verified when the target declares no DNS).</summary>
    public DnsProbe(TargetEnvironment target, EvidenceLog evidence, string? server = null)
    {
        var dns = target.Dns;
        server ??= dns.Address;
        if (!HostPort.TryParse(server, out var hp))
            throw new EnvironmentProblemException($"services.dns: '{server}' is not host:port");
        var ip = IPAddress.TryParse(hp.Host, out var parsed) ? parsed
            : Dns.GetHostAddresses(hp.Host).FirstOrDefault() ?? throw new EnvironmentProblemException($"DNS server host {hp.Host} does not resolve");
        Server = server;
        Domain = dns.Domain.Trim('.');
        _evidence = evidence;
        _recorder = new TransportRecorder("DNS", evidence, TimeSpan.FromSeconds(8), circuit: $"DNS {server}");
        _lookup = new LookupClient(new LookupClientOptions(new IPEndPoint(ip, hp.Port))
        {
            UseCache = false, Timeout = TimeSpan.FromSeconds(3), Retries = 1, ThrowDnsErrors = false, UseTcpFallback = true,
        });
    }

    /// <summary>host:port of the DNS server.</summary>
    public string Server { get; }

    /// <summary>The Consul domain (services.dns.domain, default consul).</summary>
    public string Domain { get; }

    /// <summary>The SRV and A answers for "&lt;service&gt;.service.&lt;domain&gt;".</summary>
    public async Task<DnsServiceAnswer> ResolveServiceAsync(string service, CancellationToken ct = default)
    {
        var name = $"{service}.service.{Domain}";
        var srv = await QueryAsync(name, QueryType.SRV, ct);
        var a = await QueryAsync(name, QueryType.A, ct);
        var answer = new DnsServiceAnswer(service, name, Server, srv.Header.ResponseCode.ToString(),
            srv.Answers.SrvRecords().Select(r => new SrvAnswer(r.Target.Value.TrimEnd('.'), r.Port, r.Priority, r.Weight)).ToList(),
            a.Header.ResponseCode.ToString(), a.Answers.ARecords().Select(r => r.Address.ToString()).ToList());
        _evidence.Note($"DNS: {answer}");
        return answer;
    }

    /// <summary>The answers for several services, in order (asked in parallel).</summary>
    public async Task<IReadOnlyList<DnsServiceAnswer>> ResolveServicesAsync(IEnumerable<string> services, CancellationToken ct = default) =>
        await Task.WhenAll(services.Select(s => ResolveServiceAsync(s, ct)));

    /// <summary>The answers of every resolver of services.dns (resolvers, or the server) for several services.</summary>
    public static async Task<IReadOnlyList<DnsServiceAnswer>> ResolveEverywhereAsync(TargetEnvironment target, EvidenceLog evidence,
        IReadOnlyList<string> services, CancellationToken ct = default) =>
        (await Task.WhenAll(target.Dns.AllResolvers.Select(r => new DnsProbe(target, evidence, r).ResolveServicesAsync(services, ct)))).SelectMany(a => a).ToList();

    private async Task<IDnsQueryResponse> QueryAsync(string name, QueryType type, CancellationToken ct)
    {
        try
        {
            return await _recorder.RecordAsync($"{type} query", $"{name} @ {Server}", token => _lookup.QueryAsync(name, type, QueryClass.IN, token),
                r => ($"{r.Header.ResponseCode}, {r.Answers.Count} record(s)", string.Join("\n", r.Answers.Select(a => a.ToString()))), ct);
        }
        catch (DnsResponseException e)
        {
            throw new EnvironmentProblemException($"DNS {type} query for {name} to {Server}: {e.Message} (is the DNS server running?)", e);
        }
    }
}

using Acceptance.Support.Checks;
using Acceptance.Support.Consul;

namespace Acceptance.Support.Network;

/// <summary>Service-discovery rules: what Consul DNS answers (<see cref="DnsProbe"/>) against the Consul catalog.</summary>
public static class DiscoveryRules
{
    /// <summary>Every expected service has an SRV and an A answer for &lt;service&gt;.service.&lt;domain&gt;.</summary>
    public static Verdict DnsResolves(IReadOnlyList<DnsServiceAnswer> answers, string server) => Verdict.From(
        "Consul DNS answers SRV and A records for every expected service",
        $"<service>.service.<domain> has an SRV and an A answer at {server}",
        string.Join("; ", answers),
        answers.Where(a => !a.Resolves).Select(a => $"{a.Name} does not resolve (SRV {a.SrvCode}, {a.Srv.Count} record(s); A {a.ACode}, {a.Addresses.Count} record(s))"));

    /// <summary>Every service resolves, and each SRV port and A address belongs to an instance the catalog lists for it.</summary>
    public static Verdict DnsMatchesCatalog(IReadOnlyList<DnsServiceAnswer> answers, IReadOnlyDictionary<string, IReadOnlyList<CatalogInstance>> catalog)
    {
        var shortfalls = new List<string>();
        foreach (var dns in answers)
        {
            var instances = catalog.GetValueOrDefault(dns.Service) ?? [];
            if (instances.Count == 0) shortfalls.Add($"{dns.Service}: not registered in the Consul catalog");
            if (!dns.Resolves) shortfalls.Add($"{dns.Service}: DNS does not resolve ({dns})");
            if (instances.Count == 0 || !dns.Resolves) continue;
            var ports = instances.Select(c => c.Port).ToHashSet();
            var addresses = instances.Select(c => c.Address).ToHashSet();
            shortfalls.AddRange(dns.Srv.Where(s => !ports.Contains(s.Port)).Select(s => $"{dns.Service}: SRV port {s.Port} not in catalog ports [{string.Join(", ", ports)}]"));
            shortfalls.AddRange(dns.Addresses.Where(a => !addresses.Contains(a)).Select(a => $"{dns.Service}: A {a} not in catalog addresses [{string.Join(", ", addresses)}]"));
        }
        return Verdict.From("service discovery through Consul DNS agrees with the Consul catalog",
            "every service resolves; each SRV port and A address belongs to an instance the catalog lists",
            "DNS: " + string.Join("; ", answers) + " | catalog: " + string.Join("; ", catalog.SelectMany(c => c.Value)), shortfalls);
    }

    /// <summary>
    /// INFRA-NC-2: at every resolver, every expected service has A and SRV records (no NXDOMAIN), and each SRV port and A address
    /// belongs to an instance the Consul catalog lists for it.
    /// </summary>
    public static Verdict RecordsForAllServices(IReadOnlyList<DnsServiceAnswer> answers, IReadOnlyDictionary<string, IReadOnlyList<CatalogInstance>> catalog)
    {
        var shortfalls = new List<string>();
        foreach (var dns in answers)
        {
            var at = $"{dns.Name} at {dns.Server}";
            if (dns.SrvCode == NxDomain || dns.ACode == NxDomain) shortfalls.Add($"{at}: NXDOMAIN (SRV {Code(dns.SrvCode)}, A {Code(dns.ACode)})");
            else if (dns.Srv.Count == 0) shortfalls.Add($"{at}: no SRV record (SRV {Code(dns.SrvCode)})");
            else if (dns.Addresses.Count == 0) shortfalls.Add($"{at}: no A record (A {Code(dns.ACode)})");
            var instances = catalog.GetValueOrDefault(dns.Service) ?? [];
            if (instances.Count == 0) { shortfalls.Add($"{dns.Service}: not registered in the Consul catalog, so {at} cannot be checked against it"); continue; }
            var ports = instances.Select(c => c.Port).ToHashSet();
            var addresses = instances.Select(c => c.Address).ToHashSet();
            shortfalls.AddRange(dns.Srv.Where(s => !ports.Contains(s.Port)).Select(s => $"{at}: SRV port {s.Port} is not a catalog port [{string.Join(", ", ports)}]"));
            shortfalls.AddRange(dns.Addresses.Where(a => !addresses.Contains(a)).Select(a => $"{at}: A {a} is not a catalog address [{string.Join(", ", addresses)}]"));
        }
        return Verdict.From("every service of expect.services has DNS records at every resolver of services.dns, agreeing with the Consul catalog",
            "at each resolver: A and SRV records for <service>.service.<domain> (no NXDOMAIN), each address and port one the catalog lists",
            "DNS: " + string.Join("; ", answers) + " | catalog: " + string.Join("; ", catalog.SelectMany(c => c.Value)), shortfalls);
    }

    // DnsClient names the DNS response codes by its enum: NXDOMAIN is NotExistentDomain.
    private const string NxDomain = "NotExistentDomain";

    private static string Code(string code) => code == NxDomain ? "NXDOMAIN" : code;
}

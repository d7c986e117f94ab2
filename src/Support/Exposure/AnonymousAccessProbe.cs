using Acceptance.Support.Configuration;
using Acceptance.Support.Evidence;
using Acceptance.Support.Http;
using Acceptance.Support.Network;

namespace Acceptance.Support.Exposure;

/// <summary>What one anonymous request got: the status, and whether the service filtered the answer down to nothing.</summary>
public sealed record AnonymousAnswer(string Service, string Path, Uri Url, int Status, bool Filtered, string? Location = null)
{
    /// <summary>The service answered with data: 2xx and not filtered by its ACLs.</summary>
    public bool Answered => Status is >= 200 and < 300 && !Filtered;

    /// <inheritdoc />
    public override string ToString() => $"{Service} GET {Path} → {Status}{(Filtered ? " (filtered by ACLs: empty)" : "")}{(Location is null ? "" : $" → {Location}")}";
}

/// <summary>One HTTP(S) endpoint of the target: its key, kind of product, and address.</summary>
public sealed record HttpEndpoint(string Service, string Kind, ServiceEndpoint Options)
{
    /// <summary>The address is plain http.</summary>
    public bool IsPlainHttp => Options.BaseUri.Scheme.Equals("http", StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public override string ToString() => $"{Service} at {Options.Address}";
}

/// <summary>
/// Calls every HTTP(S) endpoint of the target without credentials over the documented sensitive paths of its kind
/// (<see cref="SensitivePaths"/>, plus exposure.sensitive_paths), and the load balancer's plain-http address (which must
/// only redirect). Facts only: the rules judge which answers are allowed.
/// </summary>
public sealed class AnonymousAccessProbe(TargetEnvironment target, EvidenceLog evidence)
{
    /// <summary>The documented sensitive paths per kind of service (docs/target-file.md, "exposure").</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> SensitivePaths = new Dictionary<string, IReadOnlyList<string>>
    {
        ["consul"] = ["/v1/agent/self", "/v1/acl/tokens", "/v1/kv/?recurse=true"],
        ["nomad"] = ["/v1/jobs", "/v1/nodes", "/v1/agent/self", "/v1/acl/tokens"],
        ["prometheus"] = ["/api/v1/status/config", "/api/v1/targets", "/api/v1/query?query=up", "/metrics"],
        ["pushgateway"] = ["/api/v1/metrics", "/metrics"],
        ["alertmanager"] = ["/api/v2/status", "/api/v2/alerts", "/api/v2/silences"],
        ["grafana"] = ["/api/users", "/api/datasources", "/api/org", "/api/search", "/api/admin/settings"],
        ["loki"] = ["/loki/api/v1/labels", "/config"],
        ["registry"] = ["/v2/", "/v2/_catalog"],
        ["load_balancer"] = ["/stats", "/haproxy?stats", "/server-status"],
        ["load_balancer_metrics"] = ["/metrics", "/stats"],
    };

    /// <summary>Every HTTP(S) endpoint of the target: each service with an address, and the load balancer's metrics endpoint.</summary>
    public IReadOnlyList<HttpEndpoint> Endpoints()
    {
        var list = target.Services.Values.OfType<ServiceEndpoint>().Select(s => new HttpEndpoint(s.Key, s.Key, s)).ToList();
        if (target.Service("load_balancer") is LoadBalancerOptions { Metrics: { } metrics })
        {
            var uri = new Uri(metrics);
            list.Add(new HttpEndpoint("load_balancer_metrics", "load_balancer_metrics", new ServiceEndpoint
            {
                Key = "load_balancer_metrics", Address = uri.GetLeftPart(UriPartial.Authority), CaFile = target.LoadBalancer.CaFile,
            }));
        }
        return list;
    }

    /// <summary>The paths called on <paramref name="endpoint"/>: its kind's documented ones plus exposure.sensitive_paths for it.</summary>
    public IReadOnlyList<string> PathsOf(HttpEndpoint endpoint) =>
        SensitivePaths.GetValueOrDefault(endpoint.Kind, ["/"])
            .Concat(target.Exposure.SensitivePaths.Select(e => e.Split(':', 2)).Where(p => p.Length == 2 && p[0] == endpoint.Service).Select(p => p[1]))
            .Distinct().ToList();

    /// <summary>Every anonymous answer of every endpoint (endpoints in parallel).</summary>
    public async Task<IReadOnlyList<AnonymousAnswer>> CallAllAsync(CancellationToken ct = default)
    {
        var answers = await Task.WhenAll(Endpoints().Select(async e =>
        {
            // an anonymous caller does not care whether the certificate is valid (SEC-TSC-1 judges that): it is not verified here
            using var http = new ServiceHttp(e.Service, e.Options with { SkipVerify = true }, target.CaFile, evidence, followRedirects: false);
            var list = new List<AnonymousAnswer>();
            foreach (var path in PathsOf(e))
            {
                var x = await http.SendAsync(HttpMethod.Get, path, authenticate: false, ct: ct);
                var filtered = x.Header("X-Consul-Results-Filtered-By-ACLs") is "true" && x.Body.Trim() is "[]" or "{}" or "null" or "";
                list.Add(new AnonymousAnswer(e.Service, path, x.Url, x.StatusCode, filtered, x.StatusCode is >= 300 and < 400 ? x.Header("Location") : null));
            }
            return list;
        }));
        var all = answers.SelectMany(a => a).ToList();
        if (target.Service("load_balancer") is LoadBalancerOptions { HttpAddress: { } plain } lb)
            all.Add(await RedirectAsync(lb, plain, ct));
        return all;
    }

    /// <summary>What the load balancer's plain-http address answers to an anonymous GET / (it must redirect to https).</summary>
    public async Task<AnonymousAnswer> RedirectAsync(LoadBalancerOptions lb, string plainAddress, CancellationToken ct = default)
    {
        using var http = new ServiceHttp("load balancer (http)", new ServiceEndpoint { Key = "load_balancer_http", Address = plainAddress, SkipVerify = true }, target.CaFile, evidence,
            followRedirects: false);
        var x = await http.SendAsync(HttpMethod.Get, "/", authenticate: false, ct: ct);
        return new AnonymousAnswer("load_balancer_http", "/", x.Url, x.StatusCode, false, x.Header("Location"));
    }
}

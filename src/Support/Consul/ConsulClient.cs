using System.Text.Json;
using Acceptance.Support.Configuration;
using Acceptance.Support.Evidence;
using Acceptance.Support.Http;
using Acceptance.Support.Outcomes;
using Acceptance.Support.ServerCluster;

namespace Acceptance.Support.Consul;

/// <summary>
/// Typed wrapper of Consul's HTTP API (https://developer.hashicorp.com/consul/api-docs). The
/// configured token goes in X-Consul-Token; every exchange is recorded (redacted) as evidence.
/// Calls that must answer 2xx throw <see cref="ServiceResponseException"/> naming the URL.
/// </summary>
public sealed class ConsulClient : IDisposable, IServerClusterClient
{
    /// <inheritdoc />
    public string Product => "Consul";

    /// <summary>Endpoint paths.</summary>
    public static class Paths
    {
        public const string Leader = "v1/status/leader";
        public const string Peers = "v1/status/peers";
        public const string RaftConfiguration = "v1/operator/raft/configuration";
        public const string AutopilotHealth = "v1/operator/autopilot/health";
        public const string Members = "v1/agent/members";
        public const string AgentSelf = "v1/agent/self";
        public const string CatalogServices = "v1/catalog/services";
        public const string CatalogService = "v1/catalog/service/";
        public const string HealthService = "v1/health/service/";
        public const string HealthStateAny = "v1/health/state/any";
        public const string TokenSelf = "v1/acl/token/self";
    }

    /// <summary>Header every Consul answer carries since 1.9: the ACL default policy.</summary>
    public const string DefaultAclPolicyHeader = "X-Consul-Default-ACL-Policy";

    private readonly ServiceHttp _http;

    /// <summary>Creates a client for the target's Consul (not verified when the target declares none).</summary>
    public ConsulClient(TargetEnvironment target, EvidenceLog evidence)
    {
        Endpoint = target.Consul;
        _http = new ServiceHttp("Consul", Endpoint, target.CaFile, evidence, Credentials.Header(Endpoint, "X-Consul-Token"));
    }

    /// <summary>The endpoint (address and settings).</summary>
    public ConsulOptions Endpoint { get; }

    /// <summary>The transport (for checks on status codes, headers and anonymous calls).</summary>
    public ServiceHttp Http => _http;

    /// <summary>GET without credentials, any status.</summary>
    public Task<HttpExchange> AnonymousGetAsync(string path, CancellationToken ct = default) =>
        _http.SendAsync(HttpMethod.Get, path, authenticate: false, ct: ct);

    /// <summary>GET with the configured token, any status.</summary>
    public Task<HttpExchange> GetAsync(string path, CancellationToken ct = default) =>
        _http.SendAsync(HttpMethod.Get, path, ct: ct);

    /// <summary>The raft leader's address; "" when there is none.</summary>
    public async Task<string> LeaderAsync(CancellationToken ct = default) =>
        (await _http.GetOkAsync(Paths.Leader, ct)).Json<string>() ?? "";

    /// <summary>The raft peers' addresses.</summary>
    public async Task<IReadOnlyList<string>> PeersAsync(CancellationToken ct = default) =>
        (await _http.GetOkAsync(Paths.Peers, ct)).Json<List<string>>() ?? [];

    /// <summary>The raft configuration; null with the exchange when Consul cannot answer it (no leader: 500).</summary>
    public async Task<(IReadOnlyList<RaftServer>? Servers, HttpExchange Exchange)> RaftConfigurationAsync(CancellationToken ct = default) =>
        Autopilot.ParseRaft(await GetAsync(Paths.RaftConfiguration, ct));

    /// <summary>Autopilot's view (200 healthy or 429 unhealthy both carry the body).</summary>
    public async Task<AutopilotHealth> AutopilotHealthAsync(CancellationToken ct = default) =>
        Autopilot.Parse("Consul", await GetAsync(Paths.AutopilotHealth, ct));

    /// <summary>The LAN members this agent sees (Status is serf's number: 1 alive).</summary>
    public async Task<IReadOnlyList<ClusterMember>> MembersAsync(CancellationToken ct = default)
    {
        var x = await _http.GetOkAsync(Paths.Members, ct);
        return x.Json().EnumerateArray().Select(m =>
        {
            var tags = m.TryGetProperty("Tags", out var t) && t.ValueKind == JsonValueKind.Object
                ? t.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "") : new Dictionary<string, string>();
            var code = m.TryGetProperty("Status", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt32() : -1;
            return new ClusterMember(Json.Str(m, "Name"), Json.Str(m, "Addr"), tags.GetValueOrDefault("role") == "consul" ? "server" : "client",
                SerfStatus.Name(code), code == SerfStatus.Alive);
        }).ToList();
    }

    /// <summary>/v1/agent/self with the configured token.</summary>
    public async Task<JsonElement> AgentSelfAsync(CancellationToken ct = default) => (await _http.GetOkAsync(Paths.AgentSelf, ct)).Json();

    /// <summary>The datacenter of the agent the suite talks to (/v1/agent/self → Config.Datacenter): the Consul UI's routes name it.</summary>
    public async Task<string> DatacenterAsync(CancellationToken ct = default) =>
        Json.Str(Json.Obj(await AgentSelfAsync(ct), "Config"), "Datacenter") is { Length: > 0 } dc ? dc
            : throw new EnvironmentProblemException($"{Endpoint} /v1/agent/self names no Config.Datacenter");

    /// <summary>Service names in the catalog (as visible to the configured token).</summary>
    public async Task<IReadOnlyList<string>> CatalogServicesAsync(CancellationToken ct = default) =>
        (await _http.GetOkAsync(Paths.CatalogServices, ct)).Json().EnumerateObject().Select(p => p.Name).ToList();

    /// <summary>The catalog's instances of one service.</summary>
    public async Task<IReadOnlyList<CatalogInstance>> CatalogServiceAsync(string name, CancellationToken ct = default)
    {
        var x = await _http.GetOkAsync(Paths.CatalogService + Uri.EscapeDataString(name), ct);
        return x.Json().EnumerateArray().Select(i =>
        {
            var address = Json.Str(i, "ServiceAddress");
            return new CatalogInstance(name, Json.Str(i, "Node"), address.Length > 0 ? address : Json.Str(i, "Address"),
                i.TryGetProperty("ServicePort", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt32() : 0);
        }).ToList();
    }

    /// <summary>/v1/health/service/:name: every instance with all its checks.</summary>
    public async Task<IReadOnlyList<ServiceInstanceHealth>> HealthServiceAsync(string name, CancellationToken ct = default)
    {
        var x = await _http.GetOkAsync(Paths.HealthService + Uri.EscapeDataString(name), ct);
        return x.Json().EnumerateArray().Select(e =>
        {
            var node = e.GetProperty("Node");
            var svc = e.GetProperty("Service");
            var checks = e.GetProperty("Checks").EnumerateArray().Select(ParseCheck).ToList();
            var address = Json.Str(svc, "Address");
            return new ServiceInstanceHealth(name, Json.Str(svc, "ID"), Json.Str(node, "Node"),
                address.Length > 0 ? address : Json.Str(node, "Address"),
                svc.TryGetProperty("Port", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt32() : 0, checks);
        }).ToList();
    }

    /// <summary>Every check in the datacenter (/v1/health/state/any).</summary>
    public async Task<IReadOnlyList<HealthCheck>> AllChecksAsync(CancellationToken ct = default) =>
        (await _http.GetOkAsync(Paths.HealthStateAny, ct)).Json().EnumerateArray().Select(ParseCheck).ToList();

    private static HealthCheck ParseCheck(JsonElement c) => new(Json.Str(c, "Node"), Json.Str(c, "CheckID"), Json.Str(c, "Name"),
        Json.Str(c, "ServiceName"), Json.Str(c, "Status"), Json.Str(c, "Output"));

    /// <summary>The configured token as /v1/acl/token/self describes it.</summary>
    public async Task<TokenFacts> TokenAsync(CancellationToken ct = default)
    {
        var x = await GetAsync(Paths.TokenSelf, ct);
        if (!x.IsSuccess)
            return new TokenFacts("Consul", x.StatusCode, false, "", "", [], false, HttpExchange.Truncate(x.Body.Trim(), 200));
        var j = x.Json();
        var policies = j.TryGetProperty("Policies", out var p) && p.ValueKind == JsonValueKind.Array ? p.EnumerateArray().ToList() : [];
        // global-management by name or by its fixed id, or a legacy (pre-1.4) management token.
        var management = policies.Any(e => Json.Str(e, "Name") == "global-management" || Json.Str(e, "ID") == GlobalManagementPolicyId)
                         || Json.Str(j, "Type") == "management";
        return new TokenFacts("Consul", x.StatusCode, true, Json.Str(j, "AccessorID"), Json.Str(j, "Description"),
            policies.Select(e => Json.Str(e, "Name")).ToList(), management, "");
    }

    /// <summary>The id Consul gives the built-in global-management policy.</summary>
    public const string GlobalManagementPolicyId = "00000000-0000-0000-0000-000000000001";

    private static int _versionRecorded;

    /// <summary>Records the version Consul reports (a sandbox stand-in reports a "-standin" version); once per run, never throws.</summary>
    public async Task RecordVersionAsync(CancellationToken ct = default)
    {
        if (Interlocked.Exchange(ref _versionRecorded, 1) == 1) return;
        try
        {
            var x = await GetAsync(Paths.AgentSelf, ct);
            var version = x.IsSuccess ? Json.Str(Json.Obj(x.Json(), "Config"), "Version") : "";
            if (version.Length > 0) RunFacts.Set("consul.version", version);
            // consul.kind (stand-in or real) is recorded by ServiceHttp from the X-Sandbox-Standin marker of every answer.
        }
        catch (EnvironmentProblemException)
        {
            // the check that follows names the unreachable endpoint
        }
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}

/// <summary>Serf member status numbers as Consul reports them.</summary>
public static class SerfStatus
{
    /// <summary>1: alive.</summary>
    public const int Alive = 1;

    /// <summary>The serf name of a status number.</summary>
    public static string Name(int code) => code switch
    {
        0 => "none", 1 => "alive", 2 => "leaving", 3 => "left", 4 => "failed", _ => $"unknown({code})",
    };
}

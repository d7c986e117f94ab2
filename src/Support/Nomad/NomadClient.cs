using System.Text.Json;
using Acceptance.Support.Configuration;
using Acceptance.Support.ServerCluster;
using Acceptance.Support.Evidence;
using Acceptance.Support.Http;
using Acceptance.Support.Outcomes;

namespace Acceptance.Support.Nomad;

/// <summary>
/// Typed wrapper of Nomad's HTTP API (https://developer.hashicorp.com/nomad/api-docs). The configured
/// token goes in X-Nomad-Token and services.nomad.region is sent as ?region= when set; every exchange
/// is recorded (redacted) as evidence.
/// </summary>
public sealed class NomadClient : IDisposable, IServerClusterClient
{
    /// <inheritdoc />
    public string Product => "Nomad";

    /// <summary>Endpoint paths.</summary>
    public static class Paths
    {
        public const string Leader = "v1/status/leader";
        public const string Peers = "v1/status/peers";
        public const string Members = "v1/agent/members";
        public const string AgentSelf = "v1/agent/self";
        public const string RaftConfiguration = "v1/operator/raft/configuration";
        public const string AutopilotHealth = "v1/operator/autopilot/health";
        public const string Nodes = "v1/nodes";
        public const string Node = "v1/node/";
        public const string Jobs = "v1/jobs";
        public const string TokenSelf = "v1/acl/token/self";
    }

    private readonly ServiceHttp _http;
    private readonly string? _region;

    /// <summary>Creates a client for the target's Nomad (not verified when the target declares none).</summary>
    public NomadClient(TargetEnvironment target, EvidenceLog evidence)
    {
        Endpoint = target.Nomad;
        _region = Endpoint.Region;
        _http = new ServiceHttp("Nomad", Endpoint, target.CaFile, evidence, Credentials.Header(Endpoint, "X-Nomad-Token"));
    }

    /// <summary>The endpoint (address and settings).</summary>
    public NomadOptions Endpoint { get; }

    /// <summary>The transport.</summary>
    public ServiceHttp Http => _http;

    /// <summary>GET with the configured token, any status.</summary>
    public Task<HttpExchange> GetAsync(string path, CancellationToken ct = default) =>
        _http.SendAsync(HttpMethod.Get, WithRegion(path), ct: ct);

    /// <summary>A write (POST, PUT, DELETE) with the configured token and a JSON body, any status; region and namespace added.</summary>
    public Task<HttpExchange> SendAsync(HttpMethod method, string path, System.Text.Json.Nodes.JsonNode? body = null, CancellationToken ct = default) =>
        _http.SendAsync(method, WithNamespace(WithRegion(path)),
            body is null ? null : new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"), ct: ct);

    /// <summary>GET with the configured token in the configured namespace, any status.</summary>
    public Task<HttpExchange> GetInNamespaceAsync(string path, CancellationToken ct = default) =>
        _http.SendAsync(HttpMethod.Get, WithNamespace(WithRegion(path)), ct: ct);

    private string WithNamespace(string path) =>
        Endpoint.Namespace is { Length: > 0 } n ? path + (path.Contains('?') ? "&" : "?") + "namespace=" + Uri.EscapeDataString(n) : path;

    /// <summary>GET without credentials, any status.</summary>
    public Task<HttpExchange> AnonymousGetAsync(string path, CancellationToken ct = default) =>
        _http.SendAsync(HttpMethod.Get, WithRegion(path), authenticate: false, ct: ct);

    private async Task<HttpExchange> GetOkAsync(string path, CancellationToken ct)
    {
        var x = await GetAsync(path, ct);
        return x.IsSuccess ? x : throw ServiceResponseException.For(x);
    }

    /// <summary>The leader's RPC address; "" when there is none.</summary>
    public async Task<string> LeaderAsync(CancellationToken ct = default)
    {
        var x = await GetAsync(Paths.Leader, ct);
        // A server without a leader may answer 500 "No cluster leader" instead of "".
        if (x.StatusCode == 500 && x.Body.Contains("leader", StringComparison.OrdinalIgnoreCase)) return "";
        if (!x.IsSuccess) throw ServiceResponseException.For(x);
        return x.Json<string>() ?? "";
    }

    /// <summary>The raft peers' addresses.</summary>
    public async Task<IReadOnlyList<string>> PeersAsync(CancellationToken ct = default)
    {
        var x = await GetAsync(Paths.Peers, ct);
        if (x.StatusCode == 500 && x.Body.Contains("leader", StringComparison.OrdinalIgnoreCase)) return [];
        if (!x.IsSuccess) throw ServiceResponseException.For(x);
        return x.Json<List<string>>() ?? [];
    }

    /// <summary>The raft configuration; null with the exchange when Nomad cannot answer it (no leader: 500).</summary>
    public async Task<(IReadOnlyList<RaftServer>? Servers, HttpExchange Exchange)> RaftConfigurationAsync(CancellationToken ct = default) =>
        Autopilot.ParseRaft(await GetAsync(Paths.RaftConfiguration, ct));

    /// <summary>Autopilot's view (200 healthy or 429 unhealthy both carry the body).</summary>
    public async Task<AutopilotHealth> AutopilotHealthAsync(CancellationToken ct = default) =>
        Autopilot.Parse("Nomad", await GetAsync(Paths.AutopilotHealth, ct));

    /// <summary>Server members (/v1/agent/members is an object with Members[]; Status is a string).</summary>
    public async Task<IReadOnlyList<ClusterMember>> MembersAsync(CancellationToken ct = default)
    {
        var j = (await GetOkAsync(Paths.Members, ct)).Json();
        return j.GetProperty("Members").EnumerateArray().Select(m =>
        {
            var status = Json.Str(m, "Status");
            return new ClusterMember(Json.Str(m, "Name"), $"{Json.Str(m, "Addr")}:{m.GetProperty("Port")}", "server", status, status == "alive");
        }).ToList();
    }

    /// <summary>/v1/agent/self.</summary>
    public async Task<JsonElement> AgentSelfAsync(CancellationToken ct = default) => (await GetOkAsync(Paths.AgentSelf, ct)).Json();

    /// <summary>Client node ids (/v1/nodes).</summary>
    public async Task<IReadOnlyList<string>> NodeIdsAsync(CancellationToken ct = default) =>
        (await GetOkAsync(Paths.Nodes, ct)).Json().EnumerateArray().Select(n => Json.Str(n, "ID")).ToList();

    /// <summary>One node in full (/v1/node/:id): status, drivers, resources, attributes, meta, host volumes.</summary>
    public async Task<NomadNode> NodeAsync(string id, CancellationToken ct = default)
    {
        var n = (await GetOkAsync(Paths.Node + Uri.EscapeDataString(id), ct)).Json();
        var attributes = Json.Map(n, "Attributes");
        var drivers = Json.Obj(n, "Drivers") is { ValueKind: JsonValueKind.Object } d
            ? d.EnumerateObject().Select(p => new NomadDriver(p.Name, Json.Bool(p.Value, "Detected"), Json.Bool(p.Value, "Healthy"), Json.Str(p.Value, "HealthDescription"))).ToList()
            : new List<NomadDriver>();
        var volumes = Json.Obj(n, "HostVolumes") is { ValueKind: JsonValueKind.Object } hv
            ? hv.EnumerateObject().Select(p => new HostVolume(p.Name, Json.Str(p.Value, "Path"), Json.Bool(p.Value, "ReadOnly"))).ToList()
            : new List<HostVolume>();
        var resources = Json.Obj(n, "NodeResources");
        var cpu = Json.Obj(resources, "Cpu");
        var cores = (int)Json.Long(cpu, "TotalCpuCores");
        if (cores == 0 && int.TryParse(attributes.GetValueOrDefault("cpu.numcores"), out var c)) cores = c;
        var memoryMb = Json.Long(Json.Obj(resources, "Memory"), "MemoryMB");
        if (memoryMb == 0 && long.TryParse(attributes.GetValueOrDefault("memory.totalbytes"), out var mb)) memoryMb = mb / 1024 / 1024;
        long.TryParse(attributes.GetValueOrDefault("unique.storage.bytestotal"), out var diskTotal);
        long.TryParse(attributes.GetValueOrDefault("unique.storage.bytesfree"), out var diskFree);
        var diskMb = Json.Long(Json.Obj(resources, "Disk"), "DiskMB");
        var speeds = new List<long>();
        if (Json.Obj(resources, "NodeNetworks") is { ValueKind: JsonValueKind.Array } nn)
            speeds.AddRange(nn.EnumerateArray().Select(x => Json.Long(x, "Speed")).Where(x => x > 0));
        if (speeds.Count == 0 && Json.Obj(resources, "Networks") is { ValueKind: JsonValueKind.Array } nw)
            speeds.AddRange(nw.EnumerateArray().Select(x => Json.Long(x, "MBits")).Where(x => x > 0));
        if (speeds.Count == 0 && long.TryParse(attributes.GetValueOrDefault("network.speed") ?? attributes.GetValueOrDefault("nic.speed"), out var sp)) speeds.Add(sp);
        return new NomadNode(Json.Str(n, "ID"), Json.Str(n, "Name"), Json.Str(n, "Status"), Json.Str(n, "StatusDescription"), Json.Str(n, "SchedulingEligibility"),
            Json.Bool(n, "Drain"), drivers, cores, memoryMb, diskTotal > 0 ? diskTotal / 1024 / 1024 : diskMb, diskFree, speeds.Count > 0 ? speeds.Max() : 0,
            Json.Str(n, "HTTPAddr"), attributes.GetValueOrDefault("unique.network.ip-address") ?? "", Json.Map(n, "Meta"), volumes);
    }

    /// <summary>
    /// The configured token: accepted when a protected endpoint (/v1/jobs) answers it 2xx; its type and policies from
    /// /v1/acl/token/self (answers vary by release, so only a 2xx body is read; otherwise the type is unknown).
    /// </summary>
    public async Task<TokenFacts> TokenAsync(CancellationToken ct = default)
    {
        var jobs = await GetAsync(Paths.Jobs, ct);
        if (!jobs.IsSuccess)
            return new TokenFacts("Nomad", jobs.StatusCode, false, "", "", [], false, $"GET /{Paths.Jobs}: {HttpExchange.Truncate(jobs.Body.Trim(), 200)}");
        var self = await GetAsync(Paths.TokenSelf, ct);
        if (!self.IsSuccess)
            return new TokenFacts("Nomad", self.StatusCode, true, "", $"GET /{Paths.TokenSelf} answered {self.StatusCode}: {HttpExchange.Truncate(self.Body.Trim(), 160)}",
                [], false, "", TypeKnown: false);
        var j = self.Json();
        var type = Json.Str(j, "Type");
        var accessor = Json.Str(j, "AccessorID");
        var policies = j.TryGetProperty("Policies", out var p) && p.ValueKind == JsonValueKind.Array
            ? p.EnumerateArray().Select(e => e.GetString() ?? "").ToList() : [];
        return new TokenFacts("Nomad", self.StatusCode, true, accessor, $"{Json.Str(j, "Name")} (type {type})", policies,
            type == "management" || accessor == "acls-disabled", "", TypeKnown: type.Length > 0 || accessor.Length > 0);
    }

    private static int _versionRecorded;

    /// <summary>Records the version Nomad reports (a sandbox stand-in reports a "-standin" version); once per run, never throws.</summary>
    public async Task RecordVersionAsync(CancellationToken ct = default)
    {
        if (Interlocked.Exchange(ref _versionRecorded, 1) == 1) return;
        try
        {
            var x = await GetAsync(Paths.AgentSelf, ct);
            var config = x.IsSuccess && x.Json().TryGetProperty("config", out var c) ? c : default;
            // config.Version is a string in old releases and {Version, VersionPrerelease, ...} in current ones.
            var versionObject = config.ValueKind == JsonValueKind.Object && config.TryGetProperty("Version", out var v) && v.ValueKind == JsonValueKind.Object ? v : config;
            var version = Json.Str(versionObject, "Version");
            var pre = Json.Str(versionObject, "VersionPrerelease");
            if (pre.Length > 0 && !version.Contains(pre)) version += "-" + pre;
            if (version.Length > 0) RunFacts.Set("nomad.version", version);
        }
        catch (EnvironmentProblemException)
        {
            // the check that follows names the unreachable endpoint
        }
    }

    private string WithRegion(string path) =>
        _region is { Length: > 0 } r ? path + (path.Contains('?') ? "&" : "?") + "region=" + Uri.EscapeDataString(r) : path;

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}

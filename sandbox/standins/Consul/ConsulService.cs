using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using StandIns.Core;

namespace StandIns.Consul;

/// <summary>
/// Consul stand-in: a three-server cluster view with ACLs (default deny), real periodic health checks of
/// the sandbox services, an in-memory KV store and the fault switches consul.*.
/// </summary>
public sealed partial class ConsulService : IStandInService
{
    private const string Dc = "dc1";
    private readonly SandboxState _s;
    private readonly List<ConsulNode> _nodes = new();
    private readonly List<ConsulServiceInstance> _services = new();
    private readonly List<ConsulCheck> _checks = new();
    private readonly SortedDictionary<string, KvEntry> _kv = new(StringComparer.Ordinal);
    private readonly object _kvLock = new();
    private readonly HealthChecker _checker;
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    private readonly ConsulPrincipal _management, _everyday, _anonymous, _disabled;
    private long _index = 10;
    private long _kvApplies;
    private Lazy<object> _caRoots;

    public ConsulService(SandboxState s)
    {
        _s = s;
        var p = s.Ports;
        var host = p.Host;
        // Three servers (raft peers on distinct ports of one loopback address, like the Nomad docs sample).
        for (var i = 1; i <= 3; i++)
            _nodes.Add(new ConsulNode(DeterministicId("consul-server-" + i), "consul-server-" + i, host, true, 8301 + (i - 1) * 10, 8300 + (i - 1) * 10,
                new() { ["consul-network-segment"] = "", ["consul-version"] = StandInHost.ConsulVersion }));
        _nodes.Add(new ConsulNode(DeterministicId("ml-mgmt-1"), "ml-mgmt-1", host, false, 8341, 0,
            new() { ["consul-network-segment"] = "", ["network_segment"] = "management" }));
        _nodes.Add(new ConsulNode(DeterministicId("ml-worker-1"), "ml-worker-1", host, false, 8351, 0,
            new() { ["consul-network-segment"] = "", ["network_segment"] = "data" }));

        foreach (var n in _nodes)
            _checks.Add(new ConsulCheck
            {
                Node = n.Name, CheckID = "serfHealth", Name = "Serf Health Status", CreateIndex = NextIndex(), NextIndex = NextIndex,
            }.WithInitial("passing", "Agent alive and reachable"));

        // The sandbox's real services, each with a real check (TCP connect or HTTP GET).
        var interval = s.Options.CheckInterval;
        void Svc(string name, string portKey, string[] tags, Func<int, CheckTarget> check, string node = "ml-mgmt-1")
        {
            var port = p.Port(portKey);
            var inst = new ConsulServiceInstance
            {
                ID = name, Name = name, NodeName = node, Address = host, Port = port, Tags = tags, CreateIndex = NextIndex(),
                Meta = new() { ["sandbox"] = "true" },
            };
            _services.Add(inst);
            var t = check(port);
            _checks.Add(new ConsulCheck
            {
                Node = node, CheckID = "service:" + name, Name = $"Service '{name}' check", ServiceID = name, ServiceName = name,
                ServiceTags = tags, Type = t.Type, Interval = $"{interval.TotalSeconds:0}s", Timeout = "2s", Target = t,
                CreateIndex = inst.CreateIndex, NextIndex = NextIndex,
            }.WithInitial("critical", ""));
        }
        CheckTarget Tcp(int port) => new("tcp", $"{host}:{port}");
        Svc("prometheus", "PROMETHEUS_PORT", ["metrics", "https"], Tcp);
        Svc("pushgateway", "PUSHGATEWAY_PORT", ["metrics"], port => new("http", $"http://{host}:{port}/-/healthy"));
        Svc("alertmanager", "ALERTMANAGER_PORT", ["alerting"], port => new("http", $"http://{host}:{port}/-/healthy"));
        Svc("node-exporter", "NODE_EXPORTER_PORT", ["metrics"], Tcp);
        Svc("lb", "HAPROXY_HTTPS_PORT", ["https", "haproxy"], Tcp);
        Svc("grafana", "GRAFANA_PORT", ["https", "dashboards"], port => new("http", $"https://{host}:{port}/api/health", true));
        Svc("nomad", "NOMAD_PORT", ["http", "serf", "rpc"], port => new("http", $"https://{host}:{port}/v1/agent/health?type=server", true));
        // The "consul" service lives on the servers and has only the serfHealth node check, as in real Consul.
        foreach (var n in _nodes.Where(n => n.Server))
            _services.Add(new ConsulServiceInstance
            {
                ID = "consul", Name = "consul", NodeName = n.Name, Address = host, Port = p.Port("CONSUL_PORT"), CreateIndex = NextIndex(),
            });

        var sec = s.Secrets;
        _management = new ConsulPrincipal
        {
            AccessorID = DeterministicId("consul-management:" + sec.ConsulManagement), SecretID = sec.ConsulManagement,
            Description = "Initial Management Token (sandbox)", IsManagement = true,
            Policies = [("00000000-0000-0000-0000-000000000001", "global-management")],
        };
        _everyday = new ConsulPrincipal
        {
            AccessorID = DeterministicId("consul-everyday:" + sec.Consul), SecretID = sec.Consul,
            Description = "acceptance suite: read-only + KV write under acceptance/", IsEveryday = true,
            Policies = [(DeterministicId("policy:acceptance-read"), "acceptance-read"), (DeterministicId("policy:acceptance-kv"), "acceptance-kv-write")],
        };
        _anonymous = new ConsulPrincipal
        {
            AccessorID = ConsulPrincipal.AnonymousAccessor, SecretID = "anonymous", Description = "Anonymous Token", IsAnonymous = true, Policies = [],
        };
        _disabled = new ConsulPrincipal { AccessorID = "", SecretID = "", Description = "", AclsDisabled = true, Policies = [] };
        _caRoots = new Lazy<object>(MakeCaRoots);
        _checker = new HealthChecker(_checks, interval, () => NextIndex());
    }

    private long NextIndex() => Interlocked.Increment(ref _index);

    public static string DeterministicId(string seed)
    {
        var h = SHA256.HashData(Encoding.UTF8.GetBytes(seed));
        return new Guid(h.AsSpan(0, 16)).ToString();
    }

    public void Dispose() => _checker.Dispose();

    // ---------------------------------------------------------------- faults

    private bool AclDisabled => _s.Fault("consul.acl-disabled");
    private bool NoLeader => _s.Fault("consul.no-leader");
    private bool ServerDown => _s.Fault("consul.server-down");
    private const string DownServer = "consul-server-3";

    private bool NodeAlive(string node) => !(ServerDown && node == DownServer);

    private (string Status, string Output) EffectiveCheck(ConsulCheck c)
    {
        if (c.CheckID == "serfHealth" && !NodeAlive(c.Node)) return ("critical", "Agent not live or unreachable");
        if (c.ServiceName != "" && _s.Fault("consul.check-critical") && c.ServiceName == (_s.FaultArg("consul.check-critical") ?? "prometheus"))
            return ("critical", "sandbox fault consul.check-critical: check forced critical while the service is up. Last real output: " + c.Output);
        return (c.Status, c.Output);
    }

    // ---------------------------------------------------------------- dispatch

    public async Task HandleAsync(HttpContext ctx)
    {
        ctx.Response.Headers["X-Consul-Default-ACL-Policy"] = AclDisabled ? "allow" : "deny";
        var seg = Http.Segments(ctx);
        var m = ctx.Request.Method;
        if (seg.Length < 2 || seg[0] != "v1")
        {
            if (seg.Length == 0 || seg[0] == "ui") { await ConsulUi.Serve(ctx, seg, Dc); return; }
            await NotFound(ctx); return;
        }
        var area = seg[1];
        var rest = seg.Skip(2).ToArray();
        switch (area, rest.Length > 0 ? rest[0] : "")
        {
            case ("status", "leader"): await Get(ctx, () => Http.Json(ctx, NoLeader ? "" : PeerAddr(_nodes[0]))); return;
            case ("status", "peers"): await Get(ctx, () => Http.Json(ctx, Peers())); return;
            case ("operator", "raft"): await Get(ctx, () => RaftConfiguration(ctx)); return;
            case ("operator", "autopilot") when rest.Length > 1 && rest[1] == "health": await Get(ctx, () => AutopilotHealth(ctx)); return;
            case ("operator", "autopilot") when rest.Length > 1 && rest[1] == "configuration": await Get(ctx, () => AutopilotConfiguration(ctx)); return;
            case ("agent", "members"): await Get(ctx, () => Members(ctx)); return;
            case ("agent", "self"): await Get(ctx, () => AgentSelf(ctx)); return;
            case ("agent", "metrics"): await Get(ctx, () => Metrics(ctx)); return;
            case ("agent", "services"): await Get(ctx, () => AgentServices(ctx)); return;
            case ("agent", "checks"): await Get(ctx, () => AgentChecks(ctx)); return;
            case ("catalog", "services"): await Get(ctx, () => CatalogServices(ctx)); return;
            case ("catalog", "service") when rest.Length == 2: await Get(ctx, () => CatalogService(ctx, rest[1])); return;
            case ("catalog", "nodes"): await Get(ctx, () => CatalogNodes(ctx)); return;
            case ("catalog", "datacenters"): await Get(ctx, () => Http.Json(ctx, new[] { Dc })); return;
            case ("health", "service") when rest.Length == 2: await Get(ctx, () => HealthService(ctx, rest[1])); return;
            case ("health", "state") when rest.Length == 2: await Get(ctx, () => HealthState(ctx, rest[1])); return;
            case ("health", "checks") when rest.Length == 2: await Get(ctx, () => HealthChecks(ctx, rest[1])); return;
            case ("health", "node") when rest.Length == 2: await Get(ctx, () => HealthNode(ctx, rest[1])); return;
            case ("snapshot", ""): await Snapshot(ctx); return;
            case ("kv", _): await Kv(ctx, string.Join('/', rest) + (ctx.Request.Path.Value!.EndsWith('/') && rest.Length > 0 ? "/" : "")); return;
            case ("acl", "token") when rest.Length == 2 && rest[1] == "self": await Get(ctx, () => AclTokenSelf(ctx)); return;
            case ("acl", "tokens"): await Get(ctx, () => AclList(ctx, tokens: true)); return;
            case ("acl", "policies"): await Get(ctx, () => AclList(ctx, tokens: false)); return;
            case ("internal", "ui") when rest.Length == 2 && rest[1] == "services": await Get(ctx, () => UiServices(ctx)); return;
            case ("connect", "ca") when rest.Length == 2 && rest[1] == "roots": await Get(ctx, () => Http.Json(ctx, _caRoots.Value)); return;
        }
        await NotFound(ctx);
    }

    private static Task NotFound(HttpContext ctx) => Http.Text(ctx, 404, "404 page not found\n");

    private Task Get(HttpContext ctx, Func<Task> handler)
    {
        if (ctx.Request.Method is not ("GET" or "HEAD"))
            return Http.Text(ctx, 405, $"method {ctx.Request.Method} not allowed");
        SetIndexHeaders(ctx);
        return handler();
    }

    private void SetIndexHeaders(HttpContext ctx)
    {
        ctx.Response.Headers["X-Consul-Index"] = Interlocked.Read(ref _index).ToString();
        ctx.Response.Headers["X-Consul-KnownLeader"] = NoLeader ? "false" : "true";
        ctx.Response.Headers["X-Consul-LastContact"] = "0";
    }

    // ---------------------------------------------------------------- ACL

    /// <summary>Resolves the caller. Unknown secret -> 403 "ACL not found" (like Consul).</summary>
    private ConsulPrincipal Caller(HttpContext ctx)
    {
        if (AclDisabled) return _disabled;
        var t = Http.BearerOrHeader(ctx, "X-Consul-Token") ?? Http.Query(ctx, "token");
        if (string.IsNullOrEmpty(t) || t == "anonymous") return _anonymous;
        if (t == _s.Secrets.ConsulManagement) return _management;
        if (t == _s.Secrets.Consul) return _everyday;
        throw new HttpError(403, "ACL not found");
    }

    private static void Require(ConsulPrincipal p, string kind, string name, bool write)
    {
        if (!p.Can(kind, name, write)) throw new HttpError(403, p.Denied(kind, name, write));
    }

    private static void MarkFiltered(HttpContext ctx, ConsulPrincipal p, bool filtered)
    {
        // Only sent to callers with a valid non-anonymous token (api-structure docs).
        if (filtered && !p.IsAnonymous && !p.AclsDisabled) ctx.Response.Headers["X-Consul-Results-Filtered-By-ACLs"] = "true";
    }

    // ---------------------------------------------------------------- cluster

    private static string PeerAddr(ConsulNode n) => $"{n.Address}:{n.RpcPort}";
    private IEnumerable<ConsulNode> Servers => _nodes.Where(n => n.Server);
    private string[] Peers() => Servers.Where(n => NodeAlive(n.Name)).Select(PeerAddr).ToArray();

    private Task RaftConfiguration(HttpContext ctx)
    {
        var p = Caller(ctx);
        Require(p, "operator", "", false);
        if (NoLeader) throw new HttpError(500, "No cluster leader");
        var servers = Servers.Where(n => NodeAlive(n.Name)).Select((n, i) => new
        {
            ID = n.ID, Node = n.Name, Address = PeerAddr(n), Leader = i == 0, Voter = true, ProtocolVersion = "3",
            LastIndex = Interlocked.Read(ref _index),
        });
        return Http.Json(ctx, new { Servers = servers, Index = Interlocked.Read(ref _index) });
    }

    private Task AutopilotHealth(HttpContext ctx)
    {
        var p = Caller(ctx);
        Require(p, "operator", "", false);
        var noLeader = NoLeader;
        var idx = Interlocked.Read(ref _index);
        var servers = Servers.Select((n, i) =>
        {
            var alive = NodeAlive(n.Name);
            return new
            {
                ID = n.ID, Name = n.Name, Address = PeerAddr(n), SerfStatus = alive ? "alive" : "failed",
                Version = StandInHost.ConsulVersion, Leader = !noLeader && i == 0,
                LastContact = i == 0 && !noLeader ? "0s" : alive && !noLeader ? "18.34ms" : "-1ns",
                LastTerm = 2L, LastIndex = alive ? idx : 12, Healthy = alive && !noLeader, Voter = alive,
                StableSince = Http.Rfc3339(_started), NodeStatus = alive ? "alive" : "failed",
                NodeType = "voter", Meta = new Dictionary<string, string> { ["consul-network-segment"] = "" },
            };
        }).ToArray();
        var healthyVoters = servers.Count(x => x.Healthy && x.Voter);
        var quorum = servers.Length / 2 + 1;
        var healthy = !noLeader && servers.All(x => x.Healthy);
        var body = new
        {
            Healthy = healthy,
            FailureTolerance = Math.Max(0, healthyVoters - quorum),
            Servers = servers,
            Leader = noLeader ? "" : servers[0].ID,
            Voters = servers.Where(x => x.Voter).Select(x => x.ID).ToArray(),
        };
        return Http.Json(ctx, healthy ? 200 : 429, body);
    }

    private Task AutopilotConfiguration(HttpContext ctx)
    {
        Require(Caller(ctx), "operator", "", false);
        return Http.Json(ctx, new
        {
            CleanupDeadServers = true, LastContactThreshold = "200ms", MaxTrailingLogs = 250, MinQuorum = 0,
            ServerStabilizationTime = "10s", RedundancyZoneTag = "", DisableUpgradeMigration = false,
            UpgradeVersionTag = "", CreateIndex = 5, ModifyIndex = 5,
        });
    }

    private object Member(ConsulNode n) => new
    {
        Name = n.Name, Addr = n.Address, Port = n.SerfPort,
        Tags = n.Server
            ? new Dictionary<string, string>
            {
                ["acls"] = AclDisabled ? "0" : "1", ["build"] = StandInHost.ConsulVersion + ":standin", ["dc"] = Dc, ["expect"] = "3",
                ["ft_fs"] = "1", ["ft_si"] = "1", ["id"] = n.ID, ["port"] = n.RpcPort.ToString(), ["raft_vsn"] = "3",
                ["role"] = "consul", ["segment"] = "", ["use_tls"] = "1", ["vsn"] = "2", ["vsn_max"] = "3", ["vsn_min"] = "2",
                ["wan_join_port"] = (n.SerfPort + 1).ToString(),
            }
            : new Dictionary<string, string>
            {
                ["build"] = StandInHost.ConsulVersion + ":standin", ["dc"] = Dc, ["id"] = n.ID, ["role"] = "node",
                ["segment"] = "", ["vsn"] = "2", ["vsn_max"] = "3", ["vsn_min"] = "2",
            },
        Status = NodeAlive(n.Name) ? 1 : 4, // serf: 1 alive, 3 left, 4 failed
        ProtocolMin = 1, ProtocolMax = 5, ProtocolCur = 2, DelegateMin = 2, DelegateMax = 5, DelegateCur = 4,
    };

    private Task Members(HttpContext ctx)
    {
        var p = Caller(ctx);
        var wan = Http.Flag(ctx, "wan");
        var all = _nodes.Where(n => !wan || n.Server).ToList();
        var visible = all.Where(n => p.Can("node", n.Name, false)).ToList();
        MarkFiltered(ctx, p, visible.Count < all.Count);
        return Http.Json(ctx, visible.Select(n => wan ? WithName(Member(n), n.Name + "." + Dc) : Member(n)));
    }

    private static JsonNode WithName(object member, string name)
    {
        var o = System.Text.Json.JsonSerializer.SerializeToNode(member, Http.JsonOpts)!;
        o["Name"] = name;
        return o;
    }

    private Task AgentSelf(HttpContext ctx)
    {
        var p = Caller(ctx);
        var self = _nodes[0];
        Require(p, "agent", self.Name, false);
        return Http.Json(ctx, new
        {
            Config = new
            {
                Datacenter = Dc, PrimaryDatacenter = Dc, NodeName = self.Name, NodeID = self.ID, Partition = "",
                Revision = "standin", Server = true, Version = StandInHost.ConsulVersion, BuildDate = "2024-12-01T00:00:00Z",
            },
            DebugConfig = DebugConfig(self),
            Coord = new { Vec = new double[8], Error = 1.5, Adjustment = 0.0, Height = 1e-5 },
            Member = Member(self),
            Stats = new Dictionary<string, object>
            {
                ["agent"] = new Dictionary<string, string> { ["check_monitors"] = "0", ["check_ttls"] = "0", ["checks"] = _checks.Count.ToString(), ["services"] = _services.Count.ToString() },
                ["consul"] = new Dictionary<string, string> { ["acl"] = AclDisabled ? "disabled" : "enabled", ["bootstrap"] = "false", ["known_datacenters"] = "1", ["leader"] = NoLeader ? "false" : "true", ["leader_addr"] = NoLeader ? "" : PeerAddr(self), ["server"] = "true" },
                ["raft"] = new Dictionary<string, string> { ["num_peers"] = (Peers().Length - 1).ToString(), ["state"] = NoLeader ? "Candidate" : "Leader", ["protocol_version"] = "3" },
                ["runtime"] = new Dictionary<string, string> { ["arch"] = "amd64", ["os"] = "linux", ["cpu_count"] = Environment.ProcessorCount.ToString(), ["version"] = "dotnet-standin" },
            },
            Meta = new Dictionary<string, string> { ["consul-network-segment"] = "", ["consul-version"] = StandInHost.ConsulVersion, ["sandbox-standin"] = "true" },
            xDS = new { SupportedProxies = new Dictionary<string, string[]> { ["envoy"] = ["1.32.1"] }, Port = -1, Ports = new { Plaintext = -1, TLS = -1 } },
        });
    }

    private JsonNode DebugConfig(ConsulNode self)
    {
        using var stream = typeof(ConsulService).Assembly.GetManifestResourceStream("debugconfig.template.json")!;
        var o = JsonNode.Parse(stream)!.AsObject();
        var acl = !AclDisabled;
        var tls = Path.Combine(_s.StateDir, "tls");
        o["ACLsEnabled"] = acl;
        var r = o["ACLResolverSettings"]!.AsObject();
        r["ACLsEnabled"] = acl; r["ACLDefaultPolicy"] = acl ? "deny" : "allow"; r["ACLDownPolicy"] = "extend-cache";
        r["Datacenter"] = Dc; r["NodeName"] = self.Name; r["ACLTokenTTL"] = "30s"; r["ACLPolicyTTL"] = "30s"; r["ACLRoleTTL"] = "30s";
        o["Datacenter"] = Dc; o["PrimaryDatacenter"] = Dc; o["NodeName"] = self.Name; o["NodeID"] = self.ID;
        o["DNSPort"] = _s.Ports.Port("DNS_PORT"); o["HTTPSPort"] = _s.Ports.Port("CONSUL_PORT"); o["HTTPPort"] = -1;
        o["ServerMode"] = true; o["BootstrapExpect"] = 3; o["ServerPort"] = self.RpcPort; o["SerfPortLAN"] = self.SerfPort;
        o["DataDir"] = Path.Combine(_s.StateDir, "volumes", "consul-data");
        o["Version"] = StandInHost.ConsulVersion.Split('-')[0]; o["VersionPrerelease"] = "standin";
        foreach (var part in new[] { "HTTPS", "InternalRPC", "GRPC" })
        {
            var t = o["TLS"]![part]!.AsObject();
            t["CAFile"] = Path.Combine(tls, "ca.pem"); t["CertFile"] = Path.Combine(tls, "consul.pem"); t["TLSMinVersion"] = "TLSv1_2";
            t["VerifyIncoming"] = false; t["VerifyOutgoing"] = part != "HTTPS"; t["VerifyServerHostname"] = part == "InternalRPC";
        }
        if (o["Telemetry"]?["PrometheusOpts"] is JsonObject po) { po["Expiration"] = "1m0s"; po["Name"] = "consul"; }
        return o;
    }

    private Task Metrics(HttpContext ctx)
    {
        var p = Caller(ctx);
        Require(p, "agent", _nodes[0].Name, false);
        var alive = Servers.Count(n => NodeAlive(n.Name));
        var healthy = !NoLeader && alive == 3;
        var ft = NoLeader ? 0 : Math.Max(0, alive - 2);
        if (Http.Query(ctx, "format") == "prometheus")
        {
            var t = new PromText();
            t.Metric("consul_autopilot_healthy", "gauge", "Tracks the overall health of the local server cluster. 1 if all servers are healthy, 0 if one or more are unhealthy.", healthy ? 1 : 0);
            t.Metric("consul_autopilot_failure_tolerance", "gauge", "Tracks the number of voting servers that the cluster can lose while continuing to function.", ft);
            t.Metric("consul_server_isLeader", "gauge", "Tracks if the server is a leader.", NoLeader ? 0 : 1);
            t.Metric("consul_members_servers", "gauge", "Measures the current number of server agents registered with Consul.", alive);
            t.Metric("consul_members_clients", "gauge", "Measures the current number of client agents registered with Consul.", _nodes.Count(n => !n.Server));
            t.Metric("consul_catalog_service_count", "gauge", "Number of registered services.", _services.Select(s => s.Name).Distinct().Count());
            t.Metric("consul_raft_leader_lastContact", "summary", "Measures the time since the leader was last able to contact the follower nodes.", 18.3, ("quantile", "0.5"));
            t.Metric("consul_raft_leader_lastContact", "summary", "", 24.1, ("quantile", "0.9"));
            t.Metric("consul_raft_leader_lastContact_sum", "untyped", "sum", 412.7);
            t.Metric("consul_raft_leader_lastContact_count", "untyped", "count", 21);
            t.Metric("consul_kvs_apply_count", "untyped", "Number of KV store updates.", Interlocked.Read(ref _kvApplies));
            t.Metric("consul_runtime_num_goroutines", "gauge", "Number of running goroutines (stand-in: managed threads).", System.Threading.ThreadPool.ThreadCount);
            PromText.AddProcessMetrics(t, "consul_");
            return Http.Text(ctx, 200, t.ToString(), "text/plain; version=0.0.4; charset=utf-8");
        }
        var now = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss +0000 UTC");
        return Http.Json(ctx, new
        {
            Timestamp = now,
            Gauges = new object[]
            {
                new { Name = "consul.autopilot.healthy", Value = healthy ? 1 : 0, Labels = new { } },
                new { Name = "consul.autopilot.failure_tolerance", Value = ft, Labels = new { } },
                new { Name = "consul.server.isLeader", Value = NoLeader ? 0 : 1, Labels = new { } },
            },
            Points = Array.Empty<object>(),
            Counters = new object[] { new { Name = "consul.kvs.apply", Count = Interlocked.Read(ref _kvApplies), Labels = new { } } },
            Samples = Array.Empty<object>(),
        });
    }

    private Task AgentServices(HttpContext ctx)
    {
        var p = Caller(ctx);
        var local = _services.Where(s => s.NodeName == _nodes[0].Name && p.Can("service", s.Name, false));
        return Http.Json(ctx, local.ToDictionary(s => s.ID, s => (object)new { s.ID, Service = s.Name, s.Tags, s.Meta, s.Port, s.Address, Weights = new { Passing = 1, Warning = 1 }, EnableTagOverride = false, Datacenter = Dc }));
    }

    private Task AgentChecks(HttpContext ctx)
    {
        var p = Caller(ctx);
        var local = _checks.Where(c => c.Node == _nodes[0].Name && p.Can("node", c.Node, false));
        return Http.Json(ctx, local.ToDictionary(c => c.CheckID, c => CheckJson(c)));
    }

    // ---------------------------------------------------------------- catalog / health

    private ConsulNode NodeOf(string name) => _nodes.First(n => n.Name == name);

    private bool Visible(ConsulPrincipal p, ConsulServiceInstance s) => p.Can("service", s.Name, false) && p.Can("node", s.NodeName, false);

    private Task CatalogServices(HttpContext ctx)
    {
        var p = Caller(ctx);
        var names = _services.GroupBy(s => s.Name).ToList();
        var visible = names.Where(g => p.Can("service", g.Key, false)).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        MarkFiltered(ctx, p, visible.Count < names.Count);
        return Http.Json(ctx, visible.ToDictionary(g => g.Key, g => g.SelectMany(s => s.Tags).Distinct().ToArray()));
    }

    /// <summary>
    /// /v1/internal/ui/services: what the Consul UI's services page lists (one row per service name, ACL-filtered like the
    /// catalog, with its instance count and the summed status of its instances' checks, node checks included as in Consul).
    /// </summary>
    private Task UiServices(HttpContext ctx)
    {
        var p = Caller(ctx);
        var all = _services.Where(s => Visible(p, s)).ToList();
        MarkFiltered(ctx, p, all.Count < _services.Count);
        return Http.Json(ctx, all.GroupBy(s => s.Name).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var statuses = g.SelectMany(s => ChecksOf(s)).Select(c => EffectiveCheck(c).Status).ToList();
            return new
            {
                Name = g.Key, Datacenter = Dc, Tags = g.SelectMany(s => s.Tags).Distinct().ToArray(), Nodes = g.Select(s => s.NodeName).Distinct().ToArray(),
                InstanceCount = g.Count(), Kind = "", ExternalSources = Array.Empty<string>(),
                ChecksPassing = statuses.Count(x => x == "passing"), ChecksWarning = statuses.Count(x => x == "warning"),
                ChecksCritical = statuses.Count(x => x == "critical"),
            };
        }));
    }

    private static object TaggedAddresses(string a) => new Dictionary<string, string> { ["lan"] = a, ["lan_ipv4"] = a, ["wan"] = a, ["wan_ipv4"] = a };
    private static object ServiceTagged(string a, int port) => new Dictionary<string, object> { ["lan_ipv4"] = new { address = a, port }, ["wan_ipv4"] = new { address = a, port } };

    private Task CatalogService(HttpContext ctx, string name)
    {
        var p = Caller(ctx);
        var tag = Http.Query(ctx, "tag");
        var all = _services.Where(s => s.Name == name && (tag == null || s.Tags.Contains(tag))).ToList();
        var vis = all.Where(s => Visible(p, s)).ToList();
        MarkFiltered(ctx, p, vis.Count < all.Count);
        return Http.Json(ctx, vis.Select(s =>
        {
            var n = NodeOf(s.NodeName);
            return new
            {
                ID = n.ID, Node = n.Name, Address = n.Address, Datacenter = Dc, TaggedAddresses = TaggedAddresses(n.Address), NodeMeta = n.Meta,
                CreateIndex = s.CreateIndex, ModifyIndex = s.CreateIndex, ServiceAddress = s.Address, ServiceEnableTagOverride = false,
                ServiceID = s.ID, ServiceName = s.Name, ServicePort = s.Port, ServiceMeta = s.Meta, ServiceTaggedAddresses = ServiceTagged(s.Address, s.Port),
                ServiceTags = s.Tags, ServiceWeights = new { Passing = 1, Warning = 1 },
                ServiceProxy = new
                {
                    DestinationServiceName = "", DestinationServiceID = "", LocalServiceAddress = "", LocalServicePort = 0, Config = (object?)null,
                    Upstreams = (object?)null, Mode = "", MeshGateway = new { }, Expose = new { },
                },
                ServiceConnect = new { Native = false, Proxy = (object?)null }, ServiceLocality = (object?)null, PeerName = "",
            };
        }));
    }

    private object NodeJson(ConsulNode n) => new
    {
        ID = n.ID, Node = n.Name, Address = n.Address, Datacenter = Dc, TaggedAddresses = TaggedAddresses(n.Address), Meta = n.Meta,
        CreateIndex = 11, ModifyIndex = 11,
    };

    private Task CatalogNodes(HttpContext ctx)
    {
        var p = Caller(ctx);
        var vis = _nodes.Where(n => p.Can("node", n.Name, false)).ToList();
        MarkFiltered(ctx, p, vis.Count < _nodes.Count);
        return Http.Json(ctx, vis.Select(NodeJson));
    }

    private object CheckJson(ConsulCheck c)
    {
        var (status, output) = EffectiveCheck(c);
        return new
        {
            Node = c.Node, CheckID = c.CheckID, Name = c.Name, Status = status, Notes = "", Output = output,
            ServiceID = c.ServiceID, ServiceName = c.ServiceName, ServiceTags = c.ServiceTags, Type = c.Type,
            Interval = c.Interval, Timeout = c.Timeout, ExposedPort = 0,
            Definition = new { }, CreateIndex = c.CreateIndex, ModifyIndex = c.ModifyIndex,
        };
    }

    private IEnumerable<ConsulCheck> ChecksOf(ConsulServiceInstance s) =>
        _checks.Where(c => c.Node == s.NodeName && (c.ServiceID == "" || c.ServiceID == s.ID));

    private Task HealthService(HttpContext ctx, string name)
    {
        var p = Caller(ctx);
        var passing = Http.Flag(ctx, "passing");
        var all = _services.Where(s => s.Name == name).ToList();
        var vis = all.Where(s => Visible(p, s)).ToList();
        MarkFiltered(ctx, p, vis.Count < all.Count);
        var result = vis
            .Select(s => (s, checks: ChecksOf(s).ToList()))
            .Where(x => !passing || x.checks.All(c => EffectiveCheck(c).Status == "passing"))
            .Select(x =>
            {
                var n = NodeOf(x.s.NodeName);
                return new
                {
                    Node = NodeJson(n),
                    Service = new
                    {
                        ID = x.s.ID, Service = x.s.Name, Tags = x.s.Tags, Address = x.s.Address,
                        TaggedAddresses = ServiceTagged(x.s.Address, x.s.Port), Meta = x.s.Meta, Port = x.s.Port,
                        Weights = new { Passing = 1, Warning = 1 }, EnableTagOverride = false,
                        Proxy = new { Mode = "", MeshGateway = new { }, Expose = new { } }, Connect = new { }, PeerName = "",
                        CreateIndex = x.s.CreateIndex, ModifyIndex = x.s.CreateIndex,
                    },
                    Checks = x.checks.Select(CheckJson).ToArray(),
                };
            });
        return Http.Json(ctx, result);
    }

    private bool CheckVisible(ConsulPrincipal p, ConsulCheck c) =>
        p.Can("node", c.Node, false) && (c.ServiceName == "" || p.Can("service", c.ServiceName, false));

    private Task HealthState(HttpContext ctx, string state)
    {
        if (state is not ("any" or "passing" or "warning" or "critical"))
            throw new HttpError(400, $"Bad Request: Invalid state '{state}'");
        var p = Caller(ctx);
        var all = _checks.Where(c => state == "any" || EffectiveCheck(c).Status == state).ToList();
        var vis = all.Where(c => CheckVisible(p, c)).ToList();
        MarkFiltered(ctx, p, vis.Count < all.Count);
        return Http.Json(ctx, vis.Select(CheckJson));
    }

    private Task HealthChecks(HttpContext ctx, string service)
    {
        var p = Caller(ctx);
        var all = _checks.Where(c => c.ServiceName == service).ToList();
        var vis = all.Where(c => CheckVisible(p, c)).ToList();
        MarkFiltered(ctx, p, vis.Count < all.Count);
        return Http.Json(ctx, vis.Select(CheckJson));
    }

    private Task HealthNode(HttpContext ctx, string node)
    {
        var p = Caller(ctx);
        var all = _checks.Where(c => c.Node == node).ToList();
        var vis = all.Where(c => CheckVisible(p, c)).ToList();
        MarkFiltered(ctx, p, vis.Count < all.Count);
        return Http.Json(ctx, vis.Select(CheckJson));
    }

    // ---------------------------------------------------------------- KV

    private static object KvJson(KvEntry e) => new
    {
        LockIndex = e.LockIndex, Key = e.Key, Flags = e.Flags, Value = e.Value.Length == 0 ? null : Convert.ToBase64String(e.Value),
        CreateIndex = e.CreateIndex, ModifyIndex = e.ModifyIndex,
    };

    private async Task Kv(HttpContext ctx, string key)
    {
        var p = Caller(ctx);
        switch (ctx.Request.Method)
        {
            case "GET" or "HEAD":
            {
                SetIndexHeaders(ctx);
                List<KvEntry> entries;
                lock (_kvLock) entries = _kv.Values.ToList();
                if (Http.HasQuery(ctx, "keys"))
                {
                    var sep = Http.Query(ctx, "separator");
                    var keys = new SortedSet<string>(StringComparer.Ordinal);
                    var all = entries.Where(e => e.Key.StartsWith(key, StringComparison.Ordinal)).ToList();
                    foreach (var e in all.Where(e => p.Can("key", e.Key, false)))
                    {
                        var k = e.Key;
                        if (!string.IsNullOrEmpty(sep))
                        {
                            var i = k.IndexOf(sep, key.Length, StringComparison.Ordinal);
                            if (i >= 0) k = k[..(i + sep.Length)];
                        }
                        keys.Add(k);
                    }
                    MarkFiltered(ctx, p, keys.Count < all.Count && string.IsNullOrEmpty(sep));
                    if (keys.Count == 0) { ctx.Response.StatusCode = 404; return; }
                    await Http.Json(ctx, keys);
                    return;
                }
                if (Http.HasQuery(ctx, "recurse"))
                {
                    var all = entries.Where(e => e.Key.StartsWith(key, StringComparison.Ordinal)).ToList();
                    var vis = all.Where(e => p.Can("key", e.Key, false)).ToList();
                    MarkFiltered(ctx, p, vis.Count < all.Count);
                    if (vis.Count == 0) { ctx.Response.StatusCode = 404; return; }
                    await Http.Json(ctx, vis.Select(KvJson));
                    return;
                }
                Require(p, "key", key, false);
                var hit = entries.FirstOrDefault(e => e.Key == key);
                if (hit == null) { ctx.Response.StatusCode = 404; return; }
                ctx.Response.Headers["X-Consul-Index"] = hit.ModifyIndex.ToString();
                if (Http.HasQuery(ctx, "raw"))
                {
                    ctx.Response.ContentType = "text/plain; charset=utf-8";
                    await ctx.Response.Body.WriteAsync(hit.Value);
                    return;
                }
                await Http.Json(ctx, new[] { KvJson(hit) });
                return;
            }
            case "PUT":
            {
                Require(p, "key", key, true);
                if (NoLeader) throw new HttpError(500, "No cluster leader");
                if (key.Length == 0) throw new HttpError(400, "Missing key name");
                using var ms = new MemoryStream();
                await ctx.Request.Body.CopyToAsync(ms);
                var flags = long.TryParse(Http.Query(ctx, "flags"), out var f) ? f : 0;
                bool ok;
                lock (_kvLock)
                {
                    _kv.TryGetValue(key, out var existing);
                    var cas = Http.Query(ctx, "cas");
                    ok = cas == null || (long.Parse(cas) == 0 ? existing == null : existing?.ModifyIndex == long.Parse(cas));
                    if (ok)
                    {
                        var idx = NextIndex();
                        if (existing == null) _kv[key] = new KvEntry { Key = key, Value = ms.ToArray(), Flags = flags, CreateIndex = idx, ModifyIndex = idx };
                        else { existing.Value = ms.ToArray(); existing.Flags = flags; existing.ModifyIndex = idx; }
                        Interlocked.Increment(ref _kvApplies);
                    }
                }
                await Http.Json(ctx, ok);
                return;
            }
            case "DELETE":
            {
                Require(p, "key", key, true);
                if (NoLeader) throw new HttpError(500, "No cluster leader");
                lock (_kvLock)
                {
                    if (Http.HasQuery(ctx, "recurse"))
                        foreach (var k in _kv.Keys.Where(k => k.StartsWith(key, StringComparison.Ordinal)).ToList()) _kv.Remove(k);
                    else _kv.Remove(key);
                    NextIndex();
                    Interlocked.Increment(ref _kvApplies);
                }
                await Http.Json(ctx, true);
                return;
            }
            default:
                await Http.Text(ctx, 405, $"method {ctx.Request.Method} not allowed");
                return;
        }
    }

    // ---------------------------------------------------------------- ACL endpoints

    private object TokenJson(ConsulPrincipal t) => new
    {
        AccessorID = t.AccessorID, SecretID = t.SecretID, Description = t.Description,
        Policies = t.Policies.Select(x => new { x.ID, x.Name }).ToArray(),
        Local = false, CreateTime = _started.ToString("yyyy-MM-ddTHH:mm:ss.fffffffzzz"),
        Hash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(t.AccessorID))),
        CreateIndex = 7, ModifyIndex = 7,
    };

    private Task AclTokenSelf(HttpContext ctx)
    {
        if (AclDisabled) throw new HttpError(401, "ACL support disabled");
        var p = Caller(ctx);
        if (p.IsAnonymous) throw new HttpError(403, "ACL not found");
        return Http.Json(ctx, TokenJson(p));
    }

    private Task AclList(HttpContext ctx, bool tokens)
    {
        if (AclDisabled) throw new HttpError(401, "ACL support disabled");
        var p = Caller(ctx);
        Require(p, "acl", "", false);
        if (tokens)
            return Http.Json(ctx, new[] { _management, _everyday, _anonymous }.Select(t => new
            {
                t.AccessorID, SecretID = "", t.Description, Policies = t.Policies.Select(x => new { x.ID, x.Name }).ToArray(), Local = false,
                CreateTime = _started.ToString("yyyy-MM-ddTHH:mm:ss.fffffffzzz"), Legacy = false, CreateIndex = 7, ModifyIndex = 7,
            }));
        return Http.Json(ctx, _management.Policies.Concat(_everyday.Policies).Select(x => new
        {
            x.ID, x.Name, Description = x.Name == "global-management" ? "Builtin Policy that grants unlimited access" : "acceptance suite policy",
            Datacenters = (string[]?)null, Hash = "", CreateIndex = 5, ModifyIndex = 5,
        }));
    }

    // ---------------------------------------------------------------- Connect CA

    private object MakeCaRoots()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var trust = DeterministicId("trust-domain:" + _s.StateDir);
        var req = new CertificateRequest("CN=Consul CA 7", key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        var ski = new X509SubjectKeyIdentifierExtension(req.PublicKey, false);
        req.CertificateExtensions.Add(ski);
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri($"spiffe://{trust}.consul"));
        req.CertificateExtensions.Add(san.Build());
        var notBefore = DateTimeOffset.UtcNow.AddMinutes(-1);
        using var cert = req.CreateSelfSigned(notBefore, notBefore.AddYears(10));
        static string Colon(byte[] b) => string.Join(':', b.Select(x => x.ToString("x2")));
        var id = Colon(SHA1.HashData(cert.RawData));
        return new
        {
            ActiveRootID = id, TrustDomain = trust + ".consul",
            Roots = new[]
            {
                new
                {
                    ID = id, Name = "Consul CA Primary Cert", SerialNumber = 7, SigningKeyID = Colon(Convert.FromHexString(ski.SubjectKeyIdentifier!)),
                    ExternalTrustDomain = trust, NotBefore = cert.NotBefore.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ"),
                    NotAfter = cert.NotAfter.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ"), RootCert = cert.ExportCertificatePem() + "\n",
                    IntermediateCerts = (string[]?)null, Active = true, PrivateKeyType = "ec", PrivateKeyBits = 256, CreateIndex = 8, ModifyIndex = 8,
                },
            },
        };
    }
}

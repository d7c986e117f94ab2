using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using StandIns.Core;

namespace StandIns.Nomad;

/// <summary>A resolved Nomad ACL identity.</summary>
public sealed record NomadPrincipal(string AccessorID, string SecretID, string Name, string Type, string[]? Policies, bool Anonymous = false, bool Disabled = false)
{
    public bool IsManagement => Type == "management" || Disabled;

    /// <summary>kind: namespace capability (list-jobs, read-job, submit-job, dispatch-job, read-logs, read-fs, parse-job) or node/agent/operator read|write.</summary>
    public bool Can(string kind, string capability)
    {
        if (IsManagement) return true;
        if (Anonymous) return false;
        return kind switch
        {
            "namespace" => capability is "list-jobs" or "read-job" or "submit-job" or "dispatch-job" or "read-logs" or "read-fs" or "parse-job" or "read-job-scaling",
            "node" or "agent" or "operator" => capability == "read",
            _ => false,
        };
    }
}

/// <summary>
/// Nomad stand-in: three servers, two client nodes that report this machine's real resources, ACLs, and a
/// job/eval/allocation engine whose raw_exec tasks run as real local processes.
/// </summary>
public sealed partial class NomadService : IStandInService
{
    private const string Region = "global";
    private const string Dc = "dc1";
    private readonly SandboxState _s;
    private readonly NomadPrincipal _management, _everyday, _anonymous, _disabled;
    private readonly NodeFingerprint _fp;
    private readonly List<ClientNode> _nodes = new();
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    private readonly string[] _servers = ["nomad-server-1", "nomad-server-2", "nomad-server-3"];
    private readonly string[] _serverIds;
    private readonly string _host;

    public sealed record ClientNode(string ID, string Name, string Segment, long CreateIndex);

    public NomadService(SandboxState s)
    {
        _s = s;
        _host = s.Ports.Host;
        _fp = NodeFingerprint.Read(_host);
        var sec = s.Secrets;
        _management = new NomadPrincipal(Consul.ConsulService.DeterministicId("nomad-mgmt:" + sec.NomadManagement), sec.NomadManagement, "Bootstrap Token", "management", null);
        _everyday = new NomadPrincipal(Consul.ConsulService.DeterministicId("nomad-everyday:" + sec.Nomad), sec.Nomad, "acceptance suite (read + submit-job in default)", "client", ["acceptance"]);
        _anonymous = new NomadPrincipal("anonymous", "", "Anonymous Token", "client", ["anonymous"], Anonymous: true);
        _disabled = new NomadPrincipal("acls-disabled", "", "ACLs disabled", "management", null, Disabled: true);
        _serverIds = _servers.Select(n => Consul.ConsulService.DeterministicId("nomad:" + n)).ToArray();
        _nodes.Add(new ClientNode(Consul.ConsulService.DeterministicId("nomad-node:ml-worker-1"), "ml-worker-1", "data", 6));
        _nodes.Add(new ClientNode(Consul.ConsulService.DeterministicId("nomad-node:ml-mgmt-1"), "ml-mgmt-1", "management", 7));
        foreach (var v in HostVolumes) Directory.CreateDirectory(Path.Combine(_s.StateDir, "volumes", v));
        _allocRoot = Path.Combine(_s.StateDir, "allocs");
        Directory.CreateDirectory(_allocRoot);
        _docker = new DockerDriver(_s.StateDir);
        _docker.FingerprintAsync().Wait(TimeSpan.FromSeconds(5));
        Background.Run(HeartbeatLoop, "HeartbeatLoop");
        Background.Run(PeriodicLoop, "PeriodicLoop");
    }

    private readonly DockerDriver _docker;

    /// <summary>The client nodes' host volumes (a real client's <c>host_volume</c> blocks), each $STATE/volumes/NAME; acceptance-reports
    /// and acceptance-evidence hold the reports and the evidence store of the suite's own Nomad jobs (deploy/nomad/). A group's
    /// <c>volume { type = "host" }</c> is placed only on a client that has the named host volume
    /// (https://developer.hashicorp.com/nomad/docs/job-specification/volume).</summary>
    private static readonly string[] HostVolumes = ["prometheus-data", "grafana-data", "consul-data", "nomad-data", "training-data", "acceptance-reports", "acceptance-evidence"];

    // ---------------------------------------------------------------- faults

    private bool NoLeader => _s.Fault("nomad.no-leader");
    private bool ServerDown => _s.Fault("nomad.server-down");
    private bool AclDisabled => _s.Fault("nomad.acl-disabled");
    private bool LowCapacity => _s.Fault("nomad.low-capacity");
    private string? DownNode => _s.Fault("nomad.node-down") ? (_s.FaultArg("nomad.node-down") ?? "ml-mgmt-1") : null;
    private bool ServerAlive(int i) => !(ServerDown && i == 2);
    private bool FlatNetwork => _s.Fault("nomad.flat-network");
    /// <summary>The node's meta network_segment; under nomad.flat-network every node is on the data segment.</summary>
    private string SegmentOf(ClientNode n) => FlatNetwork ? "data" : n.Segment;

    private string NodeStatus(ClientNode n) => DownNode == n.Name || DownNode == n.ID ? "down" : "ready";

    // ---------------------------------------------------------------- dispatch

    public async Task HandleAsync(HttpContext ctx)
    {
        var seg = Http.Segments(ctx);
        if (seg.Length == 0 || seg[0] != "v1")
        {
            if (seg.Length == 0 || seg[0] == "ui") { await NomadUi.Serve(ctx, seg); return; }
            await NotFound(ctx); return;
        }
        SetIndexHeaders(ctx);
        var m = ctx.Request.Method;
        var a = seg.Length > 1 ? seg[1] : "";
        var b = seg.Length > 2 ? seg[2] : "";
        var c = seg.Length > 3 ? seg[3] : "";
        switch (a)
        {
            case "status" when b == "leader" && IsGet(m): await Http.Json(ctx, NoLeader ? "" : RpcAddr(0)); return;
            case "status" when b == "peers" && IsGet(m): await Http.Json(ctx, Enumerable.Range(0, 3).Where(ServerAlive).Select(RpcAddr)); return;
            case "agent" when b == "members" && IsGet(m): Require(ctx, "node", "read"); await Members(ctx); return;
            case "agent" when b == "self" && IsGet(m): Require(ctx, "agent", "read"); await AgentSelf(ctx); return;
            case "agent" when b == "health" && IsGet(m): await AgentHealth(ctx); return;
            case "agent" when b == "servers" && IsGet(m): Require(ctx, "agent", "read"); await Http.Json(ctx, Enumerable.Range(0, 3).Where(ServerAlive).Select(RpcAddr)); return;
            case "operator" when b == "autopilot" && c == "health" && IsGet(m): Require(ctx, "operator", "read"); await AutopilotHealth(ctx); return;
            case "operator" when b == "autopilot" && c == "configuration" && IsGet(m): Require(ctx, "operator", "read"); await AutopilotConfig(ctx); return;
            case "operator" when b == "raft" && c == "configuration" && IsGet(m): Require(ctx, "operator", "read"); await RaftConfig(ctx); return;
            case "operator" when b == "snapshot" && IsGet(m): Require(ctx, "operator", "write"); await OperatorSnapshot(ctx); return;
            case "nodes" when IsGet(m): Require(ctx, "node", "read"); await Nodes(ctx); return;
            case "node" when seg.Length == 3 && IsGet(m): Require(ctx, "node", "read"); await NodeRead(ctx, b); return;
            case "node" when seg.Length == 4 && c == "allocations" && IsGet(m): Require(ctx, "node", "read"); await NodeAllocations(ctx, b); return;
            case "regions" when IsGet(m): await Http.Json(ctx, new[] { Region }); return;
            case "namespaces" when IsGet(m): Caller(ctx); await Http.Json(ctx, new[] { new { Name = "default", Description = "Default shared namespace", Quota = "", Meta = (object?)null, CreateIndex = 1, ModifyIndex = 1 } }); return;
            case "metrics" when IsGet(m): await Metrics(ctx); return;
            case "acl" when b == "token" && c == "self" && IsGet(m): await AclTokenSelf(ctx); return;
            case "acl" when b is "tokens" or "policies" && IsGet(m): await AclList(ctx, b); return;
            case "acl" when b == "bootstrap": throw new HttpError(400, "ACL bootstrap already done (reset index: 5)");
            case "jobs" when seg.Length == 2 && IsGet(m): Require(ctx, "namespace", "list-jobs"); await JobsList(ctx); return;
            case "jobs" when seg.Length == 2 && m is "POST" or "PUT": Require(ctx, "namespace", "submit-job"); await Register(ctx, null); return;
            case "jobs" when b == "parse" && m is "POST" or "PUT": Require(ctx, "namespace", "parse-job"); await Parse(ctx); return;
            case "validate" when b == "job" && m is "POST" or "PUT": Require(ctx, "namespace", "read-job"); await ValidateJob(ctx); return;
            case "job" when seg.Length >= 3: await JobRoutes(ctx, m, b, seg.Length > 3 ? seg[3] : "", seg.Length > 4 ? seg[4] : ""); return;
            case "evaluations" when IsGet(m): Require(ctx, "namespace", "read-job"); await EvalList(ctx); return;
            case "evaluation" when seg.Length >= 3 && IsGet(m): Require(ctx, "namespace", "read-job"); await EvalRead(ctx, b, c); return;
            case "allocations" when IsGet(m): Require(ctx, "namespace", "read-job"); await AllocList(ctx); return;
            case "allocation" when seg.Length == 3 && IsGet(m): Require(ctx, "namespace", "read-job"); await AllocRead(ctx, b); return;
            case "allocation" when seg.Length == 4 && c == "stop" && m is "POST" or "PUT": Require(ctx, "namespace", "submit-job"); await AllocStop(ctx, b); return;
            case "client" when b == "fs" && c == "logs" && seg.Length == 5 && IsGet(m): Require(ctx, "namespace", "read-logs"); await Logs(ctx, seg[4]); return;
            case "client" when b == "allocation" && seg.Length == 5 && seg[4] == "stats" && IsGet(m): Require(ctx, "namespace", "read-job"); await Http.Json(ctx, new { ResourceUsage = new { }, Tasks = new { }, Timestamp = Http.UnixNanos(DateTimeOffset.UtcNow) }); return;
        }
        await NotFound(ctx);
    }

    private static bool IsGet(string m) => m is "GET" or "HEAD";
    private static Task NotFound(HttpContext ctx) => Http.Text(ctx, 404, "Invalid URL");

    private void SetIndexHeaders(HttpContext ctx)
    {
        ctx.Response.Headers["X-Nomad-Index"] = Interlocked.Read(ref _index).ToString();
        ctx.Response.Headers["X-Nomad-KnownLeader"] = NoLeader ? "false" : "true";
        ctx.Response.Headers["X-Nomad-LastContact"] = "0";
    }

    private void RequireLeader()
    {
        if (NoLeader) throw new HttpError(500, "No cluster leader");
    }

    // ---------------------------------------------------------------- ACL

    private NomadPrincipal Caller(HttpContext ctx)
    {
        if (AclDisabled) return _disabled;
        var t = Http.BearerOrHeader(ctx, "X-Nomad-Token");
        if (string.IsNullOrEmpty(t)) return _anonymous;
        if (t == _s.Secrets.NomadManagement) return _management;
        if (t == _s.Secrets.Nomad) return _everyday;
        throw new HttpError(403, "ACL token not found");
    }

    private NomadPrincipal Require(HttpContext ctx, string kind, string cap)
    {
        var p = Caller(ctx);
        if (kind == "namespace")
        {
            var ns = Http.Query(ctx, "namespace") ?? "default";
            if (ns != "default" && ns != "*" && !p.IsManagement) throw new HttpError(403, "Permission denied");
        }
        if (!p.Can(kind, cap)) throw new HttpError(403, "Permission denied");
        return p;
    }

    private static object TokenJson(NomadPrincipal t, DateTimeOffset created) => new
    {
        AccessorID = t.AccessorID, SecretID = t.SecretID, Name = t.Name, Type = t.Type, Policies = t.Policies, Roles = (object?)null,
        Global = t.Type == "management", CreateTime = Http.Rfc3339(created), ExpirationTime = (string?)null, CreateIndex = 7, ModifyIndex = 7,
    };

    private Task AclTokenSelf(HttpContext ctx)
    {
        // Nomad 1.10+: no token -> the anonymous token; unknown -> 403; ACLs disabled -> "acls-disabled".
        var p = Caller(ctx);
        // nomad.token-old: the token was created 400 days ago (never rotated), for the rotation check's failure proof.
        var created = _s.Fault("nomad.token-old") ? DateTimeOffset.UtcNow.AddDays(-400) : _started;
        return Http.Json(ctx, TokenJson(p with { SecretID = p.Anonymous || p.Disabled ? "" : p.SecretID }, created));
    }

    private Task AclList(HttpContext ctx, string what)
    {
        if (AclDisabled) throw new HttpError(400, "ACL support disabled");
        var p = Caller(ctx);
        if (!p.IsManagement) throw new HttpError(403, "Permission denied");
        if (what == "tokens")
            return Http.Json(ctx, new[] { _management, _everyday }.Select(t => new { t.AccessorID, t.Name, t.Type, t.Policies, Global = t.Type == "management", CreateTime = Http.Rfc3339(_started), CreateIndex = 7, ModifyIndex = 7 }));
        return Http.Json(ctx, new[] { new { Name = "acceptance", Description = "namespace default: read-job, submit-job, dispatch-job, read-logs; node/agent/operator read", CreateIndex = 6, ModifyIndex = 6 } });
    }

    // ---------------------------------------------------------------- cluster

    private string RpcAddr(int i) => $"{_host}:{4647 + i * 100}";

    private object Member(int i) => new
    {
        Name = _servers[i] + "." + Region, Addr = _host, Port = 4648 + i * 100,
        Tags = new Dictionary<string, string>
        {
            ["build"] = StandInHost.NomadVersion, ["dc"] = Dc, ["expect"] = "3", ["id"] = _serverIds[i], ["mvn"] = "1",
            ["port"] = (4647 + i * 100).ToString(), ["raft_vsn"] = "3", ["region"] = Region, ["revision"] = "standin",
            ["rpc_addr"] = _host, ["role"] = "nomad", ["vsn"] = "1",
        },
        Status = ServerAlive(i) ? "alive" : "failed",
        ProtocolMin = 1, ProtocolMax = 5, ProtocolCur = 2, DelegateMin = 2, DelegateMax = 5, DelegateCur = 4,
    };

    private Task Members(HttpContext ctx) => Http.Json(ctx, new
    {
        ServerName = _servers[0], ServerRegion = Region, ServerDC = Dc,
        Members = Enumerable.Range(0, 3).Select(Member).ToArray(),
    });

    private Task AgentHealth(HttpContext ctx)
    {
        var ok = !NoLeader;
        return Http.Json(ctx, ok ? 200 : 500, new
        {
            client = new { message = "ok", ok = true },
            server = new { message = ok ? "ok" : "No cluster leader", ok },
        });
    }

    private Task AutopilotHealth(HttpContext ctx)
    {
        var noLeader = NoLeader;
        var idx = Interlocked.Read(ref _index);
        var servers = Enumerable.Range(0, 3).Select(i => new
        {
            ID = _serverIds[i], Name = _servers[i] + "." + Region, Address = RpcAddr(i), SerfStatus = ServerAlive(i) ? "alive" : "failed",
            Version = StandInHost.NomadVersion, Leader = !noLeader && i == 0, LastContact = i == 0 && !noLeader ? "0s" : ServerAlive(i) && !noLeader ? "21.3ms" : "-1ns",
            LastTerm = 2L, LastIndex = ServerAlive(i) ? idx : 12, Healthy = ServerAlive(i) && !noLeader, Voter = ServerAlive(i),
            StableSince = Http.Rfc3339(_started),
        }).ToArray();
        var healthy = servers.All(x => x.Healthy);
        var body = new
        {
            Healthy = healthy,
            FailureTolerance = Math.Max(0, servers.Count(x => x.Healthy && x.Voter) - 2),
            Servers = servers,
            Leader = noLeader ? "" : _serverIds[0],
            Voters = servers.Where(x => x.Voter).Select(x => x.ID).ToArray(),
        };
        return Http.Json(ctx, healthy ? 200 : 429, body);
    }

    private Task AutopilotConfig(HttpContext ctx) => Http.Json(ctx, new
    {
        CleanupDeadServers = true, LastContactThreshold = "200ms", MaxTrailingLogs = 250, MinQuorum = 0, ServerStabilizationTime = "10s",
        EnableRedundancyZones = false, DisableUpgradeMigration = false, EnableCustomUpgrades = false, CreateIndex = 4, ModifyIndex = 4,
    });

    private Task RaftConfig(HttpContext ctx)
    {
        RequireLeader();
        return Http.Json(ctx, new
        {
            Servers = Enumerable.Range(0, 3).Where(ServerAlive).Select(i => new
            {
                ID = _serverIds[i], Node = _servers[i] + "." + Region, Address = RpcAddr(i), Leader = i == 0, Voter = true, RaftProtocol = "3",
            }),
            Index = Interlocked.Read(ref _index),
        });
    }

    private Task AgentSelf(HttpContext ctx)
    {
        var tls = Path.Combine(_s.StateDir, "tls");
        var port = _s.Options.Port;
        var idx = Interlocked.Read(ref _index);
        return Http.Json(ctx, new
        {
            config = new
            {
                ACL = new { Enabled = !AclDisabled, TokenTTL = 30_000_000_000L, PolicyTTL = 30_000_000_000L, RoleTTL = 30_000_000_000L, ReplicationToken = "<redacted>" },
                Addresses = new { HTTP = _host, RPC = _host, Serf = _host },
                AdvertiseAddrs = new { HTTP = $"{_host}:{port}", RPC = RpcAddr(0), Serf = $"{_host}:4648" },
                BindAddr = _host,
                Client = new
                {
                    AllocDir = _allocRoot, ChrootEnv = new { }, ClientMaxPort = 14512, ClientMinPort = 14000, DisableRemoteExec = false, Enabled = true,
                    GCDiskUsageThreshold = 80, GCInodeUsageThreshold = 70, GCInterval = 60_000_000_000L, MaxKillTimeout = "30s",
                    Meta = new Dictionary<string, string> { ["network_segment"] = "data" }, NetworkInterface = _fp.Device, NetworkSpeed = _fp.NicSpeedMbits,
                    NodeClass = "", NodePool = "default", Options = new Dictionary<string, string> { ["driver.raw_exec.enable"] = "1" },
                    Reserved = new { CPU = 0, DiskMB = 0, MemoryMB = 0, ParsedReservedPorts = (object?)null, ReservedPorts = "" },
                    Servers = Enumerable.Range(0, 3).Select(RpcAddr).ToArray(), StateDir = Path.Combine(_s.StateDir, "volumes", "nomad-data", "client"),
                },
                Consul = new
                {
                    Addr = $"{_host}:{_s.Ports.Port("CONSUL_PORT")}", Auth = "", AutoAdvertise = true, CAFile = Path.Combine(tls, "ca.pem"), CertFile = "",
                    ChecksUseAdvertise = false, ClientAutoJoin = true, ClientServiceName = "nomad-client", EnableSSL = true, KeyFile = "",
                    ServerAutoJoin = true, ServerServiceName = "nomad", Timeout = 5_000_000_000L, Token = "<redacted>", VerifySSL = true,
                },
                DataDir = Path.Combine(_s.StateDir, "volumes", "nomad-data"), Datacenter = Dc, DevMode = false, DisableAnonymousSignature = true,
                DisableUpdateCheck = true, EnableDebug = false, EnableSyslog = false, Files = (object?)null, HTTPAPIResponseHeaders = new { },
                LeaveOnInt = false, LeaveOnTerm = false, LogLevel = "INFO", NodeName = _servers[0],
                Ports = new { HTTP = port, RPC = 4647, Serf = 4648 }, Region = Region, Revision = "standin",
                Server = new
                {
                    BootstrapExpect = 3, DataDir = Path.Combine(_s.StateDir, "volumes", "nomad-data", "server"), Enabled = true, EnabledSchedulers = (object?)null,
                    HeartbeatGrace = "10s", NodeGCThreshold = "24h", NumSchedulers = 2, ProtocolVersion = 0, RaftProtocol = 3, RejoinAfterLeave = false,
                    RetryInterval = "30s", RetryJoin = Array.Empty<string>(), RetryMaxAttempts = 0, StartJoin = Array.Empty<string>(),
                },
                SyslogFacility = "LOCAL0",
                TLSConfig = new
                {
                    CAFile = Path.Combine(tls, "ca.pem"), CertFile = Path.Combine(tls, "nomad.pem"), EnableHTTP = true, EnableRPC = true,
                    KeyFile = "<redacted>", VerifyServerHostname = true, VerifyHTTPSClient = false, TLSMinVersion = "tls12",
                },
                Telemetry = new
                {
                    CirconusAPIApp = "", CirconusAPIToken = "", CirconusAPIURL = "", CirconusBrokerID = "", CirconusBrokerSelectTag = "",
                    CirconusCheckDisplayName = "", CirconusCheckForceMetricActivation = "", CirconusCheckID = "", CirconusCheckInstanceID = "",
                    CirconusCheckSearchTag = "", CirconusCheckSubmissionURL = "", CirconusCheckTags = "", CirconusSubmissionInterval = "",
                    CollectionInterval = "1s", DataDogAddr = "", DataDogTags = Array.Empty<string>(), DisableHostname = false,
                    PrometheusMetrics = true, PublishAllocationMetrics = true, PublishNodeMetrics = true, StatsdAddr = "", StatsiteAddr = "", UseNodeName = false,
                },
                Vault = new
                {
                    Addr = "https://vault.service.consul:8200", AllowUnauthenticated = true, ConnectionRetryIntv = 30_000_000_000L, Enabled = (bool?)null, Role = "",
                    TLSCaFile = "", TLSCaPath = "", TLSCertFile = "", TLSKeyFile = "", TLSServerName = "", TLSSkipVerify = (bool?)null, TaskTokenTTL = "", Token = "",
                },
                Version = StandInHost.NomadVersion,
                VersionPrerelease = "standin",
            },
            member = Member(0),
            stats = new
            {
                runtime = new Dictionary<string, string> { ["arch"] = "amd64", ["cpu_count"] = _fp.Cores.ToString(), ["goroutines"] = ThreadPool.ThreadCount.ToString(), ["kernel.name"] = "linux", ["max_procs"] = _fp.Cores.ToString(), ["version"] = "dotnet-standin" },
                nomad = new Dictionary<string, string> { ["bootstrap"] = "false", ["known_regions"] = "1", ["leader"] = NoLeader ? "false" : "true", ["leader_addr"] = NoLeader ? "" : RpcAddr(0), ["server"] = "true" },
                raft = new Dictionary<string, string>
                {
                    ["applied_index"] = idx.ToString(), ["commit_index"] = idx.ToString(), ["fsm_pending"] = "0", ["last_contact"] = "0", ["last_log_index"] = idx.ToString(),
                    ["last_log_term"] = "2", ["last_snapshot_index"] = "0", ["last_snapshot_term"] = "0", ["latest_configuration_index"] = "1",
                    ["latest_configuration"] = "[" + string.Join(" ", Enumerable.Range(0, 3).Where(ServerAlive).Select(i => $"{{Suffrage:Voter ID:{_serverIds[i]} Address:{RpcAddr(i)}}}")) + "]",
                    ["num_peers"] = (Enumerable.Range(0, 3).Count(ServerAlive) - 1).ToString(), ["protocol_version"] = "3", ["protocol_version_max"] = "3", ["protocol_version_min"] = "0",
                    ["snapshot_version_max"] = "1", ["snapshot_version_min"] = "0", ["state"] = NoLeader ? "Candidate" : "Leader", ["term"] = "2",
                },
                client = new Dictionary<string, string> { ["heartbeat_ttl"] = "15.1s", ["known_servers"] = string.Join(",", Enumerable.Range(0, 3).Select(RpcAddr)), ["last_heartbeat"] = "3.2s", ["node_id"] = _nodes[0].ID, ["num_allocations"] = AllocCount().ToString() },
                serf = new Dictionary<string, string> { ["encrypted"] = "true", ["event_queue"] = "0", ["event_time"] = "1", ["failed"] = ServerDown ? "1" : "0", ["health_score"] = "0", ["intent_queue"] = "0", ["left"] = "0", ["member_time"] = "3", ["members"] = "3", ["query_queue"] = "0", ["query_time"] = "1" },
            },
        });
    }

    // ---------------------------------------------------------------- nodes

    private object Drivers(DateTimeOffset t) => new Dictionary<string, object>
    {
        ["raw_exec"] = new { Attributes = new Dictionary<string, string> { ["driver.raw_exec"] = "true" }, Detected = true, HealthDescription = "Healthy", Healthy = true, UpdateTime = Http.Rfc3339(t) },
        ["exec"] = new { Attributes = (object?)null, Detected = false, HealthDescription = "exec driver is not available in the sandbox (stand-in)", Healthy = false, UpdateTime = Http.Rfc3339(t) },
        ["docker"] = new
        {
            Attributes = _docker.Healthy ? new Dictionary<string, string> { ["driver.docker"] = "true", ["driver.docker.version"] = _docker.Version, ["driver.docker.volumes.enabled"] = "true", ["driver.docker.os_type"] = "linux" } : null,
            Detected = _docker.Healthy, HealthDescription = _docker.HealthDescription, Healthy = _docker.Healthy, UpdateTime = Http.Rfc3339(_docker.CheckedAt ?? t),
        },
    };

    private (long cpu, long memMb, long diskMb, int cores) Capacity()
    {
        if (LowCapacity) return (1000, 2048, 20 * 1024, 1);
        return (_fp.TotalCompute, _fp.MemoryBytes / 1024 / 1024, _fp.DiskFreeBytes / 1024 / 1024, _fp.Cores);
    }

    private Dictionary<string, string> Attributes(ClientNode n)
    {
        var (cpu, memMb, _, cores) = Capacity();
        return new Dictionary<string, string>
        {
            ["arch"] = "x86_64", ["cpu.arch"] = "amd64", ["cpu.frequency"] = ((long)_fp.Mhz).ToString(), ["cpu.modelname"] = _fp.CpuModel,
            ["cpu.numcores"] = cores.ToString(), ["cpu.reservablecores"] = cores.ToString(), ["cpu.totalcompute"] = cpu.ToString(),
            ["cpu.usablecompute"] = cpu.ToString(), ["driver.raw_exec"] = "1", ["kernel.arch"] = "x86_64", ["kernel.name"] = "linux",
            ["kernel.version"] = _fp.Kernel, ["memory.totalbytes"] = (memMb * 1024 * 1024).ToString(), ["nic.speed"] = _fp.NicSpeedMbits.ToString(),
            ["network.speed"] = _fp.NicSpeedMbits.ToString(),
            ["nomad.advertise.address"] = $"{_host}:{_s.Options.Port}", ["nomad.revision"] = "standin", ["nomad.version"] = StandInHost.NomadVersion,
            ["os.name"] = _fp.OsName, ["os.version"] = _fp.OsVersion, ["os.signals"] = "SIGTERM,SIGINT,SIGKILL,SIGHUP,SIGUSR1,SIGUSR2",
            ["unique.hostname"] = n.Name, ["unique.network.ip-address"] = _fp.Ip,
            ["unique.storage.bytesfree"] = (LowCapacity ? 20L << 30 : _fp.DiskFreeBytes).ToString(),
            ["unique.storage.bytestotal"] = (LowCapacity ? 40L << 30 : _fp.DiskTotalBytes).ToString(), ["unique.storage.volume"] = "/",
            ["meta.network_segment"] = SegmentOf(n), ["sandbox.standin"] = "true",
        }.Concat(_docker.Healthy ? new Dictionary<string, string> { ["driver.docker"] = "1", ["driver.docker.version"] = _docker.Version, ["driver.docker.volumes.enabled"] = "true" } : [])
         .ToDictionary(kv => kv.Key, kv => kv.Value);
    }

    private object NodeStub(ClientNode n, bool withResources, bool withOs)
    {
        var (cpu, memMb, diskMb, cores) = Capacity();
        var status = NodeStatus(n);
        return new
        {
            Address = _fp.Ip,
            Attributes = withOs ? new Dictionary<string, string> { ["os.name"] = _fp.OsName, ["os.version"] = _fp.OsVersion } : null,
            CreateIndex = n.CreateIndex, Datacenter = Dc, Drain = false, Drivers = Drivers(_started), ID = n.ID, LastDrain = (object?)null,
            ModifyIndex = n.CreateIndex + 1, Name = n.Name, NodeClass = "", NodePool = "default",
            NodeResources = withResources ? NodeResources(cpu, memMb, diskMb, cores) : null,
            ReservedResources = withResources ? new { Cpu = new { CpuShares = 0 }, Memory = new { MemoryMB = 0 }, Disk = new { DiskMB = 0 }, Networks = new { ReservedHostPorts = "" } } : null,
            SchedulingEligibility = status == "ready" ? "eligible" : "ineligible", Status = status,
            StatusDescription = status == "down" ? "node heartbeat missed (sandbox fault nomad.node-down)" : "", Version = StandInHost.NomadVersion,
        };
    }

    private object NodeResources(long cpu, long memMb, long diskMb, int cores) => new
    {
        Cpu = new { CpuShares = cpu, TotalCpuCores = cores, ReservableCpuCores = Enumerable.Range(0, cores).ToArray() },
        Memory = new { MemoryMB = memMb },
        Disk = new { DiskMB = diskMb },
        Networks = new[] { new { Mode = "host", Device = _fp.Device, CIDR = _fp.Ip + "/32", IP = _fp.Ip, MBits = _fp.NicSpeedMbits, DNS = (object?)null, ReservedPorts = "", DynamicPorts = (object?)null } },
        NodeNetworks = new[] { new { Mode = "host", Device = _fp.Device, Speed = _fp.NicSpeedMbits, Addresses = new[] { new { Family = "ipv4", Alias = "default", Address = _fp.Ip, ReservedPorts = "", Gateway = "" } } } },
        Devices = (object?)null, MinDynamicPort = 20000, MaxDynamicPort = 32000,
    };

    private Task Nodes(HttpContext ctx)
    {
        var res = Http.Flag(ctx, "resources");
        var os = Http.Flag(ctx, "os");
        var prefix = Http.Query(ctx, "prefix") ?? "";
        return Http.Json(ctx, _nodes.Where(n => n.ID.StartsWith(prefix)).Select(n => NodeStub(n, res, os)));
    }

    private Task NodeRead(HttpContext ctx, string id)
    {
        var n = _nodes.FirstOrDefault(x => x.ID == id || x.Name == id) ?? throw new HttpError(404, "node not found");
        var (cpu, memMb, diskMb, cores) = Capacity();
        var status = NodeStatus(n);
        return Http.Json(ctx, new
        {
            ID = n.ID, SecretID = "", Datacenter = Dc, Name = n.Name, HTTPAddr = $"{_host}:{_s.Options.Port}", TLSEnabled = true,
            Attributes = Attributes(n),
            NodeResources = NodeResources(cpu, memMb, diskMb, cores),
            ReservedResources = new { Cpu = new { CpuShares = 0 }, Memory = new { MemoryMB = 0 }, Disk = new { DiskMB = 0 }, Networks = new { ReservedHostPorts = "" } },
            Resources = new { CPU = cpu, MemoryMB = memMb, DiskMB = diskMb, IOPS = 0, Networks = (object?)null },
            Reserved = new { CPU = 0, MemoryMB = 0, DiskMB = 0 },
            Links = new Dictionary<string, string> { ["consul"] = $"{Dc}.{n.Name}" },
            Meta = new Dictionary<string, string> { ["network_segment"] = SegmentOf(n), ["connect.log_level"] = "info", ["sandbox"] = "true" },
            NodeClass = "", NodePool = "default", ComputedClass = ComputedClass(n), CgroupParent = "",
            Drain = false, DrainStrategy = (object?)null, SchedulingEligibility = status == "ready" ? "eligible" : "ineligible",
            Status = status, StatusDescription = status == "down" ? "node heartbeat missed (sandbox fault nomad.node-down)" : "",
            StatusUpdatedAt = _started.ToUnixTimeSeconds(),
            Events = new[]
            {
                new { Message = "Node registered", Subsystem = "Cluster", Details = (object?)null, Timestamp = Http.Rfc3339(_started), CreateIndex = n.CreateIndex },
            },
            Drivers = Drivers(_started),
            HostVolumes = HostVolumes.ToDictionary(v => v, v => new { Name = v, Path = Path.Combine(_s.StateDir, "volumes", v), ReadOnly = false }),
            HostNetworks = new { }, CSIControllerPlugins = (object?)null, CSINodePlugins = (object?)null, LastDrain = (object?)null,
            CreateIndex = n.CreateIndex, ModifyIndex = n.CreateIndex + 1,
        });
    }

    private Task Metrics(HttpContext ctx)
    {
        var (cpu, memMb, diskMb, _) = Capacity();
        if (Http.Query(ctx, "format") == "prometheus")
        {
            var t = new PromText();
            var runningByJob = RunningAllocsByJob();
            foreach (var n in _nodes)
            {
                (string, string)[] l = [("datacenter", Dc), ("host", n.Name), ("node_class", "none"), ("node_id", n.ID), ("node_pool", "default"), ("node_status", NodeStatus(n))];
                t.Metric("nomad_client_allocated_cpu", "gauge", "Total amount of CPU shares the scheduler has allocated to tasks.", AllocatedOn(n.ID).cpu, l);
                t.Metric("nomad_client_unallocated_cpu", "gauge", "Total amount of CPU shares free for the scheduler to allocate to tasks.", cpu - AllocatedOn(n.ID).cpu, l);
                t.Metric("nomad_client_allocated_memory", "gauge", "Total amount of memory in MB the scheduler has allocated to tasks.", AllocatedOn(n.ID).mem, l);
                t.Metric("nomad_client_unallocated_memory", "gauge", "Total amount of memory in MB free for the scheduler to allocate to tasks.", memMb - AllocatedOn(n.ID).mem, l);
                t.Metric("nomad_client_unallocated_disk", "gauge", "Total amount of disk space in MB free for the scheduler to allocate to tasks.", diskMb, l);
                t.Metric("nomad_client_host_cpu_total", "gauge", "Total CPU percent (all cores).", 100.0 * _fp.Cores, ("host", n.Name), ("node_id", n.ID));
                t.Metric("nomad_client_host_memory_total", "gauge", "Total amount of physical memory on the node.", memMb * 1024.0 * 1024, ("host", n.Name), ("node_id", n.ID));
            }
            foreach (var (job, count) in runningByJob)
                t.Metric("nomad_nomad_job_summary_running", "gauge", "Number of running allocations for the job.", count, ("exported_job", job), ("namespace", "default"));
            t.Metric("nomad_nomad_leader_barrier", "summary", "leader barrier", 0.02, ("quantile", "0.5"));
            t.Metric("nomad_raft_state_leader", "gauge", "Raft leader state (stand-in).", NoLeader ? 0 : 1);
            t.Metric("nomad_nomad_autopilot_healthy", "gauge", "Autopilot cluster health.", NoLeader || ServerDown ? 0 : 1);
            t.Metric("nomad_runtime_num_goroutines", "gauge", "Number of goroutines (stand-in: thread-pool threads).", ThreadPool.ThreadCount);
            PromText.AddProcessMetrics(t, "nomad_");
            return Http.Text(ctx, 200, t.ToString(), "text/plain; version=0.0.4; charset=utf-8");
        }
        return Http.Json(ctx, new
        {
            Timestamp = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss +0000 UTC"),
            Gauges = new[] { new { Name = "nomad.nomad.autopilot.healthy", Value = NoLeader || ServerDown ? 0 : 1, Labels = new { } } },
            Counters = Array.Empty<object>(), Samples = Array.Empty<object>(), Points = Array.Empty<object>(),
        });
    }
}

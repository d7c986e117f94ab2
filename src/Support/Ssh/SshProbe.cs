using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Acceptance.Support.Configuration;
using Acceptance.Support.Evidence;
using Acceptance.Support.Outcomes;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Acceptance.Support.Ssh;

/// <summary>
/// What one node's SSH server told an unauthenticated client: its host key (and whether known_hosts pins it) and the
/// authentication methods it offers, as it lists them in answer to a "none" authentication request (RFC 4252 §5.2).
/// </summary>
public sealed record SshServerFacts(string Node, string Via, string HostKey, bool HostKeyPinned, IReadOnlyList<string>? OfferedMethods, bool NoneAccepted)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Node} ({Via}): host key {HostKey} {(HostKeyPinned ? "pinned in known_hosts" : "NOT in known_hosts")}; " +
        (NoneAccepted ? "login WITHOUT authentication accepted" : OfferedMethods is null ? "methods not read (host key not trusted)" : $"offers [{string.Join(", ", OfferedMethods)}]");
}

/// <summary>A key login to one node and the sshd settings in effect there (sshd -T), or why they could not be read.</summary>
public sealed record SshNodeLogin(string Node, string Via, IReadOnlyDictionary<string, string>? Effective, string? Unreadable)
{
    /// <summary>One effective setting (lower-case key as sshd -T prints it), or null.</summary>
    public string? Setting(string key) => Effective?.GetValueOrDefault(key);

    /// <inheritdoc />
    public override string ToString() => Effective is null
        ? $"{Node} ({Via}): key login ok; sshd -T unreadable: {Unreadable}"
        : $"{Node} ({Via}): key login ok; permitrootlogin {Setting("permitrootlogin")}, passwordauthentication {Setting("passwordauthentication")}, " +
          $"kbdinteractiveauthentication {Setting("kbdinteractiveauthentication")}, authenticationmethods {Setting("authenticationmethods")}";
}

/// <summary>A direct TCP connection attempt from the runner to a node.</summary>
public sealed record DirectReach(string Node, bool Connected, string Outcome, long Milliseconds)
{
    /// <inheritdoc />
    public override string ToString() => $"{Node}: {Outcome} ({Milliseconds} ms)";
}

/// <summary>
/// Looks at the SSH servers of services.ssh (SSH.NET): the methods each offers and its host key, a key login (directly, or
/// through services.ssh.bastion as ProxyJump does: a direct-tcpip channel of the bastion's session, bound to a loopback port
/// of the runner), the effective sshd settings, and whether private nodes answer a direct connection. Every connection is
/// bounded by services.ssh.connect_timeout_seconds; nodes are probed in parallel. No host key is trusted unless
/// known_hosts lists it for that node's name.
/// </summary>
public sealed partial class SshProbe(SshOptions options, EvidenceLog evidence)
{
    private TimeSpan Timeout => TimeSpan.FromSeconds(options.ConnectTimeoutSeconds);

    private string User => options.User ?? Environment.UserName;

    private string KnownHosts => options.KnownHosts ?? throw new NotVerifiedException(
        "services.ssh.known_hosts is not set: no SSH host key can be checked, so no node is trusted.");

    /// <summary>What every node (direct ones, the bastion, and the private nodes through the bastion) offers an unauthenticated client.</summary>
    public async Task<IReadOnlyList<SshServerFacts>> ServersAsync(CancellationToken ct = default)
    {
        var knownHosts = KnownHosts;
        var direct = options.DirectNodes.Select(n => Task.Run(() => Offered(n, n, "direct", knownHosts), ct));
        var viaBastion = options.PrivateNodes.Select(n => Task.Run(() => ThroughBastion(n, local => Offered(n, local, $"through bastion {options.Bastion}", knownHosts)), ct));
        var facts = await Task.WhenAll(direct.Concat(viaBastion));
        foreach (var f in facts) evidence.Note($"SSH {f}");
        return facts;
    }

    /// <summary>A key login to every node, and the sshd settings in effect there (sshd -T -f services.ssh.sshd_config).</summary>
    public async Task<IReadOnlyList<SshNodeLogin>> LoginsAsync(bool privateOnly = false, CancellationToken ct = default)
    {
        if (privateOnly) RequirePrivateNodes();
        var knownHosts = KnownHosts;
        var key = options.PrivateKey?.Resolve() ?? throw new NotVerifiedException("services.ssh.private_key is not set: the suite cannot log in to the nodes.");
        var direct = privateOnly ? [] : options.DirectNodes.Select(n => Task.Run(() => Login(n, n, "direct", key, knownHosts), ct));
        var viaBastion = options.PrivateNodes.Select(n => Task.Run(() => ThroughBastion(n, local => Login(n, local, $"through bastion {options.Bastion}", key, knownHosts)), ct));
        var logins = await Task.WhenAll(direct.Concat(viaBastion));
        foreach (var l in logins) evidence.Note($"SSH {l}");
        return logins;
    }

    /// <summary>The key logins with the sshd settings in effect on every node; NOT VERIFIED when a node's settings cannot be read.</summary>
    public async Task<IReadOnlyList<SshNodeLogin>> EffectiveSettingsAsync(CancellationToken ct = default)
    {
        var logins = await LoginsAsync(ct: ct);
        var unreadable = logins.Where(l => l.Effective is null).ToList();
        return unreadable.Count == 0 ? logins
            : throw new NotVerifiedException("The sshd settings in effect could not be read on " + string.Join("; ", unreadable.Select(l => $"{l.Node}: {l.Unreadable}")));
    }

    /// <summary>A direct TCP connection from the runner to every private node (bounded, in parallel).</summary>
    public async Task<IReadOnlyList<DirectReach>> DirectReachAsync(CancellationToken ct = default)
    {
        RequirePrivateNodes();
        var reaches = await Task.WhenAll(options.PrivateNodes.Select(n => Reach(n, ct)));
        foreach (var r in reaches) evidence.Note($"direct TCP from the runner to {r}");
        return reaches;
    }

    private void RequirePrivateNodes()
    {
        if (options.PrivateNodes.Count == 0)
            throw new NotVerifiedException("services.ssh.private_nodes lists no node: no node is declared reachable only through a bastion, so bastion access cannot be checked.");
        if (options.Bastion is null)
            throw new NotVerifiedException("services.ssh.private_nodes are listed but services.ssh.bastion is not set: they cannot be reached.");
    }

    private async Task<DirectReach> Reach(string node, CancellationToken ct)
    {
        HostPort.TryParse(node, out var hp);
        var sw = Stopwatch.StartNew();
        using var tcp = new TcpClient();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(Timeout);
        try
        {
            await tcp.ConnectAsync(hp.Host, hp.Port, cts.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new DirectReach(node, false, $"no answer within {Timeout.TotalSeconds:0} s (filtered)", sw.ElapsedMilliseconds);
        }
        catch (SocketException e)
        {
            return new DirectReach(node, false, $"{e.SocketErrorCode} ({e.Message})", sw.ElapsedMilliseconds);
        }
        // Connected: read the server's identification line, so the evidence shows what answered.
        var banner = "";
        try
        {
            using var read = CancellationTokenSource.CreateLinkedTokenSource(ct);
            read.CancelAfter(TimeSpan.FromSeconds(1));
            var buffer = new byte[256];
            var n = await tcp.GetStream().ReadAsync(buffer, read.Token);
            banner = Encoding.ASCII.GetString(buffer, 0, n).Split('\n')[0].Trim();
        }
        catch (Exception e) when (e is OperationCanceledException or IOException) { }
        return new DirectReach(node, true, $"CONNECTED{(banner.Length > 0 ? $", server says '{banner}'" : "")}", sw.ElapsedMilliseconds);
    }

    private SshServerFacts Offered(string node, string connectTo, string via, string knownHosts)
    {
        var (host, port) = Parse(node);
        var (toHost, toPort) = Parse(connectTo);
        var info = Fast(PinnedSsh.Info(new SshEndpoint(host, port, knownHosts) { ConnectTo = (toHost, toPort) }, User, new NoneAuthenticationMethod(User), Timeout));
        using var client = new SshClient(info);
        var (hostKey, pinned) = ("", false);
        client.HostKeyReceived += (_, e) =>
        {
            hostKey = $"{e.HostKeyName} SHA256:{Convert.ToBase64String(SHA256.HashData(e.HostKey)).TrimEnd('=')}";
            pinned = SshFileReader.KnownHostsMatch(knownHosts, host, port, e.HostKeyName, e.HostKey);
            e.CanTrust = pinned; // never continue with an unknown key, not even unauthenticated
        };
        try
        {
            client.Connect();
            client.Disconnect();
            return new SshServerFacts(node, via, hostKey, pinned, ["none"], NoneAccepted: true);
        }
        catch (SshAuthenticationException e) when (MethodList().Match(e.Message) is { Success: true } m)
        {
            return new SshServerFacts(node, via, hostKey, pinned, m.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries), NoneAccepted: false);
        }
        catch (SshConnectionException) when (hostKey.Length > 0 && !pinned)
        {
            return new SshServerFacts(node, via, hostKey, false, null, NoneAccepted: false);
        }
        catch (Exception e) when (e is SshException or SocketException or ProxyException or TimeoutException)
        {
            throw new EnvironmentProblemException($"SSH {node} ({via}): {e.Message}", e);
        }
    }

    private SshNodeLogin Login(string node, string connectTo, string via, string key, string knownHosts)
    {
        using var client = KeyClient(node, connectTo, key, knownHosts, via);
        // -C: the settings in effect for a root login over this very connection (SSH_CONNECTION: client address and port,
        // server address and port), so Match blocks (Match User, Address, LocalPort) are applied as sshd applies them.
        using var cmd = client.CreateCommand("set -- $SSH_CONNECTION; PATH=\"$PATH:/usr/sbin:/sbin\" " +
            $"sshd -T -f {Quote(options.SshdConfig)} -C \"user=root,host=$(hostname),addr=$1,laddr=$3,lport=$4\"");
        cmd.CommandTimeout = TimeSpan.FromSeconds(10);
        var output = cmd.Execute();
        if (cmd.ExitStatus is not (0 or null))
            return new SshNodeLogin(node, via, null, $"sshd -T -f {options.SshdConfig} -C (this connection, user root) exited {cmd.ExitStatus}: {cmd.Error.Trim()} " +
                "(it needs to read the host keys: log in as a user that may, or read the setting another way)");
        return new SshNodeLogin(node, via, ParseSshdT(output), null);
    }

    /// <summary>sshd -T output ("key value" lines) as a map; a key repeated (e.g. hostkey) keeps its values space-joined.</summary>
    public static IReadOnlyDictionary<string, string> ParseSshdT(string output)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var i = line.IndexOf(' ');
            var (k, v) = i < 0 ? (line, "") : (line[..i], line[(i + 1)..].Trim());
            map[k] = map.TryGetValue(k, out var had) ? had + " " + v : v;
        }
        return map;
    }

    private SshClient KeyClient(string node, string connectTo, string key, string knownHosts, string via)
    {
        var (host, port) = Parse(node);
        var (toHost, toPort) = Parse(connectTo);
        using var pk = PinnedSsh.Key(key);
        var endpoint = new SshEndpoint(host, port, knownHosts) { ConnectTo = (toHost, toPort) };
        return PinnedSsh.Connect(new SshClient(Fast(PinnedSsh.Info(endpoint, User, new PrivateKeyAuthenticationMethod(User, pk), Timeout))), endpoint,
            $"SSH key login to {node} ({via}) as {User}");
    }

    /// <summary>Runs <paramref name="use"/> with "127.0.0.1:port" forwarded through the bastion's session to <paramref name="node"/>.</summary>
    private T ThroughBastion<T>(string node, Func<string, T> use)
    {
        var bastion = options.Bastion ?? throw new NotVerifiedException("services.ssh.private_nodes are listed but services.ssh.bastion is not set: they cannot be reached.");
        var key = options.PrivateKey?.Resolve() ?? throw new NotVerifiedException("services.ssh.private_key is not set: the suite cannot log in to the bastion.");
        using var jump = KeyClient(bastion, bastion, key, KnownHosts, "bastion");
        var (host, port) = Parse(node);
        using var forward = new ForwardedPortLocal("127.0.0.1", 0, host, (uint)port);
        jump.AddForwardedPort(forward);
        forward.Start();
        try { return use($"127.0.0.1:{forward.BoundPort}"); }
        catch (EnvironmentProblemException e)
        {
            throw new EnvironmentProblemException($"{e.Message} (the bastion {bastion} accepted the login; the forwarded channel to {node} failed: does the bastion allow TCP forwarding and reach the node?)", e);
        }
        finally { forward.Stop(); }
    }

    /// <summary>
    /// Key exchange by curve25519 (or ECDH) only: the hybrid post-quantum exchanges SSH.NET prefers (sntrup761, ML-KEM) cost the
    /// suite seconds of managed-code warm-up per run and add nothing to what is checked here (the login policy, not the algorithms).
    /// </summary>
    private static ConnectionInfo Fast(ConnectionInfo info)
    {
        foreach (var kex in info.KeyExchangeAlgorithms.Keys.Where(k => !k.StartsWith("curve25519", StringComparison.Ordinal) && !k.StartsWith("ecdh-sha2-", StringComparison.Ordinal)).ToList())
            info.KeyExchangeAlgorithms.Remove(kex);
        return info;
    }

    private static (string Host, int Port) Parse(string node) =>
        HostPort.TryParse(node, out var hp) ? hp : throw new EnvironmentProblemException($"services.ssh: '{node}' is not host:port");

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    [GeneratedRegex(@"\(([a-z0-9@.,-]*)\)\.?$")]
    private static partial Regex MethodList();
}

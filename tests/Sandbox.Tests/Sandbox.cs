using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace Acceptance.Sandbox.Tests;

/// <summary>The local sandbox as the tests see it: repo paths, ports.env, $STATE, scripts, clients.</summary>
public static class Sandbox
{
    public static readonly string Root = FindRoot();
    public static string Dir => Path.Combine(Root, "sandbox");
    public static readonly string State = Path.GetFullPath(
        Environment.GetEnvironmentVariable("SANDBOX_STATE") is { Length: > 0 } s ? s : Path.Combine(Root, "sandbox", ".state"));
    public static readonly IReadOnlyDictionary<string, int> Ports = ReadPorts();
    public const string Host = "127.0.0.1";
    public const string PrometheusUser = "acceptance";

    public static int Port(string name) => Ports[name];
    public static string StatePath(params string[] parts) => Path.Combine([State, .. parts]);
    public static string CaFile => StatePath("tls", "ca.pem");
    public static string PrometheusUrl => $"https://{Host}:{Port("PROMETHEUS_PORT")}";
    public static string PushgatewayUrl => $"http://{Host}:{Port("PUSHGATEWAY_PORT")}";
    public static string AlertmanagerUrl => $"http://{Host}:{Port("ALERTMANAGER_PORT")}";
    public static string WebhookUrl => $"http://{Host}:{Port("WEBHOOK_RECEIVER_PORT")}";
    public static string HaproxyStatsUrl => $"http://{Host}:{Port("HAPROXY_STATS_PORT")}";
    public static string LoadBalancerUrl => $"https://{Host}:{Port("HAPROXY_HTTPS_PORT")}";
    public static string PrometheusPassword => File.ReadAllText(StatePath("secrets", "prometheus.password")).Trim();
    public static bool StandInsExpected => File.Exists(Path.Combine(Dir, "standins", "up"));

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Acceptance.sln"))) return d.FullName;
        throw new InvalidOperationException("Acceptance.sln not found above " + AppContext.BaseDirectory);
    }

    private static Dictionary<string, int> ReadPorts()
    {
        var ports = new Dictionary<string, int>();
        foreach (var raw in File.ReadAllLines(Path.Combine(Root, "sandbox", "ports.env")))
        {
            var line = raw.Split('#')[0].Trim();
            var eq = line.IndexOf('=');
            if (eq > 0 && int.TryParse(line[(eq + 1)..].Trim(), out var port)) ports[line[..eq]] = port;
        }
        return ports;
    }

    public static X509Certificate2 Ca() => X509Certificate2.CreateFromPem(File.ReadAllText(CaFile));

    /// <summary>Certificate validation against the sandbox CA only (plus the usual name check).</summary>
    public static bool ValidateAgainstCa(X509Certificate? cert, SslPolicyErrors errors)
    {
        if (cert is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Ca());
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(cert);
        return chain.Build(leaf);
    }

    /// <summary>An HttpClient; trustSandboxCa=false uses the machine trust store only.</summary>
    public static HttpClient Http(bool trustSandboxCa = true, (string User, string Password)? basicAuth = null)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(5) };
        if (trustSandboxCa)
            handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, errors) => ValidateAgainstCa(cert, errors);
        var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
        if (basicAuth is { } a)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{a.User}:{a.Password}")));
        return client;
    }

    public static HttpClient Prometheus() => Http(true, (PrometheusUser, PrometheusPassword));

    public static bool Listening(int port)
    {
        try
        {
            using var tcp = new TcpClient();
            return tcp.ConnectAsync(IPAddress.Loopback, port).Wait(TimeSpan.FromSeconds(2)) && tcp.Connected;
        }
        catch (Exception) { return false; }
    }

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string Output => (Stdout + Stderr).Trim();
    }

    /// <summary>Runs a program without a shell; output is read asynchronously, with a deadline.</summary>
    public static Result Run(string file, IEnumerable<string> args, TimeSpan? timeout = null, string? cwd = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
            UseShellExecute = false, WorkingDirectory = cwd ?? Root,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["SANDBOX_STATE"] = State;
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
        {
            try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {timeout}");
        }
        p.WaitForExit();
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    public static Result Script(string name, params string[] args) =>
        Run(Path.Combine(Dir, name), args, TimeSpan.FromMinutes(5));

    /// <summary>Polls until the probe returns a non-null value or the deadline passes (then fails with the last note).</summary>
    public static async Task<T> Eventually<T>(string what, TimeSpan deadline, Func<Task<(T? Value, string Note)>> probe) where T : class
    {
        var sw = Stopwatch.StartNew();
        var note = "no attempt";
        var attempts = 0;
        while (true)
        {
            attempts++;
            try
            {
                var (value, n) = await probe();
                note = n;
                if (value != null)
                {
                    TestContext.Progress.WriteLine($"{what}: after {sw.Elapsed.TotalSeconds:F1}s ({attempts} attempts)");
                    return value;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or SocketException)
            {
                note = e.GetType().Name + ": " + e.Message;
            }
            if (sw.Elapsed > deadline)
                throw new AssertionException($"{what}: not reached within {deadline.TotalSeconds:F0}s ({attempts} attempts); last: {note}");
            await Task.Delay(250);
        }
    }
}

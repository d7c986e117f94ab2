using Microsoft.Extensions.Logging;
using StandIns.Core;

// StandIns --service consul|nomad|grafana --state DIR [--port N | --listen 127.0.0.1:N] [--ports-env FILE] [--check-interval SECONDS] [--http] [--log-level info]
string? service = null, state = null, portsEnv = null, grafanaDir = null;
int port = 0;
bool https = true;
var level = LogLevel.Warning;
var checkInterval = TimeSpan.FromSeconds(3);
for (var i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--service": service = Next(); break;
        case "--state": state = Next(); break;
        case "--port": port = int.Parse(Next()); break;
        case "--listen": port = int.Parse(Next().Split(':')[^1]); break; // HOST:PORT (host is always loopback); also tags the command line for sandbox/down
        case "--check-interval": checkInterval = TimeSpan.FromSeconds(double.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture)); break;
        case "--ports-env": portsEnv = Next(); break;
        case "--http": https = false; break;
        case "--grafana-dir": grafanaDir = Next(); break; // Grafana: provisioning folder (an empty one: a Grafana with no dashboards)
        case "--log-level": level = Enum.Parse<LogLevel>(Next(), ignoreCase: true); break;
        case "-h" or "--help":
            Console.WriteLine("usage: StandIns --service consul|nomad|grafana --state DIR [--port N | --listen 127.0.0.1:N] [--ports-env FILE] [--check-interval SECONDS] [--http] [--grafana-dir DIR] [--log-level LEVEL]");
            return 0;
        default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
    }
}
if (service is null || state is null) { Console.Error.WriteLine("--service and --state are required"); return 2; }
if (port == 0)
{
    var ports = PortsEnv.Load(portsEnv);
    port = ports.Port(service.ToUpperInvariant() + "_PORT");
}
var app = await StandInHost.StartAsync(new StandInOptions
{
    Service = service, Port = port, StateDir = Path.GetFullPath(state), PortsEnvPath = portsEnv, Https = https, GrafanaDir = grafanaDir, LogLevel = level, CheckInterval = checkInterval,
});
Console.WriteLine($"{DateTime.UtcNow:O} {service} stand-in listening on {(https ? "https" : "http")}://127.0.0.1:{port} (pid {Environment.ProcessId})");
await app.WaitForShutdownAsync();
return 0;

using System.Globalization;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace StandIns.Nomad;

/// <summary>This machine's real resources, read the way Nomad's fingerprinters do (/proc, statfs, sysfs).</summary>
public sealed class NodeFingerprint
{
    public int Cores { get; init; }
    public double Mhz { get; init; }
    public string CpuModel { get; init; } = "unknown";
    public long MemoryBytes { get; init; }
    public long DiskTotalBytes { get; init; }
    public long DiskFreeBytes { get; init; }
    public string Device { get; init; } = "lo";
    public string Ip { get; init; } = "127.0.0.1";
    public int NicSpeedMbits { get; init; } = 1000;
    public string Hostname { get; init; } = Environment.MachineName;
    public string OsName { get; init; } = "linux";
    public string OsVersion { get; init; } = "";
    public string Kernel { get; init; } = "";

    public long TotalCompute => (long)(Cores * Mhz);

    public static NodeFingerprint Read(string advertiseIp)
    {
        int cores = Environment.ProcessorCount;
        double mhz = 2000;
        var model = "unknown";
        try
        {
            var lines = File.ReadAllLines("/proc/cpuinfo");
            var procs = lines.Count(l => l.StartsWith("processor", StringComparison.Ordinal));
            if (procs > 0) cores = procs;
            var m = lines.FirstOrDefault(l => l.StartsWith("cpu MHz", StringComparison.Ordinal));
            if (m != null && double.TryParse(m.Split(':')[1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0) mhz = Math.Round(v);
            var mn = lines.FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (mn != null) model = mn.Split(':', 2)[1].Trim();
        }
        catch (IOException) { }
        long mem = 0;
        try
        {
            var total = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            mem = long.Parse(total.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        catch (Exception) { mem = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes; }
        var root = new DriveInfo("/");
        var (dev, speed) = NicOf(advertiseIp);
        string osName = "linux", osVer = "";
        try
        {
            foreach (var l in File.ReadLines("/etc/os-release"))
            {
                if (l.StartsWith("ID=", StringComparison.Ordinal)) osName = l[3..].Trim('"');
                if (l.StartsWith("VERSION_ID=", StringComparison.Ordinal)) osVer = l[11..].Trim('"');
            }
        }
        catch (IOException) { }
        string kernel = "";
        try { kernel = File.ReadAllText("/proc/sys/kernel/osrelease").Trim(); } catch (IOException) { }
        return new NodeFingerprint
        {
            Cores = cores, Mhz = mhz, CpuModel = model, MemoryBytes = mem, DiskTotalBytes = root.TotalSize,
            DiskFreeBytes = root.AvailableFreeSpace, Device = dev, Ip = advertiseIp, NicSpeedMbits = speed,
            OsName = osName, OsVersion = osVer, Kernel = kernel,
        };
    }

    /// <summary>Interface that holds the IP, and its speed from /sys/class/net (Nomad falls back to 1000 Mbit/s).</summary>
    private static (string, int) NicOf(string ip)
    {
        try
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                if (!nic.GetIPProperties().UnicastAddresses.Any(a => a.Address.AddressFamily == AddressFamily.InterNetwork && a.Address.ToString() == ip)) continue;
                var speed = 1000;
                try
                {
                    var s = File.ReadAllText($"/sys/class/net/{nic.Name}/speed").Trim();
                    if (int.TryParse(s, out var v) && v > 0) speed = v;
                }
                catch (Exception) { }
                return (nic.Name, speed);
            }
        }
        catch (Exception) { }
        return ("lo", 1000);
    }
}

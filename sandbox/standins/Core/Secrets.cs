using System.Security.Cryptography;

namespace StandIns.Core;

/// <summary>Token files in $STATE/secrets (written by sandbox/up; generated here when missing).</summary>
public sealed class Secrets
{
    public string ConsulManagement { get; }
    public string Consul { get; }
    public string NomadManagement { get; }
    public string Nomad { get; }
    public string GrafanaAdminPassword { get; }
    public string GrafanaToken { get; }
    private readonly string _dir;

    public Secrets(string dir)
    {
        _dir = dir;
        Directory.CreateDirectory(dir);
        ConsulManagement = LoadOrCreate("consul-management.token", NewUuid);
        Consul = LoadOrCreate("consul.token", NewUuid);
        NomadManagement = LoadOrCreate("nomad-management.token", NewUuid);
        Nomad = LoadOrCreate("nomad.token", NewUuid);
        GrafanaAdminPassword = LoadOrCreate("grafana-admin.password", NewUuid);
        GrafanaToken = LoadOrCreate("grafana.token", () => "glsa_" + RandomAlnum(32) + "_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)));
    }

    /// <summary>Reads an optional secret file (e.g. prometheus.password); null when absent.</summary>
    public string? Optional(string name)
    {
        var p = Path.Combine(_dir, name);
        return File.Exists(p) ? File.ReadAllText(p).Trim() : null;
    }

    private string LoadOrCreate(string name, Func<string> make)
    {
        var p = Path.Combine(_dir, name);
        if (File.Exists(p))
        {
            var v = File.ReadAllText(p).Trim();
            if (v.Length > 0) return v;
        }
        var value = make();
        var tmp = p + ".tmp" + Environment.ProcessId;
        File.WriteAllText(tmp, value + "\n");
        File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try { File.Move(tmp, p, overwrite: false); }
        catch (IOException) { File.Delete(tmp); return File.ReadAllText(p).Trim(); } // another stand-in won the race
        return value;
    }

    public static string NewUuid() => Guid.NewGuid().ToString();

    private static string RandomAlnum(int n)
    {
        const string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        return RandomNumberGenerator.GetString(chars, n);
    }
}

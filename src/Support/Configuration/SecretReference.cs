using Acceptance.Support.Evidence;

namespace Acceptance.Support.Configuration;

/// <summary>
/// Where a secret lives: an environment variable or a file. The value is read only when a probe
/// needs it, and every value read is registered with the <see cref="SecretRegistry"/> so that it is
/// redacted from every report, log and attachment.
/// </summary>
public sealed record SecretReference
{
    private SecretReference(string kind, string location, string? literal = null)
    {
        Kind = kind;
        Location = location;
        _literal = literal;
    }

    private readonly string? _literal;

    /// <summary>"env", "file" or "value" (the last only from an environment override such as NOMAD_TOKEN).</summary>
    public string Kind { get; }

    /// <summary>Variable name or file path.</summary>
    public string Location { get; }

    /// <summary>A reference to an environment variable.</summary>
    public static SecretReference FromEnvironment(string variable) => new("env", variable);

    /// <summary>A reference to a file.</summary>
    public static SecretReference FromFile(string path) => new("file", path);

    /// <summary>A secret handed over directly by a standard environment variable (e.g. NOMAD_TOKEN).</summary>
    public static SecretReference FromOverride(string variable, string value) => new("value", variable, value);

    /// <summary>Reads the secret. Throws <see cref="TargetConfigurationException"/> naming the reference when it cannot.</summary>
    public string Resolve()
    {
        var value = TryResolve(out var problem);
        if (value is null) throw new TargetConfigurationException([problem!]);
        return value;
    }

    /// <summary>Reads the secret; returns null and a problem description when it cannot.</summary>
    public string? TryResolve(out string? problem)
    {
        problem = null;
        string? value;
        switch (Kind)
        {
            case "env":
                value = System.Environment.GetEnvironmentVariable(Location);
                if (string.IsNullOrEmpty(value)) { problem = $"environment variable {Location} is not set"; return null; }
                break;
            case "file":
                if (!File.Exists(Location)) { problem = $"secret file {Location} does not exist"; return null; }
                value = File.ReadAllText(Location).Trim();
                if (value.Length == 0) { problem = $"secret file {Location} is empty"; return null; }
                break;
            default:
                value = _literal;
                break;
        }
        SecretRegistry.Register(value);
        return value;
    }

    /// <summary>
    /// Why the secret cannot be read, checked without reading its value (null when it can): an unset or empty
    /// variable of <paramref name="environment"/>, a missing or empty file.
    /// </summary>
    public string? Problem(IReadOnlyDictionary<string, string?> environment) => Kind switch
    {
        "env" => environment.TryGetValue(Location, out var v) && !string.IsNullOrEmpty(v) ? null : $"environment variable {Location} is not set",
        "file" when !File.Exists(Location) => $"secret file {Location} does not exist",
        "file" when new FileInfo(Location).Length == 0 => $"secret file {Location} is empty",
        _ => null,
    };

    /// <summary>Never prints the value.</summary>
    public override string ToString() => Kind switch
    {
        "env" => $"env:{Location}",
        "file" => $"file:{Location}",
        _ => $"from ${Location}",
    };
}

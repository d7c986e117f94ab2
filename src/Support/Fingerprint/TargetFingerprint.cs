using System.Text.Json;
using System.Text.Json.Serialization;

namespace Acceptance.Support.Fingerprint;

/// <summary>The kinds of fact a fingerprint holds (the "kind" of each item of fingerprint.json).</summary>
public static class FingerprintKind
{
    /// <summary>The version a service reports about itself.</summary>
    public const string ServiceVersion = "service-version";

    /// <summary>The raft leader a cluster reports.</summary>
    public const string Leader = "leader";

    /// <summary>The image digest a platform container runs, or a registry tag points at.</summary>
    public const string ImageDigest = "image-digest";

    /// <summary>The SHA-256 of a TLS endpoint's leaf certificate.</summary>
    public const string Certificate = "certificate";

    /// <summary>The version of a registered Nomad job.</summary>
    public const string JobVersion = "job-version";

    /// <summary>The SHA-256 of a configuration file (configuration.files).</summary>
    public const string ConfigHash = "config-hash";
}

/// <summary>One fact of the target, e.g. (service-version, consul, 1.20.1) or (certificate, 127.0.0.1:18501, AB:CD:…).</summary>
/// <param name="Kind">One of <see cref="FingerprintKind"/>.</param>
/// <param name="Name">A stable name (consul, 127.0.0.1:18501, ml-platform/pushgateway, prometheus.yml).</param>
/// <param name="Value">The fact, or "unavailable: REASON" when it could not be read.</param>
public sealed record FingerprintItem(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("value")] string Value)
{
    /// <summary>The prefix of the value of a fact that could not be read.</summary>
    public const string UnavailablePrefix = "unavailable: ";

    /// <summary>The fact could not be read (the value says why).</summary>
    [JsonIgnore]
    public bool IsUnavailable => Value.StartsWith(UnavailablePrefix, StringComparison.Ordinal);

    /// <inheritdoc />
    public override string ToString() => $"{Kind} {Name}: {Value}";
}

/// <summary>
/// What the target looked like at the end of a run (contract C1, $REPORTS/fingerprint.json): service versions, leaders,
/// image digests, certificate fingerprints, job versions and configuration file hashes. Never a secret: only versions,
/// addresses, digests and hashes. The drift between two runs of a target is read from two of these.
/// </summary>
public sealed record TargetFingerprint(
    [property: JsonPropertyName("target")] string Target,
    [property: JsonPropertyName("collected")] string Collected,
    [property: JsonPropertyName("items")] IReadOnlyList<FingerprintItem> Items)
{
    /// <summary>The file name in the reports folder.</summary>
    public const string FileName = "fingerprint.json";

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    /// <summary>Indented JSON in the C1 format.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <summary>Writes <c>fingerprint.json</c> into <paramref name="folder"/>; returns its path.</summary>
    public string Write(string folder)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, FileName);
        File.WriteAllText(path + ".tmp", ToJson());
        File.Move(path + ".tmp", path, overwrite: true);
        return path;
    }

    /// <summary>Reads a fingerprint.json; <see cref="InvalidDataException"/> naming the file when it is not one.</summary>
    public static TargetFingerprint Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<TargetFingerprint>(File.ReadAllText(path)) is { Target: not null, Items: not null } f
                ? f : throw new InvalidDataException($"{path}: not a fingerprint (target, collected, items)");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a fingerprint: {e.Message}");
        }
    }
}

using System.Security.Cryptography;
using System.Text.Json;
using Acceptance.Support.Evidence;
using Acceptance.Support.Http;

namespace Acceptance.Support.Fingerprint;

/// <summary>
/// Pure functions that turn the services' answers into fingerprint items: which field holds a version, which jobs are
/// the platform's (not the suite's own, not a periodic or dispatched child), which digest names a container's image,
/// how configuration files are named, and the one form of a fact that could not be read. Every value is redacted.
/// </summary>
public static class FingerprintRules
{
    private static readonly string[] KindOrder =
        [FingerprintKind.ServiceVersion, FingerprintKind.Leader, FingerprintKind.ImageDigest, FingerprintKind.Certificate, FingerprintKind.JobVersion, FingerprintKind.ConfigHash];

    /// <summary>An item whose fact could not be read: "unavailable: REASON" (one line, at most 240 characters, redacted).</summary>
    public static FingerprintItem Unavailable(string kind, string name, string reason)
    {
        var line = string.Join(' ', reason.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        if (line.Length > 240) line = line[..240] + "…";
        return new FingerprintItem(kind, name, FingerprintItem.UnavailablePrefix + (line.Length == 0 ? "no reason given" : line));
    }

    /// <summary>An item with its value redacted (a fact must never carry a secret, whatever a service answers).</summary>
    public static FingerprintItem Item(string kind, string name, string value) =>
        value.Length == 0 ? Unavailable(kind, name, "the service answered without this fact") : new FingerprintItem(kind, SecretRegistry.Redact(name), SecretRegistry.Redact(value));

    /// <summary>Consul's /v1/agent/self: Config.Version (with Config.VersionPrerelease when set).</summary>
    public static string ConsulVersion(JsonElement agentSelf)
    {
        var config = Json.Obj(agentSelf, "Config");
        var version = Json.Str(config, "Version");
        var pre = Json.Str(config, "VersionPrerelease");
        return pre.Length > 0 && !version.Contains(pre, StringComparison.Ordinal) ? $"{version}-{pre}" : version;
    }

    /// <summary>Nomad's /v1/agent/self: config.Version, a string in old releases and {Version, VersionPrerelease} in current ones.</summary>
    public static string NomadVersion(JsonElement agentSelf)
    {
        var config = Json.Obj(agentSelf, "config");
        var versionObject = config.ValueKind == JsonValueKind.Object && config.TryGetProperty("Version", out var v) && v.ValueKind == JsonValueKind.Object ? v : config;
        var version = Json.Str(versionObject, "Version");
        var pre = Json.Str(versionObject, "VersionPrerelease");
        return pre.Length > 0 && !version.Contains(pre, StringComparison.Ordinal) ? $"{version}-{pre}" : version;
    }

    /// <summary>Grafana's /api/health: version.</summary>
    public static string GrafanaVersion(JsonElement health) => Json.Str(health, "version");

    /// <summary>The Pushgateway's /api/v1/status: data.build_information.version.</summary>
    public static string PushgatewayVersion(JsonElement status) => Json.Str(Json.Obj(Json.Obj(status, "data"), "build_information"), "version");

    /// <summary>A raft leader as reported; "" is a cluster without a leader, which is a fact too.</summary>
    public static string Leader(string leader) => leader.Length > 0 ? leader : "none (no leader elected)";

    /// <summary>
    /// The platform's registered Nomad jobs (/v1/jobs) with their versions: a periodic or dispatched child (ParentID set)
    /// is a run, not a deployment; a job whose id starts with one of <paramref name="suitePrefixes"/> is the suite's own.
    /// Named by id (namespace/id outside the default namespace).
    /// </summary>
    public static IReadOnlyList<FingerprintItem> JobVersions(JsonElement jobs, IReadOnlyList<string> suitePrefixes)
    {
        if (jobs.ValueKind != JsonValueKind.Array) return [Unavailable(FingerprintKind.JobVersion, "nomad jobs", "GET /v1/jobs did not answer a list")];
        return jobs.EnumerateArray()
            .Where(j => Json.Str(j, "ParentID").Length == 0)
            .Select(j => (Id: Json.Str(j, "ID"), Namespace: Json.Str(j, "Namespace"), Version: Json.Long(j, "Version"), Stop: Json.Bool(j, "Stop")))
            .Where(j => j.Id.Length > 0 && !suitePrefixes.Any(p => j.Id.StartsWith(p, StringComparison.Ordinal)))
            .Select(j => Item(FingerprintKind.JobVersion, j.Namespace is "" or "default" ? j.Id : $"{j.Namespace}/{j.Id}",
                $"{j.Version}{(j.Stop ? " (stopped)" : "")}"))
            .ToList();
    }

    /// <summary>
    /// The image a platform container runs, named project/service: the repository digest of its image (name@sha256:…)
    /// when the image came from a registry, else the local image id (an image built here has no repository digest).
    /// </summary>
    public static FingerprintItem ContainerImage(string project, string service, string image, string imageId, IReadOnlyList<string> repoDigests)
    {
        var repository = image.Split('@')[0];
        var lastColon = repository.LastIndexOf(':');
        if (lastColon > repository.LastIndexOf('/')) repository = repository[..lastColon];
        var digest = repoDigests.FirstOrDefault(d => d.StartsWith(repository + "@", StringComparison.Ordinal)) ?? repoDigests.FirstOrDefault();
        var value = digest is not null ? $"{image} {digest[(digest.IndexOf('@') + 1)..]}" : $"{image} image id {imageId}";
        return Item(FingerprintKind.ImageDigest, $"{project}/{service}", value);
    }

    /// <summary>
    /// Names for configuration files: the file name, or the full path where two files share a file name.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ConfigNames(IReadOnlyList<string> paths)
    {
        var byName = paths.Distinct().GroupBy(Path.GetFileName).ToList();
        return byName.SelectMany(g => g.Count() == 1 ? [(Path: g.First(), Name: g.Key!)] : g.Select(p => (Path: p, Name: p)))
            .ToDictionary(x => x.Path, x => x.Name);
    }

    /// <summary>The lower-case hex SHA-256 of a file.</summary>
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>The items in a stable order: by kind (versions, leaders, images, certificates, jobs, configuration), then name.</summary>
    public static IReadOnlyList<FingerprintItem> Ordered(IEnumerable<FingerprintItem> items) =>
        items.OrderBy(i => Array.IndexOf(KindOrder, i.Kind) is var k && k < 0 ? KindOrder.Length : k)
            .ThenBy(i => i.Name, StringComparer.Ordinal).ToList();
}

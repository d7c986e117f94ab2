using System.Globalization;
using System.Reflection;
using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Docker.DotNet.Models;

namespace Acceptance.Support.Docker;

/// <summary>What <c>State.Health</c> says, reduced to the facts the rules judge.</summary>
/// <param name="Status">healthy, unhealthy, starting; null when there is no healthcheck (no Health, or Status "none").</param>
/// <param name="FailingStreak">Consecutive failed healthchecks.</param>
/// <param name="LastOutput">The last healthcheck's output on one line, at most <see cref="ContainerInspection.MaxHealthOutput"/> characters (null: none).</param>
public sealed record HealthFacts(string? Status, long FailingStreak, string? LastOutput);

/// <summary>
/// Maps the Engine's answer to GET /containers/{id}/json (Docker.DotNet's <see cref="ContainerInspectResponse"/>) to
/// <see cref="ContainerFacts"/>, and reads that answer from JSON text (the API's single object or the CLI's
/// <c>docker inspect</c> array) the way the Engine writes it.
/// </summary>
public static class ContainerInspection
{
    /// <summary>At most this many characters of the last healthcheck output are kept (the end, where the error is).</summary>
    public const int MaxHealthOutput = 200;

    /// <summary>
    /// JSON options that read Engine answers into Docker.DotNet's models: Docker.DotNet's own serializer is internal,
    /// so these add the converters its models need (restart policy names such as "unless-stopped", durations in
    /// nanoseconds, dates as RFC 3339 text or Unix seconds).
    /// </summary>
    public static JsonSerializerOptions JsonOptions { get; } = CreateOptions();

    /// <summary>
    /// Reads a container inspection: the API's object, or the CLI's array of objects (one per container).
    /// </summary>
    /// <exception cref="JsonException">The text is not an inspection.</exception>
    public static IReadOnlyList<ContainerInspectResponse> ParseInspectJson(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var items = doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement.EnumerateArray().ToList() : [doc.RootElement];
        return items.Select(e =>
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("State", out _) || !e.TryGetProperty("Config", out _))
                throw new JsonException("not a container inspection: an object with State and Config is expected");
            return e.Deserialize<ContainerInspectResponse>(JsonOptions)!;
        }).ToList();
    }

    /// <summary>Reads a <c>State.Health</c> object (<c>docker inspect --format '{{json .State.Health}}'</c>).</summary>
    public static Health ParseHealthJson(string json) =>
        JsonSerializer.Deserialize<Health>(json, JsonOptions) ?? throw new JsonException("not a State.Health object (null)");

    /// <summary>
    /// The facts of one container: service from the label com.docker.compose.service (else the name without '/'),
    /// health null without a healthcheck, the last healthcheck output trimmed, ports published on the host.
    /// </summary>
    public static ContainerFacts Facts(ContainerInspectResponse inspect)
    {
        ArgumentNullException.ThrowIfNull(inspect);
        var name = (inspect.Name ?? "").TrimStart('/');
        var labels = inspect.Config?.Labels;
        var service = labels is not null && labels.TryGetValue("com.docker.compose.service", out var s) && !string.IsNullOrEmpty(s) ? s : name;
        var health = HealthOf(inspect.State?.Health);
        var host = inspect.HostConfig;
        return new ContainerFacts(
            name, service, inspect.Config?.Image ?? "", inspect.Image ?? "", inspect.State?.Status is { Length: > 0 } st ? st : "unknown",
            inspect.State?.ExitCode ?? 0, health.Status, health.FailingStreak, health.LastOutput,
            host?.RestartPolicy is null ? "" : RestartPolicyName(host.RestartPolicy.Name),
            host?.Memory ?? 0, host?.NanoCPUs ?? 0, host?.CPUQuota ?? 0,
            (inspect.Mounts ?? []).Select(MountOf).ToList(),
            PortsOf(inspect.NetworkSettings?.Ports));
    }

    /// <summary>The health facts of <c>State.Health</c> (null, or Status "none": no healthcheck).</summary>
    public static HealthFacts HealthOf(Health? health)
    {
        if (health is null || string.IsNullOrEmpty(health.Status) || health.Status == "none") return new HealthFacts(null, 0, null);
        var last = health.Log?.Count > 0 ? health.Log[^1] : null;
        return new HealthFacts(health.Status, health.FailingStreak, last is null ? null : OneLine(last.Output, MaxHealthOutput));
    }

    /// <summary>
    /// A workload's limits in words from a container's facts: memory from HostConfig.Memory, CPU from NanoCpus or
    /// CpuQuota / CpuPeriod (the Engine's default period, 100000 µs, assumed).
    /// </summary>
    public static WorkloadLimits Limits(ContainerFacts container)
    {
        ArgumentNullException.ThrowIfNull(container);
        string? cpu = container.NanoCpus > 0 ? Sizes.Cpus(container.NanoCpus / 1e9)
            : container.CpuQuota > 0 ? Sizes.Cpus(container.CpuQuota / 100_000.0) + " (CpuQuota)" : null;
        return new WorkloadLimits(OwnerOf(container), container.HasMemoryLimit ? Sizes.Bytes(container.MemoryBytes) : null, cpu);
    }

    /// <summary>The image a container runs, as its configuration wrote it.</summary>
    public static WorkloadImage Image(ContainerFacts container)
    {
        ArgumentNullException.ThrowIfNull(container);
        return new WorkloadImage(OwnerOf(container), container.Image);
    }

    /// <summary>"container web (compose service web)", or "container web" when the service is the name.</summary>
    public static string OwnerOf(ContainerFacts container)
    {
        ArgumentNullException.ThrowIfNull(container);
        return container.Service == container.Name ? $"container {container.Name}" : $"container {container.Name} (compose service {container.Service})";
    }

    /// <summary>The Engine's restart policy name: "", "no", "always", "on-failure", "unless-stopped".</summary>
    public static string RestartPolicyName(RestartPolicyKind kind) => kind switch
    {
        RestartPolicyKind.No => "no",
        RestartPolicyKind.Always => "always",
        RestartPolicyKind.OnFailure => "on-failure",
        RestartPolicyKind.UnlessStopped => "unless-stopped",
        _ => "",
    };

    /// <summary>
    /// Text on one line: carriage returns and newlines split it, blank pieces go, the rest is joined with " | "; when
    /// longer than <paramref name="max"/> the end is kept (a command prints its error last) after "…".
    /// </summary>
    public static string OneLine(string? text, int max)
    {
        var pieces = (text ?? "").Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = string.Join(" | ", pieces);
        return line.Length <= max ? line : "…" + line[^(max - 1)..];
    }

    private static MountFacts MountOf(MountPoint m)
    {
        var type = string.IsNullOrEmpty(m.Type) ? (string.IsNullOrEmpty(m.Name) ? "bind" : "volume") : m.Type;
        var source = type == "volume" && !string.IsNullOrEmpty(m.Name) ? m.Name : m.Source ?? "";
        return new MountFacts(type, source, m.Destination ?? "", !m.RW);
    }

    private static List<PublishedPort> PortsOf(IDictionary<string, IList<PortBinding>>? ports)
    {
        var result = new List<PublishedPort>();
        if (ports is null) return result;
        foreach (var (key, bindings) in ports.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (bindings is null) continue; // exposed, not published
            var slash = key.IndexOf('/', StringComparison.Ordinal);
            var containerPort = int.TryParse(slash >= 0 ? key[..slash] : key, NumberStyles.None, CultureInfo.InvariantCulture, out var cp) ? cp : 0;
            var protocol = slash >= 0 ? key[(slash + 1)..] : "tcp";
            foreach (var b in bindings)
            {
                var hostPort = int.TryParse(b.HostPort, NumberStyles.None, CultureInfo.InvariantCulture, out var hp) ? hp : 0;
                result.Add(new PublishedPort(string.IsNullOrEmpty(b.HostIP) ? "0.0.0.0" : b.HostIP, hostPort, containerPort, protocol));
            }
        }
        return result;
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var o = new JsonSerializerOptions { PropertyNameCaseInsensitive = false };
        o.Converters.Add(new EnumMemberConverter<RestartPolicyKind>());
        o.Converters.Add(new NanosecondsConverter());
        o.Converters.Add(new EngineDateConverter());
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }

    /// <summary>Enum values by their [EnumMember] names, as the Engine writes them.</summary>
    private sealed class EnumMemberConverter<TEnum> : JsonConverter<TEnum> where TEnum : struct, Enum
    {
        private static readonly Dictionary<string, TEnum> ByName = typeof(TEnum).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (Value: (TEnum)f.GetValue(null)!, Name: f.GetCustomAttribute<EnumMemberAttribute>()?.Value ?? f.Name))
            .ToDictionary(x => x.Name, x => x.Value, StringComparer.Ordinal);

        public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var s = reader.GetString() ?? "";
            return ByName.TryGetValue(s, out var v) ? v : throw new JsonException($"unknown {typeof(TEnum).Name} '{s}'");
        }

        public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options) =>
            writer.WriteStringValue(ByName.First(p => p.Value.Equals(value)).Key);
    }

    /// <summary>Durations the Engine writes as integer nanoseconds.</summary>
    private sealed class NanosecondsConverter : JsonConverter<TimeSpan>
    {
        public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            TimeSpan.FromTicks(reader.GetInt64() / 100);

        public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) => writer.WriteNumberValue(value.Ticks * 100);
    }

    /// <summary>Dates as RFC 3339 text (nanosecond precision, which is cut to ticks) or Unix seconds.</summary>
    private sealed class EngineDateConverter : JsonConverter<DateTime>
    {
        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Number) return DateTime.UnixEpoch.AddSeconds(reader.GetInt64());
            // .NET reads at most 7 fraction digits; the Engine writes 9.
            var s = System.Text.RegularExpressions.Regex.Replace(reader.GetString() ?? "", @"(\.\d{7})\d+", "$1");
            return DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d)
                ? d.UtcDateTime
                : DateTime.MinValue; // "0001-01-01T00:00:00Z" and odd values: not a fact any rule judges
        }

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString("O", CultureInfo.InvariantCulture));
    }
}

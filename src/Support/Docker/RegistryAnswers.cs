using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace Acceptance.Support.Docker;

/// <summary>A registry's tags list (GET /v2/NAME/tags/list).</summary>
/// <param name="Name">The repository name the registry answered for.</param>
/// <param name="Tags">The tags; empty when the registry says "tags": null (every tag deleted) or [].</param>
public sealed record TagsList(string Name, IReadOnlyList<string> Tags);

/// <summary>The check of a manifest's bytes against the digest the registry or the target states.</summary>
/// <param name="Expected">The digest stated (Docker-Content-Digest, or the digest pulled by).</param>
/// <param name="Computed">sha256 of the exact bytes received ("sha256:...").</param>
public sealed record DigestCheck(string Expected, string Computed)
{
    /// <summary>True when the digests are equal.</summary>
    public bool Matches => string.Equals(Expected.Trim(), Computed, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public override string ToString() => Matches ? $"manifest bytes hash to {Computed} as stated" : $"manifest bytes hash to {Computed}, not the stated {Expected}";
}

/// <summary>An HTTP answer captured as text (<c>curl -i</c>): status line, headers, blank line, body.</summary>
/// <param name="Status">The status code.</param>
/// <param name="Reason">The reason phrase ("Unauthorized").</param>
/// <param name="Headers">Headers by name (case-insensitive); a repeated header's values are joined with ", ".</param>
/// <param name="Body">The body ("" when none).</param>
public sealed record HttpCapture(int Status, string Reason, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>A header's value, or null.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}

/// <summary>Reads what a Docker registry (distribution API v2) answers.</summary>
public static class RegistryAnswers
{
    /// <summary>Reads a tags list; "tags": null (the repository exists but every tag was deleted) reads as no tags.</summary>
    /// <exception cref="FormatException">Not a tags list (a registry error body says so, with its description).</exception>
    public static TagsList ParseTags(string json)
    {
        using var doc = Parse(json, "tags list");
        var root = doc.RootElement;
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("errors", out _))
            throw new FormatException($"not a tags list but a registry error: {DescribeError(json)}");
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("tags", out var tags) || tags.ValueKind is not (JsonValueKind.Array or JsonValueKind.Null))
            throw new FormatException("not a tags list: an object with \"tags\" (a list or null) is expected");
        var name = root.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "";
        return new TagsList(name, tags.ValueKind == JsonValueKind.Null ? [] : tags.EnumerateArray().Select(t => t.GetString() ?? "").ToList());
    }

    /// <summary>
    /// A registry error body ({"errors":[{code, message, detail}]}) on one line:
    /// "UNAUTHORIZED: authentication required (repository docker/highland_builder: pull)"; several errors are joined
    /// with "; ". A body that is not one is described as such with its first 120 characters.
    /// </summary>
    public static string DescribeError(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Array)
                return NotAnError(body);
            var parts = errors.EnumerateArray().Select(e =>
            {
                var code = Str(e, "code") ?? "?";
                var message = Str(e, "message");
                var detail = e.TryGetProperty("detail", out var d) ? Detail(d) : "";
                return code + (message is { Length: > 0 } ? ": " + message : "") + (detail.Length > 0 ? $" ({detail})" : "");
            }).ToList();
            return parts.Count == 0 ? "an empty errors list" : string.Join("; ", parts);
        }
        catch (JsonException)
        {
            return NotAnError(body);
        }
    }

    /// <summary>"sha256:" and the lower-case hex sha256 of <paramref name="bytes"/>.</summary>
    public static string DigestOf(ReadOnlySpan<byte> bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>
    /// Checks a manifest's exact bytes (never re-serialised JSON: the digest is over the bytes the registry sent)
    /// against <paramref name="expectedDigest"/>.
    /// </summary>
    public static DigestCheck VerifyDigest(ReadOnlySpan<byte> manifest, string expectedDigest)
    {
        ArgumentNullException.ThrowIfNull(expectedDigest);
        return new DigestCheck(expectedDigest, DigestOf(manifest));
    }

    /// <summary>Reads a captured HTTP answer (LF or CRLF line ends).</summary>
    /// <exception cref="FormatException">The first line is not an HTTP status line.</exception>
    public static HttpCapture ParseHttp(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var normalized = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        var split = normalized.IndexOf("\n\n", StringComparison.Ordinal);
        var head = split >= 0 ? normalized[..split] : normalized.TrimEnd('\n');
        var body = split >= 0 ? normalized[(split + 2)..] : "";
        var lines = head.Split('\n');
        var status = lines[0].Split(' ', 3);
        if (status.Length < 2 || !status[0].StartsWith("HTTP/", StringComparison.Ordinal) ||
            !int.TryParse(status[1], NumberStyles.None, CultureInfo.InvariantCulture, out var code))
            throw new FormatException($"not an HTTP answer: the first line is '{lines[0]}'");
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) continue;
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            headers[name] = headers.TryGetValue(name, out var prior) ? prior + ", " + value : value;
        }
        return new HttpCapture(code, status.Length > 2 ? status[2].Trim() : "", headers, body);
    }

    private static string Detail(JsonElement d) => d.ValueKind switch
    {
        JsonValueKind.Array => string.Join(", ", d.EnumerateArray().Select(Detail).Where(s => s.Length > 0)),
        JsonValueKind.Object when (Str(d, "Type") ?? Str(d, "type")) is { } type =>
            $"{type} {Str(d, "Name") ?? Str(d, "name") ?? ""}: {Str(d, "Action") ?? Str(d, "action") ?? ""}".Replace(" :", ":", StringComparison.Ordinal).TrimEnd(' ', ':'),
        JsonValueKind.Object => string.Join(", ", d.EnumerateObject().Select(p => $"{p.Name} {(p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText())}")),
        JsonValueKind.String => d.GetString() ?? "",
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        _ => d.GetRawText(),
    };

    private static string NotAnError(string body)
    {
        var oneLine = string.Join(' ', (body ?? "").Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return $"not a registry error body: '{(oneLine.Length > 120 ? oneLine[..120] + "…" : oneLine)}'";
    }

    private static JsonDocument Parse(string json, string what)
    {
        try { return JsonDocument.Parse(json); }
        catch (JsonException e) { throw new FormatException($"not a {what}: not JSON ({e.Message})", e); }
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

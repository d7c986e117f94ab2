using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Acceptance.Support.Evidence;

/// <summary>
/// Every secret value the suite has read (tokens, passwords, keys) is registered here, and
/// <see cref="Redact"/> removes all of them, plus anything that looks like a credential, from text
/// before it reaches a report, a log or an attachment.
/// </summary>
public static partial class SecretRegistry
{
    /// <summary>What a redacted value is replaced with.</summary>
    public const string Mask = "[REDACTED]";

    private static readonly ConcurrentDictionary<string, byte> Values = new();

    /// <summary>Registers a secret value and every form the suite itself may send or see it in (values shorter than 4 characters are ignored: too many false hits).</summary>
    public static void Register(string? value)
    {
        foreach (var form in Forms(value)) Values.TryAdd(form, 0);
    }

    /// <summary>Registers basic-auth credentials: the password's forms and the header's base64 of "user:password".</summary>
    public static void RegisterBasic(string user, string password)
    {
        Register(password);
        Register(BasicForm(user, password));
    }

    /// <summary>
    /// The forms a secret travels in: as is, trimmed, base64, URL-encoded and JSON-escaped (each only when it differs and is
    /// at least 4 characters long).
    /// </summary>
    public static IReadOnlyList<string> Forms(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length < 4) return [];
        var trimmed = value.Trim();
        var forms = new[]
        {
            value, trimmed,
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(trimmed)),
            Uri.EscapeDataString(trimmed),
            System.Text.Json.JsonSerializer.Serialize(trimmed)[1..^1],
        };
        return forms.Where(f => f.Length >= 4).Distinct().ToList();
    }

    /// <summary>The base64 of "user:password" that an Authorization: Basic header carries.</summary>
    public static string BasicForm(string user, string password) =>
        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{user}:{password}"));

    /// <summary>True when <paramref name="text"/> holds a registered secret value (e.g. a page's visible text before its screenshot is kept).</summary>
    public static bool ContainsRegistered(string? text) =>
        !string.IsNullOrEmpty(text) && Values.Keys.Any(secret => text.Contains(secret, StringComparison.Ordinal));

    /// <summary>Number of registered values (for tests).</summary>
    public static int Count => Values.Count;

    /// <summary>Returns <paramref name="text"/> with every registered secret and credential-looking value masked.</summary>
    public static string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        foreach (var secret in Values.Keys.OrderByDescending(s => s.Length))
            if (text.Contains(secret, StringComparison.Ordinal))
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
        text = CredentialHeader().Replace(text, m => m.Groups[1].Value + Mask);
        text = SecretJsonField().Replace(text, m => m.Groups[1].Value + Mask + "\"");
        text = GrafanaToken().Replace(text, Mask);
        text = PrivateKeyBlock().Replace(text, Mask);
        return text;
    }

    [GeneratedRegex(@"(?im)^((?:authorization|x-consul-token|x-nomad-token|x-vault-token|cookie|set-cookie|proxy-authorization)\s*:\s*)(?!\[REDACTED\]).+$")]
    private static partial Regex CredentialHeader();

    [GeneratedRegex(@"(""(?:SecretID|secret_id|Secret|password|Password|token|Token|api_key|apiKey|key)""\s*:\s*"")(?!\[REDACTED\])[^""]{4,}""")]
    private static partial Regex SecretJsonField();

    [GeneratedRegex(@"\bglsa_[A-Za-z0-9_]{8,}")]
    private static partial Regex GrafanaToken();

    [GeneratedRegex(@"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----")]
    private static partial Regex PrivateKeyBlock();
}

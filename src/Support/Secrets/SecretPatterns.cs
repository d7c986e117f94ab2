using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Acceptance.Support.Secrets;

/// <summary>One of the suite's own secret rules (secret-rules.json).</summary>
/// <param name="Id">Rule id carried by its findings ("acceptance/acl-token-uuid").</param>
/// <param name="Description">What the rule flags, in words.</param>
public sealed record OwnSecretRule(string Id, string Description)
{
    internal Regex Keys { get; init; } = null!;
    internal Regex? Value { get; init; }
    internal int MinLength { get; init; }
    internal double MinEntropy { get; init; }
}

/// <summary>One reference shape that is NOT a secret (secret-rules.json "allow"): a template, an interpolation, a secrets-file path...</summary>
/// <param name="Id">Allow-list entry id ("template").</param>
/// <param name="Description">What it lets through, in words.</param>
public sealed record SecretAllowance(string Id, string Description)
{
    internal Regex Pattern { get; init; } = null!;
}

/// <summary>
/// The suite's own secret rules, for what secretlint's recommend preset lacks: literal values of keys named like secrets in
/// KEY=VALUE, key: value, "key": "value" and key = "value" lines — a UUID (a Consul/Nomad ACL secret ID), any literal of a
/// password key, a high-entropy literal of a token/secret/key — minus an allow-list of references that are not secrets
/// (templates, interpolations, secrets-file paths, Nomad variables, Vault paths, target-file { env: } / { file: } references,
/// empty values and obvious placeholders; "changeme" is NOT a placeholder: a working default password is flagged). The rules
/// are data: src/Support/Secrets/secret-rules.json, copied to the output as Secrets/secret-rules.json.
/// </summary>
public sealed partial class SecretPatterns
{
    private static readonly Lazy<SecretPatterns> LazyDefault = new(() =>
        Load(Path.Combine(AppContext.BaseDirectory, "Secrets", "secret-rules.json")));

    private SecretPatterns(IReadOnlyList<OwnSecretRule> rules, IReadOnlyList<SecretAllowance> allow)
    {
        Rules = rules;
        Allow = allow;
    }

    /// <summary>The rules in Secrets/secret-rules.json next to the assembly.</summary>
    public static SecretPatterns Default => LazyDefault.Value;

    /// <summary>The rules, in the order they are tried on a key/value pair (the first that matches reports it).</summary>
    public IReadOnlyList<OwnSecretRule> Rules { get; }

    /// <summary>The references that are not secrets.</summary>
    public IReadOnlyList<SecretAllowance> Allow { get; }

    /// <summary>Reads a rules file (the shape of secret-rules.json).</summary>
    /// <exception cref="InvalidOperationException">The file is missing or malformed.</exception>
    public static SecretPatterns Load(string path)
    {
        if (!File.Exists(path)) throw new InvalidOperationException($"secret rules file {path} is missing (src/Support/Secrets/secret-rules.json is copied to the output)");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        Regex Key(string name) => new(root.GetProperty(name).GetString()!, RegexOptions.CultureInvariant);
        var keySets = new Dictionary<string, Regex>(StringComparer.Ordinal) { ["passwordKey"] = Key("passwordKey"), ["secretKey"] = Key("secretKey") };
        var rules = root.GetProperty("rules").EnumerateArray().Select(r => new OwnSecretRule(r.GetProperty("id").GetString()!, r.GetProperty("description").GetString()!)
        {
            Keys = keySets[r.GetProperty("keys").GetString()!],
            Value = r.TryGetProperty("value", out var v) ? new Regex(v.GetString()!, RegexOptions.CultureInvariant) : null,
            MinLength = r.TryGetProperty("minLength", out var l) ? l.GetInt32() : 1,
            MinEntropy = r.TryGetProperty("minEntropy", out var e) ? e.GetDouble() : 0,
        }).ToList();
        var allow = root.GetProperty("allow").EnumerateArray().Select(a => new SecretAllowance(a.GetProperty("id").GetString()!, a.GetProperty("description").GetString()!)
        {
            Pattern = new Regex(a.GetProperty("pattern").GetString()!, RegexOptions.CultureInvariant),
        }).ToList();
        return new SecretPatterns(rules, allow);
    }

    /// <summary>The findings of the own rules in <paramref name="source"/> (one per flagged key/value pair; never the value).</summary>
    public IReadOnlyList<SecretFinding> Find(SecretSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var findings = new List<SecretFinding>();
        var lines = source.Text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
            foreach (Match m in KeyValue().Matches(lines[i]))
            {
                var key = m.Groups["key"].Value;
                var value = Unquote(m.Groups["value"].Value.Trim());
                var rule = Judge(key, value);
                if (rule is null) continue;
                findings.Add(new SecretFinding(source.Place, source.LineOffset + i + 1, rule.Id,
                    $"{rule.Description}: key {key}, a {value.Length.ToString(CultureInfo.InvariantCulture)}-character literal"));
            }
        return findings;
    }

    /// <summary>The rule that flags <paramref name="value"/> under <paramref name="key"/>, or null (not a secret key, a reference, a placeholder, too short).</summary>
    public OwnSecretRule? Judge(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        if (string.IsNullOrWhiteSpace(value) || IsAllowed(value)) return null;
        var normalized = CamelBoundary().Replace(key, "$1_$2").ToLowerInvariant();
        return Rules.FirstOrDefault(r => r.Keys.IsMatch(normalized)
            && value.Length >= r.MinLength
            && (r.Value is null || r.Value.IsMatch(value))
            && (r.MinEntropy <= 0 || Entropy(value) >= r.MinEntropy));
    }

    /// <summary>True when <paramref name="value"/> is a reference or placeholder on the allow-list.</summary>
    public bool IsAllowed(string value) => Allow.Any(a => a.Pattern.IsMatch(value));

    /// <summary>Shannon entropy of <paramref name="value"/> in bits per character.</summary>
    public static double Entropy(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0) return 0;
        return value.GroupBy(c => c).Select(g => (double)g.Count() / value.Length).Sum(p => -p * Math.Log2(p));
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && (value[0] == '"' && value[^1] == '"' || value[0] == '\'' && value[^1] == '\'')
            ? value[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal)
            : value;

    // KEY=VALUE, key: value, "key": "value", key = "value". A value is a { env: / file: } reference, a quoted string, or a
    // bare token (that may hold ${...} interpolations); a bare value never starts with { or [ (a nested object is scanned on its own pairs).
    [GeneratedRegex(@"(?<![A-Za-z0-9_.\-])(?<q>[""']?)(?<key>[A-Za-z_][A-Za-z0-9_.\-]*)\k<q>\s*(?:=|:)\s*(?<value>\{\s*(?:env|file)\s*:[^}]*\}|""(?:[^""\\]|\\.)*""|'[^']*'|(?![{\[])(?:\$\{[^}\r\n]*\}|[^\s,;}\]])*)")]
    private static partial Regex KeyValue();

    [GeneratedRegex("([a-z0-9])([A-Z])")]
    private static partial Regex CamelBoundary();
}

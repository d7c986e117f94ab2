using System.Text.RegularExpressions;

namespace Acceptance.Support.Prometheus;

/// <summary>
/// A kind of critical alert the checklist asks for (instance down, certificate expiry, backup age,
/// disk, memory), recognised by the alerting rule's name or its expression.
/// </summary>
/// <param name="Key">Stable key (instance-down, certificate-expiry, ...).</param>
/// <param name="Title">Reads well in a report ("instance down").</param>
/// <param name="Name">Matches the alert name.</param>
/// <param name="Expression">Matches the rule's PromQL.</param>
public sealed record AlertKind(string Key, string Title, Regex Name, Regex Expression)
{
    /// <summary>True when the rule is an alerting rule of this kind (by name or expression).</summary>
    public bool Covers(PrometheusRule rule) => rule.IsAlerting && (Name.IsMatch(rule.Name) || Expression.IsMatch(rule.Query));

    /// <summary>The rule that decides, for evidence.</summary>
    public string Decision => $"{Title}: alert name ~ /{Name}/ or expression ~ /{Expression}/";

    /// <inheritdoc />
    public override string ToString() => Title;
}

/// <summary>The critical alert kinds the checklist names, and the decision rule for each.</summary>
public static class AlertRuleCatalog
{
    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

    /// <summary>An instance or scrape target is down or unreachable.</summary>
    public static readonly AlertKind InstanceDown = new("instance-down", "instance down",
        new Regex(@"(instance|target|host|node|service|endpoint).*(down|unreachable)|^down$", Options),
        new Regex(@"\bup\b\s*(\{[^}]*\})?\s*(==\s*0|<\s*1)|absent\(\s*up\b|probe_success\s*(\{[^}]*\})?\s*(==\s*0|<\s*1)", Options));

    /// <summary>A TLS certificate expires soon.</summary>
    public static readonly AlertKind CertificateExpiry = new("certificate-expiry", "certificate expiry",
        new Regex(@"cert|x509|ssl|tls", Options),
        new Regex(@"ssl_earliest_cert_expiry|x509_cert_(not_after|expir)|cert(ificate)?_expir", Options));

    /// <summary>The last successful backup is too old.</summary>
    public static readonly AlertKind BackupAge = new("backup-age", "backup age",
        new Regex(@"backup", Options), new Regex(@"backup", Options));

    /// <summary>Disk or filesystem space runs out.</summary>
    public static readonly AlertKind Disk = new("disk", "disk space",
        new Regex(@"disk|filesystem|volume", Options), new Regex(@"node_filesystem|filesystem_avail|disk", Options));

    /// <summary>Memory runs out.</summary>
    public static readonly AlertKind Memory = new("memory", "memory",
        new Regex(@"memory|oom", Options), new Regex(@"node_memory|memory_available|oom", Options));

    /// <summary>Every kind the checklist's "critical alerts configured" line asks for.</summary>
    public static IReadOnlyList<AlertKind> All { get; } = [InstanceDown, CertificateExpiry, BackupAge, Disk, Memory];

    /// <summary>A kind by key (instance-down, certificate-expiry, backup-age, disk, memory).</summary>
    public static AlertKind ByKey(string key) => All.FirstOrDefault(k => k.Key == key)
        ?? throw new ArgumentException($"unknown alert kind '{key}' (known: {string.Join(", ", All.Select(k => k.Key))})");
}

/// <summary>Which critical alert kinds have a critical alerting rule, and which are missing.</summary>
public sealed record AlertCoverage(IReadOnlyDictionary<AlertKind, IReadOnlyList<PrometheusRule>> Covered,
    IReadOnlyList<AlertKind> Missing, int CriticalRules)
{
    /// <inheritdoc />
    public override string ToString() =>
        string.Join("; ", Covered.Select(c => $"{c.Key.Title}: {string.Join(", ", c.Value.Select(r => r.Name))}")) +
        (Missing.Count > 0 ? $"; MISSING a severity=critical alert for: {string.Join(", ", Missing.Select(m => m.Title))}" : "");
}

using System.Globalization;
using Acceptance.Support.Checks;

namespace Acceptance.Support.Secrets;

/// <summary>Secret rules: pure functions of what the secret scan (<see cref="SecretScanner"/>) read and found.</summary>
public static class SecretRules
{
    /// <summary>
    /// SEC-SM-3 (and the evidence for SEC-SM-1: a password found literally is not in secure secrets storage): no scanned
    /// source (job specs, Consul KV values, container environments, configuration files) holds a hardcoded credential.
    /// Observed says how many sources were scanned, names them and lists each finding as "place:line: rule", never the
    /// value; one shortfall per finding. No source scanned is a shortfall: nothing was judged.
    /// </summary>
    /// <param name="scanned">The sources that were scanned.</param>
    /// <param name="findings">What the scan found in them.</param>
    public static Verdict NoHardcodedCredentials(IReadOnlyList<SecretSource> scanned, IReadOnlyList<SecretFinding> findings)
    {
        ArgumentNullException.ThrowIfNull(scanned);
        ArgumentNullException.ThrowIfNull(findings);
        var places = scanned.Select(s => s.Place).Distinct(StringComparer.Ordinal).ToList();
        var shortfalls = new List<string>();
        if (scanned.Count == 0) shortfalls.Add("nothing was scanned: no job spec, KV value, container environment or configuration file was read");
        shortfalls.AddRange(findings.Select(f => $"hardcoded credential at {f.Location}"));
        var observed = $"{scanned.Count.ToString(CultureInfo.InvariantCulture)} sources scanned in {places.Count.ToString(CultureInfo.InvariantCulture)} places" +
                       (places.Count == 0 ? "" : $" ({string.Join("; ", places)})") + ": " +
                       (findings.Count == 0 ? "no finding" : $"{findings.Count.ToString(CultureInfo.InvariantCulture)} findings: {string.Join("; ", findings.Select(f => f.Location))}");
        return Verdict.From(
            "SEC-SM-3: no hardcoded credentials in configuration files (SEC-SM-1: passwords live in secure secrets storage, referenced, not written out)",
            "no credential-looking literal in any scanned source (secretlint recommend preset and the suite's own rules in secret-rules.json); secrets referenced from Vault, Nomad variables or secrets files",
            observed, shortfalls);
    }
}

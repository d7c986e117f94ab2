using System.Text.RegularExpressions;

namespace Acceptance.Support.EnvironmentVariables;

/// <summary>
/// One required environment variable of a workload, as the target writes it:
/// <c>job ml-training-nightly: LOG_LEVEL</c> (present and not empty) or <c>service pushgateway: LOG_LEVEL =~ ^(info|warn|error)$</c>
/// (present and matching the regular expression). <c>job</c> names a Nomad job (every task of it), <c>service</c> a compose service.
/// </summary>
/// <param name="Entry">The entry as written.</param>
/// <param name="Kind">job or service.</param>
/// <param name="Workload">The job ID or the compose service.</param>
/// <param name="Name">The variable.</param>
/// <param name="Pattern">The value's pattern (null: any non-empty value).</param>
public sealed partial record EnvRequirement(string Entry, string Kind, string Workload, string Name, Regex? Pattern)
{
    /// <summary>Parses one entry; a malformed one throws <see cref="FormatException"/> naming it and why.</summary>
    public static EnvRequirement Parse(string entry)
    {
        var m = Shape().Match(entry);
        if (!m.Success)
            throw new FormatException($"'{entry}' is not '<job|service> NAME: VARIABLE' or '<job|service> NAME: VARIABLE =~ REGEX'");
        Regex? pattern = null;
        if (m.Groups["re"].Success)
        {
            try { pattern = new Regex(m.Groups["re"].Value, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)); }
            catch (ArgumentException e) { throw new FormatException($"'{entry}': the pattern is not a regular expression: {e.Message}"); }
        }
        return new EnvRequirement(entry, m.Groups["kind"].Value, m.Groups["workload"].Value, m.Groups["name"].Value, pattern);
    }

    /// <summary>Every entry parsed; the problems of all malformed ones in one exception.</summary>
    public static IReadOnlyList<EnvRequirement> ParseAll(IReadOnlyList<string> entries, string key)
    {
        var list = new List<EnvRequirement>();
        var problems = new List<string>();
        foreach (var e in entries)
        {
            try { list.Add(Parse(e)); }
            catch (FormatException f) { problems.Add($"{key}: {f.Message}"); }
        }
        return problems.Count == 0 ? list : throw new Outcomes.EnvironmentProblemException(string.Join("; ", problems));
    }

    /// <summary>"job ml-training-nightly" / "service pushgateway".</summary>
    public string Owner => $"{Kind} {Workload}";

    [GeneratedRegex(@"^\s*(?<kind>job|service)\s+(?<workload>[^:\s]+)\s*:\s*(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*(?:=~\s*(?<re>.+?))?\s*$")]
    private static partial Regex Shape();
}

/// <summary>The environment of one place a workload runs: a Nomad task or a container, with its variables.</summary>
/// <param name="Kind">job or service.</param>
/// <param name="Workload">The job ID or the compose service.</param>
/// <param name="Place">"Nomad job J, group G, task T" or "container C".</param>
/// <param name="Variables">Its environment.</param>
public sealed record WorkloadEnvironment(string Kind, string Workload, string Place, IReadOnlyDictionary<string, string> Variables);

using Acceptance.Support.Checks;

namespace Acceptance.Support.EnvironmentVariables;

/// <summary>APP-EV-1/2/3 and SEC-SM-2 rules: pure functions of the required variables and the deployed environments.</summary>
public static class EnvRules
{
    /// <summary>
    /// Every required variable is present (not empty) in every place its workload runs (APP-EV-1), and, with <paramref name="checkPatterns"/>,
    /// its value matches the pattern (APP-EV-2, or APP-EV-3 for the production-specific list). A workload that runs nowhere is a
    /// shortfall: its variables cannot be checked. Values are never shown (a variable may hold a secret): only names and whether they match.
    /// </summary>
    public static Verdict Satisfied(string line, string key, IReadOnlyList<EnvRequirement> required, IReadOnlyList<WorkloadEnvironment> deployed, bool checkPatterns)
    {
        var shortfalls = new List<string>();
        var observed = new List<string>();
        foreach (var group in required.GroupBy(r => r.Owner))
        {
            var places = deployed.Where(d => $"{d.Kind} {d.Workload}" == group.Key).ToList();
            if (places.Count == 0) { shortfalls.Add($"{group.Key}: not deployed (no Nomad task or container runs it), so its environment cannot be checked"); continue; }
            foreach (var place in places)
                foreach (var r in group)
                {
                    if (!place.Variables.TryGetValue(r.Name, out var value) || value.Length == 0)
                        shortfalls.Add($"{place.Place}: {r.Name} is missing");
                    else if (checkPatterns && r.Pattern is { } p && !p.IsMatch(value))
                        shortfalls.Add($"{place.Place}: {r.Name} does not match {p} (value not shown)");
                    else observed.Add($"{place.Place}: {r.Name} {(checkPatterns && r.Pattern is not null ? "matches" : "set")}");
                }
        }
        if (required.Count == 0) shortfalls.Add($"{key} lists nothing: nothing to judge");
        return Verdict.From($"{line}: the required environment variables ({key}) are {(checkPatterns ? "set to valid values" : "present")} in every place their workload runs",
            checkPatterns ? "every variable present and matching its pattern" : "every variable present and not empty",
            observed.Count == 0 ? "no variable checked" : string.Join("; ", observed), shortfalls);
    }
}

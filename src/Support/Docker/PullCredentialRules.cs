using Acceptance.Support.Checks;

namespace Acceptance.Support.Docker;

/// <summary>How the engine's client logs in to one registry the workloads pull from.</summary>
/// <param name="Registry">host[:port].</param>
/// <param name="How">How the client configuration authenticates there (null: it does not).</param>
/// <param name="LoginStatus">GET /v2/ with that login: its status (null: not tried, e.g. a credential helper, or not the declared registry).</param>
public sealed record RegistryLogin(string Registry, string? How, int? LoginStatus);

/// <summary>APP-DI-4 rules.</summary>
public static class PullCredentialRules
{
    /// <summary>Every registry the workloads pull from has a login in the client configuration, and each login that was tried is accepted (200).</summary>
    public static Verdict ConfiguredAndWorking(IReadOnlyList<RegistryLogin> logins, string configFile)
    {
        var shortfalls = new List<string>();
        foreach (var l in logins)
        {
            if (l.How is null) shortfalls.Add($"{l.Registry}: {configFile} holds no login, credential helper or store for it");
            else if (l.LoginStatus is { } s && s != 200) shortfalls.Add($"{l.Registry}: the login ({l.How}) is refused: GET /v2/ answered {s}");
        }
        if (logins.Count == 0) shortfalls.Add("no workload image names a registry: nothing shows where images are pulled from");
        var observed = string.Join("; ", logins.Select(l => $"{l.Registry}: {l.How ?? "no login"}{(l.LoginStatus is { } s ? $", GET /v2/ with it → {s}" : "")}"));
        return Verdict.From("pull credentials are configured where images are pulled (services.docker.config_dir) and they work",
            "a login for every registry the workloads pull from, accepted by the registry", observed.Length > 0 ? observed : "no registries", shortfalls);
    }
}

using System.Text.Json;
using Acceptance.Support.Checks;
using Acceptance.Support.Outcomes;

namespace Acceptance.Support.Grafana;

/// <summary>Grafana access control (SEC-AC-3) and admin MFA through the identity provider (SEC-AC-5).</summary>
public static class GrafanaAccessRules
{
    private static readonly string[] Ranks = ["None", "Viewer", "Editor", "Admin"];

    // A role Grafana may name that is not a basic role counts as the highest: it is not known to be less.
    private static int Rank(string role) => Array.FindIndex(Ranks, r => r.Equals(role, StringComparison.OrdinalIgnoreCase)) is var i and >= 0 ? i : Ranks.Length;

    /// <summary>Every anonymous call is refused (401/403), and the frontend settings do not say anonymous access is on.</summary>
    public static Verdict AnonymousDisabled(IReadOnlyList<AnonymousAnswer> answers) => Verdict.From(
        "Grafana refuses callers without credentials ([auth.anonymous] enabled = false)",
        "401 (or 403) for an anonymous GET of /api/frontend/settings and /api/search",
        string.Join("; ", answers),
        answers.Where(a => a.Status is not (401 or 403)).Select(a =>
            $"anonymous GET /{a.Path} answered {a.Status}{(a.AnonymousEnabled == true ? ": anonymousEnabled is true, anonymous access is ON" : ": anonymous access is ON")}"));

    /// <summary>The default admin/admin login is refused.</summary>
    public static Verdict DefaultLoginRefused(int status) => Verdict.When(status is < 200 or >= 300,
        "Grafana refuses its default login admin/admin (the initial admin password was changed)",
        "POST /login as admin with password 'admin' is refused (401)",
        $"POST /login as admin/admin → {status}",
        $"admin/admin logs in (HTTP {status}): the default admin password was never changed");

    /// <summary>The suite's own account holds no more than services.grafana.suite_role and is no Grafana server admin.</summary>
    public static Verdict SuiteRoleWithinNeed(SuiteIdentity suite, GrafanaOptions grafana)
    {
        var shortfalls = new List<string>();
        if (Rank(suite.Role) > Rank(grafana.SuiteRole)) shortfalls.Add($"the suite's account {suite.Login} is {suite.Role}, more than services.grafana.suite_role {grafana.SuiteRole}");
        if (suite.IsGrafanaAdmin) shortfalls.Add($"the suite's account {suite.Login} is a Grafana server admin: no check needs that");
        return Verdict.From("the suite's own Grafana account holds no more than the role its checks need (services.grafana.suite_role), and is no server admin",
            $"org role at most {grafana.SuiteRole}; isGrafanaAdmin false", suite.ToString(), shortfalls);
    }

    /// <summary>Every enabled user and service account holds at most the role services.grafana.allowed_roles allows it.</summary>
    public static Verdict AccountsWithinAllowedRoles(IReadOnlyList<GrafanaAccount> accounts, IReadOnlyDictionary<string, string> allowed)
    {
        var fallback = allowed.GetValueOrDefault("*", "Viewer");
        string Max(GrafanaAccount a) => allowed.GetValueOrDefault(a.Login) ?? allowed.GetValueOrDefault(a.Name) ?? fallback;
        return Verdict.From(
            "every Grafana user and service account holds at most the org role services.grafana.allowed_roles allows it",
            $"[{string.Join(", ", allowed.Select(kv => $"{kv.Key}: at most {kv.Value}"))}]{(allowed.ContainsKey("*") ? "" : $"; every other account at most {fallback}")}; disabled accounts are not judged",
            string.Join("; ", accounts),
            accounts.Where(a => !a.IsDisabled && Rank(a.Role) > Rank(Max(a)))
                .Select(a => $"{(a.IsServiceAccount ? "service account" : "user")} {a.Login} is {a.Role}, allowed at most {Max(a)}"));
    }

    /// <summary>services.grafana.allowed_roles as login → highest role; a malformed entry is an environment problem naming it.</summary>
    public static IReadOnlyDictionary<string, string> ParseAllowedRoles(IReadOnlyList<string> entries)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var i = entry.LastIndexOf(':');
            var role = i > 0 ? entry[(i + 1)..].Trim() : "";
            if (i <= 0 || Array.IndexOf(Ranks, role) < 0)
                throw new EnvironmentProblemException($"services.grafana.allowed_roles: '{entry}' is not \"login: Role\" with Role one of {string.Join(", ", Ranks)}");
            map[entry[..i].Trim()] = role;
        }
        return map;
    }

    /// <summary>
    /// SEC-AC-5, the part Grafana shows: logins go through services.grafana.mfa_provider (auth.&lt;provider&gt; enabled) and no
    /// password path goes around it (the login form disabled, basic auth off). That the provider enforces MFA is the provider's
    /// setting, not Grafana's: it is attested.
    /// </summary>
    public static Verdict AdminLoginsThroughMfaProvider(JsonElement settings, string provider)
    {
        string Setting(string section, string key) =>
            settings.TryGetProperty(section, out var s) && s.ValueKind == JsonValueKind.Object && s.TryGetProperty(key, out var v) ? v.ToString() : "(not set)";
        var section = $"auth.{provider}";
        var enabled = Setting(section, "enabled");
        var loginForm = Setting("auth", "disable_login_form");
        var basic = Setting("auth.basic", "enabled");
        var shortfalls = new List<string>();
        if (!enabled.Equals("true", StringComparison.OrdinalIgnoreCase)) shortfalls.Add($"[{section}] enabled is {enabled}: logins do not go through {provider}");
        if (!loginForm.Equals("true", StringComparison.OrdinalIgnoreCase)) shortfalls.Add($"[auth] disable_login_form is {loginForm}: a local password login goes around {provider}'s MFA");
        if (!basic.Equals("false", StringComparison.OrdinalIgnoreCase)) shortfalls.Add($"[auth.basic] enabled is {basic}: the API takes a user's password without MFA");
        return Verdict.From(
            "Grafana admins log in only through the MFA-enforcing identity provider services.grafana.mfa_provider (that the provider enforces MFA is attested, not read from Grafana)",
            $"[{section}] enabled = true; [auth] disable_login_form = true; [auth.basic] enabled = false",
            $"[{section}] enabled = {enabled}; [auth] disable_login_form = {loginForm}; [auth.basic] enabled = {basic}",
            shortfalls);
    }
}

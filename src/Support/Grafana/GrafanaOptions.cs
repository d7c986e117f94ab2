using Acceptance.Support.Configuration;

namespace Acceptance.Support.Grafana;

/// <summary>services.grafana: the Grafana HTTP API (token: a service-account token) and its access policy (SEC-AC-3, SEC-AC-5).</summary>
public sealed record GrafanaOptions : ServiceEndpoint
{
    /// <summary>The highest org role the suite's own account may hold.</summary>
    [Option("suite_role", "the highest org role the suite's account may hold (what its checks need); more fails SEC-AC-3", OneOf = "None,Viewer,Editor,Admin")]
    public string SuiteRole { get; init; } = "Viewer";

    /// <summary>"login: Role" entries: the highest org role each account may hold; "*: Role" for every other account.</summary>
    [Option("allowed_roles", "the highest org role per account, as \"login: Role\" (users and service accounts); \"*: Role\" for every other account (default Viewer)")]
    public IReadOnlyList<string> AllowedRoles { get; init; } = [];

    /// <summary>Try Grafana's default admin/admin login (one failed login per run: counts towards Grafana's brute-force lock of "admin").</summary>
    [Option("check_default_login", "try the default admin/admin login once per run (a refused attempt counts towards Grafana's login lock-out of admin)")]
    public bool CheckDefaultLogin { get; init; } = true;

    /// <summary>The identity provider admin logins must go through, as Grafana's section auth.&lt;provider&gt; names it.</summary>
    [Option("mfa_provider", "the SSO provider that enforces MFA for admin logins, as Grafana's auth.<provider> section names it (generic_oauth, azuread, okta, google, gitlab, github, jwt, ldap)")]
    public string? MfaProvider { get; init; }
}

using System.Text;
using System.Text.Json;
using Acceptance.Support.Evidence;
using Acceptance.Support.Http;
using Acceptance.Support.Outcomes;

namespace Acceptance.Support.Grafana;

/// <summary>What Grafana answered a caller without credentials.</summary>
public sealed record AnonymousAnswer(string Path, int Status, bool? AnonymousEnabled)
{
    /// <inheritdoc />
    public override string ToString() => $"anonymous GET /{Path} → {Status}{(AnonymousEnabled is { } a ? $" (anonymousEnabled {a.ToString().ToLowerInvariant()})" : "")}";
}

/// <summary>An account of the org (a user or a service account) and its org role.</summary>
public sealed record GrafanaAccount(string Login, string Name, string Role, bool IsServiceAccount, bool IsDisabled)
{
    /// <inheritdoc />
    public override string ToString() => $"{(IsServiceAccount ? "service account" : "user")} {Login} {Role}{(IsDisabled ? " (disabled)" : "")}";
}

/// <summary>The account behind the suite's own token.</summary>
public sealed record SuiteIdentity(string Login, string Role, bool IsGrafanaAdmin)
{
    /// <inheritdoc />
    public override string ToString() => $"{Login}: org role {Role}{(IsGrafanaAdmin ? ", Grafana server admin" : "")}";
}

/// <summary>
/// Grafana's access control seen from outside: anonymous calls, the default admin/admin login, the suite's own role, the
/// org's users and service accounts with their roles, and the auth settings (server admins only). Grafana's HTTP API:
/// /api/frontend/settings, /api/search, POST /login, /api/user, /api/user/orgs, /api/org/users, /api/serviceaccounts/search,
/// /api/admin/settings.
/// </summary>
public sealed class GrafanaAccessProbe(GrafanaClient client, EvidenceLog evidence)
{
    /// <summary>Anonymous GET of the frontend settings and the dashboard search: 401 when anonymous access is off.</summary>
    public async Task<IReadOnlyList<AnonymousAnswer>> AnonymousAsync(CancellationToken ct = default)
    {
        var answers = new List<AnonymousAnswer>();
        foreach (var path in new[] { "api/frontend/settings", "api/search?limit=1" })
        {
            var x = await client.Http.SendAsync(HttpMethod.Get, path, authenticate: false, ct: ct);
            if (x.StatusCode >= 500) throw ServiceResponseException.For(x);
            bool? enabled = null;
            if (x.IsSuccess && path.StartsWith("api/frontend") && x.Body.TrimStart().StartsWith('{') &&
                x.Json().TryGetProperty("anonymousEnabled", out var a) && a.ValueKind is JsonValueKind.True or JsonValueKind.False)
                enabled = a.GetBoolean();
            answers.Add(new AnonymousAnswer(path, x.StatusCode, enabled));
        }
        return answers;
    }

    /// <summary>
    /// One login through the login form's API (POST /login) as admin with Grafana's default password "admin": the status. A session
    /// it opens is closed again (GET /logout). The request is not recorded (its body is a password, if a public one).
    /// </summary>
    public async Task<int> DefaultAdminLoginAsync(bool allowed, CancellationToken ct = default)
    {
        if (!allowed) throw new NotVerifiedException("services.grafana.check_default_login is false: the default admin/admin login is not tried on this target.");
        var body = new StringContent("{\"user\":\"admin\",\"password\":\"admin\"}", Encoding.UTF8, "application/json");
        var x = await client.Http.SendAsync(HttpMethod.Post, "login", body, authenticate: false, record: false, ct: ct);
        evidence.Note($"Grafana POST {x.Url} as admin with the default password 'admin' → {x.StatusCode} ({HttpExchange.Truncate(x.Body.Trim(), 120)})");
        if (x.StatusCode >= 500) throw ServiceResponseException.For(x);
        if (x.IsSuccess && x.Header("Set-Cookie") is { } cookie && cookie.Split(';')[0] is var session && session.StartsWith("grafana_session="))
        {
            var logout = await client.Http.SendAsync(HttpMethod.Get, "logout", authenticate: false, headers: new Dictionary<string, string> { ["Cookie"] = session }, record: false, ct: ct);
            evidence.Note($"Grafana GET /logout with the session the default login opened → {logout.StatusCode}");
        }
        return x.StatusCode;
    }

    /// <summary>The suite's own account: /api/user (login, server admin) and /api/user/orgs (its role in its org).</summary>
    public async Task<SuiteIdentity> SuiteAsync(CancellationToken ct = default)
    {
        var user = (await client.Http.GetOkAsync("api/user", ct)).Json();
        var orgId = user.TryGetProperty("orgId", out var o) && o.TryGetInt64(out var id) ? id : 1;
        var orgs = (await client.Http.GetOkAsync("api/user/orgs", ct)).Json();
        var role = orgs.EnumerateArray().Where(e => e.TryGetProperty("orgId", out var oi) && oi.GetInt64() == orgId)
            .Select(e => Str(e, "role")).FirstOrDefault() ?? "None";
        var identity = new SuiteIdentity(Str(user, "login"), role, user.TryGetProperty("isGrafanaAdmin", out var ga) && ga.ValueKind == JsonValueKind.True);
        evidence.Note($"Grafana: the suite's token is {identity}");
        return identity;
    }

    /// <summary>Every user (/api/org/users) and service account (/api/serviceaccounts/search) of the org; NOT VERIFIED when the token may not list them.</summary>
    public async Task<IReadOnlyList<GrafanaAccount>> AccountsAsync(CancellationToken ct = default)
    {
        var users = await ListAsync("api/org/users", "org.users:read", ct);
        var sas = await ListAsync("api/serviceaccounts/search?perpage=1000", "serviceaccounts:read", ct);
        var accounts = users.EnumerateArray().Select(u => new GrafanaAccount(Str(u, "login"), Str(u, "name"), Str(u, "role"), false, Bool(u, "isDisabled")))
            .Concat(sas.GetProperty("serviceAccounts").EnumerateArray().Select(s => new GrafanaAccount(Str(s, "login"), Str(s, "name"), Str(s, "role"), true, Bool(s, "isDisabled"))))
            .ToList();
        evidence.Note($"Grafana accounts: {string.Join("; ", accounts)}");
        return accounts;
    }

    /// <summary>/api/admin/settings (settings:read, a Grafana server-admin permission); NOT VERIFIED when the token may not read it.</summary>
    public async Task<JsonElement> AdminSettingsAsync(string why, CancellationToken ct = default)
    {
        var x = await client.Http.SendAsync(HttpMethod.Get, "api/admin/settings", ct: ct);
        if (x.StatusCode is 401 or 403)
            throw new NotVerifiedException($"Grafana answered {x.StatusCode} to the suite's token for /api/admin/settings (settings:read is a Grafana server-admin " +
                $"permission, which a service account cannot hold): {why}");
        return x.IsSuccess ? x.Json() : throw ServiceResponseException.For(x);
    }

    private async Task<JsonElement> ListAsync(string path, string permission, CancellationToken ct)
    {
        var x = await client.Http.SendAsync(HttpMethod.Get, path, ct: ct);
        if (x.StatusCode == 403)
            throw new NotVerifiedException($"Grafana answered 403 to the suite's token for /{path} ({permission}, an org Admin permission): the accounts and their roles cannot be listed; give the suite's service account that permission or attest SEC-AC-3");
        return x.IsSuccess ? x.Json() : throw ServiceResponseException.For(x);
    }

    private static string Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";

    private static bool Bool(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;
}

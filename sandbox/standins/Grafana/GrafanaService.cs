using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using StandIns.Core;

namespace StandIns.Grafana;

/// <summary>
/// Grafana stand-in: auth (server-admin basic auth, service-account bearer token, roles), one provisioned
/// Prometheus datasource that really queries the sandbox Prometheus, provisioned dashboards and alert rules.
/// </summary>
public sealed class GrafanaService : IStandInService
{
    private enum Role { None = 0, Viewer = 1, Editor = 2, Admin = 3 }
    private sealed record Identity(long Id, string Login, string Name, Role Role, bool ServerAdmin, bool ServiceAccount, bool Anonymous = false);

    private const string DsUid = "prometheus";
    private const string FolderUid = "ml-platform";
    private const string FolderTitle = "ML Platform";
    private readonly SandboxState _s;
    private readonly string _promUrl;
    private readonly List<JsonObject> _dashboards = new();
    private readonly JsonArray _alertRules;
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    private readonly Identity _admin = new(1, "admin", "admin", Role.Admin, true, false);
    private readonly Identity _sa = new(2, "sa-1-acceptance", "acceptance", Role.Admin, false, true);
    // [auth.anonymous] enabled = true, org_role = Viewer (the fault grafana.anonymous): a caller without credentials is this.
    private readonly Identity _anonymous = new(0, "", "Anonymous", Role.Viewer, false, false, Anonymous: true);

    // grafana.anonymous: [auth.anonymous] enabled; grafana.default-admin: the admin account still has Grafana's default password "admin".
    private bool AnonymousEnabled => _s.Fault("grafana.anonymous");
    private string AdminPassword => _s.Fault("grafana.default-admin") ? "admin" : _s.Secrets.GrafanaAdminPassword;
    private long _requests;

    public GrafanaService(SandboxState s)
    {
        _s = s;
        _promUrl = (s.Options.PrometheusUrl ?? $"https://{s.Ports.Host}:{s.Ports.Port("PROMETHEUS_PORT")}").TrimEnd('/');
        var dir = s.Options.GrafanaDir ?? Path.Combine(AppContext.BaseDirectory, "grafana-provisioning");
        var dashDir = Path.Combine(dir, "dashboards");
        var id = 2;
        if (Directory.Exists(dashDir))
            foreach (var f in Directory.GetFiles(dashDir, "*.json").OrderBy(x => x, StringComparer.Ordinal))
            {
                var d = JsonNode.Parse(File.ReadAllText(f))!.AsObject();
                d["id"] = id++;
                d["__file"] = Path.GetFileName(f);
                _dashboards.Add(d);
            }
        var rules = Path.Combine(dir, "alert-rules.json");
        _alertRules = File.Exists(rules) ? JsonNode.Parse(File.ReadAllText(rules))!.AsArray() : new JsonArray();
    }

    public void Dispose() { }

    private bool DsUnhealthy => _s.Fault("grafana.datasource-unhealthy");

    // ---------------------------------------------------------------- dispatch

    public async Task HandleAsync(HttpContext ctx)
    {
        Interlocked.Increment(ref _requests);
        var path = (ctx.Request.Path.Value ?? "/").TrimEnd('/');
        if (path == "") path = "/";
        var m = ctx.Request.Method;
        var seg = Http.Segments(ctx);
        switch (path)
        {
            case "/api/health":
                await Http.Json(ctx, new { commit = "standin", database = "ok", version = StandInHost.GrafanaVersion });
                return;
            case "/login" when m == "POST":
                await Login(ctx);
                return;
            case "/logout":
                ctx.Response.Headers.Append("Set-Cookie", "grafana_session=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax");
                ctx.Response.Headers.Location = "/login";
                ctx.Response.StatusCode = 302;
                return;
            case "/" or "/login":
                await Http.Text(ctx, 200, Page(path == "/login"), "text/html; charset=UTF-8");
                return;
            case "/metrics":
                await Metrics(ctx);
                return;
        }
        if (seg.Length >= 2 && seg[0] == "d" && IsGet(m))
        {
            // A dashboard page: like Grafana, a visitor without a valid credential is sent to the login page.
            try { Authenticate(ctx); }
            catch (GrafanaJsonError) { ctx.Response.Redirect("/login?redirect=" + Uri.EscapeDataString(ctx.Request.Path + ctx.Request.QueryString)); return; }
            await GrafanaUi.Dashboard(ctx, seg[1]);
            return;
        }
        if (seg.Length == 0 || seg[0] != "api") { await Http.Json(ctx, 404, new { message = "Not found" }); return; }

        var who = Authenticate(ctx);
        var a = seg.Length > 1 ? seg[1] : "";
        switch (a)
        {
            case "frontend" when seg.Length == 3 && seg[2] == "settings" && IsGet(m):
                await Http.Json(ctx, new { anonymousEnabled = AnonymousEnabled, disableLoginForm = false, oauth = new { }, authProxyEnabled = false, ldapEnabled = false,
                    appSubUrl = "", buildInfo = new { version = StandInHost.GrafanaVersion, commit = "standin", edition = "Open Source", env = "production" } });
                return;
            case "user" when seg.Length == 3 && seg[2] == "orgs" && IsGet(m):
                NoAnonymous(who);
                await Http.Json(ctx, new[] { new { orgId = 1, name = "Main Org.", role = who.Role.ToString() } });
                return;
            case "user" when seg.Length == 2:
                NoAnonymous(who);
                await Http.Json(ctx, new { id = who.Id, uid = "u" + who.Id, email = who.ServiceAccount ? "" : "admin@localhost", name = who.Name, login = who.Login, theme = "", orgId = 1, isGrafanaAdmin = who.ServerAdmin, isDisabled = false, isExternal = false, authLabels = Array.Empty<string>() });
                return;
            case "org" when seg.Length == 2:
                Need(who, Role.Viewer, "orgs:read");
                await Http.Json(ctx, new { id = 1, name = "Main Org.", address = new { address1 = "", address2 = "", city = "", zipCode = "", state = "", country = "" } });
                return;
            case "org" when seg.Length == 3 && seg[2] == "users":
                Need(who, Role.Admin, "org.users:read");
                await Http.Json(ctx, OrgUsers());
                return;
            case "users":
                NeedServerAdmin(who, "users:read");
                await Http.Json(ctx, new[] { new { id = 1, uid = "u1", name = "admin", login = "admin", email = "admin@localhost", avatarUrl = "/avatar/46d229b033af06a191ff2267bca9ae56", isAdmin = true, isDisabled = false, lastSeenAt = Http.Rfc3339(DateTimeOffset.UtcNow), lastSeenAtAge = "< 1 minute", authLabels = Array.Empty<string>() } });
                return;
            case "admin" when seg.Length == 3 && seg[2] == "settings":
                NeedServerAdmin(who, "settings:read");
                await Http.Json(ctx, Settings());
                return;
            // Service accounts and their tokens (Grafana 9+: serviceaccounts:read, org Admin). The sandbox's one service account
            // holds the suite's token, created when Grafana started and never expiring, as `grafana.token` is made;
            // grafana.token-old makes it 400 days old.
            case "serviceaccounts" when seg.Length == 3 && seg[2] == "search" && IsGet(m):
                Need(who, Role.Admin, "serviceaccounts:read");
                await Http.Json(ctx, new { totalCount = 1, page = 1, perPage = 1000, serviceAccounts = new[] { new { id = _sa.Id, name = _sa.Name, login = _sa.Login, orgId = 1, isDisabled = false, role = "Admin", tokens = 1 } } });
                return;
            case "serviceaccounts" when seg.Length == 4 && seg[3] == "tokens" && IsGet(m):
                Need(who, Role.Admin, "serviceaccounts:read");
                if (seg[2] != _sa.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)) { await Http.Json(ctx, 404, new { message = "service account not found" }); return; }
                var created = _s.Fault("grafana.token-old") ? DateTimeOffset.UtcNow.AddDays(-400) : _started;
                await Http.Json(ctx, new[] { new { id = 1, name = "acceptance", created = created.ToString("yyyy-MM-ddTHH:mm:ssZ"), lastUsedAt = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"), expiration = (string?)null, secondsUntilExpiration = (long?)null, hasExpired = false, isRevoked = false } });
                return;
            case "orgs":
                NeedServerAdmin(who, "orgs:read");
                await Http.Json(ctx, new[] { new { id = 1, name = "Main Org." } });
                return;
            case "datasources" when seg.Length == 2 && IsGet(m):
                Need(who, Role.Admin, "datasources:read");
                await Http.Json(ctx, new[] { DatasourceListItem() });
                return;
            case "datasources" when seg.Length == 4 && seg[2] is "uid" or "name" && IsGet(m):
                Need(who, Role.Admin, "datasources:read");
                if (!(seg[2] == "uid" ? seg[3] == DsUid : seg[3] == "Prometheus")) { await Http.Json(ctx, 404, new { message = "Data source not found" }); return; }
                await Http.Json(ctx, Datasource());
                return;
            case "datasources" when seg.Length == 5 && seg[2] == "uid" && seg[4] == "health" && IsGet(m):
                Need(who, Role.Viewer, "datasources:query");
                if (seg[3] != DsUid) { await Http.Json(ctx, 404, new { message = "Data source not found" }); return; }
                await DatasourceHealth(ctx);
                return;
            case "ds" when seg.Length == 3 && seg[2] == "query" && m == "POST":
                Need(who, Role.Viewer, "datasources:query");
                await DsQuery(ctx);
                return;
            case "search" when IsGet(m):
                Need(who, Role.Viewer, "dashboards:read");
                await Http.Json(ctx, Search(ctx));
                return;
            case "folders" when IsGet(m) && seg.Length == 2:
                Need(who, Role.Viewer, "folders:read");
                await Http.Json(ctx, new[] { new { id = 1, uid = FolderUid, title = FolderTitle } });
                return;
            case "dashboards" when seg.Length == 3 && seg[2] == "db" && m == "POST":
                Need(who, Role.Editor, "dashboards:write");
                await SaveDashboard(ctx);
                return;
            case "dashboards" when seg.Length == 4 && seg[2] == "uid" && IsGet(m):
                Need(who, Role.Viewer, "dashboards:read");
                await DashboardByUid(ctx, seg[3]);
                return;
            case "v1" when seg.Length >= 4 && seg[2] == "provisioning" && seg[3] == "alert-rules" && IsGet(m):
                Need(who, Role.Editor, "alert.provisioning:read");
                if (seg.Length == 4) { await Http.Json(ctx, _alertRules); return; }
                var rule = _alertRules.OfType<JsonObject>().FirstOrDefault(r => r["uid"]?.ToString() == seg[4]);
                if (rule == null) { ctx.Response.StatusCode = 404; return; }
                await Http.Json(ctx, rule);
                return;
        }
        await Http.Json(ctx, 404, new { message = "Not found" });
    }

    private static bool IsGet(string m) => m is "GET" or "HEAD";

    // ---------------------------------------------------------------- auth

    private Identity Authenticate(HttpContext ctx)
    {
        var auth = ctx.Request.Headers.Authorization.ToString();
        if (auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var t = auth[7..].Trim();
            if (t == _s.Secrets.GrafanaToken) return _sa;
            throw Unauthorized("Invalid API key", "api-key.invalid");
        }
        if (auth.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            string decoded;
            try { decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth[6..].Trim())); }
            catch (FormatException) { throw Unauthorized("Invalid Basic Auth Header", "auth.unauthorized"); }
            var i = decoded.IndexOf(':');
            if (i > 0 && decoded[..i] == "admin" && decoded[(i + 1)..] == AdminPassword) return _admin;
            if (i > 0 && decoded[..i] == "api_key" && decoded[(i + 1)..] == _s.Secrets.GrafanaToken) return _sa;
            throw Unauthorized("Invalid username or password", "password-auth.failed");
        }
        if (auth.Length == 0 && AnonymousEnabled) return _anonymous;
        throw Unauthorized("Unauthorized", "auth.unauthorized");
    }

    // reqSignedInNoAnonymous (/api/user/...): an anonymous caller is refused even when anonymous access is on.
    private static void NoAnonymous(Identity who)
    {
        if (who.Anonymous) throw Unauthorized("Unauthorized", "auth.unauthorized");
    }

    // POST /login {"user","password"} (the login form's API): 200 {"message":"Logged in"} with a session cookie, or 401.
    private async Task Login(HttpContext ctx)
    {
        var body = await Http.BodyJson(ctx);
        var user = body?["user"]?.ToString() ?? "";
        var password = body?["password"]?.ToString() ?? "";
        if (user == "admin" && password == AdminPassword)
        {
            ctx.Response.Headers.Append("Set-Cookie", $"grafana_session={Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant()}; Path=/; HttpOnly; Secure; SameSite=Lax");
            await Http.Json(ctx, new { message = "Logged in", redirectUrl = "/" });
            return;
        }
        await Http.Json(ctx, 401, new { message = "Invalid username or password", messageId = "password-auth.failed", statusCode = 401, traceID = "" });
    }

    private static GrafanaJsonError Unauthorized(string msg, string id) => new(401, new { extra = (object?)null, message = msg, messageId = id, statusCode = 401, traceID = "" });

    private static void Need(Identity who, Role min, string permission)
    {
        if (who.Role < min) throw Forbidden(permission);
    }

    private static void NeedServerAdmin(Identity who, string permission)
    {
        if (!who.ServerAdmin) throw Forbidden(permission);
    }

    private static GrafanaJsonError Forbidden(string permission) => new(403, new
    {
        accessErrorId = "ACE" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999),
        message = $"You'll need additional permissions to perform this action. Permissions needed: {permission}",
        title = "Access denied",
    });

    // ---------------------------------------------------------------- pages / metrics / settings

    private static string Page(bool login) => $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><title>Grafana</title><meta name="generator" content="grafana-standin {{StandInHost.GrafanaVersion}}"></head>
        <body>
        <div id="reactRoot">
        <h1>Grafana</h1>
        <p>Sandbox stand-in {{StandInHost.GrafanaVersion}} (not a real Grafana server).</p>
        {{(login ? "<form method=\"post\" action=\"/login\"><label>Email or username <input name=\"user\"></label><label>Password <input name=\"password\" type=\"password\"></label><button type=\"submit\">Log in</button></form>" : "<a href=\"/login\">Log in</a>")}}
        </div>
        </body>
        </html>
        """;

    private Task Metrics(HttpContext ctx)
    {
        var t = new PromText();
        t.Metric("grafana_build_info", "gauge", "A metric with a constant '1' value labeled by version, revision, branch, and goversion from which Grafana was built",
            1, ("branch", "standin"), ("edition", "oss"), ("goversion", "dotnet"), ("revision", "standin"), ("version", StandInHost.GrafanaVersion));
        t.Metric("grafana_stat_totals_dashboard", "gauge", "total amount of dashboards", _dashboards.Count);
        t.Metric("grafana_stat_total_users", "gauge", "total amount of users", 1);
        t.Metric("grafana_stat_totals_datasource", "gauge", "total number of defined datasources, labeled by pluginId", 1, ("plugin_id", "prometheus"));
        t.Metric("grafana_alerting_rule_group_rules", "gauge", "The number of rules.", _alertRules.Count, ("org", "1"), ("rule_group", "ml-platform"));
        t.Metric("grafana_http_request_total", "counter", "http requests served (stand-in)", Interlocked.Read(ref _requests));
        PromText.AddProcessMetrics(t, "grafana_");
        return Http.Text(ctx, 200, t.ToString(), "text/plain; version=0.0.4; charset=utf-8");
    }

    private JsonNode Settings()
    {
        using var stream = typeof(GrafanaService).Assembly.GetManifestResourceStream("grafana-settings.template.json")!;
        var o = JsonNode.Parse(stream)!.AsObject();
        void Set(string section, string key, string value)
        {
            if (o[section] is not JsonObject sec) o[section] = sec = new JsonObject();
            sec[key] = value;
        }
        var tls = Path.Combine(_s.StateDir, "tls");
        Set("server", "protocol", "https"); Set("server", "http_addr", _s.Ports.Host); Set("server", "http_port", _s.Options.Port.ToString());
        Set("server", "domain", "localhost"); Set("server", "cert_file", Path.Combine(tls, "grafana.pem")); Set("server", "cert_key", Path.Combine(tls, "grafana.key"));
        Set("server", "root_url", $"https://localhost:{_s.Options.Port}/");
        Set("auth.anonymous", "enabled", AnonymousEnabled ? "true" : "false"); Set("auth.basic", "enabled", "true");
        Set("auth", "disable_login_form", "false");
        Set("security", "admin_user", "admin"); Set("security", "admin_password", "************"); Set("security", "secret_key", "************");
        Set("security", "cookie_secure", "true"); Set("security", "disable_initial_admin_creation", "false");
        Set("database", "type", "sqlite3"); Set("database", "path", "grafana.db"); Set("database", "host", "127.0.0.1:3306"); Set("database", "password", "************");
        Set("paths", "data", Path.Combine(_s.StateDir, "volumes", "grafana-data")); Set("paths", "logs", Path.Combine(_s.StateDir, "logs"));
        Set("paths", "provisioning", Path.Combine(AppContext.BaseDirectory, "grafana-provisioning"));
        Set("analytics", "reporting_enabled", "false"); Set("users", "allow_sign_up", "false");
        Set("unified_alerting", "enabled", "true");
        return o;
    }

    private object[] OrgUsers() =>
    [
        new { orgId = 1, userId = 1, uid = "u1", email = "admin@localhost", name = "admin", avatarUrl = "/avatar/46d229b033af06a191ff2267bca9ae56", login = "admin", role = "Admin", lastSeenAt = Http.Rfc3339(DateTimeOffset.UtcNow), lastSeenAtAge = "< 1 minute", accessControl = (object?)null, isDisabled = false, authLabels = Array.Empty<string>(), isExternallySynced = false },
        new { orgId = 1, userId = 3, uid = "u3", email = "ml-oncall@localhost", name = "ML on-call", avatarUrl = "/avatar/0f9ab8c0c6e1a2f1b5ce7bb8e1d5a1f4", login = "ml-oncall", role = "Viewer", lastSeenAt = Http.Rfc3339(_started), lastSeenAtAge = "10 minutes", accessControl = (object?)null, isDisabled = false, authLabels = Array.Empty<string>(), isExternallySynced = false },
    ];

    // ---------------------------------------------------------------- datasource

    private object DatasourceListItem() => new
    {
        id = 1, orgId = 1, uid = DsUid, name = "Prometheus", type = "prometheus", typeName = "Prometheus",
        typeLogoUrl = "public/app/plugins/datasource/prometheus/img/prometheus_logo.svg", access = "proxy", url = _promUrl,
        password = "", user = "", database = "", basicAuth = true, isDefault = true,
        jsonData = new { httpMethod = "POST", timeInterval = "15s", tlsAuthWithCACert = true, prometheusType = "Prometheus" }, readOnly = true,
    };

    private object Datasource() => new
    {
        id = 1, uid = DsUid, orgId = 1, name = "Prometheus", type = "prometheus", typeLogoUrl = "public/app/plugins/datasource/prometheus/img/prometheus_logo.svg",
        access = "proxy", url = _promUrl, password = "", user = "", database = "", basicAuth = true, basicAuthUser = "acceptance", basicAuthPassword = "",
        withCredentials = false, isDefault = true,
        jsonData = new { httpMethod = "POST", timeInterval = "15s", tlsAuthWithCACert = true, prometheusType = "Prometheus" },
        secureJsonFields = new Dictionary<string, bool> { ["basicAuthPassword"] = true, ["tlsCACert"] = true },
        version = 1, readOnly = true, apiVersion = "",
    };

    private HttpClient PromClient()
    {
        var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(3), PooledConnectionLifetime = TimeSpan.Zero };
        var ca = Path.Combine(_s.StateDir, "tls", "ca.pem");
        if (File.Exists(ca))
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(ca);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, errors) =>
            {
                if (errors == System.Net.Security.SslPolicyErrors.None) return true;
                if (cert == null || errors.HasFlag(System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch)) return false;
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(roots);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(new X509Certificate2(cert));
            };
        }
        var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
        var pw = _s.Secrets.Optional("prometheus.password");
        if (pw != null)
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("acceptance:" + pw)));
        return http;
    }

    /// <summary>POST to the Prometheus API (like Grafana with httpMethod POST). Returns data or throws with a Grafana-like message.</summary>
    private async Task<JsonNode> PromApi(string api, Dictionary<string, string> form, CancellationToken ct)
    {
        var url = $"{_promUrl}/api/v1/{api}";
        using var http = PromClient();
        HttpResponseMessage resp;
        try { resp = await http.PostAsync(url, new FormUrlEncodedContent(form), ct); }
        catch (HttpRequestException e) { throw new PromError($"Post \"{url}\": {e.InnerException?.Message ?? e.Message}"); }
        catch (TaskCanceledException) { throw new PromError($"Post \"{url}\": context deadline exceeded"); }
        using (resp)
        {
            var body = await resp.Content.ReadAsStringAsync(ct);
            JsonNode? j = null;
            try { j = JsonNode.Parse(body); } catch (JsonException) { }
            if (!resp.IsSuccessStatusCode || j?["status"]?.ToString() != "success")
                throw new PromError(j?["error"]?.ToString() ?? $"{(int)resp.StatusCode} {resp.ReasonPhrase}: {(body.Length > 200 ? body[..200] : body)}");
            return j!["data"]!;
        }
    }

    private sealed class PromError(string m) : Exception(m);

    private async Task DatasourceHealth(HttpContext ctx)
    {
        if (DsUnhealthy)
        {
            await Http.Json(ctx, 400, new { status = "ERROR", message = "sandbox fault grafana.datasource-unhealthy: There was an error returned querying the Prometheus API.", details = new { } });
            return;
        }
        try
        {
            await PromApi("query", new() { ["query"] = "1+1", ["time"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString() }, ctx.RequestAborted);
            await Http.Json(ctx, new { status = "OK", message = "Successfully queried the Prometheus API.", details = new { } });
        }
        catch (PromError e)
        {
            await Http.Json(ctx, 400, new { status = "ERROR", message = e.Message + " - There was an error returned querying the Prometheus API.", details = new { } });
        }
    }

    private static DateTimeOffset ParseTime(string? s, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(s) || s == "now") return now;
        if (s.StartsWith("now-", StringComparison.Ordinal))
        {
            var num = s[4..^1];
            var unit = s[^1];
            var n = double.Parse(num, CultureInfo.InvariantCulture);
            return now - unit switch { 's' => TimeSpan.FromSeconds(n), 'm' => TimeSpan.FromMinutes(n), 'h' => TimeSpan.FromHours(n), 'd' => TimeSpan.FromDays(n), 'w' => TimeSpan.FromDays(7 * n), _ => throw new HttpError(400, "invalid time " + s) };
        }
        if (long.TryParse(s, out var ms)) return DateTimeOffset.FromUnixTimeMilliseconds(ms);
        return DateTimeOffset.Parse(s, CultureInfo.InvariantCulture);
    }

    /// <summary>Expression of the panel targeted by grafana.panel-error (same argument form as grafana.panel-no-data).</summary>
    private string? ErrorExpr() => _s.Fault("grafana.panel-error") ? PanelExpr("grafana.panel-error") : null;

    /// <summary>Expression of the panel targeted by grafana.panel-no-data ("dashboard-uid/panel-id"; default: first panel of ml-training-overview).</summary>
    private string? NoDataExpr() => _s.Fault("grafana.panel-no-data") ? PanelExpr("grafana.panel-no-data") : null;

    private string? PanelExpr(string fault)
    {
        var arg = _s.FaultArg(fault) ?? "ml-training-overview";
        var parts = arg.Split('/');
        var dash = _dashboards.FirstOrDefault(d => d["uid"]?.ToString() == parts[0]);
        var panels = dash?["panels"]?.AsArray().OfType<JsonObject>().Where(p => p["targets"] is JsonArray { Count: > 0 }).ToList();
        var panel = parts.Length > 1 ? panels?.FirstOrDefault(p => p["id"]?.ToString() == parts[1]) : panels?.FirstOrDefault();
        return panel?["targets"]?[0]?["expr"]?.ToString();
    }

    private async Task DsQuery(HttpContext ctx)
    {
        var req = await Http.BodyJson(ctx) as JsonObject ?? throw new GrafanaJsonError(400, new { message = "bad request data" });
        var queries = req["queries"] as JsonArray ?? throw new GrafanaJsonError(400, new { message = "No queries found" });
        var now = DateTimeOffset.UtcNow;
        var from = ParseTime(req["from"]?.ToString(), now);
        var to = ParseTime(req["to"]?.ToString(), now);
        var noData = NoDataExpr();
        var failing = ErrorExpr();
        var results = new JsonObject();
        var anyError = false;
        foreach (var q in queries.OfType<JsonObject>())
        {
            var refId = q["refId"]?.ToString() ?? "A";
            var uid = q["datasource"]?["uid"]?.ToString() ?? DsUid;
            var expr = q["expr"]?.ToString() ?? "";
            if (uid != DsUid)
            {
                results[refId] = new JsonObject { ["error"] = $"data source not found: {uid}", ["errorSource"] = "downstream", ["status"] = 404 };
                anyError = true;
                continue;
            }
            if (DsUnhealthy)
            {
                results[refId] = new JsonObject { ["error"] = "sandbox fault grafana.datasource-unhealthy: the Prometheus datasource is unavailable", ["errorSource"] = "downstream", ["status"] = 500 };
                anyError = true;
                continue;
            }
            if (failing != null && expr.Trim() == failing.Trim())
            {
                results[refId] = new JsonObject { ["error"] = "sandbox fault grafana.panel-error: bad_data: invalid parameter \"query\": 1:1: parse error: unexpected end of input", ["errorSource"] = "downstream", ["status"] = 400 };
                anyError = true;
                continue;
            }
            if (noData != null && expr.Trim() == noData.Trim())
            {
                results[refId] = new JsonObject { ["status"] = 200, ["frames"] = new JsonArray() };
                continue;
            }
            var instant = q["instant"].Bool() && !q["range"].Bool();
            try
            {
                JsonNode data;
                long stepMs = 0;
                if (instant)
                    data = await PromApi("query", new() { ["query"] = expr, ["time"] = Secs(to) }, ctx.RequestAborted);
                else
                {
                    var intervalMs = Math.Max(1000, q["intervalMs"].Long(15000));
                    var maxPoints = Math.Max(1, q["maxDataPoints"].Long(1000));
                    stepMs = Math.Max(intervalMs, (long)Math.Ceiling((to - from).TotalMilliseconds / maxPoints));
                    stepMs = Math.Max(1000, stepMs / 1000 * 1000);
                    data = await PromApi("query_range", new() { ["query"] = expr, ["start"] = Secs(from), ["end"] = Secs(to), ["step"] = (stepMs / 1000).ToString() }, ctx.RequestAborted);
                }
                results[refId] = new JsonObject { ["status"] = 200, ["frames"] = Frames(refId, expr, data, stepMs) };
            }
            catch (PromError e)
            {
                results[refId] = new JsonObject { ["error"] = e.Message, ["errorSource"] = "downstream", ["status"] = 400 };
                anyError = true;
            }
        }
        await Http.Json(ctx, anyError ? 207 : 200, new JsonObject { ["results"] = results });
    }

    private static string Secs(DateTimeOffset t) => (t.ToUnixTimeMilliseconds() / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);

    private static JsonNode? Num(JsonNode? v)
    {
        var s = v?.ToString();
        if (s == null || !double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || double.IsNaN(d) || double.IsInfinity(d)) return null;
        return d;
    }

    private static string Display(JsonObject metric)
    {
        var name = metric["__name__"]?.ToString() ?? "";
        var labels = metric.Where(kv => kv.Key != "__name__").Select(kv => $"{kv.Key}=\"{kv.Value}\"").ToList();
        return labels.Count == 0 ? (name == "" ? "Value" : name) : $"{name}{{{string.Join(", ", labels)}}}";
    }

    /// <summary>Prometheus result -> data frames, one per series, column-major values (Grafana's wide/multi shape).</summary>
    private static JsonArray Frames(string refId, string expr, JsonNode data, long stepMs)
    {
        var frames = new JsonArray();
        var type = data["resultType"]?.ToString();
        IEnumerable<(JsonObject metric, List<JsonNode?[]> points)> series = type switch
        {
            "matrix" => data["result"]!.AsArray().OfType<JsonObject>().Select(r => (r["metric"] as JsonObject ?? new JsonObject(), r["values"]!.AsArray().Select(p => new[] { p![0], p[1] }).ToList())),
            "vector" => data["result"]!.AsArray().OfType<JsonObject>().Select(r => (r["metric"] as JsonObject ?? new JsonObject(), new List<JsonNode?[]> { new[] { r["value"]![0], r["value"]![1] } })),
            "scalar" => [(new JsonObject(), new List<JsonNode?[]> { new[] { data["result"]![0], data["result"]![1] } })],
            _ => [],
        };
        foreach (var (metric, points) in series)
        {
            var times = new JsonArray(points.Select(p => (JsonNode?)(long)Math.Round(double.Parse(p[0]!.ToString(), CultureInfo.InvariantCulture) * 1000)).ToArray());
            var values = new JsonArray(points.Select(p => Num(p[1])).ToArray());
            var labels = new JsonObject(metric.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value?.ToString())));
            var timeField = new JsonObject { ["name"] = "Time", ["type"] = "time", ["typeInfo"] = new JsonObject { ["frame"] = "time.Time" } };
            if (stepMs > 0) timeField["config"] = new JsonObject { ["interval"] = stepMs };
            frames.Add(new JsonObject
            {
                ["schema"] = new JsonObject
                {
                    ["name"] = Display(metric),
                    ["refId"] = refId,
                    ["meta"] = new JsonObject
                    {
                        ["type"] = type == "matrix" ? "timeseries-multi" : "numeric-multi", ["typeVersion"] = new JsonArray(0, 1),
                        ["custom"] = new JsonObject { ["resultType"] = type }, ["executedQueryString"] = $"Expr: {expr}" + (stepMs > 0 ? $"\nStep: {stepMs / 1000}s" : ""),
                    },
                    ["fields"] = new JsonArray(
                        timeField,
                        new JsonObject
                        {
                            ["name"] = "Value", ["type"] = "number", ["typeInfo"] = new JsonObject { ["frame"] = "float64", ["nullable"] = true },
                            ["labels"] = labels, ["config"] = new JsonObject { ["displayNameFromDS"] = Display(metric) },
                        }),
                },
                ["data"] = new JsonObject { ["values"] = new JsonArray(times, values) },
            });
        }
        return frames;
    }

    // ---------------------------------------------------------------- dashboards

    private static string Slug(string title) => string.Join('-', title.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => new string(w.Where(char.IsLetterOrDigit).ToArray()))).Trim('-');

    private List<object> Search(HttpContext ctx)
    {
        var query = Http.Query(ctx, "query") ?? "";
        var type = Http.Query(ctx, "type");
        var tags = ctx.Request.Query["tag"].Where(t => t != null).Select(t => t!).ToList();
        var uids = ctx.Request.Query["dashboardUIDs"].Where(t => t != null).SelectMany(t => t!.Split(',')).ToList();
        var result = new List<object>();
        if ((type == null || type == "dash-folder") && tags.Count == 0 && uids.Count == 0 && (query == "" || FolderTitle.Contains(query, StringComparison.OrdinalIgnoreCase)))
            result.Add(new { id = 1, uid = FolderUid, orgId = 1, title = FolderTitle, uri = "db/" + Slug(FolderTitle), url = $"/dashboards/f/{FolderUid}/{Slug(FolderTitle)}", slug = "", type = "dash-folder", tags = Array.Empty<string>(), isStarred = false, sortMeta = 0, isDeleted = false });
        if (type == null || type == "dash-db")
            foreach (var d in _dashboards)
            {
                var title = d["title"]!.ToString();
                var uid = d["uid"]!.ToString();
                var dtags = d["tags"]?.AsArray().Select(x => x!.ToString()).ToArray() ?? [];
                if (query != "" && !title.Contains(query, StringComparison.OrdinalIgnoreCase)) continue;
                if (tags.Any(t => !dtags.Contains(t))) continue;
                if (uids.Count > 0 && !uids.Contains(uid)) continue;
                result.Add(new
                {
                    id = d["id"].Long(), uid, orgId = 1, title, uri = "db/" + Slug(title), url = $"/d/{uid}/{Slug(title)}", slug = "", type = "dash-db", tags = dtags,
                    isStarred = false, folderId = 1, folderUid = FolderUid, folderTitle = FolderTitle, folderUrl = $"/dashboards/f/{FolderUid}/{Slug(FolderTitle)}", sortMeta = 0, isDeleted = false,
                });
            }
        return result;
    }

    /// <summary>POST /api/dashboards/db as Grafana answers it: a new uid is saved as version 1, an existing one needs overwrite and gets version + 1.</summary>
    private async Task SaveDashboard(HttpContext ctx)
    {
        var body = await Http.BodyJson(ctx) as JsonObject;
        if (body?["dashboard"] is not JsonObject incoming || incoming["title"] is null) { await Http.Json(ctx, 400, new { message = "bad request data" }); return; }
        var d = incoming.DeepClone().AsObject();
        var uid = d["uid"]?.ToString() is { Length: > 0 } u ? u : Guid.NewGuid().ToString("N")[..14];
        d["uid"] = uid;
        long version;
        lock (_dashboards)
        {
            var existing = _dashboards.FindIndex(x => x["uid"]?.ToString() == uid);
            if (existing >= 0 && !body["overwrite"].Bool()) { version = -1; }
            else
            {
                version = existing >= 0 ? _dashboards[existing]["version"].Long(1) + 1 : 1;
                d["version"] = version;
                d["id"] = existing >= 0 ? _dashboards[existing]["id"].Long() : 2 + _dashboards.Count;
                if (existing >= 0) _dashboards[existing] = d; else _dashboards.Add(d);
            }
        }
        if (version < 0) { await Http.Json(ctx, 412, new { message = "A dashboard with the same uid already exists", status = "name-exists" }); return; }
        var slug = Slug(d["title"]!.ToString());
        await Http.Json(ctx, new { id = d["id"].Long(), uid, url = $"/d/{uid}/{slug}", status = "success", version, slug });
    }

    private async Task DashboardByUid(HttpContext ctx, string uid)
    {
        var d = _dashboards.FirstOrDefault(x => x["uid"]?.ToString() == uid);
        if (d == null) { await Http.Json(ctx, 404, new { message = "Dashboard not found" }); return; }
        var model = d.DeepClone().AsObject();
        var file = model["__file"]?.ToString();
        model.Remove("__file");
        var title = model["title"]!.ToString();
        var created = Http.Rfc3339(_started);
        await Http.Json(ctx, new JsonObject
        {
            ["dashboard"] = model,
            ["meta"] = new JsonObject
            {
                ["type"] = "db", ["canSave"] = true, ["canEdit"] = true, ["canAdmin"] = false, ["canStar"] = true, ["canDelete"] = false,
                ["slug"] = Slug(title), ["url"] = $"/d/{uid}/{Slug(title)}", ["expires"] = "0001-01-01T00:00:00Z", ["created"] = created, ["updated"] = created,
                ["updatedBy"] = "Anonymous", ["createdBy"] = "Anonymous", ["version"] = model["version"]?.DeepClone() ?? 1, ["hasAcl"] = false, ["isFolder"] = false,
                ["folderId"] = 1, ["folderUid"] = FolderUid, ["folderTitle"] = FolderTitle, ["folderUrl"] = $"/dashboards/f/{FolderUid}/{Slug(FolderTitle)}",
                ["provisioned"] = true, ["provisionedExternalId"] = file, ["isStarred"] = false,
                ["annotationsPermissions"] = new JsonObject
                {
                    ["dashboard"] = new JsonObject { ["canAdd"] = true, ["canEdit"] = true, ["canDelete"] = true },
                    ["organization"] = new JsonObject { ["canAdd"] = false, ["canEdit"] = false, ["canDelete"] = false },
                },
            },
        });
    }
}

/// <summary>A Grafana error answered as JSON.</summary>
public sealed class GrafanaJsonError(int status, object body) : Exception("grafana error")
{
    public int Status { get; } = status;
    public object Body { get; } = body;
}

using System.Globalization;
using System.Text.Json;
using Acceptance.Support.Checks;
using Acceptance.Support.Consul;
using Acceptance.Support.Http;
using Acceptance.Support.Nomad;

namespace Acceptance.Support.Secrets;

/// <summary>A credential the suite can see, with when it was created and when it expires (null: never).</summary>
/// <param name="Credential">"Consul ACL token 5f1c… (the suite's)", "certificate of grafana".</param>
/// <param name="Created">Creation time (null: unknown).</param>
/// <param name="Expires">Expiry (null: it never expires).</param>
public sealed record CredentialAge(string Credential, DateTimeOffset? Created, DateTimeOffset? Expires);

/// <summary>Reads the ages of the credentials the suite can see: its Consul and Nomad tokens (GET /v1/acl/token/self).</summary>
public static class CredentialAges
{
    /// <summary>The Consul token's CreateTime and ExpirationTime.</summary>
    public static async Task<CredentialAge> ConsulAsync(ConsulClient consul, CancellationToken ct = default) =>
        FromTokenSelf("Consul ACL token", await consul.GetAsync(ConsulClient.Paths.TokenSelf, ct));

    /// <summary>The Nomad token's CreateTime and ExpirationTime.</summary>
    public static async Task<CredentialAge> NomadAsync(NomadClient nomad, CancellationToken ct = default) =>
        FromTokenSelf("Nomad ACL token", await nomad.GetAsync(NomadClient.Paths.TokenSelf, ct));

    /// <summary>
    /// Every token of every Grafana service account the suite can read (GET /api/serviceaccounts/search, then
    /// /api/serviceaccounts/:id/tokens): created, expiration (null: never).
    /// </summary>
    public static async Task<IReadOnlyList<CredentialAge>> GrafanaAsync(Grafana.GrafanaClient grafana, CancellationToken ct = default)
    {
        var search = await grafana.Http.SendAsync(HttpMethod.Get, "api/serviceaccounts/search?perpage=1000", ct: ct);
        if (!search.IsSuccess) throw ServiceResponseException.For(search);
        var ages = new List<CredentialAge>();
        foreach (var sa in search.Json().GetProperty("serviceAccounts").EnumerateArray())
        {
            var id = sa.GetProperty("id").GetInt64();
            var name = sa.TryGetProperty("name", out var n) ? n.GetString() : id.ToString(CultureInfo.InvariantCulture);
            var tokens = await grafana.Http.SendAsync(HttpMethod.Get, $"api/serviceaccounts/{id}/tokens", ct: ct);
            if (!tokens.IsSuccess) throw ServiceResponseException.For(tokens);
            foreach (var t in tokens.Json().EnumerateArray())
                ages.Add(new CredentialAge($"Grafana service-account token {name}/{(t.TryGetProperty("name", out var tn) ? tn.GetString() : "?")}",
                    Time(t, "created"), Time(t, "expiration")));
        }
        return ages;
    }

    private static DateTimeOffset? Time(JsonElement j, string name) =>
        j.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(v.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            && t.Year > 1 ? t : null;

    private static CredentialAge FromTokenSelf(string what, HttpExchange x)
    {
        if (!x.IsSuccess) throw ServiceResponseException.For(x);
        var j = x.Json();
        static DateTimeOffset? Time(JsonElement j, string name) =>
            j.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(v.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
                && t.Year > 1 ? t : null;
        var accessor = j.TryGetProperty("AccessorID", out var a) ? a.GetString() ?? "" : "";
        return new CredentialAge($"{what} {(accessor.Length > 8 ? accessor[..8] + "…" : accessor)} (the suite's)", Time(j, "CreateTime"), Time(j, "ExpirationTime"));
    }
}

/// <summary>SEC-SM-4 rules.</summary>
public static class RotationRules
{
    /// <summary>
    /// Every credential the suite can see is younger than thresholds.secret_max_age_days (rotated on schedule); a credential that never
    /// expires is named (it holds only by being young); one whose creation time is unknown is a shortfall (its age cannot be judged).
    /// </summary>
    public static Verdict RotatedOnSchedule(IReadOnlyList<CredentialAge> credentials, int maxAgeDays, DateTimeOffset now)
    {
        var shortfalls = new List<string>();
        foreach (var c in credentials)
        {
            if (c.Created is not { } created) { shortfalls.Add($"{c.Credential}: creation time unknown, its age cannot be judged"); continue; }
            var age = (now - created).TotalDays;
            if (age > maxAgeDays) shortfalls.Add($"{c.Credential}: {age:F0} days old, older than thresholds.secret_max_age_days ({maxAgeDays}): not rotated");
            if (c.Expires is { } e && e < now) shortfalls.Add($"{c.Credential}: expired on {e:yyyy-MM-dd}");
        }
        if (credentials.Count == 0) shortfalls.Add("no credential could be read: nothing to judge");
        var observed = string.Join("; ", credentials.Select(c =>
            $"{c.Credential}: created {(c.Created is { } t ? $"{t:yyyy-MM-dd} ({(now - t).TotalDays:F0} days ago)" : "unknown")}, " +
            (c.Expires is { } e ? $"expires {e:yyyy-MM-dd}" : "NEVER expires")));
        return Verdict.From("SEC-SM-4: secrets are rotated on schedule: every credential the suite can see is younger than thresholds.secret_max_age_days",
            $"each credential created within the last {maxAgeDays} days and not expired", observed, shortfalls);
    }
}

/// <summary>SEC-SM-4 for certificates.</summary>
public static class CertificateRotationRules
{
    /// <summary>
    /// Every certificate the https services present is valid for no longer than thresholds.certificate_max_lifetime_days (it is
    /// re-issued at least that often); a service without a certificate is not judged here (SEC-TSC-1 names it).
    /// </summary>
    public static Verdict LifetimesWithinPolicy(IReadOnlyList<Tls.ServiceCertificate> certificates, int maxLifetimeDays)
    {
        var shortfalls = new List<string>();
        foreach (var c in certificates)
        {
            var days = (c.Handshake.NotAfter - c.Handshake.NotBefore).TotalDays;
            if (days > maxLifetimeDays)
                shortfalls.Add($"{c.Service}: {c.Handshake.Subject} is valid for {days:F0} days ({c.Handshake.NotBefore:yyyy-MM-dd} to {c.Handshake.NotAfter:yyyy-MM-dd}), longer than thresholds.certificate_max_lifetime_days ({maxLifetimeDays})");
        }
        if (certificates.Count == 0) shortfalls.Add("no https service presented a certificate: nothing to judge");
        return Verdict.From("SEC-SM-4: certificates are rotated on schedule: every service certificate's validity is at most thresholds.certificate_max_lifetime_days",
            $"each certificate valid for at most {maxLifetimeDays} days",
            string.Join("; ", certificates.Select(c => $"{c.Service}: {(c.Handshake.NotAfter - c.Handshake.NotBefore).TotalDays:F0} days")), shortfalls);
    }
}

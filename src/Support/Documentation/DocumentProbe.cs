using System.Globalization;
using Acceptance.Support.Configuration;
using Acceptance.Support.Evidence;
using Acceptance.Support.Http;
using Acceptance.Support.Outcomes;

namespace Acceptance.Support.Documentation;

/// <summary>One document as its URL answered: the status, and when it says it was last modified.</summary>
public sealed record DocumentCheck(string Url, int? Status, DateTimeOffset? LastModified, string? Problem)
{
    /// <summary>Answered 2xx.</summary>
    public bool Resolves => Status is >= 200 and < 300;

    /// <inheritdoc />
    public override string ToString() => !Resolves
        ? $"{Url} does not resolve ({Problem ?? $"HTTP {Status}"})"
        : $"{Url} → {Status}, Last-Modified {(LastModified is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC" : "(none)")}";
}

/// <summary>GETs documents by URL (the target's CA; one transport per origin; every exchange recorded) and reads Last-Modified.</summary>
public sealed class DocumentProbe(TargetEnvironment target, EvidenceLog evidence)
{
    /// <summary>Checks every URL given.</summary>
    public async Task<IReadOnlyList<DocumentCheck>> CheckAsync(IEnumerable<string> urls, CancellationToken ct = default)
    {
        var checks = new List<DocumentCheck>();
        var transports = new Dictionary<string, ServiceHttp>();
        try
        {
            foreach (var url in urls.Distinct())
            {
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                {
                    checks.Add(new DocumentCheck(url, null, null, "not an absolute http(s) URL"));
                    continue;
                }
                var origin = uri.GetLeftPart(UriPartial.Authority);
                if (!transports.TryGetValue(origin, out var http))
                    transports[origin] = http = new ServiceHttp("Documentation", new ServiceEndpoint { Key = "documentation", Address = origin }, target.CaFile, evidence);
                try
                {
                    var exchange = await http.SendAsync(HttpMethod.Get, uri.PathAndQuery, authenticate: false, ct: ct);
                    var modified = exchange.Header("Last-Modified") is { } lm &&
                                   DateTimeOffset.TryParse(lm, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : (DateTimeOffset?)null;
                    checks.Add(new DocumentCheck(url, exchange.StatusCode, modified, exchange.IsSuccess ? null : $"HTTP {exchange.StatusCode}"));
                }
                catch (EnvironmentProblemException e)
                {
                    checks.Add(new DocumentCheck(url, null, null, e.Message));
                }
            }
        }
        finally
        {
            foreach (var t in transports.Values) t.Dispose();
        }
        return checks;
    }
}

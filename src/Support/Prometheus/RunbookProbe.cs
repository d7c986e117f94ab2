using Acceptance.Support.Configuration;
using Acceptance.Support.Evidence;
using Acceptance.Support.Http;
using Acceptance.Support.Outcomes;

namespace Acceptance.Support.Prometheus;

/// <summary>Whether one alert's runbook_url resolves (HTTP GET answers 2xx).</summary>
public sealed record RunbookCheck(string Alert, string? Url, int? Status, string? Problem)
{
    /// <summary>True when the annotation is present and the GET answered 2xx.</summary>
    public bool Resolves => Url is not null && Status is >= 200 and < 300;

    /// <inheritdoc />
    public override string ToString() => Url is null
        ? $"{Alert}: no runbook_url annotation"
        : Resolves ? $"{Alert}: {Url} → {Status}" : $"{Alert}: {Url} does not resolve ({Problem ?? $"HTTP {Status}"})";
}

/// <summary>
/// Follows the runbook_url annotation of alerting rules: each must be present and answer a GET with 2xx.
/// Runbook hosts are reached with the target's CA; one transport per host, every exchange recorded.
/// </summary>
public sealed class RunbookProbe(TargetEnvironment target, EvidenceLog evidence)
{
    /// <summary>Checks the runbook of every rule given (typically every severity=critical alerting rule).</summary>
    public async Task<IReadOnlyList<RunbookCheck>> CheckAsync(IEnumerable<PrometheusRule> rules, CancellationToken ct = default)
    {
        var checks = new List<RunbookCheck>();
        var transports = new Dictionary<string, ServiceHttp>();
        try
        {
            foreach (var rule in rules.DistinctBy(r => (r.Name, r.RunbookUrl)))
            {
                if (rule.RunbookUrl is not { } url) { checks.Add(new RunbookCheck(rule.Name, null, null, null)); continue; }
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                {
                    checks.Add(new RunbookCheck(rule.Name, url, null, "not an absolute http(s) URL"));
                    continue;
                }
                var origin = uri.GetLeftPart(UriPartial.Authority);
                if (!transports.TryGetValue(origin, out var http))
                    transports[origin] = http = new ServiceHttp("Runbook", new ServiceEndpoint { Key = "runbook", Address = origin }, target.CaFile, evidence);
                try
                {
                    var exchange = await http.SendAsync(HttpMethod.Get, uri.PathAndQuery, authenticate: false, ct: ct);
                    checks.Add(new RunbookCheck(rule.Name, url, exchange.StatusCode, exchange.IsSuccess ? null : $"HTTP {exchange.StatusCode}"));
                }
                catch (EnvironmentProblemException e)
                {
                    checks.Add(new RunbookCheck(rule.Name, url, null, e.Message));
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

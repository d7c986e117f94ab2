using Acceptance.Support.Checks;
using Acceptance.Support.Configuration;

namespace Acceptance.Support.Exposure;

/// <summary>NEXT-HARD-1 rules: pure functions of the anonymous answers and the target's allowances.</summary>
public static class ExposureRules
{
    /// <summary>The load balancer's plain-http address answered with a redirect to https.</summary>
    public static Verdict RedirectsToHttps(AnonymousAnswer answer) => Verdict.When(
        answer.Status is >= 300 and < 400 && answer.Location is { } l && l.StartsWith("https://", StringComparison.OrdinalIgnoreCase),
        "the load balancer redirects plain http to https (services.load_balancer.http_address)",
        $"GET {answer.Url} → 301/302/307/308 with Location https://...",
        answer.ToString(),
        $"the load balancer's plain-http address {answer.Url} answered {answer.Status}{(answer.Location is null ? "" : $" → {answer.Location}")}: it must redirect to https");

    /// <summary>
    /// No endpoint answers a sensitive path without credentials (only exposure.anonymous_allowed service:path pairs may),
    /// no service is served over plain http unless tls.plain_http_allowed names it, and the load balancer's plain-http
    /// address only redirects to https. Every allowance that lowers the checklist's bar is named in the verdict.
    /// </summary>
    public static Verdict TlsAndAuthEverywhere(IReadOnlyList<HttpEndpoint> endpoints, IReadOnlyList<AnonymousAnswer> answers, TlsDefaults tls, ExposureOptions exposure)
    {
        var shortfalls = new List<string>();
        foreach (var e in endpoints.Where(e => e.IsPlainHttp && !tls.PlainHttpAllowed.Contains(e.Service)))
            shortfalls.Add($"{e.Service} is served over plain http at {e.Options.Address}: TLS is required (not in tls.plain_http_allowed)");
        foreach (var a in answers.Where(a => a.Service != "load_balancer_http" && a.Answered))
        {
            if (exposure.AnonymousAllowed.Contains($"{a.Service}:{a.Path}") || exposure.AnonymousServices.Contains(a.Service)) continue;
            shortfalls.Add($"{a.Service} GET {a.Path} answered {a.Status} without credentials ({a.Url})");
        }
        shortfalls.AddRange(answers.Where(a => a.Service == "load_balancer_http").SelectMany(a => RedirectsToHttps(a).Shortfalls));
        var lowered = new List<string>();
        var plainAllowed = endpoints.Where(e => e.IsPlainHttp && tls.PlainHttpAllowed.Contains(e.Service)).Select(e => e.Service).ToList();
        if (plainAllowed.Count > 0) lowered.Add($"tls.plain_http_allowed lets [{string.Join(", ", plainAllowed)}] answer over plain http");
        var anonymousAllowed = answers.Where(a => a.Answered && exposure.AnonymousServices.Contains(a.Service)).Select(a => a.Service).Distinct().ToList();
        if (anonymousAllowed.Count > 0) lowered.Add($"exposure.anonymous_services lets [{string.Join(", ", anonymousAllowed)}] answer without credentials");
        return Verdict.From("no endpoint answers a sensitive path without credentials and every service is served over TLS (NEXT-HARD-1)",
            "every documented sensitive path denied (401/403) to an anonymous caller except exposure.anonymous_allowed " +
            $"[{string.Join(", ", exposure.AnonymousAllowed)}]; every service https; the load balancer's http address redirects to https",
            string.Join("; ", answers),
            shortfalls) with
        {
            ChecklistDifference = lowered.Count > 0
                ? $"LOWERED BAR on this target: {string.Join("; ", lowered)}; the checklist asks TLS and authentication on every endpoint"
                : null,
        };
    }
}

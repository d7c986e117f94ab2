using Acceptance.Support.Configuration;
using Acceptance.Support.Exposure;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Rules;

public sealed class ExposureRulesTests
{
    private static HttpEndpoint Endpoint(string key, string address) => new(key, key, new ServiceEndpoint { Key = key, Address = address });

    private static AnonymousAnswer Answer(string service, string path, int status, bool filtered = false, string? location = null) =>
        new(service, path, new Uri($"https://127.0.0.1:1{path}"), status, filtered, location);

    private static readonly HttpEndpoint[] Endpoints = [Endpoint("nomad", "https://127.0.0.1:4646"), Endpoint("pushgateway", "http://127.0.0.1:9091")];

    [Test]
    public void An_endpoint_answering_a_sensitive_path_anonymously_fails()
    {
        var v = ExposureRules.TlsAndAuthEverywhere(Endpoints, [Answer("nomad", "/v1/jobs", 200), Answer("nomad", "/v1/nodes", 403)],
            new TlsDefaults { PlainHttpAllowed = ["pushgateway"] }, new ExposureOptions());

        v.Shortfalls.Should().Equal("nomad GET /v1/jobs answered 200 without credentials (https://127.0.0.1:1/v1/jobs)");
    }

    [Test]
    public void Plain_http_where_tls_is_required_fails_and_an_allowance_is_named_as_a_lowered_bar()
    {
        ExposureRules.TlsAndAuthEverywhere(Endpoints, [], new TlsDefaults(), new ExposureOptions()).Shortfalls
            .Should().Equal("pushgateway is served over plain http at http://127.0.0.1:9091: TLS is required (not in tls.plain_http_allowed)");

        var lowered = ExposureRules.TlsAndAuthEverywhere(Endpoints, [Answer("pushgateway", "/metrics", 200)],
            new TlsDefaults { PlainHttpAllowed = ["pushgateway"] }, new ExposureOptions { AnonymousServices = ["pushgateway"] });
        lowered.Holds.Should().BeTrue();
        lowered.ChecklistDifference.Should().Contain("LOWERED BAR").And.Contain("[pushgateway] answer over plain http").And.Contain("[pushgateway] answer without credentials");
        lowered.Sentence.Should().Contain("Threshold: LOWERED BAR");
    }

    [Test]
    public void Allowed_health_paths_and_acl_filtered_answers_pass()
    {
        var v = ExposureRules.TlsAndAuthEverywhere([Endpoints[0]], [Answer("nomad", "/v1/agent/health", 200), Answer("nomad", "/v1/jobs", 200, filtered: true)],
            new TlsDefaults(), new ExposureOptions { AnonymousAllowed = ["nomad:/v1/agent/health"] });
        v.Holds.Should().BeTrue(v.Sentence);
        v.ChecklistDifference.Should().BeNull();
    }

    [Test]
    public void The_plain_http_frontend_must_redirect_to_https()
    {
        ExposureRules.RedirectsToHttps(Answer("load_balancer_http", "/", 301, location: "https://127.0.0.1:18443/")).Holds.Should().BeTrue();
        ExposureRules.RedirectsToHttps(Answer("load_balancer_http", "/", 200)).Shortfalls.Single().Should().Contain("answered 200: it must redirect to https");
        ExposureRules.RedirectsToHttps(Answer("load_balancer_http", "/", 302, location: "http://elsewhere/")).Holds.Should().BeFalse();
    }
}

using Acceptance.Support.Configuration;
using Acceptance.Support.Evidence;
using Acceptance.Support.Http;
using Acceptance.Support.Outcomes;
using Acceptance.Support.Prometheus;
using Acceptance.Support.Tests.Rules;
using Acceptance.TestSupport;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Outcomes;

/// <summary>
/// The one classification rule: the suite's credential refused (401/403) is BROKEN naming the status; a service answering
/// 5xx about itself is FAILED (a deployment defect) naming the answer; unreachable is BROKEN.
/// </summary>
public sealed class StatusClassificationTests
{
    [TestCase(401, OutcomeKind.Broken, "credential for Prometheus was refused")]
    [TestCase(403, OutcomeKind.Broken, "credential for Prometheus was refused")]
    [TestCase(404, OutcomeKind.Broken, "404")]
    [TestCase(500, OutcomeKind.Failed, "the service reports a fault of its own: No cluster leader")]
    [TestCase(503, OutcomeKind.Failed, "the service reports a fault of its own")]
    public async Task An_unexpected_answer_is_classified_by_its_status(int status, OutcomeKind kind, string message)
    {
        await using var server = new FixtureServer().On("/api/v1/targets", status >= 500 ? "No cluster leader" : "denied", status, contentType: "text/plain");
        using var client = new PrometheusClient(TestTarget.With(new PrometheusOptions { Key = "prometheus", Address = server.Url }), new EvidenceLog());

        var e = await FluentActions.Invoking(() => client.TargetsAsync()).Should().ThrowAsync<Exception>();

        OutcomeClassifier.Classify(e.Which).Should().Be(kind);
        e.Which.Message.Should().Contain($"→ {status}").And.Contain(message);
    }

    [Test]
    public async Task A_refused_credential_on_the_web_UI_is_broken_not_a_missing_UI()
    {
        await using var server = new FixtureServer().On("/graph", "Unauthorized", 401, contentType: "text/plain")
            .On("/query", "Unauthorized", 401, contentType: "text/plain").On("/classic/graph", "Unauthorized", 401, contentType: "text/plain");
        using var client = new PrometheusClient(TestTarget.With(new PrometheusOptions { Key = "prometheus", Address = server.Url }), new EvidenceLog());

        var e = await FluentActions.Invoking(() => new PrometheusProbe(client, new EvidenceLog()).WebUiAsync()).Should().ThrowAsync<ServiceResponseException>();

        OutcomeClassifier.Classify(e.Which).Should().Be(OutcomeKind.Broken);
        e.Which.Message.Should().Contain("→ 401").And.Contain("credential");
    }

    [Test]
    public async Task A_page_that_refuses_while_another_serves_the_UI_is_not_a_refused_credential()
    {
        await using var server = new FixtureServer().On("/graph", "Unauthorized", 401, contentType: "text/plain")
            .On("/query", "<html><body>Prometheus</body></html>", contentType: "text/html");
        using var client = new PrometheusClient(TestTarget.With(new PrometheusOptions { Key = "prometheus", Address = server.Url }), new EvidenceLog());

        var ui = await new PrometheusProbe(client, new EvidenceLog()).WebUiAsync();

        PrometheusRules.WebUiServes(ui).Holds.Should().BeTrue();
    }
}

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

/// <summary>An answer of another shape than the suite reads is BROKEN naming the exchange, never a bare .NET error.</summary>
public sealed class AnswerShapeTests
{
    [Test]
    public void A_missing_field_in_a_JSON_answer_names_the_exchange()
    {
        var e = Catch(() => System.Text.Json.JsonDocument.Parse("""{"data":{}}""").RootElement.GetProperty("data").GetProperty("activeTargets"));

        var broken = AnswerShape.Explain(e, "Prometheus GET http://p/api/v1/targets → 200 ({\"data\":{}})");

        broken.Should().NotBeNull();
        OutcomeClassifier.Classify(broken).Should().Be(OutcomeKind.Broken);
        broken!.Message.Should().StartWith("Prometheus GET http://p/api/v1/targets → 200").And.Contain("does not have the shape the suite reads (KeyNotFoundException");
    }

    [Test]
    public void A_list_where_an_object_was_expected_names_the_exchange()
    {
        var e = Catch(() => System.Text.Json.JsonDocument.Parse("[]").RootElement.EnumerateObject().ToList());
        AnswerShape.Explain(e, "Consul GET http://c/v1/catalog/services → 200").Should().NotBeNull();
    }

    [Test]
    public void Other_errors_are_left_as_they_are()
    {
        AnswerShape.Explain(new InvalidOperationException("a bug of the suite"), "x").Should().BeNull("only errors of reading JSON are about the answer's shape");
        AnswerShape.Explain(new KeyNotFoundException("k"), null).Should().BeNull("without an exchange there is nothing to name");
    }

    private static Exception Catch(Action a)
    {
        try { a(); }
        catch (Exception e) { return e; }
        throw new AssertionException("expected an exception");
    }
}

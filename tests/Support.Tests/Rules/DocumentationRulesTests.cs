using Acceptance.Support.Documentation;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Rules;

public sealed class DocumentationRulesTests
{
    private static readonly DateTimeOffset Window = new(2026, 11, 28, 8, 0, 0, TimeSpan.Zero);

    [Test]
    public void Documents_modified_after_the_window_opened_hold()
    {
        var v = DocumentationRules.UpdatedInWindow("architecture", [new DocumentCheck("http://d/arch", 200, Window.AddHours(1), null)], Window);
        v.Holds.Should().BeTrue(v.Sentence);
        v.Observed.Should().Be("http://d/arch → 200, Last-Modified 2026-11-28 09:00:00 UTC");
    }

    [Test]
    public void A_missing_an_old_or_an_undated_document_falls_short_with_why()
    {
        var v = DocumentationRules.UpdatedInWindow("operations",
        [
            new DocumentCheck("http://d/gone", 404, null, "HTTP 404"),
            new DocumentCheck("http://d/old", 200, Window.AddDays(-30), null),
            new DocumentCheck("http://d/undated", 200, null, null),
        ], Window);

        v.Shortfalls.Should().Equal(
            "http://d/gone does not resolve (HTTP 404)",
            "http://d/undated: no Last-Modified header: when it was updated cannot be told",
            "http://d/old: not updated for this change: last modified 2026-10-29 08:00:00 UTC, before the change window opened");
        DocumentationRules.UpdatedInWindow("contacts", [new DocumentCheck("http://d/c", 200, Window, null)], null)
            .Shortfalls.Should().ContainSingle().Which.Should().Contain("change.window_start is not set");
    }

    [Test]
    public void Runbooks_must_resolve()
    {
        DocumentationRules.RunbooksExist([new DocumentCheck("http://r/a", 200, null, null)]).Holds.Should().BeTrue();
        DocumentationRules.RunbooksExist([new DocumentCheck("http://r/b", null, null, "connection refused")])
            .Shortfalls.Should().Equal("http://r/b does not resolve (connection refused)");
    }
}

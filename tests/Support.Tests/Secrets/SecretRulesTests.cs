using Acceptance.Support.Secrets;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Secrets;

/// <summary><see cref="SecretRules"/>: SEC-SM-3 holds on a clean scan, fails per finding (place:line: rule) and when nothing was scanned.</summary>
public sealed class SecretRulesTests
{
    private static readonly SecretSource Job = new("Nomad job ml-training-nightly, group train, task trainer, env", "DB_PASSWORD_FILE=/run/secrets/db");
    private static readonly SecretSource Kv = new("Consul KV ml-platform/db/config", "password: Sup3rS3cret");

    [Test]
    public void Holds_when_sources_were_scanned_and_nothing_found()
    {
        var v = SecretRules.NoHardcodedCredentials([Job, Kv], []);

        v.Holds.Should().BeTrue(v.Sentence);
        v.Rule.Should().StartWith("SEC-SM-3").And.Contain("SEC-SM-1");
        v.Observed.Should().Be("2 sources scanned in 2 places (Nomad job ml-training-nightly, group train, task trainer, env; Consul KV ml-platform/db/config): no finding");
    }

    [Test]
    public void Fails_per_finding_as_place_line_rule_never_with_the_value()
    {
        var v = SecretRules.NoHardcodedCredentials([Job, Kv],
            [new SecretFinding(Kv.Place, 1, "acceptance/password-literal", "a literal value ...: key password, a 11-character literal")]);

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("hardcoded credential at Consul KV ml-platform/db/config:1: acceptance/password-literal");
        v.Observed.Should().EndWith("1 findings: Consul KV ml-platform/db/config:1: acceptance/password-literal");
        v.Sentence.Should().NotContain("Sup3rS3cret");
    }

    [Test]
    public void Fails_when_nothing_was_scanned()
    {
        var v = SecretRules.NoHardcodedCredentials([], []);

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().ContainSingle().Which.Should().StartWith("nothing was scanned");
        v.Observed.Should().StartWith("0 sources scanned in 0 places");
    }
}

using Acceptance.Support.EnvironmentVariables;
using Acceptance.Support.Outcomes;
using Acceptance.Support.Secrets;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Secrets;

/// <summary>APP-EV-1/2/3 (required and production environment) and SEC-SM-4 (rotation) rules.</summary>
public sealed class EnvAndRotationTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private static WorkloadEnvironment Task(params (string, string)[] env) =>
        new("job", "ml-training-nightly", "Nomad job ml-training-nightly, group train, task trainer", env.ToDictionary(e => e.Item1, e => e.Item2));

    [Test]
    public void Entries_parse_and_malformed_ones_are_named_together()
    {
        var r = EnvRequirement.Parse("job ml-training-nightly: LOG_LEVEL =~ ^(info|warn|error)$");
        (r.Kind, r.Workload, r.Name, r.Pattern!.ToString()).Should().Be(("job", "ml-training-nightly", "LOG_LEVEL", "^(info|warn|error)$"));
        EnvRequirement.Parse("service pushgateway: TZ").Pattern.Should().BeNull();

        var e = FluentActions.Invoking(() => EnvRequirement.ParseAll(["host x: A", "job y: B =~ ([", "job z: C"], "configuration.required_env"))
            .Should().Throw<EnvironmentProblemException>().Which;
        e.Message.Should().Contain("'host x: A' is not").And.Contain("'job y: B =~ ([': the pattern is not a regular expression");
    }

    [Test]
    public void Present_and_valid_variables_hold_and_missing_invalid_or_undeployed_ones_are_named_without_their_values()
    {
        var required = EnvRequirement.ParseAll(["job ml-training-nightly: LOG_LEVEL =~ ^(info|warn|error)$", "job ml-training-nightly: ML_PLATFORM_ENV"], "k");
        EnvRules.Satisfied("APP-EV-2", "k", required, [Task(("LOG_LEVEL", "info"), ("ML_PLATFORM_ENV", "production"))], true).Holds.Should().BeTrue();

        var debug = EnvRules.Satisfied("APP-EV-3", "k", required, [Task(("LOG_LEVEL", "debug"))], true);
        debug.Shortfalls.Should().Equal(
            "Nomad job ml-training-nightly, group train, task trainer: LOG_LEVEL does not match ^(info|warn|error)$ (value not shown)",
            "Nomad job ml-training-nightly, group train, task trainer: ML_PLATFORM_ENV is missing");
        debug.Sentence.Should().NotContain("debug", "a value is never shown: a variable may hold a secret");
        EnvRules.Satisfied("APP-EV-1", "k", required, [Task(("LOG_LEVEL", "debug"), ("ML_PLATFORM_ENV", "x"))], false).Holds.Should().BeTrue("presence only");
        EnvRules.Satisfied("APP-EV-1", "k", required, [], false).Shortfalls.Single().Should().Contain("job ml-training-nightly: not deployed");
    }

    [Test]
    public void Young_credentials_hold_and_old_expired_or_unknown_ones_fail_never_expiring_ones_are_named()
    {
        var young = new CredentialAge("Nomad ACL token 1234abcd… (the suite's)", Now.AddDays(-3), null);
        var v = RotationRules.RotatedOnSchedule([young], 90, Now);
        v.Holds.Should().BeTrue();
        v.Observed.Should().Contain("NEVER expires");

        RotationRules.RotatedOnSchedule([young with { Created = Now.AddDays(-400) }], 90, Now).Shortfalls.Single()
            .Should().Be("Nomad ACL token 1234abcd… (the suite's): 400 days old, older than thresholds.secret_max_age_days (90): not rotated");
        RotationRules.RotatedOnSchedule([young with { Expires = Now.AddDays(-1) }], 90, Now).Shortfalls.Single().Should().Contain("expired on 2026-11-27");
        RotationRules.RotatedOnSchedule([young with { Created = null }], 90, Now).Holds.Should().BeFalse();
        RotationRules.RotatedOnSchedule([], 90, Now).Holds.Should().BeFalse();
    }
}

/// <summary>SEC-SM-4 for certificates: lifetimes within the policy.</summary>
public sealed class CertificateRotationTests
{
    private static Acceptance.Support.Tls.ServiceCertificate Cert(string service, int days) =>
        new(service, new Acceptance.Support.Transport.TlsHandshake("h", 443, "Tls13", "c", $"CN={service}", "CN=ca",
            new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(days), [], System.Net.Security.SslPolicyErrors.None, []));

    [Test]
    public void Certificates_within_the_lifetime_hold_and_a_longer_one_fails_naming_it()
    {
        CertificateRotationRules.LifetimesWithinPolicy([Cert("grafana", 397), Cert("consul", 90)], 398).Holds.Should().BeTrue();
        CertificateRotationRules.LifetimesWithinPolicy([Cert("grafana", 825)], 398).Shortfalls.Single()
            .Should().StartWith("grafana: CN=grafana is valid for 825 days").And.EndWith("longer than thresholds.certificate_max_lifetime_days (398)");
        CertificateRotationRules.LifetimesWithinPolicy([], 398).Holds.Should().BeFalse();
    }
}

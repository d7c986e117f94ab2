using System.Net.Security;
using Acceptance.Support.Tls;
using Acceptance.Support.Transport;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Rules;

public sealed class RenewalRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    // /v1/jobs?prefix=cert-renewal/periodic- as Nomad answers it (trimmed to the fields read).
    private const string Children = """
        [ { "ID": "cert-renewal/periodic-1795800000", "ParentID": "cert-renewal", "Status": "dead", "SubmitTime": 1795800000000000000,
            "JobSummary": { "Summary": { "renew": { "Complete": 1, "Failed": 0, "Lost": 0, "Running": 0, "Starting": 0 } } } },
          { "ID": "cert-renewal/periodic-1795886400", "ParentID": "cert-renewal", "Status": "dead", "SubmitTime": 1795886400000000000,
            "JobSummary": { "Summary": { "renew": { "Complete": 0, "Failed": 1, "Lost": 0, "Running": 0, "Starting": 0 } } } } ]
        """;

    [Test]
    public void The_last_run_decides_and_a_failed_one_is_named()
    {
        var runs = RenewalProbe.Runs(Children);
        var job = new RenewalJob("cert-renewal", true, true, true, "0 3 * * *", false, runs);

        job.LastFinished!.Id.Should().Be("cert-renewal/periodic-1795886400");
        RenewalRules.RenewalJobHealthy(job).Shortfalls.Single().Should().StartWith("the last run of renewal job cert-renewal failed");
        RenewalRules.RenewalJobHealthy(job with { Runs = [runs[0]] }).Holds.Should().BeTrue();
    }

    [Test]
    public void An_absent_disabled_or_never_run_job_is_not_automation()
    {
        RenewalRules.RenewalJobHealthy(new RenewalJob("cert-renewal", false, false, false, null, false, [])).Shortfalls.Should().Equal("renewal job cert-renewal is not registered in Nomad");
        RenewalRules.RenewalJobHealthy(new RenewalJob("cert-renewal", true, true, false, "0 3 * * *", false, [])).Shortfalls
            .Should().Equal("renewal job cert-renewal's schedule is disabled", "renewal job cert-renewal has never finished a run");
        RenewalRules.RenewalJobHealthy(new RenewalJob("cert-renewal", true, false, false, null, true, [])).Shortfalls
            .Should().Contain("renewal job cert-renewal is not periodic: nothing renews the certificates on a schedule").And.Contain("renewal job cert-renewal is stopped");
    }

    [Test]
    public void Without_a_job_certificates_older_than_the_interval_fail_and_the_verdict_says_it_is_evidence_by_age()
    {
        ServiceCertificate Issued(string s, int daysAgo) => new(s, new TlsHandshake("h", 443, "Tls13", "c", $"CN={s}", "CN=ca", Now.AddDays(-daysAgo), Now.AddDays(90),
            [s], SslPolicyErrors.None, []));
        var v = RenewalRules.CertificatesYoungerThanInterval([Issued("fresh", 10), Issued("stale", 75)], 60, Now);
        v.Rule.Should().Contain("evidence by age only");
        v.Shortfalls.Should().Equal("stale: CN=stale was issued 75 days ago, more than tls.renewal_interval_days (60): not renewed on schedule");
    }

    [Test]
    public void A_ca_key_found_on_a_node_fails_naming_the_file()
    {
        RenewalRules.NoCaKeyOnServiceNodes("ssh://u@node:22", ["/etc/ssl/ca*.key"], []).Holds.Should().BeTrue();
        RenewalRules.NoCaKeyOnServiceNodes("ssh://u@node:22", ["/etc/ssl/ca*.key"], ["/etc/ssl/ca.key"]).Shortfalls
            .Should().Equal("CA private key found on a service node: ssh://u@node:22/etc/ssl/ca.key");
    }
}

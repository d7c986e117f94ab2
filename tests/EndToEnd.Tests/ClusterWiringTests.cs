using Acceptance.TestSupport;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.EndToEnd.Tests;

/// <summary>
/// The cluster domain (Consul, Nomad, capacity, discovery) wired end to end: the real suite, run as a child process
/// against the sandbox, ends red on the sandbox's faults (with the verdict's own words) and green once they are off.
/// Every rule's verdicts are proven by unit tests against the documented API bodies (tests/Support.Tests/Rules);
/// this proves the steps, probes and clients deliver the facts to them and the report carries the verdict.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ClusterWiringTests : SandboxDomainFixture
{
    private static readonly string[] Ids = ["SEC-AC-1", "SEC-AC-2", "POSTVAL-SHC-1", "INFRA-HR-1", "INFRA-HR-2"];

    protected override TargetCopy TargetForDomain() => TargetCopy.OfSandbox().Set("thresholds.poll_timeout_seconds", "8");

    private Task<IReadOnlyList<ScenarioResult>> Run() => Run(Ids);

    [Test, Order(1)]
    public async Task With_ACLs_disabled_and_a_check_critical_those_lines_fail_and_the_others_pass()
    {
        IReadOnlyList<ScenarioResult> results;
        await using (await SandboxFault.OnAsync("consul.acl-disabled"))
        await using (await SandboxFault.OnAsync("nomad.acl-disabled"))
        await using (await SandboxFault.OnAsync("consul.check-critical"))
            results = await Run();
        TestContext.Out.WriteLine(string.Join("\n", results));

        results.ShouldEnd("Consul denies anonymous requests as its default-deny policy documents", "failed",
            "Rule: Consul ACLs enabled with default deny", "Verdict: NOT met", "X-Consul-Default-ACL-Policy is allow");
        results.ShouldEnd("Nomad denies anonymous requests to protected endpoints", "failed", "anonymous GET /v1/jobs answered 200");
        results.ShouldEnd("The configured Nomad token works and is not a management token", "failed", "management token");
        results.ShouldEnd("Every service and node reports healthy status in Consul", "failed", "service:prometheus critical", "Polled: not reached within 8 s");
        results.ShouldEnd("Consul runs at least the minimum number of servers for high availability", "passed");
        results.ShouldEnd("Every node has the minimum CPU cores, memory and disk", "passed");
    }

    [Test, Order(2)]
    public async Task With_the_faults_off_every_one_of_those_lines_passes()
    {
        var results = await Run();
        results.Should().HaveCountGreaterThanOrEqualTo(8);
        results.Should().OnlyContain(r => r.Status == "passed", string.Join("\n", results));
    }
}

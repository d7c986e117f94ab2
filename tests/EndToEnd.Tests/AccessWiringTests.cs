using Acceptance.TestSupport;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.EndToEnd.Tests;

/// <summary>
/// The access domain (SSH to the nodes and through the bastion, DNS records, Grafana's access control) wired end to end:
/// the real suite, run as a child process against the sandbox, ends red on the sandbox's config and stand-in faults (with the
/// verdict's own words) and green once they are off. The rules' verdicts are proven by tests/Support.Tests/Rules.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class AccessWiringTests : SandboxDomainFixture
{
    private static readonly string[] Ids = ["SEC-AC-3", "SEC-AC-4", "INFRA-NC-2", "INFRA-NC-4"];

    protected override TargetCopy TargetForDomain() => TargetCopy.OfSandbox();

    private Task<IReadOnlyList<ScenarioResult>> Run() => Run(Ids);

    private static bool HasBastion => Directory.Exists("/run/netns") && File.Exists("/run/netns/mlp-sandbox-bastion");

    [Test, Order(1)]
    public async Task With_passwords_a_missing_record_anonymous_grafana_and_a_bypass_those_lines_fail()
    {
        IReadOnlyList<ScenarioResult> results;
        await using (await SandboxFault.OnAsync("sshd.password-auth"))
        await using (await SandboxFault.OnAsync("dns.record-missing"))
        await using (await SandboxFault.OnAsync("grafana.anonymous"))
        await using (HasBastion ? await SandboxFault.OnAsync("bastion.bypass") : null)
            results = await Run();
        TestContext.Out.WriteLine(string.Join("\n", results));

        results.ShouldEnd("Every node's SSH server offers key login only, with a pinned host key", "failed",
            "Verdict: NOT met", "127.0.0.1:18022: offers password authentication");
        results.ShouldEnd("Every expected service has DNS records at every resolver, agreeing with the Consul catalog", "failed",
            "grafana.service.consul at 127.0.0.1:18600: NXDOMAIN");
        results.ShouldEnd("Grafana refuses anonymous callers and its default admin login", "failed", "anonymous access is ON");
        results.ShouldEnd("Grafana accounts hold no more than the roles the target allows", "passed");
        if (HasBastion)
            results.ShouldEnd("The private nodes are reached through the bastion and only through it", "failed", "bastion bypass: 10.213.1.2:22");
    }

    [Test, Order(2)]
    public async Task With_the_faults_off_every_one_of_those_lines_passes()
    {
        var results = await Run();
        results.Should().HaveCountGreaterThanOrEqualTo(HasBastion ? 6 : 5);
        results.Should().OnlyContain(r => r.Status == "passed" || !HasBastion && r.Status == "skipped", string.Join("\n", results));
    }
}

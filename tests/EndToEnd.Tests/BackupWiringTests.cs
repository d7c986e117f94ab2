using Acceptance.TestSupport;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.EndToEnd.Tests;

/// <summary>
/// The backup domain (backup jobs, stores, restore drill, audit, retention) wired end to end: the real suite, run as a child
/// process against the sandbox, ends red on the sandbox's backup faults with the verdict's own words and green once they are off.
/// The rules' verdicts are proven by tests/Support.Tests/Rules/BackupRulesTests; this proves the probes deliver the facts.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class BackupWiringTests : SandboxDomainFixture
{
    private static readonly string[] Ids = ["MON-BV-1", "INFRA-SC-4", "GOV-SC-3"];

    protected override TargetCopy TargetForDomain() => TargetCopy.OfSandbox().Set("thresholds.poll_timeout_seconds", "8");

    private Task<IReadOnlyList<ScenarioResult>> Run() => Run(Ids);

    [Test, Order(1)]
    public async Task With_a_failing_backup_job_a_missing_dr_copy_and_sshd_logging_off_those_lines_fail()
    {
        IReadOnlyList<ScenarioResult> results;
        // only the nomad backup fails: the other components keep writing backups, whose DR copies are missing
        await using (await SandboxFault.OnAsync("backup.job-fails", "nomad"))
        await using (await SandboxFault.OnAsync("backup.dr-missing"))
        await using (await SandboxFault.OnAsync("audit.sshd-off"))
            results = await Run();
        TestContext.Out.WriteLine(string.Join("\n", results));

        results.ShouldEnd("Every backup job ran within its window and its last run succeeded", "failed", "Verdict: NOT met", "backup-nomad: its last finished run", "FAILED");
        results.ShouldEnd("Every expected backup job is scheduled as a Nomad periodic job", "passed");
        results.ShouldEnd("The disaster-recovery store accepts writes and holds a copy of every newest backup", "failed", "missing in the DR store");
        results.ShouldEnd("sshd's audit log records an action of the suite", "failed", "is not in the audit log");
    }

    [Test, Order(2)]
    public async Task With_the_faults_off_every_one_of_those_lines_passes()
    {
        var results = await Run();
        results.Should().OnlyContain(r => r.Status == "passed", string.Join("\n", results));
    }
}

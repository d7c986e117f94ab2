using Acceptance.TestSupport;
using NUnit.Framework;

namespace Acceptance.EndToEnd.Tests;

/// <summary>
/// One domain's nested end-to-end runs against the sandbox: every fault off before and after, a copy of the sandbox's
/// target file with the domain's short deadlines, and the real suite run as a child process on a set of checklist lines.
/// </summary>
public abstract class SandboxDomainFixture
{
    private TargetCopy _target = null!;

    /// <summary>The domain's copy of the sandbox target (short deadlines), not yet saved.</summary>
    protected abstract TargetCopy TargetForDomain();

    [OneTimeSetUp]
    public async Task StartFromAHealthySandbox()
    {
        await SandboxFault.ResetAsync();
        _target = TargetForDomain().Save();
    }

    [OneTimeTearDown]
    public async Task ResetFaults()
    {
        await SandboxFault.ResetAsync();
        _target.Dispose();
    }

    /// <summary>Runs the scenarios of the checklist lines against the domain's target copy.</summary>
    protected Task<IReadOnlyList<ScenarioResult>> Run(params string[] ids) =>
        SuiteRun.RunAsync(ScenarioResults.ChecklistFilter(ids), _target.Path, timeout: TimeSpan.FromMinutes(5));
}

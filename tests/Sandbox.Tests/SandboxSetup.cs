namespace Acceptance.Sandbox.Tests;

/// <summary>Brings the sandbox up once for the whole run (sandbox/up is idempotent).</summary>
[SetUpFixture]
public sealed class SandboxSetup
{
    [OneTimeSetUp]
    public void Up()
    {
        var r = Sandbox.Script("up");
        TestContext.Progress.WriteLine(r.Output);
        if (r.ExitCode != 0) Assert.Fail($"sandbox/up failed ({r.ExitCode}):\n{r.Output}");
    }
}

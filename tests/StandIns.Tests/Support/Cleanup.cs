using NUnit.Framework;
using StandIns.Tests.Support;

/// <summary>Assembly-wide (global namespace): removes the throwaway certificates after the run.</summary>
[SetUpFixture]
public class StandInsTestsCleanup
{
    [OneTimeTearDown]
    public void RemoveTestCertificates() => TestCerts.Delete();
}

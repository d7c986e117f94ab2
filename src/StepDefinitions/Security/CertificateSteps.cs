using Acceptance.StepDefinitions.Infrastructure;
using Acceptance.Support.Tls;
using Reqnroll;

namespace Acceptance.StepDefinitions.Security;

/// <summary>Steps about the certificates the services present.</summary>
[Binding]
public sealed class CertificateSteps(ScenarioServices services, Checks checks)
{
    [Then("every https service presents a certificate trusted by the target's CA, for its name, valid for at least the target's minimum days")]
    public async Task ThenEveryCertificateIsValid()
    {
        var (https, plain) = await new CertificateProbe(services.Target, services.Evidence).CertificatesAsync();
        checks.Assert(CertificateRules.ValidForEveryHttpsService(https, plain, services.Target.Thresholds.Tls, DateTimeOffset.UtcNow));
    }
}

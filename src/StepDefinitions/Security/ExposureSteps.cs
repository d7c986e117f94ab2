using Acceptance.StepDefinitions.Infrastructure;
using Acceptance.Support.Exposure;
using Reqnroll;

namespace Acceptance.StepDefinitions.Security;

/// <summary>Steps about what answers without credentials (NEXT-HARD-1).</summary>
[Binding]
public sealed class ExposureSteps(ScenarioServices services, Checks checks)
{
    [Then("no endpoint answers a sensitive path without credentials and every service is served over TLS")]
    public async Task ThenNothingAnswersAnonymously() => checks.Assert(ExposureRules.TlsAndAuthEverywhere(
        services.Anonymous.Endpoints(), await services.Anonymous.CallAllAsync(), services.Target.Tls, services.Target.Exposure));
}

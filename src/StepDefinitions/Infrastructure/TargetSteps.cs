using Reqnroll;

namespace Acceptance.StepDefinitions.Infrastructure;

/// <summary>Steps about the target itself.</summary>
[Binding]
public sealed class TargetSteps(ScenarioServices services)
{
    [Given("the target declares {service}")]
    public void GivenTheTargetDeclares(ServiceKey service) => services.Target.Require<Acceptance.Support.Configuration.ServiceOptions>(service.Key);
}

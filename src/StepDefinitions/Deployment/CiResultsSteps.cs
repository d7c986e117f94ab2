using Acceptance.StepDefinitions.Infrastructure;
using Acceptance.Support.ContinuousIntegration;
using Reqnroll;

namespace Acceptance.StepDefinitions.Deployment;

/// <summary>Steps about the application's own CI results, imported from the files the target names (PREVAL-AT-3/4).</summary>
[Binding]
public sealed class CiResultsSteps(ScenarioServices services, Checks checks)
{
    [Then("the imported unit-test coverage reports meet the line coverage threshold and were written in the change window")]
    public void ThenCoverageMeetsTheThreshold() =>
        checks.Assert(CiRules.Coverage(services.CoverageReports(), services.Target.Thresholds.Ci, services.Target.ChangeWindowStart));

    [Then("the imported test results show tests that ran, none failed, written in the change window")]
    public void ThenNoTestFailed() => checks.Assert(CiRules.TestResults(services.TestResultsReports(), services.Target.ChangeWindowStart));
}

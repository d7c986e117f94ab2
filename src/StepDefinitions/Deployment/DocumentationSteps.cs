using Acceptance.StepDefinitions.Infrastructure;
using Acceptance.Support.Documentation;
using Reqnroll;

namespace Acceptance.StepDefinitions.Deployment;

/// <summary>Steps about the documents the target lists (the automated halves of DOCS-DU-* and NEXT-DOCS-1).</summary>
[Binding]
public sealed class DocumentationSteps(ScenarioServices services, Checks checks)
{
    [Then("every {word} document the target lists resolves and was updated in the change window")]
    public async Task ThenDocumentsUpdated(string key) => checks.Assert(DocumentationRules.UpdatedInWindow(key,
        await new DocumentProbe(services.Target, services.Evidence).CheckAsync(Listed(key)), services.Target.ChangeWindowStart));

    [Then("every runbook the target lists resolves")]
    public async Task ThenRunbooksExist() => checks.Assert(DocumentationRules.RunbooksExist(
        await new DocumentProbe(services.Target, services.Evidence).CheckAsync(Listed("runbooks"))));

    private IReadOnlyList<string> Listed(string key) => services.Target.RequireListed(services.Target.Documentation.Of(key), $"documentation.{key}",
        "the documentation line then rests on its attestation alone, which the report asks for as well");
}

using Acceptance.StepDefinitions.Infrastructure;
using Acceptance.Support.Ssh;
using Reqnroll;

namespace Acceptance.StepDefinitions.Security;

/// <summary>Steps about the nodes' SSH servers and the bastion.</summary>
[Binding]
public sealed class SshSteps(ScenarioServices services, Checks checks)
{
    [Then("every node's SSH server offers key login only and presents the host key known_hosts pins")]
    public async Task ThenKeyLoginOnly() => checks.Assert(SshRules.KeyLoginOnly(await services.Ssh.ServersAsync()));

    [Then("the root-login policy in effect on every node is the one the target names")]
    public async Task ThenRootLoginPolicy() => checks.Assert(SshRules.RootLoginPolicy(await services.Ssh.EffectiveSettingsAsync(), services.Target.Ssh.PermitRootLogin));

    [Then("the suite logs in to every private node through the bastion with its key")]
    public async Task ThenThroughBastion() => checks.Assert(SshRules.ReachedThroughBastion(await services.Ssh.LoginsAsync(privateOnly: true), services.Target.Ssh));

    [Then("no private node accepts a direct connection from the runner")]
    public async Task ThenNoDirectAccess() => checks.Assert(SshRules.DirectAccessRefused(await services.Ssh.DirectReachAsync(), services.Target.Ssh));
}

using Acceptance.StepDefinitions.Infrastructure;
using Acceptance.Support.Grafana;
using Reqnroll;

namespace Acceptance.StepDefinitions.Security;

/// <summary>Steps about who may use Grafana: anonymous callers, the default login, roles, MFA through the identity provider.</summary>
[Binding]
public sealed class GrafanaAccessSteps(ScenarioServices services, Checks checks)
{
    [Then("Grafana refuses callers without credentials")]
    public async Task ThenAnonymousRefused() => checks.Assert(GrafanaAccessRules.AnonymousDisabled(await services.GrafanaAccess.AnonymousAsync()));

    [Then("Grafana refuses its default admin login")]
    public async Task ThenDefaultLoginRefused() =>
        checks.Assert(GrafanaAccessRules.DefaultLoginRefused(await services.GrafanaAccess.DefaultAdminLoginAsync(services.Target.Grafana.CheckDefaultLogin)));

    [Then("the suite's Grafana account holds no more than the role its checks need")]
    public async Task ThenSuiteRole() => checks.Assert(GrafanaAccessRules.SuiteRoleWithinNeed(await services.GrafanaAccess.SuiteAsync(), services.Target.Grafana));

    [Then("every Grafana user and service account holds at most the role the target allows it")]
    public async Task ThenAccountRoles() => checks.Assert(GrafanaAccessRules.AccountsWithinAllowedRoles(await services.GrafanaAccess.AccountsAsync(),
        GrafanaAccessRules.ParseAllowedRoles(services.Target.RequireListed(services.Target.Grafana.AllowedRoles, "services.grafana.allowed_roles", "the roles accounts may hold are not named"))));

    [Then("Grafana admins log in only through the MFA-enforcing identity provider the target names")]
    public async Task ThenMfaProvider()
    {
        var provider = services.Target.RequireSetting(services.Target.Grafana.MfaProvider, "services.grafana.mfa_provider", "no identity provider is named as the one that enforces MFA for admins; attest SEC-AC-5 instead");
        checks.Assert(GrafanaAccessRules.AdminLoginsThroughMfaProvider(await services.GrafanaAccess.AdminSettingsAsync("whether admin logins must go through the identity provider cannot be read; attest SEC-AC-5 instead"), provider));
    }
}

using System.Text.Json;
using Acceptance.Support.Evidence;
using Acceptance.Support.Grafana;
using Acceptance.Support.Outcomes;
using Acceptance.TestSupport;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Rules;

/// <summary>
/// <see cref="GrafanaAccessRules"/>: small facts (healthy and faulty), then Grafana's documented /api/admin/settings and
/// /api/org/users bodies (../shared/fixtures/grafana) through the real client and <see cref="GrafanaAccessProbe"/>.
/// </summary>
public sealed class GrafanaAccessRulesTests
{
    private static readonly GrafanaOptions Grafana = new() { Key = "grafana", Address = "https://grafana:3000", SuiteRole = "Viewer" };

    [Test]
    public void Anonymous_calls_refused_hold_and_an_answer_names_anonymous_access()
    {
        GrafanaAccessRules.AnonymousDisabled([new("api/frontend/settings", 401, null), new("api/search?limit=1", 401, null)]).Holds.Should().BeTrue();
        var v = GrafanaAccessRules.AnonymousDisabled([new("api/frontend/settings", 200, true), new("api/search?limit=1", 200, null)]);
        v.Shortfalls.Should().Equal(
            "anonymous GET /api/frontend/settings answered 200: anonymousEnabled is true, anonymous access is ON",
            "anonymous GET /api/search?limit=1 answered 200: anonymous access is ON");
    }

    [Test]
    public void The_default_admin_login_must_be_refused()
    {
        GrafanaAccessRules.DefaultLoginRefused(401).Holds.Should().BeTrue();
        GrafanaAccessRules.DefaultLoginRefused(200).Shortfalls.Should().Equal("admin/admin logs in (HTTP 200): the default admin password was never changed");
    }

    [Test]
    public void The_suite_may_not_hold_more_than_its_role_nor_be_server_admin()
    {
        GrafanaAccessRules.SuiteRoleWithinNeed(new("sa-1-acceptance", "Viewer", false), Grafana).Holds.Should().BeTrue();
        GrafanaAccessRules.SuiteRoleWithinNeed(new("sa-1-acceptance", "Admin", true), Grafana).Shortfalls.Should().Equal(
            "the suite's account sa-1-acceptance is Admin, more than services.grafana.suite_role Viewer",
            "the suite's account sa-1-acceptance is a Grafana server admin: no check needs that");
    }

    [Test]
    public void Accounts_are_judged_by_their_entry_or_the_wildcard_and_disabled_ones_are_not()
    {
        var allowed = GrafanaAccessRules.ParseAllowedRoles(["admin: Admin", "*: Viewer"]);
        GrafanaAccount[] accounts =
        [
            new("admin", "admin", "Admin", false, false), new("ml-oncall", "ML on-call", "Editor", false, false),
            new("old", "old", "Admin", false, true), new("sa-1-ci", "ci", "Admin", true, false),
        ];
        GrafanaAccessRules.AccountsWithinAllowedRoles(accounts, allowed).Shortfalls.Should().Equal(
            "user ml-oncall is Editor, allowed at most Viewer", "service account sa-1-ci is Admin, allowed at most Viewer");
    }

    [Test]
    public void A_malformed_allowed_role_is_named() =>
        FluentActions.Invoking(() => GrafanaAccessRules.ParseAllowedRoles(["admin = Admin"])).Should().Throw<EnvironmentProblemException>()
            .WithMessage("*'admin = Admin' is not \"login: Role\"*");

    [Test]
    public void Logins_only_through_the_provider_hold()
    {
        var settings = JsonDocument.Parse("""{"auth":{"disable_login_form":"true"},"auth.basic":{"enabled":"false"},"auth.generic_oauth":{"enabled":"true"}}""").RootElement;
        GrafanaAccessRules.AdminLoginsThroughMfaProvider(settings, "generic_oauth").Holds.Should().BeTrue();
    }

    [Test]
    public void The_documented_settings_have_no_sso_and_keep_the_login_form()
    {
        var v = GrafanaAccessRules.AdminLoginsThroughMfaProvider(JsonDocument.Parse(SharedFixtures.Text("grafana/admin-settings.json")).RootElement, "generic_oauth");
        v.Observed.Should().Contain("[auth.basic] enabled = false");
        v.Shortfalls.Should().Equal(
            "[auth.generic_oauth] enabled is (not set): logins do not go through generic_oauth",
            "[auth] disable_login_form is (not set): a local password login goes around generic_oauth's MFA");
    }

    [Test]
    public void Basic_auth_left_on_is_a_password_path_around_the_provider()
    {
        var settings = JsonDocument.Parse("""{"auth":{"disable_login_form":"true"},"auth.basic":{"enabled":"true"},"auth.okta":{"enabled":"true"}}""").RootElement;
        GrafanaAccessRules.AdminLoginsThroughMfaProvider(settings, "okta").Shortfalls.Should().Equal("[auth.basic] enabled is true: the API takes a user's password without MFA");
    }

    [Test]
    public async Task The_documented_org_users_are_read_with_their_roles()
    {
        await using var server = new FixtureServer()
            .On("/api/org/users", SharedFixtures.Text("grafana/org-users.json"))
            .On("/api/serviceaccounts/search", """{"totalCount":1,"serviceAccounts":[{"id":2,"name":"ci","login":"sa-1-ci","orgId":1,"isDisabled":false,"role":"Editor","tokens":1}],"page":1,"perPage":1000}""");
        using var client = new GrafanaClient(TestTarget.With(Grafana with { Address = server.Url }), new EvidenceLog());

        var accounts = await new GrafanaAccessProbe(client, new EvidenceLog()).AccountsAsync();

        accounts.Should().Equal(new GrafanaAccount("admin", "", "Admin", false, false), new GrafanaAccount("sa-1-ci", "ci", "Editor", true, false));
        GrafanaAccessRules.AccountsWithinAllowedRoles(accounts, GrafanaAccessRules.ParseAllowedRoles(["admin: Admin"]))
            .Shortfalls.Should().Equal("service account sa-1-ci is Editor, allowed at most Viewer");
    }

    [Test]
    public async Task A_token_that_may_not_list_accounts_leaves_the_line_not_verified()
    {
        await using var server = new FixtureServer().On("/api/org/users", """{"message":"You'll need additional permissions to perform this action. Permissions needed: org.users:read"}""", status: 403);
        using var client = new GrafanaClient(TestTarget.With(Grafana with { Address = server.Url }), new EvidenceLog());

        await FluentActions.Awaiting(() => new GrafanaAccessProbe(client, new EvidenceLog()).AccountsAsync())
            .Should().ThrowAsync<NotVerifiedException>().WithMessage("*403*org.users:read*");
    }
}

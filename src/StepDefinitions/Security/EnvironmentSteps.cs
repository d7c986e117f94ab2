using Acceptance.StepDefinitions.Infrastructure;
using Acceptance.Support.EnvironmentVariables;
using Acceptance.Support.Secrets;
using Reqnroll;

namespace Acceptance.StepDefinitions.Security;

/// <summary>Steps about the deployed environment variables and the age of credentials.</summary>
[Binding]
public sealed class EnvironmentSteps(ScenarioServices services, Checks checks)
{
    [Then("every required environment variable is present where its workload runs")]
    public async Task ThenEveryRequiredVariableIsPresent() => checks.Assert(EnvRules.Satisfied("APP-EV-1", "configuration.required_env",
        services.RequiredEnv, await services.WorkloadEnv.ReadAsync(services.RequiredEnv), checkPatterns: false));

    [Then("every required environment variable matches its pattern")]
    public async Task ThenEveryRequiredVariableIsValid() => checks.Assert(EnvRules.Satisfied("APP-EV-2", "configuration.required_env",
        services.RequiredEnv, await services.WorkloadEnv.ReadAsync(services.RequiredEnv), checkPatterns: true));

    [Then("every production-specific variable has its production value")]
    public async Task ThenTheProductionValuesAreApplied() => checks.Assert(EnvRules.Satisfied("APP-EV-3", "configuration.production_env",
        services.ProductionEnv, await services.WorkloadEnv.ReadAsync(services.ProductionEnv), checkPatterns: true));

    [Then("no literal credential is found in the job specs, Consul KV values, container environments or configuration files")]
    public async Task ThenNoLiteralCredentialIsFound()
    {
        var sources = await services.SecretSources.ReadAsync();
        checks.Assert(SecretRules.NoHardcodedCredentials(sources, await new SecretScanner(services.Evidence).ScanAsync(sources)));
    }

    [Then("every configuration file the target lists passes its own validator")]
    public async Task ThenEveryConfigurationFileIsValid() =>
        checks.Assert(Support.Validation.ValidationRules.EveryFileValid(await Support.Validation.ConfigValidator.ValidateAsync(services.ConfigFiles, services.Evidence)));

    [Then("the release's security scan reports have no unwaived finding at or above the failing severity")]
    public void ThenTheSecurityScansPass() => checks.Assert(SecurityScanRules.ReportsPass(services.SecurityScanReports(),
        services.Target.Configuration.Secrets.WaivedFindings, services.Target.Configuration.Secrets.ScanFailSeverity));

    [Then("every certificate the services present is valid no longer than the target's maximum certificate lifetime")]
    public async Task ThenCertificatesAreRotated() => checks.Assert(CertificateRotationRules.LifetimesWithinPolicy(
        (await new Support.Tls.CertificateProbe(services.Target, services.Evidence).CertificatesAsync()).Https, services.Target.Thresholds.Secrets.CertificateMaxLifetimeDays));

    [Then("every credential the suite can see is younger than the target's maximum secret age")]
    public async Task ThenCredentialsAreRotated() => checks.Assert(RotationRules.RotatedOnSchedule(await services.CredentialAgesAsync(),
        services.Target.Thresholds.Secrets.MaxAgeDays, DateTimeOffset.UtcNow));
}

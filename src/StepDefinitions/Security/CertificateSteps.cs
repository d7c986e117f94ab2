using Acceptance.StepDefinitions.Infrastructure;
using Acceptance.Support.Tls;
using Reqnroll;

namespace Acceptance.StepDefinitions.Security;

/// <summary>Steps about the certificates the services present, their renewal and the CA key.</summary>
[Binding]
public sealed class CertificateSteps(ScenarioServices services, Checks checks)
{
    [Then("every TLS endpoint presents a certificate trusted by the target's CA, for its name, with a strong key, valid for at least the target's minimum days and no longer than its maximum lifetime")]
    public async Task ThenEveryCertificateIsValid()
    {
        var (https, plain) = await services.Certificates.CertificatesAsync();
        checks.Assert(CertificateRules.ValidForEveryHttpsService(https, plain, services.Target.Thresholds.Tls, DateTimeOffset.UtcNow, services.Target.Thresholds.Secrets.CertificateMaxLifetimeDays));
    }

    [Then("every TLS endpoint accepts TLS 1.2 or later only and no weak cipher suite")]
    public async Task ThenModernTlsOnly() =>
        checks.Assert(CertificateRules.ModernProtocolsOnly(await services.Certificates.ScanAsync(services.Certificates.Endpoints().Tls)));

    [Then("the load balancer's TLS frontend presents a valid certificate and accepts TLS 1.2 or later only")]
    public async Task ThenLoadBalancerFrontendIsValid()
    {
        var scanned = await services.Certificates.ScanAsync([services.Certificates.EndpointOf("load_balancer")]);
        checks.Assert(CertificateRules.ValidForEveryHttpsService([scanned[0].Certificate], [], services.Target.Thresholds.Tls, DateTimeOffset.UtcNow, services.Target.Thresholds.Secrets.CertificateMaxLifetimeDays));
        checks.Assert(CertificateRules.ModernProtocolsOnly(scanned));
    }

    [Then("the certificate renewal job is registered, periodic and enabled, and its last run succeeded")]
    public async Task ThenRenewalIsAutomated()
    {
        if (services.Target.Tls.RenewalJob is { } job) checks.Assert(RenewalRules.RenewalJobHealthy(await services.Renewal.JobAsync(job)));
        else checks.Assert(RenewalRules.CertificatesYoungerThanInterval((await services.Certificates.CertificatesAsync()).Https,
            services.Target.Tls.RenewalIntervalDays ?? throw new Support.Outcomes.NotVerifiedException(
                $"The target file ({services.Target.SourceName}) names neither tls.renewal_job nor tls.renewal_interval_days: renewal automation cannot be verified."),
            DateTimeOffset.UtcNow));
    }

    [Then("no CA private key is found at the target's CA key paths on the service node")]
    public async Task ThenNoCaKeyOnServiceNodes()
    {
        var paths = services.Target.RequireListed(services.Target.Tls.CaKeyPaths, "tls.ca_key_paths", "where a CA key could lie on the service nodes is not said");
        checks.Assert(RenewalRules.NoCaKeyOnServiceNodes(services.SshFiles.Origin, paths, await services.SshFiles.ExistingAsync(paths)));
    }
}

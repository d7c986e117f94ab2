using Acceptance.StepDefinitions.Infrastructure;
using Acceptance.Support.Outcomes;
using FluentAssertions;
using Reqnroll;

namespace Acceptance.StepDefinitions.Monitoring;

/// <summary>Steps about Prometheus itself: readiness, scrape targets, retention.</summary>
[Binding]
public sealed class PrometheusSteps(TargetServices services)
{
    [Given("the target declares {service}")]
    public void GivenTheTargetDeclares(ServiceKey service)
    {
        if (services.Target.Service(service.Key) is null)
            throw new NotVerifiedException($"The target file {services.Target.SourceFile} declares no {service} (services.{service}).");
    }

    [Then("Prometheus reports ready")]
    public async Task ThenPrometheusReportsReady()
    {
        var readiness = await services.PrometheusProbe.ReadinessAsync();
        readiness.IsReady.Should().BeTrue("Prometheus at {0} must answer /-/ready with 200, but it is {1}",
            services.Prometheus.Http.Endpoint.Address, readiness);
    }

    [Then("every Prometheus target is up within the poll deadline")]
    public async Task ThenEveryPrometheusTargetIsUp()
    {
        var result = await services.PrometheusProbe.WaitForAllTargetsUpAsync(services.Target.Thresholds.PollTimeout);
        result.Converged.Should().BeTrue("every scrape target must be up: {0}", result);
    }

    [Then("Prometheus retains metrics for at least the target's minimum retention")]
    public async Task ThenPrometheusRetainsMetricsLongEnough()
    {
        var minimum = TimeSpan.FromDays(services.Target.Thresholds.RetentionMinDays);
        var retention = await services.PrometheusProbe.RetentionAsync();
        retention.Duration.Should().NotBeNull("a retention time must be configured explicitly ({0})", retention);
        retention.Duration!.Value.Should().BeGreaterThanOrEqualTo(minimum,
            "thresholds.retention_min_days is {0}; Prometheus retains {1}", minimum.TotalDays, retention);
    }
}

using Acceptance.StepDefinitions.Infrastructure;
using Acceptance.Support.Docker;
using Reqnroll;

namespace Acceptance.StepDefinitions.Deployment;

/// <summary>Steps about the Docker engine, the compose project, its images and the private registry.</summary>
[Binding]
public sealed class DockerSteps(ScenarioServices services, Checks checks)
{
    private DockerOptions Docker => services.Target.Docker;

    [Then("every image the compose project runs has a scan report with no unwaived finding at or above the target's fail severity")]
    public async Task ThenEveryImageHasACleanScanReport() =>
        checks.Assert(DockerRules.ScanReportsClean(await services.DockerProbe.DeployedImagesAsync(), services.DockerProbe.ScanReports(), Docker.WaivedFindings, Docker.ScanFailSeverity));

    [Then("every image of the compose project and of every Nomad job is pinned to a version tag or a digest")]
    public async Task ThenEveryImageIsPinned() => checks.Assert(DockerRules.ImagesPinned((await services.DockerProbe.WorkloadsAsync()).Images));

    [Then("every image of the compose project and of every Nomad job comes from an allowed registry")]
    public async Task ThenEveryImageComesFromAnAllowedRegistry() =>
        checks.Assert(DockerRules.ImagesFromAllowedRegistries((await services.DockerProbe.WorkloadsAsync()).Images, services.AllowedRegistries));

    [Then("every container of the compose project and every Nomad task has CPU and memory limits")]
    public async Task ThenEveryWorkloadHasLimits() => checks.Assert(DockerRules.LimitsSet((await services.DockerProbe.WorkloadsAsync()).Limits));

    [Then("every stateful compose service mounts a named volume or a writable host path")]
    public async Task ThenEveryStatefulServiceHasAVolume() =>
        checks.Assert(DockerRules.StatefulServicesHaveVolumes(await services.DockerProbe.ContainersAsync(),
            services.Target.RequireListed(Docker.StatefulServices, "services.docker.stateful_services", "which services keep data is not said")));

    [Then("every container of the compose project is running and its healthcheck passes")]
    public Task ThenEveryContainerIsHealthy() => checks.EventuallyAsync("every container of the compose project is running and healthy",
        services.DockerProbe.ContainersAsync, c => DockerRules.ContainersRunningAndHealthy(c, services.DockerProbe.ComposeServices()));

    [Then("every container of the compose project has a restart policy")]
    public async Task ThenEveryContainerHasARestartPolicy() => checks.Assert(DockerRules.RestartPolicySet(await services.DockerProbe.ContainersAsync()));

    [Then("the registry holds the ML training image at its expected tag and its digest is recorded")]
    public async Task ThenTheTrainingImageIsPushed()
    {
        var image = await services.RegistryProbe.TrainingImageAsync();
        checks.Assert(DockerRules.TrainingImagePushed(image.Image, image.Tags, image.Digest));
    }

    [Then("the registry does not serve its API over plain http")]
    public async Task ThenTheRegistryServesOnlyTls()
    {
        var (outcome, servedApi) = await services.RegistryProbe.PlainHttpAsync();
        checks.Assert(DockerRules.RegistryServesOnlyTls(outcome, servedApi));
    }

    [Then("the registry refuses an anonymous pull with 401")]
    public async Task ThenTheRegistryRefusesAnonymousPulls()
    {
        var pull = await services.RegistryProbe.AnonymousPullAsync();
        checks.Assert(DockerRules.AnonymousPullRefused(pull.StatusCode, pull.Header("WWW-Authenticate")));
    }

    [Then("the registry accepts the configured credentials")]
    public async Task ThenTheRegistryAcceptsTheCredentials() => checks.Assert(DockerRules.CredentialsPull((await services.RegistryProbe.CredentialedBaseAsync()).StatusCode));

    [Then("the engine's client configuration holds working pull credentials for every registry the workloads pull from")]
    public async Task ThenPullCredentialsWork() =>
        checks.Assert(DockerRules.PullCredentialsWork(await services.DockerProbe.PullLoginsAsync(services.RegistryProbe), services.DockerProbe.ClientConfigFile));
}

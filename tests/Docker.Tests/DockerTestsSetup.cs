using DotNet.Testcontainers.Configurations;

namespace Acceptance.Docker.Tests;

/// <summary>
/// Before any Testcontainers type is used: its reaper (Ryuk) is off, since its image cannot be pulled here and the tests
/// clean up themselves, and DOCKER_HOST names the sandbox's engine when the caller set none. After the run, anything
/// still labelled with this run's id is removed (a fixture whose start failed half way).
/// </summary>
[SetUpFixture]
public sealed class DockerTestsSetup
{
    [OneTimeSetUp]
    public void ReaperOffAndEngine()
    {
        Environment.SetEnvironmentVariable("TESTCONTAINERS_RYUK_DISABLED", "true");
        TestcontainersSettings.ResourceReaperEnabled = false;
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST")) && SandboxEngine.Address is { } address)
            Environment.SetEnvironmentVariable("DOCKER_HOST", address);
    }

    [OneTimeTearDown]
    public async Task SweepLeftovers() => await SandboxEngine.SweepAsync();
}

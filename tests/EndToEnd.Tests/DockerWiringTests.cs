using Acceptance.TestSupport;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.EndToEnd.Tests;

/// <summary>
/// The Docker domain wired end to end, in one nested run against the sandbox: with the engine unreachable, the Docker lines
/// end BROKEN with one line naming the engine while the other lines still run and pass; a training image that was never
/// pushed FAILS DEPLOY-AD-1 with the registry's own answer. The rules are proven against real inputs by unit tests
/// (tests/Support.Tests/Docker) and against the real engine and throwaway registries by tests/Docker.Tests; the
/// healthy sandbox's Docker lines (ROLLBACK-1 included) are proven green by the fault matrix.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class DockerWiringTests : SandboxDomainFixture
{
    private const string DeadEngine = "unix:///nonexistent/acceptance-docker.sock";

    protected override TargetCopy TargetForDomain()
    {
        if (!File.ReadAllText(Repository.SandboxTarget).Contains("\n  docker:", StringComparison.Ordinal))
            Assert.Ignore("the sandbox runs without a Docker engine here (sandbox/up said why): the Docker lines are not verified on it");
        return TargetCopy.OfSandbox()
            .Set("thresholds.poll_timeout_seconds", "8")
            .Set("services.docker.address", DeadEngine)
            .Set("services.registry.training_image", "ml-platform/trainer:0.0.0-never-pushed");
    }

    [Test]
    public async Task An_unreachable_engine_breaks_only_the_docker_lines_with_one_reason_and_a_missing_image_fails_deployment()
    {
        var results = await Run("APP-DI-2", "APP-EV-4", "INFRA-SC-1", "DEPLOY-AD-1", "APP-DI-3", "APP-CM-3");
        TestContext.Out.WriteLine(string.Join("\n", results));

        results.ShouldEnd("Every image of the compose project and of every Nomad job is pinned to a version tag or a digest", "broken",
            $"Docker engine at {DeadEngine}: ");
        results.ShouldEnd("Every container and every Nomad task has CPU and memory limits", "broken", $"Docker engine at {DeadEngine}: ");
        results.ShouldEnd("Every compose service that keeps data mounts a named volume or a writable host path", "broken", $"Docker engine at {DeadEngine}: ");
        results.ShouldEnd("The ML training image is built and pushed to the registry, and its digest is recorded", "failed",
            "tag 0.0.0-never-pushed is not among the repository's tags");
        results.ShouldEnd("The private registry serves only TLS, refuses anonymous pulls and accepts the configured credentials", "passed");
        results.ShouldEnd("Every expected service is registered in the Consul catalog", "passed");
    }
}

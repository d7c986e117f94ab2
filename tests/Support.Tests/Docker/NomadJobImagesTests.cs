using Acceptance.Support.Docker;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Docker;

/// <summary><see cref="NomadJobImages"/>: images and limits of a Nomad job's container tasks.</summary>
public sealed class NomadJobImagesTests
{
    private const string Own = """
        {"Job": {"ID": "train", "TaskGroups": [
          {"Name": "g", "Tasks": [
            {"Name": "trainer", "Driver": "docker", "Config": {"image": "registry:5000/ml/trainer@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
             "Resources": {"CPU": 2000, "MemoryMB": 4096, "MemoryMaxMB": 8192}},
            {"Name": "sidecar", "Driver": "podman", "Config": {"image": "docker.io/library/busybox"}, "Resources": {"Cores": 2, "MemoryMB": 0}},
            {"Name": "script", "Driver": "raw_exec", "Config": {"command": "/bin/true"}, "Resources": {"CPU": 100, "MemoryMB": 64}}
          ]}]}}
        """;

    [Test]
    public void Own_job_gives_one_image_and_one_limit_per_container_task()
    {
        var w = NomadJobImages.Read(Own);

        w.JobId.Should().Be("train");
        w.Images.Should().Equal(
            new WorkloadImage("Nomad job train, group g, task trainer", "registry:5000/ml/trainer@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
            new WorkloadImage("Nomad job train, group g, task sidecar", "docker.io/library/busybox"));
        w.Limits.Should().Equal(
            new WorkloadLimits("Nomad job train, group g, task trainer", "4 GiB (max 8 GiB)", "2000 MHz"),
            new WorkloadLimits("Nomad job train, group g, task sidecar", null, "2 cores"));
        DockerRules.ImagesPinned(w.Images).Shortfalls.Should().Equal("Nomad job train, group g, task sidecar: docker.io/library/busybox: no tag (resolves to latest)");
        DockerRules.LimitsSet(w.Limits).Shortfalls.Should().Equal("Nomad job train, group g, task sidecar: no memory limit");
    }

    [Test]
    public void Not_a_job_is_refused()
    {
        var read = () => NomadJobImages.Read("""{"Jobs": []}""");

        read.Should().Throw<FormatException>().WithMessage("not a Nomad job*");
    }

    [Test]
    public void Real_chrony_system_job_runs_latest_with_500_MHz_and_256_MiB()
    {
        var w = NomadJobImages.Read(SharedFixtures.RealText("nomad/job-inspect-system-docker-latest-running-0.10.json"));

        w.Images.Should().Equal(new WorkloadImage("Nomad job chrony, group chrony, task chrony", "sabbene/docker-chrony:latest"));
        w.Limits.Should().Equal(new WorkloadLimits("Nomad job chrony, group chrony, task chrony", "256 MiB", "500 MHz"));
        DockerRules.ImagesPinned(w.Images).Holds.Should().BeFalse();
        DockerRules.LimitsSet(w.Limits).Holds.Should().BeTrue();
    }

    [Test]
    public void Real_stopped_tides_job_still_names_its_latest_image()
    {
        var w = NomadJobImages.Read(SharedFixtures.RealText("nomad/job-inspect-system-docker-latest-status-dead-0.10.json"));

        w.Images.Select(i => i.Image).Should().Equal("sabbene/docker-tides:latest");
        DockerRules.ImagesPinned(w.Images).Shortfalls.Should().Equal("Nomad job tides, group tides, task tides: sabbene/docker-tides:latest: tag latest");
    }

    [Test]
    public void Real_docs_periodic_job_has_an_untagged_alpine_and_redis_latest()
    {
        var w = NomadJobImages.Read(SharedFixtures.RealText("nomad/job-read-periodic-batch-docker-latest-and-untagged-docs-1.3.json"));

        w.Images.Should().Equal(
            new WorkloadImage("Nomad job example, group cache, task init", "alpine"),
            new WorkloadImage("Nomad job example, group cache, task redis", "redis:latest"));
        DockerRules.ImagesPinned(w.Images).Shortfalls.Should().Equal(
            "Nomad job example, group cache, task init: alpine: no tag (resolves to latest)",
            "Nomad job example, group cache, task redis: redis:latest: tag latest");
        w.Limits.Should().Equal(
            new WorkloadLimits("Nomad job example, group cache, task init", "300 MiB", "100 MHz"),
            new WorkloadLimits("Nomad job example, group cache, task redis", "256 MiB", "500 MHz"));
    }
}

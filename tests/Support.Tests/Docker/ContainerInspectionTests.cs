using Acceptance.Support.Docker;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Docker;

/// <summary>
/// <see cref="ContainerInspection"/>: Engine inspections (the real ones in ../shared/fixtures-real/docker, and small
/// ones of the project's own) read into Docker.DotNet's model and mapped to <see cref="ContainerFacts"/>.
/// </summary>
public sealed class ContainerInspectionTests
{
    private static ContainerFacts Real(string file) =>
        ContainerFacts.From(ContainerInspection.ParseInspectJson(SharedFixtures.RealText($"docker/{file}")).Single());

    /// <summary>A compose container with a healthcheck, a named volume, a read-only bind and two published ports.</summary>
    internal const string Compose = """
        {
          "Id": "abc", "Created": "2025-01-02T03:04:05.123456789Z", "Name": "/acc-pushgateway-1", "Image": "sha256:feed",
          "State": { "Status": "running", "Running": true, "ExitCode": 0, "StartedAt": "2025-01-02T03:04:06Z", "FinishedAt": "0001-01-01T00:00:00Z",
            "Health": { "Status": "unhealthy", "FailingStreak": 3, "Log": [
              { "Start": "2025-01-02T03:05:00.000000001Z", "End": "2025-01-02T03:05:01Z", "ExitCode": 1, "Output": "first" },
              { "Start": "2025-01-02T03:06:00Z", "End": "2025-01-02T03:06:01Z", "ExitCode": 1, "Output": "wget: server returned error: HTTP/1.1 503\n" } ] } },
          "HostConfig": { "RestartPolicy": { "Name": "unless-stopped", "MaximumRetryCount": 0 }, "Memory": 268435456, "NanoCpus": 0, "CpuQuota": 50000, "CpuPeriod": 100000 },
          "Mounts": [
            { "Type": "volume", "Name": "acc_pg_data", "Source": "/var/lib/docker/volumes/acc_pg_data/_data", "Destination": "/data", "Driver": "local", "Mode": "z", "RW": true, "Propagation": "" },
            { "Type": "bind", "Source": "/etc/acc/pg.yml", "Destination": "/etc/pg.yml", "Mode": "ro", "RW": false, "Propagation": "rprivate" } ],
          "Config": { "Image": "registry:5000/ml/pushgateway:1.9.0", "Labels": { "com.docker.compose.service": "pushgateway" },
            "Healthcheck": { "Test": ["CMD", "wget", "-qO-", "http://localhost:9091/-/healthy"], "Interval": 10000000000, "Timeout": 3000000000, "Retries": 3 } },
          "NetworkSettings": { "Ports": { "9091/tcp": [ { "HostIp": "127.0.0.1", "HostPort": "19091" }, { "HostIp": "::1", "HostPort": "19091" } ], "9092/tcp": null } }
        }
        """;

    [Test]
    public void Own_compose_container_maps_every_fact()
    {
        var c = ContainerFacts.From(ContainerInspection.ParseInspectJson(Compose).Single());

        c.Should().BeEquivalentTo(new
        {
            Name = "acc-pushgateway-1", Service = "pushgateway", Image = "registry:5000/ml/pushgateway:1.9.0", ImageId = "sha256:feed",
            State = "running", ExitCode = 0L, Health = "unhealthy", FailingStreak = 3L, LastHealthOutput = "wget: server returned error: HTTP/1.1 503",
            RestartPolicy = "unless-stopped", MemoryBytes = 268435456L, NanoCpus = 0L, CpuQuota = 50000L,
        });
        c.Mounts.Should().Equal(new MountFacts("volume", "acc_pg_data", "/data", false), new MountFacts("bind", "/etc/acc/pg.yml", "/etc/pg.yml", true));
        c.Ports.Should().Equal(new PublishedPort("127.0.0.1", 19091, 9091, "tcp"), new PublishedPort("::1", 19091, 9091, "tcp"));
        c.HasCpuLimit.Should().BeTrue();
        ContainerInspection.Limits(c).Should().Be(new WorkloadLimits("container acc-pushgateway-1 (compose service pushgateway)", "256 MiB", "0.5 CPU (CpuQuota)"));
    }

    [Test]
    public void A_health_status_none_or_no_health_means_no_healthcheck()
    {
        ContainerInspection.HealthOf(null).Should().Be(new HealthFacts(null, 0, null));
        ContainerInspection.HealthOf(ContainerInspection.ParseHealthJson("""{"Status":"none","FailingStreak":0,"Log":[]}""")).Status.Should().BeNull();
        ContainerInspection.HealthOf(ContainerInspection.ParseHealthJson("""{"Status":"starting","FailingStreak":0,"Log":[]}""")).Should().Be(new HealthFacts("starting", 0, null));
    }

    [Test]
    public void Long_health_output_keeps_its_end_on_one_line()
    {
        var output = new string('x', 500) + "\r\n  curl: (7) Failed to connect  \n";

        var line = ContainerInspection.OneLine(output, ContainerInspection.MaxHealthOutput);

        line.Should().HaveLength(ContainerInspection.MaxHealthOutput).And.StartWith("…").And.EndWith("xxx | curl: (7) Failed to connect");
    }

    [Test]
    public void Not_an_inspection_is_refused()
    {
        var parse = () => ContainerInspection.ParseInspectJson("""{"Id":"x"}""");

        parse.Should().Throw<System.Text.Json.JsonException>().WithMessage("*not a container inspection*");
    }

    [Test]
    public void Real_exited_watchtower_has_no_limits_no_restart_latest_and_is_down()
    {
        var c = Real("inspect-exited-code1-nolimit-restart-no-latest-tag.json");

        c.Should().BeEquivalentTo(new { Name = "watchtower-stopped", Service = "watchtower-stopped", State = "exited", ExitCode = 1L, Image = "containrrr/watchtower:latest",
            RestartPolicy = "no", HasRestartPolicy = false, HasMemoryLimit = false, HasCpuLimit = false, Health = (string?)null });
        c.Mounts.Should().Equal(new MountFacts("bind", "/var/run/docker.sock", "/var/run/docker.sock", false));
        ImageReference.Parse(c.Image).WhyUnpinned.Should().Be("tag latest");
        DockerRules.LimitsSet([ContainerInspection.Limits(c)]).Shortfalls.Should().Equal("container watchtower-stopped: no memory and no CPU limit");
        var running = DockerRules.ContainersRunningAndHealthy([c], []);
        running.Holds.Should().BeFalse();
        running.IsTerminal.Should().BeTrue("exited with restart policy no: nothing brings it back");
    }

    [Test]
    public void Real_running_portainer_restarts_always_but_has_no_memory_limit_and_an_unpinned_image()
    {
        var c = Real("inspect-running-nolimit-restart-always-latest-tag.json");

        c.Should().BeEquivalentTo(new { Name = "portainer", State = "running", RestartPolicy = "always", HasRestartPolicy = true, MemoryBytes = 0L, Image = "portainer/portainer:latest" });
        c.Mounts.Should().Contain(new MountFacts("volume", "portainer_data", "/data", false));
        c.Ports.Should().Equal(new PublishedPort("0.0.0.0", 9000, 9000, "tcp"));
        DockerRules.ContainersRunningAndHealthy([c], ["portainer"]).Holds.Should().BeTrue();
        DockerRules.RestartPolicySet([c]).Holds.Should().BeTrue();
        DockerRules.LimitsSet([ContainerInspection.Limits(c)]).Holds.Should().BeFalse();
        DockerRules.ImagesPinned([ContainerInspection.Image(c)]).Shortfalls.Should().Equal("container portainer: portainer/portainer:latest: tag latest");
    }

    [Test]
    public void Real_cli_array_webserver_has_2_GiB_and_2_CPUs_an_untagged_image_and_exited_255()
    {
        var c = Real("inspect-exited-255-memory-2g-nanocpus-2-image-untagged.json");

        c.Should().BeEquivalentTo(new { Name = "webserver", State = "exited", ExitCode = 255L, MemoryBytes = 2147483648L, NanoCpus = 2000000000L, RestartPolicy = "no", Image = "nginx" });
        c.Ports.Should().BeEmpty("80/tcp is exposed, not published");
        ContainerInspection.Limits(c).Should().Be(new WorkloadLimits("container webserver", "2 GiB", "2 CPU"));
        DockerRules.LimitsSet([ContainerInspection.Limits(c)]).Holds.Should().BeTrue();
        ImageReference.Parse(c.Image).WhyUnpinned.Should().Be("no tag (resolves to latest)");
        DockerRules.ContainersRunningAndHealthy([c], ["webserver"]).Shortfalls.Should().Equal(
            "container webserver: exited with code 255 and restart policy 'no': nothing will restart it");
    }

    [Test]
    public void Real_health_subset_is_unhealthy_with_streak_20_and_the_curl_404_last()
    {
        var h = ContainerInspection.HealthOf(ContainerInspection.ParseHealthJson(SharedFixtures.RealText("docker/state-health-unhealthy-failingstreak20-curl404.json")));

        h.Status.Should().Be("unhealthy");
        h.FailingStreak.Should().Be(20);
        h.LastOutput.Should().EndWith("curl: (22) The requested URL returned error: 404 NOT FOUND").And.HaveLength(ContainerInspection.MaxHealthOutput);
    }
}

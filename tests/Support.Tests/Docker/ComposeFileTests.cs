using Acceptance.Support.Docker;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Docker;

/// <summary><see cref="ComposeFile"/> and <see cref="ComposeEnvironment"/>: services, limits, volumes, healthchecks, variables.</summary>
public sealed class ComposeFileTests
{
    private const string Own = """
        services:
          trainer:
            image: ${REGISTRY:-registry:5000}/ml/trainer:${TRAINER_TAG}
            mem_limit: 2g
            cpus: "1.5"
            restart: unless-stopped
            volumes:
              - models:/models
              - ./config:/etc/trainer:ro
              - type: bind
                source: /srv/data
                target: /data
              - type: volume
                source: cache
                target: /cache
                read_only: true
              - /scratch
            healthcheck:
              test: ["CMD", "curl", "-f", "http://localhost:8080/health"]
          worker:
            image: python:3.12-slim
            deploy:
              resources:
                limits: { memory: 512M, cpus: '0.25' }
              restart_policy: { condition: on-failure }
            healthcheck:
              test: ["NONE"]
          builder:
            build: .
            healthcheck:
              disable: true
        volumes:
          models: {}
          cache: {}
        """;

    [Test]
    public void Profiles_are_read_so_a_service_that_a_plain_up_does_not_start_is_known()
    {
        var file = ComposeFile.Parse("services:\n  web: { image: nginx:1.25 }\n  trainer:\n    image: ml/trainer:1\n    profiles: [training]\n");

        file.Services.Single(s => s.Name == "web").Profiles.Should().BeEmpty();
        file.Services.Single(s => s.Name == "trainer").Profiles.Should().Equal("training");
    }

    [Test]
    public void Own_file_reads_images_limits_volumes_healthchecks_and_restart_with_variables()
    {
        var f = ComposeFile.Parse(Own, new Dictionary<string, string> { ["TRAINER_TAG"] = "1.0.0" });

        f.Services.Select(s => s.Name).Should().Equal("trainer", "worker", "builder");
        var trainer = f.Services[0];
        trainer.Should().BeEquivalentTo(new { Image = "registry:5000/ml/trainer:1.0.0", MemoryLimit = "2g", CpuLimit = "1.5", Restart = "unless-stopped", HasHealthcheck = true });
        trainer.Volumes.Should().Equal(
            new ComposeVolume("volume", "models", "/models", false),
            new ComposeVolume("bind", "./config", "/etc/trainer", true),
            new ComposeVolume("bind", "/srv/data", "/data", false),
            new ComposeVolume("volume", "cache", "/cache", true),
            new ComposeVolume("volume", "", "/scratch", false));
        f.Services[1].Should().BeEquivalentTo(new { Image = "python:3.12-slim", MemoryLimit = "512M", CpuLimit = "0.25", Restart = "deploy:on-failure", HasHealthcheck = false });
        f.Services[2].Should().BeEquivalentTo(new { Image = (string?)null, MemoryLimit = (string?)null, HasHealthcheck = false, Restart = (string?)null });
        f.Images.Should().Equal(new WorkloadImage("compose service trainer", "registry:5000/ml/trainer:1.0.0"), new WorkloadImage("compose service worker", "python:3.12-slim"));
        f.Limits.Should().Equal(
            new WorkloadLimits("compose service trainer", "2 GiB", "1.5 CPU"),
            new WorkloadLimits("compose service worker", "512 MiB", "0.25 CPU"),
            new WorkloadLimits("compose service builder", null, null));
        f.UnsetVariables.Should().BeEmpty();
        DockerRules.ImagesPinned(f.Images).Holds.Should().BeTrue();
        DockerRules.LimitsSet(f.Limits).Shortfalls.Should().Equal("compose service builder: no memory and no CPU limit");
    }

    [Test]
    public void An_unset_variable_is_reported_and_leaves_the_image_unpinned()
    {
        var f = ComposeFile.Parse(Own);

        f.UnsetVariables.Should().Equal("TRAINER_TAG");
        f.Services[0].Image.Should().Be("registry:5000/ml/trainer:");
        DockerRules.ImagesPinned(f.Images).Shortfalls.Should().Equal("compose service trainer: 'registry:5000/ml/trainer:' is not an image reference");
    }

    [TestCase("${A}", "a")]
    [TestCase("$A/$$B", "a/$B")]
    [TestCase("${EMPTY:-d}", "d")]
    [TestCase("${EMPTY-d}", "")]
    [TestCase("${NOPE-d}", "d")]
    [TestCase("${A:+alt}", "alt")]
    [TestCase("${NOPE:-${A}}", "a")]
    [TestCase("cost 5$", "cost 5$")]
    public void Variables_substitute_as_compose_does(string value, string expected)
    {
        var env = new Dictionary<string, string> { ["A"] = "a", ["EMPTY"] = "" };

        ComposeEnvironment.Substitute(value, env).Should().Be(expected);
    }

    [Test]
    public void A_required_variable_that_is_unset_stops_the_read()
    {
        var parse = () => ComposeFile.Parse("services:\n  a:\n    image: x:${TAG:?set TAG}\n", path: "stack.yml");

        parse.Should().Throw<FormatException>().WithMessage("stack.yml: required variable TAG is not set: set TAG");
    }

    [Test]
    public void Env_files_read_keys_values_quotes_and_comments()
    {
        var env = ComposeEnvironment.ParseEnvFile("# comment\r\nTAG=1.0.0\nexport REGISTRY=registry:5000 # inline\nQUOTED=\"a b\\n\"\nLITERAL='$x'\n\nEMPTY=\n");

        env.Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["TAG"] = "1.0.0", ["REGISTRY"] = "registry:5000", ["QUOTED"] = "a b\n", ["LITERAL"] = "$x", ["EMPTY"] = "",
        });
        var bad = () => ComposeEnvironment.ParseEnvFile("TAG=1\nnot a pair\n");
        bad.Should().Throw<FormatException>().WithMessage("env file line 2:*");
    }

    [Test]
    public void Not_a_compose_file_is_refused()
    {
        var parse = () => ComposeFile.Parse("groups: []\n", path: "x.yml");

        parse.Should().Throw<FormatException>().WithMessage("x.yml: not a compose file*");
    }

    [Test]
    public void Real_vegasbrianc_stack_has_4_of_5_images_unpinned()
    {
        var f = ComposeFile.Parse(SharedFixtures.RealText("docker/compose-vegasbrianc-prometheus-latest-and-untagged-images.yml"));

        f.Services.Select(s => s.Name).Should().Equal("prometheus", "node-exporter", "alertmanager", "cadvisor", "grafana");
        var v = DockerRules.ImagesPinned(f.Images);
        v.Holds.Should().BeFalse();
        v.Observed.Should().StartWith("1 of 5 images pinned");
        v.Shortfalls.Should().Equal(
            "compose service node-exporter: quay.io/prometheus/node-exporter:latest: tag latest",
            "compose service alertmanager: prom/alertmanager: no tag (resolves to latest)",
            "compose service cadvisor: gcr.io/cadvisor/cadvisor: no tag (resolves to latest)",
            "compose service grafana: grafana/grafana: no tag (resolves to latest)");
        f.Services.Should().OnlyContain(s => s.Restart == "always" && !s.HasHealthcheck && s.MemoryLimit == null);
        f.Services[0].Volumes.Should().Equal(new ComposeVolume("bind", "./prometheus/", "/etc/prometheus/", false), new ComposeVolume("volume", "prometheus_data", "/prometheus", false));
        f.Services[1].Volumes.Should().Contain(new ComposeVolume("bind", "/", "/host", true), "ro,rslave is read-only");
        DockerRules.LimitsSet(f.Limits).Shortfalls.Should().HaveCount(5);
    }
}

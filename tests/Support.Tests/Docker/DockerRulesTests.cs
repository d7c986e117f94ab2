using Acceptance.Support.Docker;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Docker;

/// <summary><see cref="DockerRules"/>: each rule fails when the thing is wrong and holds when it is right (own facts).</summary>
public sealed class DockerRulesTests
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static ContainerFacts C(string name, string state = "running", string? health = null, string restart = "unless-stopped", long exit = 0,
        MountFacts[]? mounts = null, PublishedPort[]? ports = null, long streak = 0, string? output = null) =>
        new(name, name, $"registry:5000/ml/{name}:1.0.0", "sha256:img", state, exit, health, streak, output, restart, 1L << 30, 1_000_000_000, 0,
            mounts ?? [], ports ?? []);

    // ---------------------------------------------------------------- DEPLOY-AD-1

    [Test]
    public void TrainingImagePushed_holds_with_the_tag_listed_and_records_the_digest()
    {
        var v = DockerRules.TrainingImagePushed("registry:5000/ml/trainer:1.0.0", ["0.9.0", "1.0.0"], Digest);

        v.Holds.Should().BeTrue(v.Sentence);
        v.Rule.Should().Contain("DEPLOY-AD-1").And.Contain("services.registry.training_image");
        v.Observed.Should().Contain(Digest);
    }

    [Test]
    public void TrainingImagePushed_fails_for_a_missing_tag_an_unknown_repository_a_missing_or_other_digest()
    {
        DockerRules.TrainingImagePushed("registry:5000/ml/trainer:1.0.0", ["0.9.0"], Digest).Shortfalls.Should().Equal("tag 1.0.0 is not among the repository's tags");
        DockerRules.TrainingImagePushed("registry:5000/ml/trainer:1.0.0", null, null).Shortfalls.Should().Equal(
            "repository registry:5000/ml/trainer is not known to the registry",
            "the registry gave no digest for registry:5000/ml/trainer:1.0.0: the pushed image cannot be identified");
        // training_image as the sandbox writes it, relative to services.registry: never "docker.io/…".
        DockerRules.TrainingImagePushed("ml-platform/trainer:1.0.0", null, null).Shortfalls[0].Should().Be("repository ml-platform/trainer is not known to the registry");
        DockerRules.TrainingImagePushed("ml-platform/trainer:1.0.0", [], null).Shortfalls[0].Should().StartWith("repository ml-platform/trainer has no tags");
        DockerRules.TrainingImagePushed("registry:5000/ml/trainer", ["1.0.0"], Digest).Shortfalls.Should().Equal("tag latest is not among the repository's tags");
        DockerRules.TrainingImagePushed($"registry:5000/ml/trainer@{Digest}", ["1.0.0"], "sha256:" + new string('f', 64)).Shortfalls.Should()
            .Equal($"the registry serves sha256:{new string('f', 64)}, not the pinned {Digest}");
        DockerRules.TrainingImagePushed("Not An Image", ["1"], Digest).Holds.Should().BeFalse();
    }

    // ---------------------------------------------------------------- APP-DI-2

    [Test]
    public void ImagesPinned_holds_for_tags_and_digests_and_names_each_unpinned_owner()
    {
        DockerRules.ImagesPinned([new("a", "nginx:1.25"), new("b", $"redis@{Digest}")]).Holds.Should().BeTrue();
        var v = DockerRules.ImagesPinned([new("a", "nginx:1.25"), new("compose service b", "redis"), new("Nomad job j, group g, task t", "x/y:latest")]);
        v.Rule.Should().StartWith("APP-DI-2");
        v.Shortfalls.Should().Equal("compose service b: redis: no tag (resolves to latest)", "Nomad job j, group g, task t: x/y:latest: tag latest");
        DockerRules.ImagesPinned([]).Holds.Should().BeFalse("no image means nothing was judged");
    }

    // ---------------------------------------------------------------- APP-DI-3

    [Test]
    public void RegistryServesOnlyTls_fails_when_plain_http_reaches_the_api()
    {
        DockerRules.RegistryServesOnlyTls("400 Client sent an HTTP request to an HTTPS server", false).Holds.Should().BeTrue();
        var v = DockerRules.RegistryServesOnlyTls("GET http://registry:5000/v2/ answered 200", true);
        v.Holds.Should().BeFalse();
        v.Shortfalls.Single().Should().Contain("answers over plain http");
    }

    [TestCase(401, "Bearer realm=\"https://auth/token\"", true)]
    [TestCase(403, null, true)]
    [TestCase(200, null, false)]
    [TestCase(404, null, false)]
    [TestCase(502, null, false)]
    public void AnonymousPullRefused_only_for_401_or_403(int status, string? challenge, bool holds)
    {
        var v = DockerRules.AnonymousPullRefused(status, challenge);

        v.Holds.Should().Be(holds, v.Sentence);
        if (status == 200) v.Shortfalls.Single().Should().Contain("anyone can pull");
    }

    [TestCase(200, true, null)]
    [TestCase(401, false, "the configured credentials are refused (401)")]
    [TestCase(404, false, "GET /v2/ with the credentials answered 404, not 200")]
    public void CredentialsPull_holds_for_200(int status, bool holds, string? shortfall)
    {
        var v = DockerRules.CredentialsPull(status);

        v.Holds.Should().Be(holds);
        if (shortfall is not null) v.Shortfalls.Should().Equal(shortfall);
    }

    [Test]
    public void ImagesFromAllowedRegistries_names_images_from_other_registries_and_docker_hub_by_default()
    {
        var images = new WorkloadImage[] { new("a", "registry:5000/ml/trainer:1"), new("b", "REGISTRY:5000/x:1"), new("c", "nginx:1.25") };

        DockerRules.ImagesFromAllowedRegistries(images, ["registry:5000", "https://index.docker.io/v1/"]).Holds.Should().BeTrue();
        DockerRules.ImagesFromAllowedRegistries(images, ["registry:5000"]).Shortfalls.Should().Equal("c: nginx:1.25 comes from docker.io, not an allowed registry");
        DockerRules.ImagesFromAllowedRegistries(images, []).Shortfalls.Should().Contain("services.docker.allowed_registries is empty: no registry is trusted");
    }

    // ---------------------------------------------------------------- APP-DI-4

    [Test]
    public void LimitsSet_needs_memory_and_cpu_on_every_workload()
    {
        DockerRules.LimitsSet([new("a", "256 MiB", "0.5 CPU")]).Holds.Should().BeTrue();
        DockerRules.LimitsSet([new("a", "256 MiB", null), new("b", null, "1 CPU"), new("c", null, null)]).Shortfalls.Should().Equal(
            "a: no CPU limit", "b: no memory limit", "c: no memory and no CPU limit");
        DockerRules.LimitsSet([]).Holds.Should().BeFalse();
    }

    // ---------------------------------------------------------------- INFRA-SC-1

    [Test]
    public void StatefulServicesHaveVolumes_accepts_a_named_volume_or_writable_bind_and_names_the_rest()
    {
        var containers = new[]
        {
            C("postgres", mounts: [new("volume", "pg_data", "/var/lib/postgresql/data", false)]),
            C("minio", mounts: [new("bind", "/srv/minio", "/data", false)]),
            C("redis", mounts: [new("bind", "/etc/redis.conf", "/etc/redis.conf", true), new("bind", "/var/run/docker.sock", "/var/run/docker.sock", false)]),
            C("mlflow", mounts: [new("tmpfs", "", "/tmp", false)]),
        };

        DockerRules.StatefulServicesHaveVolumes(containers, ["postgres", "minio"]).Holds.Should().BeTrue();
        var v = DockerRules.StatefulServicesHaveVolumes(containers, ["postgres", "redis", "mlflow", "qdrant"]);
        v.Rule.Should().Contain("INFRA-SC-1").And.Contain("services.docker.stateful_services");
        v.Shortfalls.Should().HaveCount(3);
        v.Shortfalls[0].Should().StartWith("container redis: no named volume or writable bind mount");
        v.Shortfalls[1].Should().StartWith("container mlflow: no named volume or writable bind mount");
        v.Shortfalls[2].Should().Be("qdrant: no container runs it, so its storage cannot be checked");
    }

    [Test]
    public void StatefulServicesHaveVolumes_does_not_count_an_anonymous_volume()
    {
        // What a container of an image with VOLUME /data gets when the compose file mounts nothing there.
        var anonymous = "c4902c7cce54d5f9ee8209c3f29c547d23d5e416893a661e34faa299a83c55b4";
        var v = DockerRules.StatefulServicesHaveVolumes([C("pushgateway", mounts: [new("volume", anonymous, "/data", false)])], ["pushgateway"]);

        v.Holds.Should().BeFalse(v.Sentence);
        v.Shortfalls.Should().ContainSingle().Which.Should().StartWith("container pushgateway: no named volume or writable bind mount")
            .And.Contain("anonymous volume c4902c7cce54");
        DockerRules.IsAnonymousVolume(anonymous).Should().BeTrue();
        DockerRules.IsAnonymousVolume("ml-platform_pushgateway-data").Should().BeFalse();
    }

    // ---------------------------------------------------------------- running and healthy

    [Test]
    public void ContainersRunningAndHealthy_holds_for_running_healthy_or_without_healthcheck()
    {
        var v = DockerRules.ContainersRunningAndHealthy([C("a", health: "healthy"), C("b")], ["a", "b"]);

        v.Holds.Should().BeTrue(v.Sentence);
        v.IsTerminal.Should().BeFalse();
    }

    [Test]
    public void Starting_and_unhealthy_are_shortfalls_that_waiting_may_heal()
    {
        var v = DockerRules.ContainersRunningAndHealthy(
            [C("a", health: "starting"), C("b", health: "unhealthy", streak: 20, output: "curl: (22) The requested URL returned error: 404 NOT FOUND"), C("c", "restarting", exit: 137)],
            ["a", "b", "c", "d"]);

        v.Shortfalls.Should().Equal(
            "d: no container",
            "container a: health starting (not yet healthy; failing streak 0)",
            "container b: unhealthy (failing streak 20), last healthcheck output: curl: (22) The requested URL returned error: 404 NOT FOUND",
            "container c: restarting (last exit code 137)");
        v.IsTerminal.Should().BeFalse();
    }

    [Test]
    public void Exited_without_restart_and_dead_are_terminal_exited_with_restart_always_is_not()
    {
        DockerRules.ContainersRunningAndHealthy([C("a", "exited", restart: "no", exit: 1)], []).IsTerminal.Should().BeTrue();
        DockerRules.ContainersRunningAndHealthy([C("a", "exited", restart: "", exit: 1)], []).IsTerminal.Should().BeTrue();
        DockerRules.ContainersRunningAndHealthy([C("a", "exited", restart: "on-failure", exit: 0)], []).IsTerminal.Should().BeTrue();
        DockerRules.ContainersRunningAndHealthy([C("a", "dead")], []).Shortfalls.Single().Should().Contain("dead");
        DockerRules.ContainersRunningAndHealthy([C("a", "dead")], []).IsTerminal.Should().BeTrue();
        var v = DockerRules.ContainersRunningAndHealthy([C("a", "exited", restart: "always", exit: 1)], []);
        v.Holds.Should().BeFalse();
        v.IsTerminal.Should().BeFalse();
        DockerRules.ContainersRunningAndHealthy([], []).Holds.Should().BeFalse("no container means nothing was judged");
    }

    [Test]
    public void RestartPolicySet_names_containers_without_one()
    {
        DockerRules.RestartPolicySet([C("a", restart: "always"), C("b", restart: "on-failure")]).Holds.Should().BeTrue();
        DockerRules.RestartPolicySet([C("a", restart: "no"), C("b", restart: "")]).Shortfalls.Should().Equal(
            "container a: restart policy 'no': it stays down after a crash or a reboot",
            "container b: restart policy 'none': it stays down after a crash or a reboot");
    }

    [Test]
    public void PortsBoundToLoopbackOrDeclared_names_ports_on_every_interface()
    {
        var loopback = C("a", ports: [new("127.0.0.1", 9090, 9090, "tcp"), new("::1", 9090, 9090, "tcp")]);
        var open = C("b", ports: [new("0.0.0.0", 3000, 3000, "tcp"), new("10.0.0.5", 8080, 80, "tcp")]);

        DockerRules.PortsBoundToLoopbackOrDeclared([loopback], []).Holds.Should().BeTrue();
        DockerRules.PortsBoundToLoopbackOrDeclared([loopback, open], ["0.0.0.0:3000", "10.0.0.5"]).Holds.Should().BeTrue();
        DockerRules.PortsBoundToLoopbackOrDeclared([loopback, open], []).Shortfalls.Should().Equal(
            "container b: 0.0.0.0:3000->3000/tcp is published on every interface",
            "container b: 10.0.0.5:8080->80/tcp is published on an address not declared");
    }

    // ---------------------------------------------------------------- APP-DI-1

    private static ScanReport Report(string artifact, string digest, params ScanFinding[] findings) => new($"/reports/{artifact.Replace('/', '_')}.json", "trivy-json", artifact, [digest], findings);

    [Test]
    public void ScanReportsClean_holds_when_every_image_has_a_report_without_critical_findings()
    {
        var v = DockerRules.ScanReportsClean(
            [new("compose service trainer", "registry:5000/ml/trainer:1.0.0", ["registry:5000/ml/trainer@sha256:aa"]), new("compose service web", "nginx:1.25", [])],
            [Report("other-name", "sha256:aa", new ScanFinding("CVE-1", "HIGH", "zlib", "1", "2")), Report("docker.io/library/nginx:1.25", "sha256:bb")],
            []);

        v.Holds.Should().BeTrue(v.Sentence);
        v.Observed.Should().Contain("registry:5000/ml/trainer:1.0.0: /reports/other-name.json (trivy-json): 1 findings, 0 at CRITICAL or above");
    }

    [Test]
    public void ScanReportsClean_fails_for_an_unscanned_image_and_an_unwaived_critical_and_lists_waived_ones()
    {
        var v = DockerRules.ScanReportsClean(
            [new("compose service trainer", "registry:5000/ml/trainer:1.0.0", ["sha256:aa"]), new("compose service web", "nginx:1.25", ["sha256:cc"])],
            [Report("trainer", "sha256:aa",
                new ScanFinding("CVE-1", "CRITICAL", "openssl", "3.0.1", "3.0.2"),
                new ScanFinding("CVE-2", "CRITICAL", "musl", "1.1", ""),
                new ScanFinding("CVE-3", "CRITICAL", "zlib", "1.2", ""))],
            ["CVE-2", "cve-3:zlib"]);

        v.Rule.Should().StartWith("APP-DI-1");
        v.Shortfalls.Should().Equal(
            "compose service trainer: registry:5000/ml/trainer:1.0.0: CVE-1 CRITICAL in openssl 3.0.1 (fixed in 3.0.2) [/reports/trainer.json]",
            "compose service web: nginx:1.25 has no scan report (none matches its digest [sha256:cc] or its name)");
        v.Observed.Should().Contain("waived: CVE-2 CRITICAL (musl), CVE-3 CRITICAL (zlib)");
    }

    [Test]
    public void ScanReportsClean_refuses_an_unknown_severity_and_an_empty_deployment()
    {
        DockerRules.ScanReportsClean([new("a", "nginx:1", [])], [Report("nginx:1", "sha256:x")], [], "SEVERE").Shortfalls.Single().Should().Contain("is not one of");
        DockerRules.ScanReportsClean([], [], []).Holds.Should().BeFalse();
    }
}

using Acceptance.Support.Docker;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Docker;

/// <summary><see cref="ImageReference"/>: Docker's reference grammar, pinning, and what is refused.</summary>
public sealed class ImageReferenceTests
{
    [TestCase("nginx", "docker.io", "library/nginx", null, null)]
    [TestCase("nginx:1.25", "docker.io", "library/nginx", "1.25", null)]
    [TestCase("prom/prometheus:v2.36.2", "docker.io", "prom/prometheus", "v2.36.2", null)]
    [TestCase("quay.io/prometheus/node-exporter:latest", "quay.io", "prometheus/node-exporter", "latest", null)]
    [TestCase("gcr.io/cadvisor/cadvisor", "gcr.io", "cadvisor/cadvisor", null, null)]
    [TestCase("localhost/ml/trainer:2", "localhost", "ml/trainer", "2", null)]
    [TestCase("localhost:5000/trainer", "localhost:5000", "trainer", null, null)]
    [TestCase("127.0.0.1:15443/ml/trainer:1.0.0", "127.0.0.1:15443", "ml/trainer", "1.0.0", null)]
    [TestCase("registry:5000/ml/trainer:1.0.0", "registry:5000", "ml/trainer", "1.0.0", null)]
    [TestCase("index.docker.io/library/redis:7", "docker.io", "library/redis", "7", null)]
    [TestCase("redis@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "docker.io", "library/redis", null,
        "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [TestCase("ghcr.io/org/app:1.2@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "ghcr.io", "org/app", "1.2",
        "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void Parses_by_the_reference_grammar(string image, string registry, string repository, string? tag, string? digest)
    {
        var r = ImageReference.Parse(image);

        r.Should().Be(new ImageReference(registry, repository, tag, digest));
        r.ToString().Should().Be(image, "ToString gives the reference as written");
    }

    [TestCase("nginx", false, "no tag (resolves to latest)")]
    [TestCase("containrrr/watchtower:latest", false, "tag latest")]
    [TestCase("registry:5000/ml/trainer", false, "no tag (resolves to latest)")]
    [TestCase("prom/prometheus:v2.36.2", true, null)]
    [TestCase("redis:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", true, null)]
    public void Pinned_means_a_digest_or_a_tag_other_than_latest(string image, bool pinned, string? why)
    {
        var r = ImageReference.Parse(image);

        r.IsPinned.Should().Be(pinned);
        r.WhyUnpinned.Should().Be(why);
    }

    [TestCase("")]
    [TestCase("Nginx")]
    [TestCase("nginx:")]
    [TestCase("nginx@sha256:short")]
    [TestCase("a//b")]
    [TestCase("ml/trainer:bad tag")]
    public void Refuses_what_is_not_a_reference(string image)
    {
        var parse = () => ImageReference.Parse(image);

        parse.Should().Throw<FormatException>();
        ImageReference.TryParse(image).Should().BeNull();
    }

    [Test]
    public void Equal_references_written_differently_are_equal_and_a_changed_copy_prints_its_canonical_form()
    {
        ImageReference.Parse("nginx").Should().Be(ImageReference.Parse("docker.io/library/nginx"));
        (ImageReference.Parse("nginx") with { Tag = "1.25" }).ToString().Should().Be("docker.io/library/nginx:1.25");
        ImageReference.Parse("nginx").SameImageAs(ImageReference.Parse("docker.io/library/nginx:latest")).Should().BeTrue();
        ImageReference.Parse("nginx:1").SameImageAs(ImageReference.Parse("nginx:2")).Should().BeFalse();
    }

    [TestCase("https://index.docker.io/v1/", "docker.io")]
    [TestCase("Registry.Example.com:5000", "registry.example.com:5000")]
    [TestCase("https://127.0.0.1:15443/v2/", "127.0.0.1:15443")]
    public void Registries_are_compared_as_host_and_port(string written, string normalized) =>
        ImageReference.NormalizeRegistry(written).Should().Be(normalized);
}

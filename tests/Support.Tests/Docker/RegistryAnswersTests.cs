using System.Text;
using Acceptance.Support.Docker;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Docker;

/// <summary><see cref="RegistryAnswers"/>: tags lists, error bodies, manifest digests, captured answers.</summary>
public sealed class RegistryAnswersTests
{
    [Test]
    public void Own_tags_list_and_null_tags()
    {
        RegistryAnswers.ParseTags("""{"name":"ml/trainer","tags":["1.0.0"]}""").Should().BeEquivalentTo(new TagsList("ml/trainer", ["1.0.0"]));
        RegistryAnswers.ParseTags("""{"name":"ml/trainer","tags":null}""").Tags.Should().BeEmpty();
        var notTags = () => RegistryAnswers.ParseTags("""{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}""");
        notTags.Should().Throw<FormatException>().WithMessage("not a tags list but a registry error: NAME_UNKNOWN: repository name not known to registry");
        var html = () => RegistryAnswers.ParseTags("<html>");
        html.Should().Throw<FormatException>().WithMessage("not a tags list: not JSON*");
    }

    [Test]
    public void Error_bodies_read_on_one_line_and_other_bodies_say_so()
    {
        RegistryAnswers.DescribeError("""{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"},{"code":"X"}]}""")
            .Should().Be("DENIED: requested access to the resource is denied; X");
        RegistryAnswers.DescribeError("<html><body>502 Bad Gateway</body></html>").Should().Be("not a registry error body: '<html><body>502 Bad Gateway</body></html>'");
    }

    [Test]
    public void Own_digest_check_holds_for_the_exact_bytes_and_fails_for_reserialised_ones()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"schemaVersion":2}""");
        var digest = RegistryAnswers.DigestOf(bytes);

        digest.Should().Be("sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
        RegistryAnswers.VerifyDigest(bytes, digest.ToUpperInvariant().Replace("SHA256", "sha256")).Matches.Should().BeTrue();
        var other = RegistryAnswers.VerifyDigest(Encoding.UTF8.GetBytes("""{ "schemaVersion": 2 }"""), digest);
        other.Matches.Should().BeFalse();
        other.ToString().Should().Contain("not the stated " + digest);
    }

    [Test]
    public void Own_http_capture_with_crlf()
    {
        var h = RegistryAnswers.ParseHttp("HTTP/1.1 200 OK\r\nDocker-Content-Digest: sha256:ab\r\nX: 1\r\nx: 2\r\n\r\n{}");

        h.Should().BeEquivalentTo(new { Status = 200, Reason = "OK", Body = "{}" });
        h.Header("docker-content-digest").Should().Be("sha256:ab");
        h.Header("X").Should().Be("1, 2");
        var notHttp = () => RegistryAnswers.ParseHttp("{}");
        notHttp.Should().Throw<FormatException>();
    }

    [Test]
    public void Real_tags_lists_healthy_and_null_after_delete()
    {
        RegistryAnswers.ParseTags(SharedFixtures.RealText("registry/tags-list-200-distribution-2015-latest-and-test.json"))
            .Should().BeEquivalentTo(new TagsList("test/busybox", ["latest", "test"]));
        var deleted = RegistryAnswers.ParseTags(SharedFixtures.RealText("registry/tags-list-200-tags-null-after-delete.json"));
        deleted.Should().BeEquivalentTo(new TagsList("busybox", []));
        DockerRules.TrainingImagePushed("registry:5000/busybox:1.0", deleted.Tags, null).Shortfalls.Should().Contain(s => s.Contains("has no tags"));
    }

    [Test]
    public void Real_error_bodies_404_name_unknown_and_401_catalog()
    {
        RegistryAnswers.DescribeError(SharedFixtures.RealText("registry/tags-list-404-name-unknown-distribution-v3.0.0.json"))
            .Should().Be("NAME_UNKNOWN: repository name not known to registry (name <name>/<tag>)");
        RegistryAnswers.DescribeError(SharedFixtures.RealText("registry/catalog-401-unauthorized-registry-2.3.1-token-auth.json"))
            .Should().Be("UNAUTHORIZED: authentication required (registry catalog: *)");
    }

    [Test]
    public void Real_401_capture_has_a_bearer_challenge_and_an_unauthorized_body()
    {
        var h = RegistryAnswers.ParseHttp(SharedFixtures.RealText("registry/tags-list-401-unauthorized-dockerhub-2016.http"));

        h.Status.Should().Be(401);
        h.Header("WWW-Authenticate").Should().StartWith("Bearer realm=\"https://auth.docker.io/token\"");
        RegistryAnswers.DescribeError(h.Body).Should().Be("UNAUTHORIZED: authentication required (repository docker/highland_builder: pull)");
        DockerRules.AnonymousPullRefused(h.Status, h.Header("WWW-Authenticate")).Holds.Should().BeTrue();
    }

    [TestCase("manifest-list-docker-v2-python-latest-dockerhub.json", "sha256:567018293e51a89db96ce4c9679fdefc89b3d17a9fe9e94c0091b04ac5bb4e89")]
    [TestCase("manifest-schema2-nginx-1.23.1-linux-amd64-dockerhub.json", "sha256:f26fbadb0acab4a21ecb4e337a326907e61fbec36c9a9b52e725669d99ed1261")]
    [TestCase("oci-image-index-regclient-testrepo-v1-with-builder-refs.json", "sha256:7ceb9b6bcc274697d0c38be6214b50cec79d601bc61708747d3f6cb772f6c6fa")]
    public void Real_manifests_hash_to_their_stated_digests(string file, string digest)
    {
        var bytes = Encoding.UTF8.GetBytes(SharedFixtures.RealText($"registry/{file}"));

        RegistryAnswers.VerifyDigest(bytes, digest).Matches.Should().BeTrue();
        RegistryAnswers.VerifyDigest(bytes[..^1], digest).Matches.Should().BeFalse("one byte less is another manifest");
    }
}

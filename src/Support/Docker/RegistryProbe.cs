using Acceptance.Support.Evidence;
using Acceptance.Support.Http;
using Acceptance.Support.Outcomes;

namespace Acceptance.Support.Docker;

/// <summary>The training image as the registry holds it.</summary>
/// <param name="Image">repository:tag as the target names it.</param>
/// <param name="Tags">The repository's tags (null: the repository is unknown to the registry).</param>
/// <param name="Digest">Docker-Content-Digest of the tag's manifest (null: no such manifest).</param>
/// <param name="DigestMatches">The manifest's bytes hash to that digest.</param>
public sealed record RegistryImage(string Image, IReadOnlyList<string>? Tags, string? Digest, bool DigestMatches);

/// <summary>Reads the private registry's facts: the training image, anonymous and credentialed pulls, plain http.</summary>
public sealed class RegistryProbe(RegistryClient registry, EvidenceLog evidence)
{
    /// <summary>services.registry.training_image split into repository and tag (NOT VERIFIED when unset).</summary>
    public (string Repository, string Tag) TrainingImage
    {
        get
        {
            var image = registry.Endpoint.TrainingImage ?? throw new NotVerifiedException("The target does not set services.registry.training_image: the ML training image to look for is not named.");
            var slash = image.LastIndexOf('/');
            var colon = image.LastIndexOf(':');
            return colon > slash ? (image[..colon], image[(colon + 1)..]) : (image, "latest");
        }
    }

    /// <summary>The training image's tags and manifest digest; the digest is recorded in the run's environment facts.</summary>
    public async Task<RegistryImage> TrainingImageAsync(CancellationToken ct = default)
    {
        var (repo, tag) = TrainingImage;
        var tagsExchange = await registry.TagsAsync(repo, ct);
        IReadOnlyList<string>? tags = tagsExchange.StatusCode switch
        {
            200 => RegistryAnswers.ParseTags(tagsExchange.Body).Tags,
            404 => null,
            _ => throw ServiceResponseException.For(tagsExchange),
        };
        string? digest = null;
        var matches = false;
        if (tags?.Contains(tag) == true)
        {
            var manifest = await registry.ManifestAsync(repo, tag, ct: ct);
            if (!manifest.IsSuccess && manifest.StatusCode != 404) throw ServiceResponseException.For(manifest);
            digest = manifest.IsSuccess ? manifest.Header("Docker-Content-Digest") : null;
            matches = digest is not null && RegistryAnswers.VerifyDigest(System.Text.Encoding.UTF8.GetBytes(manifest.Body), digest).Matches;
        }
        if (digest is not null) RunFacts.Set("registry.training_image", $"{registry.Endpoint.Host}/{repo}:{tag}@{digest}");
        evidence.Note($"training image {registry.Endpoint.Host}/{repo}:{tag}: tags {(tags is null ? "none (repository unknown)" : $"[{string.Join(", ", tags)}]")}, digest {digest ?? "none"}");
        return new RegistryImage($"{repo}:{tag}", tags, digest, matches);
    }

    /// <summary>An anonymous pull: the training image's manifest without credentials (GET /v2/ when no image is named).</summary>
    public Task<HttpExchange> AnonymousPullAsync(CancellationToken ct = default) =>
        registry.Endpoint.TrainingImage is null ? registry.BaseAsync(authenticate: false, ct) : registry.ManifestAsync(TrainingImage.Repository, TrainingImage.Tag, authenticate: false, ct);

    /// <summary>GET /v2/ with the configured credentials: 200 when the registry accepts them (whatever images it holds).</summary>
    public Task<HttpExchange> CredentialedBaseAsync(CancellationToken ct = default) => registry.BaseAsync(ct: ct);

    /// <summary>What the registry's port does over plain http.</summary>
    public Task<(string Outcome, bool ServedApi)> PlainHttpAsync(CancellationToken ct = default) => registry.PlainHttpAsync(ct);

    /// <summary>GET /v2/ with a login from a docker client configuration: its status.</summary>
    public async Task<int> LoginWorksAsync(string user, string password, CancellationToken ct = default) =>
        (await registry.BaseWithAsync(user, password, ct)).StatusCode;

    /// <summary>host:port of the registry.</summary>
    public string Host => registry.Endpoint.Host;
}

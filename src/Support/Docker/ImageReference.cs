using System.Text.RegularExpressions;

namespace Acceptance.Support.Docker;

/// <summary>
/// An image reference read by Docker's grammar (distribution/reference): <c>[registry/]repository[:tag][@digest]</c>.
/// The first path component is a registry host when it contains '.' or ':', is "localhost", or has an upper-case
/// letter; otherwise the registry is docker.io and a single-component name gets the "library/" prefix
/// (<c>nginx</c> is <c>docker.io/library/nginx</c>). No tag and no digest means the engine pulls "latest".
/// </summary>
/// <param name="Registry">The registry host (with port when written): docker.io, quay.io, 127.0.0.1:15443.</param>
/// <param name="Repository">The repository path inside the registry: library/nginx, ml/trainer.</param>
/// <param name="Tag">The tag as written, null when none is written.</param>
/// <param name="Digest">The digest as written (sha256:...), null when none is written.</param>
public sealed partial record ImageReference(string Registry, string Repository, string? Tag, string? Digest)
{
    /// <summary>Docker Hub's canonical registry name.</summary>
    public const string DockerHub = "docker.io";

    // The text Parse read, and the fields it read from it (a `with` copy that changes a field no longer prints it).
    private (string Text, string Registry, string Repository, string? Tag, string? Digest)? _written;

    /// <summary>
    /// Reads <paramref name="image"/> by Docker's reference grammar.
    /// </summary>
    /// <exception cref="FormatException">The text is not an image reference (empty, upper case in the repository,
    /// an empty path component, a malformed tag or digest); the message quotes it.</exception>
    public static ImageReference Parse(string image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var text = image.Trim();
        if (text.Length == 0) throw new FormatException("an empty image reference");

        string? digest = null;
        var at = text.IndexOf('@', StringComparison.Ordinal);
        var name = text;
        if (at >= 0)
        {
            digest = text[(at + 1)..];
            name = text[..at];
            if (!DigestPattern().IsMatch(digest)) throw new FormatException($"image reference '{image}': '{digest}' is not a digest (algorithm:hex)");
        }

        string? tag = null;
        var lastSlash = name.LastIndexOf('/');
        var colon = name.LastIndexOf(':');
        if (colon > lastSlash)
        {
            tag = name[(colon + 1)..];
            name = name[..colon];
            if (!TagPattern().IsMatch(tag)) throw new FormatException($"image reference '{image}': '{tag}' is not a valid tag");
        }
        if (name.Length == 0) throw new FormatException($"image reference '{image}' has no repository name");

        var registry = DockerHub;
        var repository = name;
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0)
        {
            var first = name[..slash];
            if (first.Contains('.') || first.Contains(':') || first == "localhost" || first.Any(char.IsUpper))
            {
                registry = first;
                repository = name[(slash + 1)..];
            }
        }
        if (registry is "index.docker.io" or "registry-1.docker.io") registry = DockerHub;
        if (registry == DockerHub && !repository.Contains('/')) repository = "library/" + repository;

        if (repository.Split('/').Any(c => !ComponentPattern().IsMatch(c)))
            throw new FormatException($"image reference '{image}': repository '{repository}' is not lower-case path components of [a-z0-9] joined by '.', '_', '__' or '-'");

        return new ImageReference(registry, repository, tag, digest) { _written = (text, registry, repository, tag, digest) };
    }

    /// <summary>
    /// A registry as written in a target file, a docker config.json "auths" key or an image, reduced to the host[:port]
    /// form images use: scheme and path dropped, lower case, Docker Hub's aliases (index.docker.io,
    /// registry-1.docker.io, "https://index.docker.io/v1/") made docker.io.
    /// </summary>
    public static string NormalizeRegistry(string registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var r = registry.Trim();
        var scheme = r.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0) r = r[(scheme + 3)..];
        var slash = r.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0) r = r[..slash];
        r = r.ToLowerInvariant();
        return r is "index.docker.io" or "registry-1.docker.io" or "registry.hub.docker.com" ? DockerHub : r;
    }

    /// <summary>Parses, or returns null when <paramref name="image"/> is not an image reference.</summary>
    public static ImageReference? TryParse(string? image)
    {
        if (string.IsNullOrWhiteSpace(image)) return null;
        try { return Parse(image); }
        catch (FormatException) { return null; }
    }

    /// <summary>
    /// True when the reference names one image for good: it carries a digest, or a tag other than "latest".
    /// No tag means "latest", so it is not pinned.
    /// </summary>
    public bool IsPinned => Digest is not null || (Tag is not null && Tag != "latest");

    /// <summary>Why the reference is not pinned ("tag latest", "no tag (resolves to latest)"); null when it is pinned.</summary>
    public string? WhyUnpinned => IsPinned ? null : Tag is null ? "no tag (resolves to latest)" : "tag latest";

    /// <summary>registry/repository without tag or digest: docker.io/library/nginx.</summary>
    public string Name => $"{Registry}/{Repository}";

    /// <summary>The fully qualified form: registry/repository[:tag][@digest], with no tag written as ":latest" when there is no digest.</summary>
    public string Canonical => Name + (Tag is not null ? ":" + Tag : Digest is null ? ":latest" : "") + (Digest is not null ? "@" + Digest : "");

    /// <summary>
    /// True when both name the same repository in the same registry and agree on what is written of the tag and
    /// digest: equal digests win; otherwise equal tags (no tag and "latest" are the same).
    /// </summary>
    public bool SameImageAs(ImageReference other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!string.Equals(Registry, other.Registry, StringComparison.OrdinalIgnoreCase) || Repository != other.Repository) return false;
        if (Digest is not null && other.Digest is not null) return string.Equals(Digest, other.Digest, StringComparison.OrdinalIgnoreCase);
        return (Tag ?? "latest") == (other.Tag ?? "latest");
    }

    /// <summary>The reference as written when parsed; otherwise the canonical form.</summary>
    public override string ToString() =>
        _written is { } w && (w.Registry, w.Repository, w.Tag, w.Digest) == (Registry, Repository, Tag, Digest) ? w.Text : Canonical;

    /// <summary>Equal when registry, repository, tag and digest are equal (how it was written does not matter).</summary>
    public bool Equals(ImageReference? other) =>
        other is not null && (Registry, Repository, Tag, Digest) == (other.Registry, other.Repository, other.Tag, other.Digest);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Registry, Repository, Tag, Digest);

    [GeneratedRegex("^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")]
    private static partial Regex ComponentPattern();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex TagPattern();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$")]
    private static partial Regex DigestPattern();
}

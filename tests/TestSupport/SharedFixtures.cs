using System.Text.Json.Nodes;
using NUnit.Framework;

namespace Acceptance.TestSupport;

/// <summary>
/// The documented API bodies in ../shared/fixtures and the real-world files in ../shared/fixtures-real, read at test
/// time (never copied into the project). In a bare clone without ../shared a test that needs one is skipped with
/// the reason; the project's own small fixtures (inline in each test class) still test every rule.
/// </summary>
public static class SharedFixtures
{
    /// <summary>../shared next to the repository, or null.</summary>
    public static string? Root { get; } = Locate();

    /// <summary>The text of shared/fixtures/<paramref name="relative"/>; skips the test when ../shared is absent.</summary>
    public static string Text(string relative) => File.ReadAllText(PathOf(Path.Combine("fixtures", relative)));

    /// <summary>The text of shared/fixtures-real/<paramref name="relative"/>; skips the test when ../shared is absent.</summary>
    public static string RealText(string relative) => File.ReadAllText(PathOf(Path.Combine("fixtures-real", relative)));

    /// <summary>A documented body as a mutable JSON tree, to derive a faulty variant.</summary>
    public static JsonNode Json(string relative) => JsonNode.Parse(Text(relative))!;

    private static string PathOf(string relative)
    {
        if (Root is null) Assert.Ignore($"../shared is not beside this clone: the documented fixture {relative} cannot be read (the project's own fixtures still cover the rule)");
        var path = Path.Combine(Root!, relative);
        if (!File.Exists(path)) Assert.Ignore($"{path} is not in this copy of ../shared");
        return path;
    }

    private static string? Locate()
    {
        var candidate = Path.GetFullPath(Path.Combine(Repository.Root, "..", "shared"));
        return Directory.Exists(Path.Combine(candidate, "fixtures")) ? candidate : null;
    }
}

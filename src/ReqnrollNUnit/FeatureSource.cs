using System.Collections.Concurrent;
using NUnit.Framework;

namespace Acceptance.ReqnrollNUnit;

/// <summary>
/// Finds the .feature files (recursively, ordered by path) and yields one NUnit fixture argument per feature.
/// Use as <c>[TestFixtureSource(typeof(FeatureSource), nameof(FeatureSource.All))]</c>.
/// </summary>
public static class FeatureSource
{
    /// <summary>Environment variable that overrides the features directory.</summary>
    public const string DirectoryVariable = "ACCEPTANCE_FEATURES_DIR";

    private static readonly ConcurrentDictionary<string, Lazy<IReadOnlyList<FeatureDescriptor>>> Cache = new();

    /// <summary><c>$ACCEPTANCE_FEATURES_DIR</c> if set, else <c>features/</c> in the test output directory.</summary>
    public static string FeaturesDirectory
    {
        get
        {
            var fromEnv = Environment.GetEnvironmentVariable(DirectoryVariable);
            return Path.GetFullPath(string.IsNullOrWhiteSpace(fromEnv) ? Path.Combine(AppContext.BaseDirectory, "features") : fromEnv);
        }
    }

    /// <summary>Fixture data for every feature of <see cref="FeaturesDirectory"/>; the fixture name is the feature name.</summary>
    public static IEnumerable<TestFixtureData> All() => FixturesFor(FeaturesDirectory);

    public static IEnumerable<TestFixtureData> FixturesFor(string directory)
    {
        var features = Load(directory);
        var duplicates = features.GroupBy(f => f.Name, StringComparer.Ordinal).Where(g => g.Count() > 1)
            .Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var feature in features)
        {
            var name = duplicates.Contains(feature.Name) ? $"{feature.Name} ({feature.RelativePath})" : feature.Name;
            yield return new TestFixtureData(feature) { TestName = name };
        }
    }

    /// <summary>Parsed features of a directory; parsed once per process and cached.</summary>
    public static IReadOnlyList<FeatureDescriptor> Load(string directory) =>
        Cache.GetOrAdd(Path.GetFullPath(directory), d => new Lazy<IReadOnlyList<FeatureDescriptor>>(() => Scan(d))).Value;

    private static IReadOnlyList<FeatureDescriptor> Scan(string directory)
    {
        if (!Directory.Exists(directory))
            return [Broken(directory, $"features directory not found: {directory} (set {DirectoryVariable} or copy the .feature files to the test output 'features' folder)")];
        var files = Directory.EnumerateFiles(directory, "*.feature", SearchOption.AllDirectories)
            .Select(f => (Full: f, Relative: Path.GetRelativePath(directory, f).Replace('\\', '/')))
            .OrderBy(f => f.Relative, StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
            return [Broken(directory, $"no .feature files found under {directory}")];
        return files.Select(f => FeatureParser.Parse(f.Full, f.Relative)).ToList();
    }

    private static FeatureDescriptor Broken(string directory, string error) =>
        new(".", directory, "Feature discovery") { ParseError = error };
}

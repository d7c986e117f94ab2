using YamlDotNet.RepresentationModel;

namespace Acceptance.TestSupport;

/// <summary>
/// A copy of a target file with some keys changed (YamlDotNet, so the rest stays exactly as written), saved to a
/// temporary file deleted on dispose. <code>using var t = TargetCopy.OfSandbox().Set("thresholds.poll_timeout_seconds", "10").Save();</code>
/// </summary>
public sealed class TargetCopy : IDisposable
{
    private readonly YamlStream _yaml = new();

    private TargetCopy(string source)
    {
        using var reader = new StreamReader(source);
        _yaml.Load(reader);
    }

    /// <summary>The saved copy (after <see cref="Save"/>).</summary>
    public string Path { get; private set; } = "";

    /// <summary>A copy of <paramref name="source"/>.</summary>
    public static TargetCopy Of(string source) => new(source);

    /// <summary>A copy of the sandbox's target file.</summary>
    public static TargetCopy OfSandbox() => new(Repository.SandboxTarget);

    /// <summary>Sets a scalar at a dotted path ("services.alertmanager.critical_receiver"), creating mappings on the way.</summary>
    public TargetCopy Set(string dottedPath, string value) => SetNode(dottedPath, new YamlScalarNode(value));

    /// <summary>Sets a list of strings at a dotted path.</summary>
    public TargetCopy SetList(string dottedPath, params string[] values) =>
        SetNode(dottedPath, new YamlSequenceNode(values.Select(v => new YamlScalarNode(v))));

    /// <summary>Writes the copy to a temporary file and returns this (see <see cref="Path"/>).</summary>
    public TargetCopy Save()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"target-copy-{Guid.NewGuid():N}.yaml");
        using var writer = new StreamWriter(Path);
        _yaml.Save(writer, assignAnchors: false);
        return this;
    }

    private TargetCopy SetNode(string dottedPath, YamlNode value)
    {
        var node = (YamlMappingNode)_yaml.Documents[0].RootNode;
        var keys = dottedPath.Split('.');
        foreach (var key in keys[..^1])
        {
            if (!node.Children.TryGetValue(new YamlScalarNode(key), out var child) || child is not YamlMappingNode mapping)
            {
                mapping = new YamlMappingNode();
                node.Children[new YamlScalarNode(key)] = mapping;
            }
            node = mapping;
        }
        node.Children[new YamlScalarNode(keys[^1])] = value;
        return this;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Path.Length > 0 && File.Exists(Path)) File.Delete(Path);
    }
}

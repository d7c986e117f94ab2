namespace Acceptance.Support.Configuration;

/// <summary>
/// Binds a property of an options class to a key of the target file. The property's initial value is
/// the default; <see cref="OptionsBinder"/> reads the key, checks its type and range, and reports an
/// unknown key, a wrong type or an out-of-range value with file:line.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class OptionAttribute(string key, string doc) : Attribute
{
    /// <summary>The YAML key (snake_case).</summary>
    public string Key { get; } = key;

    /// <summary>One sentence for docs/target-file.md and error messages.</summary>
    public string Doc { get; } = doc;

    /// <summary>The key must be present.</summary>
    public bool Required { get; init; }

    /// <summary>Smallest accepted number (inclusive); NaN when unbounded.</summary>
    public double Min { get; init; } = double.NaN;

    /// <summary>Largest accepted number (inclusive); NaN when unbounded.</summary>
    public double Max { get; init; } = double.NaN;

    /// <summary>A path (relative ones resolve against the target file's folder).</summary>
    public bool IsPath { get; init; }

    /// <summary>The path must name an existing file.</summary>
    public bool MustExist { get; init; }

    /// <summary>An http(s) URL.</summary>
    public bool IsUrl { get; init; }

    /// <summary>host:port.</summary>
    public bool IsHostPort { get; init; }

    /// <summary>One of these values (comma-separated: "no,prohibit-password,yes"); null: any string.</summary>
    public string? OneOf { get; init; }

    /// <summary>A URL with one of these schemes (comma-separated: "unix,tcp,ssh"); null: no check.</summary>
    public string? Schemes { get; init; }

    /// <summary>
    /// The checklist's own number for this threshold. When the target sets another value, every verdict
    /// that uses it says so ("thresholds.X is 1000; the checklist says 25000").
    /// </summary>
    public double Checklist { get; init; } = double.NaN;

    /// <summary>
    /// The checklist lines verified against this threshold (comma-separated ids), for "verified (tailored: ...)" in the
    /// report when the target tailors it.
    /// </summary>
    public string? Lines { get; init; }

    /// <summary>The unit the report names with the value ("cores", "GiB", "%").</summary>
    public string? Unit { get; init; }
}

/// <summary>
/// The keys of the property's options class are read from the same mapping as the enclosing class
/// (a group of thresholds that share the flat <c>thresholds:</c> section).
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class OptionGroupAttribute(string title) : Attribute
{
    /// <summary>The group's title in docs/target-file.md.</summary>
    public string Title { get; } = title;
}

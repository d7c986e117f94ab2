using Acceptance.Support.Configuration;

namespace Acceptance.Support.Documentation;

/// <summary>documentation: the documents the checklist's documentation lines rest on, as URLs (DOCS-DU-*, NEXT-DOCS-1).</summary>
public sealed record DocumentationOptions
{
    /// <summary>DOCS-DU-1.</summary>
    [Option("architecture", "architecture documents (DOCS-DU-1): each must resolve and be modified after change.window_start (HTTP Last-Modified)")]
    public IReadOnlyList<string> Architecture { get; init; } = [];

    /// <summary>DOCS-DU-2.</summary>
    [Option("operations", "operational procedures (DOCS-DU-2): each must resolve and be modified after change.window_start")]
    public IReadOnlyList<string> Operations { get; init; } = [];

    /// <summary>DOCS-DU-3.</summary>
    [Option("troubleshooting", "troubleshooting guides (DOCS-DU-3): each must resolve and be modified after change.window_start")]
    public IReadOnlyList<string> Troubleshooting { get; init; } = [];

    /// <summary>DOCS-DU-4.</summary>
    [Option("contacts", "emergency contact information (DOCS-DU-4): each must resolve and be modified after change.window_start")]
    public IReadOnlyList<string> Contacts { get; init; } = [];

    /// <summary>NEXT-DOCS-1.</summary>
    [Option("runbooks", "operational runbooks the team relies on (NEXT-DOCS-1): each must resolve (besides every critical alert's runbook_url)")]
    public IReadOnlyList<string> Runbooks { get; init; } = [];

    /// <summary>The list of a documentation key.</summary>
    public IReadOnlyList<string> Of(string key) => key switch
    {
        "architecture" => Architecture,
        "operations" => Operations,
        "troubleshooting" => Troubleshooting,
        "contacts" => Contacts,
        "runbooks" => Runbooks,
        _ => throw new ArgumentException($"no documentation key {key}", nameof(key)),
    };
}

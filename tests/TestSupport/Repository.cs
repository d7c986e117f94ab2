namespace Acceptance.TestSupport;

/// <summary>Paths of the repository the tests run in.</summary>
public static class Repository
{
    private static readonly Lazy<string> LazyRoot = new(() =>
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Acceptance.sln"))) return d.FullName;
        throw new InvalidOperationException($"Acceptance.sln not found above {AppContext.BaseDirectory}");
    });

    /// <summary>The folder that holds Acceptance.sln.</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>The checklist folder (checklist-items.tsv, production-deployment-checklist.md).</summary>
    public static string ChecklistDir => Path.Combine(Root, "checklist");

    /// <summary>The sandbox state folder ($SANDBOX_STATE or sandbox/.state).</summary>
    public static string SandboxState =>
        Environment.GetEnvironmentVariable("SANDBOX_STATE") is { Length: > 0 } s ? s : Path.Combine(Root, "sandbox", ".state");

    /// <summary>The target file the sandbox writes.</summary>
    public static string SandboxTarget => Path.Combine(SandboxState, "target.yaml");
}

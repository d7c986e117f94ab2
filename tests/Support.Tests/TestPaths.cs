using System.Runtime.CompilerServices;

namespace Acceptance.Support.Tests;

/// <summary>Repository paths and throwaway folders.</summary>
internal static class TestPaths
{
    /// <summary>The repository root (the folder that holds Acceptance.sln).</summary>
    public static string Root { get; } = FindRoot();

    public static string ChecklistDir => Path.Combine(Root, "checklist");

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Acceptance.sln"))) return d.FullName;
        throw new InvalidOperationException("Acceptance.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A temporary folder deleted on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir([CallerMemberName] string purpose = "")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"support-tests-{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name, string content)
    {
        var p = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(p)!);
        System.IO.File.WriteAllText(p, content);
        return p;
    }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>Values that are unique per call, so secrets registered by one test never mask another test's text.</summary>
internal static class Unique
{
    public static string Secret(string prefix = "s3cr3t") => $"{prefix}-{Guid.NewGuid():N}";
}

namespace Acceptance.TestSupport;

/// <summary>Values that are unique per call, so secrets registered by one test never mask another test's text.</summary>
public static class Unique
{
    /// <summary>A secret-looking value that no other call returns.</summary>
    public static string Secret(string prefix = "s3cr3t") => $"{prefix}-{Guid.NewGuid():N}";
}

using Acceptance.Support.Configuration;
using Acceptance.Support.Evidence;

namespace Acceptance.StepDefinitions.Infrastructure;

/// <summary>
/// What is fixed for the whole run: its id and the target environment (loaded once).
/// The target file comes from $ACCEPTANCE_TARGET, else the local sandbox's sandbox/.state/target.yaml.
/// </summary>
public static class RunContext
{
    private static readonly Lazy<(TargetEnvironment? Target, Exception? Error)> LazyTarget = new(LoadTarget);

    /// <summary>Run id: $ACCEPTANCE_RUN_ID (set by run-tests.sh) or a fresh one.</summary>
    public static string RunId { get; } =
        Environment.GetEnvironmentVariable("ACCEPTANCE_RUN_ID") is { Length: > 0 } id
            ? id
            : $"{DateTime.UtcNow:yyyyMMddTHHmmss}-{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>The target; throws the load error (every problem listed) when the file is unusable.</summary>
    public static TargetEnvironment Target => LazyTarget.Value.Target ?? throw LazyTarget.Value.Error!;

    /// <summary>The target, or null when it could not be loaded.</summary>
    public static TargetEnvironment? TryTarget => LazyTarget.Value.Target;

    /// <summary>Path of the target file used.</summary>
    public static string TargetFile =>
        Environment.GetEnvironmentVariable("ACCEPTANCE_TARGET") is { Length: > 0 } path
            ? path
            : Path.Combine(RepositoryRoot() ?? ".", "sandbox", ".state", "target.yaml");

    private static (TargetEnvironment?, Exception?) LoadTarget()
    {
        try
        {
            var target = TargetFileLoader.Load(TargetFile);
            RunFacts.Set("target.name", target.Name);
            RunFacts.Set("target.environment", target.Environment);
            RunFacts.Set("target.file", target.SourceFile);
            foreach (var (key, service) in target.Services) RunFacts.Set($"{key}.address", service.Address);
            return (target, null);
        }
        catch (TargetConfigurationException e)
        {
            return (null, e);
        }
    }

    /// <summary>The folder holding Acceptance.sln above the test assembly, if any.</summary>
    public static string? RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Acceptance.sln"))) return d.FullName;
        return null;
    }
}

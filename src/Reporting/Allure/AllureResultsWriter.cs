using System.Text;
using System.Text.Json;
using Acceptance.Support.Evidence;

namespace Acceptance.Reporting.Allure;

/// <summary>
/// Writes allure-results: one &lt;uuid&gt;-result.json per scenario, attachment files, and the run's
/// environment.properties and executor.json. Everything textual is redacted before it is written.
/// </summary>
public sealed class AllureResultsWriter
{
    private static readonly Lazy<AllureResultsWriter> LazyShared = new(() => new AllureResultsWriter(DefaultDirectory()));

    /// <summary>Creates a writer for <paramref name="directory"/> (created when missing).</summary>
    public AllureResultsWriter(string directory)
    {
        Directory = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(Directory);
    }

    /// <summary>The writer of this test run ($ACCEPTANCE_RESULTS_DIR, else reports/allure-results of the repository).</summary>
    public static AllureResultsWriter Shared => LazyShared.Value;

    /// <summary>The allure-results folder.</summary>
    public string Directory { get; }

    /// <summary>Writes an attachment file and returns its Allure reference.</summary>
    public AllureAttachment WriteAttachment(EvidenceItem item)
    {
        var source = $"{Guid.NewGuid()}-attachment.{item.Extension}";
        File.WriteAllBytes(Path.Combine(Directory, source), item.Content);
        return new AllureAttachment(item.Name, source, item.MimeType);
    }

    /// <summary>Writes a result file (message and trace redacted).</summary>
    public void WriteResult(AllureResult result)
    {
        if (result.StatusDetails is { } d)
            result.StatusDetails = d with { Message = SecretRegistry.Redact(d.Message), Trace = SecretRegistry.Redact(d.Trace) };
        var json = JsonSerializer.Serialize(result, AllureJsonContext.Default.AllureResult);
        var path = Path.Combine(Directory, $"{result.Uuid}-result.json");
        File.WriteAllText(path + ".tmp", json, new UTF8Encoding(false));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>Writes environment.properties (keys sorted; values redacted, newlines flattened).</summary>
    public void WriteEnvironment(IEnumerable<KeyValuePair<string, string>> facts)
    {
        var lines = facts.Select(f => $"{Escape(f.Key)}={Escape(SecretRegistry.Redact(f.Value))}");
        File.WriteAllLines(Path.Combine(Directory, "environment.properties"), lines, new UTF8Encoding(false));
    }

    /// <summary>Writes executor.json from the CI variables that are present (GitHub, GitLab, Jenkins, generic).</summary>
    public void WriteExecutor(string runId)
    {
        string? Env(string n) => Environment.GetEnvironmentVariable(n) is { Length: > 0 } v ? v : null;
        var github = Env("GITHUB_RUN_ID") is { } gid ? $"{Env("GITHUB_SERVER_URL")}/{Env("GITHUB_REPOSITORY")}/actions/runs/{gid}" : null;
        var executor = new Dictionary<string, string>
        {
            ["name"] = Env("ACCEPTANCE_EXECUTOR") ?? (Env("GITHUB_ACTIONS") is not null ? "GitHub Actions" : Env("GITLAB_CI") is not null ? "GitLab CI" : Env("JENKINS_URL") is not null ? "Jenkins" : Env("CI") is not null ? "CI" : "local"),
            ["type"] = Env("GITHUB_ACTIONS") is not null ? "github" : Env("GITLAB_CI") is not null ? "gitlab" : Env("JENKINS_URL") is not null ? "jenkins" : "local",
            ["buildName"] = Env("BUILD_NAME") ?? Env("CI_JOB_NAME") ?? Env("JOB_NAME") ?? Env("GITHUB_WORKFLOW") ?? $"run {runId}",
            ["buildOrder"] = Env("BUILD_NUMBER") ?? Env("CI_PIPELINE_IID") ?? Env("GITHUB_RUN_NUMBER") ?? "",
            ["buildUrl"] = Env("BUILD_URL") ?? Env("CI_JOB_URL") ?? github ?? "",
            ["reportName"] = "Production deployment checklist",
        };
        foreach (var key in executor.Where(kv => kv.Value.Length == 0).Select(kv => kv.Key).ToList()) executor.Remove(key);
        File.WriteAllText(Path.Combine(Directory, "executor.json"),
            JsonSerializer.Serialize(executor, AllureJsonContext.Default.DictionaryStringString));
    }

    private static string Escape(string s) =>
        s.Replace("\\", "\\\\").Replace("\r", " ").Replace("\n", " ").Replace("=", "\\=").Replace(":", "\\:");

    private static string DefaultDirectory()
    {
        if (Environment.GetEnvironmentVariable("ACCEPTANCE_RESULTS_DIR") is { Length: > 0 } dir) return dir;
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Acceptance.sln")))
                return Path.Combine(d.FullName, "reports", "allure-results");
        return Path.Combine(AppContext.BaseDirectory, "allure-results");
    }
}

using Acceptance.Support.Configuration;

namespace Acceptance.Support.Validation;

/// <summary>
/// A configuration file to validate with the validator of its <paramref name="Kind"/> (<see cref="ConfigKinds.All"/>).
/// </summary>
/// <param name="Kind">The kind (<c>prometheus</c>, <c>haproxy</c>, <c>yaml</c>, ...).</param>
/// <param name="Path">The file's full path.</param>
public sealed record ConfigFile(string Kind, string Path)
{
    /// <summary>
    /// For <c>compose</c>: the env file passed as <c>--env-file</c> (entry <c>compose:FILE --env-file ENV</c>). Without it
    /// docker-compose reads the <c>.env</c> next to the compose file, as it does when the project is deployed.
    /// </summary>
    public string? EnvFile { get; init; }

    /// <summary>The separator between a compose file and its env file in an entry.</summary>
    public const string EnvFileSeparator = " --env-file ";

    /// <inheritdoc />
    public override string ToString() => $"{Kind}:{Path}{(EnvFile is null ? "" : EnvFileSeparator + EnvFile)}";

    /// <summary>
    /// Parses <c>configuration.files</c> entries, each <c>KIND:PATH</c> (PATH may hold <c>*</c> and <c>?</c> in its file
    /// name: every match is one file; a compose entry may end with <c> --env-file ENV</c>). Relative paths resolve against
    /// <paramref name="baseFolder"/> (the target file's folder; default: the current folder).
    /// </summary>
    /// <exception cref="TargetConfigurationException">
    /// Every problem at once, each quoting its entry: no <c>KIND:</c>, an unknown kind (the known ones are listed), a file
    /// that does not exist, a pattern that matches nothing, an env file on a kind other than compose or missing.
    /// </exception>
    public static IReadOnlyList<ConfigFile> ParseAll(IReadOnlyList<string> entries, string? baseFolder = null)
    {
        var files = new List<ConfigFile>();
        var problems = new List<string>();
        var folder = baseFolder ?? Directory.GetCurrentDirectory();
        foreach (var entry in entries)
        {
            var colon = entry.IndexOf(':');
            if (colon <= 0 || colon == entry.Length - 1)
            {
                problems.Add($"configuration.files: '{entry}' is not KIND:PATH (kinds: {string.Join(", ", ConfigKinds.All.Keys)})");
                continue;
            }
            var kind = entry[..colon].Trim();
            var rest = entry[(colon + 1)..].Trim();
            if (!ConfigKinds.All.ContainsKey(kind))
            {
                problems.Add($"configuration.files: '{entry}': unknown kind '{kind}' (kinds: {string.Join(", ", ConfigKinds.All.Keys)})");
                continue;
            }
            string? env = null;
            var sep = rest.IndexOf(EnvFileSeparator.Trim(), StringComparison.Ordinal);
            if (sep >= 0)
            {
                env = Resolve(rest[(sep + EnvFileSeparator.Trim().Length)..].Trim(), folder);
                rest = rest[..sep].Trim();
                if (kind != ConfigKinds.Compose) { problems.Add($"configuration.files: '{entry}': --env-file is for compose files only"); continue; }
                if (!File.Exists(env)) { problems.Add($"configuration.files: '{entry}': env file {env} does not exist"); continue; }
            }
            var path = Resolve(rest, folder);
            var name = System.IO.Path.GetFileName(path);
            if (PathPatterns.IsPattern(name))
            {
                var matches = PathPatterns.Matches(path);
                if (matches.Count == 0) problems.Add($"configuration.files: '{entry}': {path} matches no file");
                files.AddRange(matches.Select(m => new ConfigFile(kind, m) { EnvFile = env }));
            }
            else if (!File.Exists(path)) problems.Add($"configuration.files: '{entry}': file {path} does not exist");
            else files.Add(new ConfigFile(kind, path) { EnvFile = env });
        }
        if (problems.Count > 0) throw new TargetConfigurationException(problems);
        return files;
    }

    private static string Resolve(string path, string folder) =>
        System.IO.Path.GetFullPath(path.StartsWith("~/", StringComparison.Ordinal)
            ? System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..])
            : System.IO.Path.Combine(folder, path));
}

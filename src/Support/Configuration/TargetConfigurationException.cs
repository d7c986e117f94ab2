namespace Acceptance.Support.Configuration;

/// <summary>
/// The target configuration is unusable. Carries every problem found (file, field, why), so the
/// user fixes them all in one go. A run that meets it does not start; a scenario that meets it is
/// BROKEN (environment problem), not FAILED.
/// </summary>
public sealed class TargetConfigurationException(IReadOnlyList<string> problems)
    : Exception(Format(problems))
{
    /// <summary>One line per problem.</summary>
    public IReadOnlyList<string> Problems { get; } = problems;

    private static string Format(IReadOnlyList<string> problems) =>
        problems.Count == 1
            ? $"Target configuration problem: {problems[0]}"
            : $"Target configuration has {problems.Count} problems:\n  - " + string.Join("\n  - ", problems);
}

/// <summary>Parses host:port.</summary>
public static class HostPort
{
    /// <summary>Parses "host:port" (IPv6 in brackets).</summary>
    public static bool TryParse(string value, out (string Host, int Port) result)
    {
        result = default;
        var i = value.LastIndexOf(':');
        if (i <= 0 || !int.TryParse(value[(i + 1)..], out var port) || port is < 1 or > 65535) return false;
        result = (value[..i].Trim('[', ']'), port);
        return true;
    }
}

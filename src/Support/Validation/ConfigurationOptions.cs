using Acceptance.Support.Configuration;

namespace Acceptance.Support.Validation;

/// <summary>
/// The configuration files the platform is deployed with, each validated by its own validator (APP-CM-1, PREVAL-AT-1).
/// The <c>files</c> key of the target file's configuration section (<see cref="ConfigFile.ParseAll"/> reads the entries).
/// </summary>
public sealed record ConfigurationOptions
{
    /// <summary>The files, each <c>KIND:PATH</c>; see <see cref="ConfigFile.ParseAll"/>.</summary>
    [Option("files", "configuration files to validate, each KIND:PATH (PATH may be a glob; compose:FILE --env-file ENV); kinds: prometheus, " +
        "prometheus-rules, prometheus-web, alertmanager, haproxy, sshd, dnsmasq, blackbox, compose, yaml, json")]
    public IReadOnlyList<string> Files { get; init; } = [];
}

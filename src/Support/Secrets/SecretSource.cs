namespace Acceptance.Support.Secrets;

/// <summary>
/// A named piece of text to scan for secrets: a Nomad job's task environment, a Consul KV value, a container's
/// environment, a configuration file (or an excerpt of one).
/// </summary>
/// <param name="Place">
/// Where the text came from, as a reader finds it again ("Nomad job ml-training-nightly, group train, task trainer, env",
/// "Consul KV ml-platform/db/config", "container ml-platform_pushgateway_1 env", "/etc/haproxy/haproxy.cfg").
/// </param>
/// <param name="Text">The text itself (held only in memory and, during a scan, in a private temporary file).</param>
/// <param name="LineOffset">Lines before <paramref name="Text"/> in its file (an excerpt starting at line 41 has 40): added to every finding's line.</param>
/// <param name="FilePath">The file the text was read from, for file sources (null for API answers).</param>
public sealed record SecretSource(string Place, string Text, int LineOffset = 0, string? FilePath = null)
{
    /// <inheritdoc />
    public override string ToString() => $"{Place} ({Text.Length} characters)";
}

/// <summary>
/// One credential-looking value found in a <see cref="SecretSource"/>. It never carries the value: only where it is, the
/// rule that matched and a masked message.
/// </summary>
/// <param name="Place">The source's <see cref="SecretSource.Place"/>.</param>
/// <param name="Line">1-based line in the source (plus its <see cref="SecretSource.LineOffset"/>).</param>
/// <param name="Rule">The rule id: secretlint's ("@secretlint/secretlint-rule-basicauth") or the suite's own ("acceptance/acl-token-uuid").</param>
/// <param name="Message">What was found, with the value masked ("found basic auth credential: ****").</param>
public sealed record SecretFinding(string Place, int Line, string Rule, string Message)
{
    /// <summary>"place:line: rule", the form verdicts list findings in.</summary>
    public string Location => $"{Place}:{Line}: {Rule}";

    /// <inheritdoc />
    public override string ToString() => $"{Location} ({Message})";
}

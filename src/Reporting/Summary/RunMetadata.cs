using System.Globalization;
using System.Text;

namespace Acceptance.Reporting.Summary;

/// <summary>A value and where it came from ("alice" from "--operator").</summary>
public sealed record Sourced(string Value, string Source)
{
    /// <summary>"alice (from --operator)"; the value alone when there is no source.</summary>
    public override string ToString() => Source.Length == 0 ? Value : $"{Value} (from {Source})";
}

/// <summary>
/// Who ran what, against which target, when: read from the run's environment.properties (written by the suite's hooks:
/// run.id, target.name, target.environment, &lt;service&gt;.kind = real | stand-in, suite.git_sha, change.ticket,
/// run.started_utc, run.finished_utc) and the run metadata run-tests.sh passes to the report (RUN_ID,
/// ACCEPTANCE_OPERATOR, ACCEPTANCE_SUITE_COMMIT, ACCEPTANCE_RUN_STARTED).
/// </summary>
public sealed record RunMetadata
{
    public string RunId { get; init; } = "";
    public string Target { get; init; } = "(unknown target)";
    public string Environment { get; init; } = "(unknown environment)";

    /// <summary>Components of the target that are sandbox stand-ins, not the real products (sorted).</summary>
    public IReadOnlyList<string> StandIns { get; init; } = [];

    /// <summary>Components the run reached that answered as the real product (sorted).</summary>
    public IReadOnlyList<string> RealComponents { get; init; } = [];

    public string? Change { get; init; }
    public string? SuiteCommit { get; init; }
    public Sourced? Operator { get; init; }
    public DateTimeOffset? Started { get; init; }
    public DateTimeOffset? Finished { get; init; }

    /// <summary>Finished minus started, in whole seconds; null when either is unknown.</summary>
    public long? DurationSeconds => Started is { } s && Finished is { } f && f >= s ? (long)Math.Round((f - s).TotalSeconds) : null;

    /// <summary>"local-sandbox (sandbox)".</summary>
    public string TargetAndEnvironment => $"{Target} ({Environment})";

    /// <summary>
    /// Reads a Java properties file as the Allure writer leaves it (key=value, ':' '=' and '\' escaped with '\');
    /// an absent file is empty.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ReadProperties(string file)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(file)) return map;
        foreach (var raw in File.ReadLines(file))
        {
            var line = raw.TrimStart();
            if (line.Length == 0 || line[0] is '#' or '!') continue;
            var sb = new StringBuilder();
            string? key = null;
            for (var i = 0; i < line.Length; i++)
            {
                var c = line[i];
                if (c == '\\' && i + 1 < line.Length) { sb.Append(line[++i] switch { 'n' => '\n', 't' => '\t', var x => x }); continue; }
                if (key is null && c is '=' or ':') { key = sb.ToString().Trim(); sb.Clear(); continue; }
                sb.Append(c);
            }
            if (key is not null) map[key] = sb.ToString();
        }
        return map;
    }

    /// <summary>The components whose <c>&lt;name&gt;.kind</c> is "stand-in".</summary>
    public static IReadOnlyList<string> StandInsOf(IReadOnlyDictionary<string, string> properties) => KindOf(properties, "stand-in");

    /// <summary>The components whose <c>&lt;name&gt;.kind</c> is <paramref name="kind"/> ("real", "stand-in").</summary>
    public static IReadOnlyList<string> KindOf(IReadOnlyDictionary<string, string> properties, string kind) =>
        properties.Where(p => p.Key.EndsWith(".kind", StringComparison.Ordinal) && p.Value == kind)
            .Select(p => p.Key[..^".kind".Length]).Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Builds the metadata from the run's environment.properties and the report's environment: explicit values (the
    /// report command's options and the variables run-tests.sh exports) win over what the run recorded.
    /// </summary>
    /// <param name="properties">The run's environment.properties.</param>
    /// <param name="env">Reads an environment variable (null when unset or empty).</param>
    /// <param name="runId">--run-id, or null.</param>
    /// <param name="change">The change ticket the sign-off uses, or null.</param>
    /// <param name="target">Target name and environment from the target file, or null.</param>
    /// <param name="now">When the report is written (the run's end when the run recorded none).</param>
    public static RunMetadata From(IReadOnlyDictionary<string, string> properties, Func<string, string?> env, string? runId,
        string? change, (string Name, string Environment)? target, DateTimeOffset now)
    {
        string? Prop(string key) => properties.GetValueOrDefault(key) is { Length: > 0 } v && v != "unknown" && v != "(none)" ? v : null;
        return new RunMetadata
        {
            RunId = runId ?? env("RUN_ID") ?? env("ACCEPTANCE_RUN_ID") ?? Prop("run.id") ?? "(no run id)",
            Target = target?.Name ?? Prop("target.name") ?? "(unknown target)",
            Environment = target?.Environment ?? Prop("target.environment") ?? "(unknown environment)",
            StandIns = StandInsOf(properties),
            RealComponents = KindOf(properties, "real"),
            Change = change ?? Prop("change.ticket"),
            SuiteCommit = (env("ACCEPTANCE_SUITE_COMMIT") is { } c && c != "unknown" ? c : null) ?? Prop("suite.git_sha"),
            Operator = OperatorFrom(env) ?? (System.Environment.UserName is { Length: > 0 } login ? new(login, "the account that wrote the report") : null),
            Started = Time(env("ACCEPTANCE_RUN_STARTED")) ?? Time(Prop("run.started_utc")),
            Finished = Time(Prop("run.finished_utc")) ?? now,
        };
    }

    /// <summary>
    /// Who ran the suite: ACCEPTANCE_OPERATOR (run-tests.sh --operator, or the login it found, named by
    /// ACCEPTANCE_OPERATOR_SOURCE), else SUDO_USER, USER, LOGNAME.
    /// </summary>
    public static Sourced? OperatorFrom(Func<string, string?> env)
    {
        if (env("ACCEPTANCE_OPERATOR") is { } op) return new(op, env("ACCEPTANCE_OPERATOR_SOURCE") ?? "ACCEPTANCE_OPERATOR");
        foreach (var name in new[] { "SUDO_USER", "USER", "LOGNAME" })
            if (env(name) is { } v) return new(v, $"the {name} of the machine that ran the suite");
        return null;
    }

    /// <summary>Reads "2026-11-28 13:42:51Z" or ISO-8601; null when absent or unreadable.</summary>
    public static DateTimeOffset? Time(string? s) =>
        s is not null && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t : null;

    /// <summary>"1 min 17 s", "42 s", "2 h 3 min".</summary>
    public static string Duration(long seconds) =>
        seconds < 60 ? $"{seconds} s"
        : seconds < 3600 ? $"{seconds / 60} min {seconds % 60} s"
        : $"{seconds / 3600} h {seconds % 3600 / 60} min";

    /// <summary>"2026-11-28 13:42:51 UTC".</summary>
    public static string Utc(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}

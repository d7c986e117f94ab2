namespace Acceptance.Support.Browser;

/// <summary>Who opens a UI: the suite with its credential from the target file, or an anonymous visitor.</summary>
public enum UiVisitor
{
    /// <summary>The suite's token or basic auth, passed the way the UI expects it.</summary>
    Suite,

    /// <summary>No credential at all.</summary>
    Anonymous,
}

/// <summary>
/// How a UI takes its credential: Consul and Nomad UIs read the token the user pasted from localStorage and send it on
/// every API call; Prometheus asks for basic auth; Grafana takes a service-account token in Authorization: Bearer.
/// </summary>
public abstract record UiCredential
{
    /// <summary>A localStorage item set before the UI's scripts run (the value is a secret; never recorded).</summary>
    public sealed record LocalStorage(string Key, string Value) : UiCredential
    {
        /// <inheritdoc />
        public override string ToString() => $"localStorage '{Key}' (redacted)";
    }

    /// <summary>HTTP basic auth answered by the browser for the UI's origin only.</summary>
    public sealed record Basic(string Username, string Password) : UiCredential
    {
        /// <inheritdoc />
        public override string ToString() => $"basic auth as {Username} (password redacted)";
    }

    /// <summary>Authorization: Bearer on requests to the UI's origin only.</summary>
    public sealed record Bearer(string Token) : UiCredential
    {
        /// <inheritdoc />
        public override string ToString() => "Authorization: Bearer (redacted) to the UI's origin";
    }
}

/// <summary>One request a page made, with its answer: a status, or why it failed.</summary>
public sealed record UiRequest(string Method, string Url, int? Status, string? Failure)
{
    /// <summary>True when the request got no answer or a 4xx/5xx.</summary>
    public bool Failed => Failure is not null || Status is >= 400;

    /// <inheritdoc />
    public override string ToString() => $"{Method} {Url} → {(Failure is not null ? $"failed ({Failure})" : Status?.ToString() ?? "no answer")}";
}

/// <summary>An answer of the UI's own API that the page used (its body, to read what the page was shown).</summary>
public sealed record UiData(string Path, int Status, string Body);

/// <summary>
/// What a browser saw on one page of a UI: the route opened, where it landed, the main document's status, whether the
/// page is a sandbox stand-in (X-Sandbox-Standin), the console errors, every request with its status, the text a user
/// sees, and the bodies of the UI's API answers the page rendered.
/// </summary>
public sealed record UiVisit(string Ui, UiVisitor Visitor, string Route, string Origin, string FinalUrl, int? DocumentStatus, bool StandIn,
    string Title, IReadOnlyList<string> ConsoleErrors, IReadOnlyList<UiRequest> Requests, string VisibleText, IReadOnlyList<UiData> Data,
    TimeSpan Elapsed)
{
    /// <summary>Console errors the target file lists as known (tolerated, named in the verdict).</summary>
    public IReadOnlyList<string> ToleratedConsoleErrors { get; init; } = [];

    /// <summary>"Consul UI (stand-in UI)" on the sandbox, "Consul UI" on a real target.</summary>
    public string Label => StandIn ? $"{Ui} (stand-in UI)" : Ui;

    /// <summary>Requests to the UI's own origin that failed.</summary>
    public IReadOnlyList<UiRequest> FailedOwnRequests => Requests.Where(r => r.Failed && r.Url.StartsWith(Origin, StringComparison.Ordinal)).ToList();

    /// <summary>"Consul UI (stand-in UI) /ui/dc1/services: 200, 6 requests, 0 console errors".</summary>
    public override string ToString() =>
        $"{Label} {Route} (as {(Visitor == UiVisitor.Suite ? "the suite" : "an anonymous visitor")}): document {DocumentStatus?.ToString() ?? "no answer"}, " +
        $"landed on {FinalUrl}, {Requests.Count} requests ({FailedOwnRequests.Count} to its own origin failed), {ConsoleErrors.Count} console errors" +
        (ToleratedConsoleErrors.Count > 0 ? $" (and {ToleratedConsoleErrors.Count} known one(s) tolerated: {string.Join("; ", ToleratedConsoleErrors)})" : "") + ", " +
        $"{Elapsed.TotalMilliseconds:F0} ms";
}

namespace Acceptance.Support.Outcomes;

/// <summary>
/// The environment could not be examined (unreachable endpoint, timeout, missing credential,
/// misconfiguration). The scenario is BROKEN, not FAILED: nothing is known about the deployment.
/// </summary>
public class EnvironmentProblemException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// A service answered about itself that it is not working (HTTP 5xx: Consul's "No cluster leader", Grafana's "database is
/// locked"): the deployment is defective. The scenario is FAILED, naming the answer, never broken.
/// </summary>
public class DeploymentDefectException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The checklist line cannot be verified against this target (service not declared, no log
/// endpoint, no attestation). The scenario is reported SKIPPED with this reason, never passed.
/// </summary>
public sealed class NotVerifiedException(string reason) : Exception(reason)
{
    /// <summary>Why the line is not verified.</summary>
    public string Reason => Message;
}

/// <summary>How a scenario's outcome is classified for the report.</summary>
public enum OutcomeKind
{
    /// <summary>The deployment did what the checklist line asks.</summary>
    Passed,
    /// <summary>The deployment does not do what the checklist line asks (a deployment defect).</summary>
    Failed,
    /// <summary>The check could not run (environment problem or suite defect).</summary>
    Broken,
    /// <summary>Not verified, with a reason.</summary>
    Skipped,
}

/// <summary>Classifies exceptions into outcomes.</summary>
public static class OutcomeClassifier
{
    /// <summary>Failed for assertion failures, skipped for not-verified, broken for everything else.</summary>
    public static OutcomeKind Classify(Exception? error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case NotVerifiedException: return OutcomeKind.Skipped;
                case DeploymentDefectException: return OutcomeKind.Failed;
                case EnvironmentProblemException: return OutcomeKind.Broken;
            }
            var typeName = e.GetType().FullName ?? "";
            if (typeName is "NUnit.Framework.IgnoreException" or "NUnit.Framework.InconclusiveException") return OutcomeKind.Skipped;
            if (typeName is "NUnit.Framework.AssertionException" or "NUnit.Framework.MultipleAssertException"
                || typeName.StartsWith("FluentAssertions.", StringComparison.Ordinal)) return OutcomeKind.Failed;
        }
        return error is null ? OutcomeKind.Passed : OutcomeKind.Broken;
    }

    /// <summary>The innermost meaningful message: the not-verified reason, or the exception chain.</summary>
    public static string Describe(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
            if (e is NotVerifiedException nv) return nv.Reason;
        return error.Message;
    }
}

/// <summary>
/// An answer that does not have the shape the suite reads (a missing field, an object where a list was expected): the check
/// could not read its facts, so it is BROKEN, and the message names the exchange that carried the answer.
/// </summary>
public static class AnswerShape
{
    /// <summary>True for the errors reading a JSON answer of another shape raises.</summary>
    public static bool IsShapeError(Exception e) =>
        e is KeyNotFoundException or FormatException or System.Text.Json.JsonException
        || (e is InvalidOperationException or IndexOutOfRangeException or ArgumentOutOfRangeException
            && (e.StackTrace?.Contains("System.Text.Json", StringComparison.Ordinal) ?? false));

    /// <summary>The broken-outcome error for a shape error met while reading <paramref name="lastExchange"/>, or null when it is not one.</summary>
    public static EnvironmentProblemException? Explain(Exception e, string? lastExchange) =>
        lastExchange is not null && IsShapeError(e)
            ? new EnvironmentProblemException($"{lastExchange}: the answer does not have the shape the suite reads ({e.GetType().Name}: {e.Message})", e)
            : null;
}

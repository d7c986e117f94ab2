using Acceptance.Support.Checks;
using Acceptance.Support.Transport;

namespace Acceptance.Support.Promtool;

/// <summary>promtool's verdict on the target's rule files.</summary>
public static class PromtoolRules
{
    /// <summary>promtool exited 0.</summary>
    public static Verdict Accepts(CommandResult result, string what) => Verdict.When(result.Succeeded, $"promtool {what}",
        "exit code 0", result.ToString(), $"promtool exited {result.ExitCode}");
}

using Acceptance.Support.Checks;
using Acceptance.Support.Http;

namespace Acceptance.Support.Pushgateway;

/// <summary>Pushgateway rules: pure functions of what <see cref="PushgatewayDriver"/> reads.</summary>
public static class PushgatewayRules
{
    /// <summary>/-/healthy answers 200.</summary>
    public static Verdict Healthy(HttpExchange health) => Verdict.When(health.StatusCode == 200, "Pushgateway reports healthy",
        "/-/healthy answers 200", $"{health}: {HttpExchange.Truncate(health.Body.Trim(), 200)}", $"/-/healthy answered {health.StatusCode}");

    /// <summary>A deleted group is gone.</summary>
    public static Verdict GroupGone(MetricGroup group, bool stillHeld) => Verdict.When(!stillHeld, "a deleted Pushgateway group is gone",
        $"GET /api/v1/metrics no longer lists {group}", stillHeld ? $"{group} is still held" : $"{group} is not held", $"{group} was deleted but is still held");
}

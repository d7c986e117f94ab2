using Acceptance.Support.Configuration;

namespace Acceptance.Support.Logs;

/// <summary>services.loki: the log aggregator's query API (MON-MS-3 is not verified without it).</summary>
public sealed record LokiOptions : ServiceEndpoint
{
    /// <summary>LogQL selector of the recent lines.</summary>
    [Option("query", "LogQL selector for recent log lines")]
    public string Query { get; init; } = "{job=~\".+\"}";
}

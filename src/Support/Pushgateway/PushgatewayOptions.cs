using Acceptance.Support.Configuration;

namespace Acceptance.Support.Pushgateway;

/// <summary>services.pushgateway.</summary>
public sealed record PushgatewayOptions : ServiceEndpoint
{
    /// <summary>The Prometheus job that scrapes Pushgateway.</summary>
    [Option("scrape_job", "Prometheus job that scrapes Pushgateway")]
    public string ScrapeJob { get; init; } = "pushgateway";
}

using Acceptance.Support.Configuration;

namespace Acceptance.Support.Grafana;

/// <summary>services.grafana: the Grafana HTTP API (token: a service-account token).</summary>
public sealed record GrafanaOptions : ServiceEndpoint;

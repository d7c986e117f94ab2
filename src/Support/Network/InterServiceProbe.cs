using Acceptance.Support.Evidence;
using Acceptance.Support.Grafana;
using Acceptance.Support.Outcomes;
using Acceptance.Support.Polling;
using Acceptance.Support.Prometheus;

namespace Acceptance.Support.Network;

/// <summary>
/// Inter-service communication seen from the services themselves: Prometheus scraping other
/// services' metrics, Grafana reaching Prometheus through its datasource.
/// </summary>
public sealed class InterServiceProbe(EvidenceLog evidence)
{
    /// <summary>Polls Prometheus until every target of each named job is up (a job without targets is not up).</summary>
    public Task<PollResult<IReadOnlyList<ScrapeTarget>>> ScrapedJobsUpAsync(PrometheusClient prometheus, IReadOnlyList<string> jobs,
        TimeSpan timeout, CancellationToken ct = default) =>
        Poll.TryUntilAsync($"Prometheus scrapes jobs [{string.Join(", ", jobs)}]", timeout, TimeSpan.FromSeconds(2), async token =>
        {
            var targets = (await prometheus.TargetsAsync(token)).Where(t => jobs.Contains(t.Job)).ToList();
            var problems = jobs.Where(j => targets.All(t => t.Job != j)).Select(j => $"job {j}: no active target")
                .Concat(targets.Where(t => !t.IsUp).Select(t => t.ToString())).ToList();
            var state = problems.Count == 0 ? string.Join("; ", targets) : string.Join("; ", problems);
            return problems.Count == 0
                ? PollCheck<IReadOnlyList<ScrapeTarget>>.Satisfied(targets, state)
                : PollCheck<IReadOnlyList<ScrapeTarget>>.NotYet(targets, state);
        }, evidence, ct);

    /// <summary>Grafana's health test of every Prometheus datasource, polled until all are OK (not verified when there is none).</summary>
    /// <remarks>A token that may not list datasources (403: datasources:read is Admin-only) finds them through the expected dashboards.</remarks>
    public async Task<PollResult<IReadOnlyList<DatasourceHealth>>> PrometheusDatasourcesAsync(GrafanaClient grafana, IReadOnlyList<string> dashboards,
        TimeSpan timeout, CancellationToken ct = default)
    {
        List<GrafanaDatasource> datasources;
        try
        {
            datasources = (await grafana.DatasourcesAsync(ct)).Where(d => d.Type == "prometheus").ToList();
        }
        catch (Http.ServiceResponseException e) when (e.Exchange.StatusCode == 403 && dashboards.Count > 0)
        {
            evidence.Note($"Grafana refuses to list datasources to this token ({e.Exchange}); using those the dashboards [{string.Join(", ", dashboards)}] reference");
            datasources = [];
            foreach (var d in dashboards) datasources.AddRange(await grafana.DashboardDatasourcesAsync(d, ct));
            datasources = datasources.Where(d => d.Type == "prometheus").DistinctBy(d => d.Uid).ToList();
        }
        evidence.Note($"Grafana Prometheus datasources: {string.Join("; ", datasources)}");
        if (datasources.Count == 0) throw new NotVerifiedException("Grafana has no datasource of type prometheus (/api/datasources).");
        return await Poll.TryUntilAsync("Grafana's Prometheus datasources healthy", timeout, TimeSpan.FromSeconds(2), async token =>
        {
            var health = new List<DatasourceHealth>();
            foreach (var d in datasources) health.Add(await grafana.DatasourceHealthAsync(d, token));
            var state = string.Join("; ", health);
            return health.All(h => h.IsHealthy)
                ? PollCheck<IReadOnlyList<DatasourceHealth>>.Satisfied(health, state)
                : PollCheck<IReadOnlyList<DatasourceHealth>>.NotYet(health, state);
        }, evidence, ct);
    }
}

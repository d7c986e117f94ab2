using Acceptance.Support.Configuration;
using Acceptance.Support.Evidence;
using Acceptance.Support.Prometheus;
using Acceptance.Support.Pushgateway;

namespace Acceptance.StepDefinitions.Infrastructure;

/// <summary>
/// The scenario's clients, probes and drivers for the target, created on first use with the
/// scenario's evidence log (one instance per scenario, by context injection; disposed at its end).
/// </summary>
public sealed class TargetServices(EvidenceLog evidence) : IDisposable
{
    private readonly List<IDisposable> _owned = [];
    private PrometheusClient? _prometheus;
    private PushgatewayDriver? _pushgateway;

    /// <summary>The target (a broken target file makes the scenario BROKEN with every problem listed).</summary>
    public TargetEnvironment Target => RunContext.Target;

    /// <summary>The scenario's evidence.</summary>
    public EvidenceLog Evidence => evidence;

    /// <summary>Prometheus API client.</summary>
    public PrometheusClient Prometheus => _prometheus ??= Own(new PrometheusClient(Target, evidence));

    /// <summary>Prometheus facts.</summary>
    public PrometheusProbe PrometheusProbe => new(Prometheus, evidence);

    /// <summary>Pushgateway driver.</summary>
    public PushgatewayDriver Pushgateway => _pushgateway ??= Own(new PushgatewayDriver(Target, evidence));

    private T Own<T>(T item) where T : IDisposable
    {
        _owned.Add(item);
        return item;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var d in _owned) d.Dispose();
    }
}

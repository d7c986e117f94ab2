using Reqnroll;

namespace Acceptance.StepDefinitions.Infrastructure;

/// <summary>A service key of the target file (consul, nomad, prometheus, load_balancer, ...).</summary>
public readonly record struct ServiceKey(string Key)
{
    /// <inheritdoc />
    public override string ToString() => Key;
}

/// <summary>Custom Cucumber-expression parameter types.</summary>
[Binding]
public sealed class ParameterTypes
{
    /// <summary>{service}: a product name as written in Gherkin → the target file's service key.</summary>
    [StepArgumentTransformation(@"(Consul|Nomad|Prometheus|Pushgateway|Alertmanager|Grafana|the load balancer|DNS|SSH|a Docker engine|a private image registry|a backup store|a DR store)", Name = "service")]
    public ServiceKey Service(string name) => new(name switch
    {
        "the load balancer" => "load_balancer",
        "a Docker engine" => "docker",
        "a private image registry" => "registry",
        "a backup store" => "backup_store",
        "a DR store" => "dr_store",
        _ => name.ToLowerInvariant(),
    });
}

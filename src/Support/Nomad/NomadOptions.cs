using Acceptance.Support.Configuration;

namespace Acceptance.Support.Nomad;

/// <summary>services.nomad: the Nomad HTTP API.</summary>
public sealed record NomadOptions : ServiceEndpoint
{
    /// <summary>Region sent with every request (?region=).</summary>
    [Option("region", "Nomad region (?region=) sent with every request")]
    public string? Region { get; init; }

    /// <summary>Namespace of the jobs the suite reads or submits.</summary>
    [Option("namespace", "Nomad namespace of the jobs the suite reads or submits")]
    public string? Namespace { get; init; }

    /// <summary>Accept a management token for the suite (otherwise SEC-AC-2 flags it).</summary>
    [Option("allow_management_token", "accept a management token for the suite; otherwise a management token fails SEC-AC-2")]
    public bool AllowManagementToken { get; init; }

    /// <summary>The platform's job templates (HCL2 with variables).</summary>
    [Option("job_templates", "the platform's job templates (HCL2 with variable blocks): each must render, validate and plan (APP-CM-2, APP-CM-4)", IsPath = true)]
    public IReadOnlyList<string> JobTemplates { get; init; } = [];

    /// <summary>The template of the ML training job the suite submits.</summary>
    [Option("training_template", "the ML training job template the suite submits with a run-scoped id (DEPLOY-AD-3, POSTVAL-FT-5, NEXT-SCALE-1)", IsPath = true, MustExist = true)]
    public string? TrainingTemplate { get; init; }

    /// <summary>Variables the templates render with, NAME=VALUE.</summary>
    [Option("job_variables", "NAME=VALUE variables the templates render with (no secrets: see secret_variables)")]
    public IReadOnlyList<string> JobVariables { get; init; } = [];

    /// <summary>Secret variables (a registry password), by reference.</summary>
    [Option("secret_variables", "template variables that are secrets, by reference (never written in the file)")]
    public IReadOnlyDictionary<string, SecretReference> SecretVariables { get; init; } = new Dictionary<string, SecretReference>();

    /// <summary>Jobs that must be registered and equal their rendered template.</summary>
    [Option("expect_jobs", "job ids that must be registered and equal their rendered template (DEPLOY-AD-2)")]
    public IReadOnlyList<string> ExpectJobs { get; init; } = [];

    /// <inheritdoc />
    public override IEnumerable<(string Field, SecretReference Secret)> Secrets() =>
        base.Secrets().Concat(SecretVariables.Select(kv => ($"secret_variables.{kv.Key}", kv.Value)));
}

using Acceptance.Support.Alertmanager;
using Acceptance.Support.Configuration;
using Acceptance.Support.Consul;
using Acceptance.Support.Docker;
using Acceptance.Support.Evidence;
using Acceptance.Support.Grafana;
using Acceptance.Support.Http;
using Acceptance.Support.Load;
using Acceptance.Support.Nomad;
using Acceptance.Support.Prometheus;
using Acceptance.Support.Tls;
using Acceptance.Support.Validation;

namespace Acceptance.Support.Fingerprint;

/// <summary>
/// Reads the target's fingerprint at the end of a run with the domains' own clients: service versions, raft leaders,
/// the images of the platform's containers (and the registry's training image), the leaf certificate of every TLS
/// endpoint, the versions of the registered Nomad jobs and the hashes of configuration.files. Every part runs at once,
/// each under evidence.fingerprint_timeout_seconds; a part that cannot be read (undeclared parts are left out) is an item
/// "unavailable: REASON", so a fingerprint never fails or holds up the run. Facts only: never a secret.
/// </summary>
public sealed class FingerprintProbe(TargetEnvironment target, EvidenceLog evidence)
{
    private sealed record Part(string Kind, string Name, Func<CancellationToken, Task<IReadOnlyList<FingerprintItem>>> Read);

    /// <summary>The deadline of each part.</summary>
    public TimeSpan Deadline => TimeSpan.FromSeconds(target.Evidence.FingerprintTimeoutSeconds);

    /// <summary>Reads every part (in parallel, each under <see cref="Deadline"/>).</summary>
    public async Task<TargetFingerprint> CollectAsync(CancellationToken ct = default)
    {
        var items = await Task.WhenAll(Parts().Select(p => ReadAsync(p, ct)));
        return new TargetFingerprint(target.Name, DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"), FingerprintRules.Ordered(items.SelectMany(i => i)));
    }

    private IEnumerable<Part> Parts()
    {
        const string version = FingerprintKind.ServiceVersion;
        if (target.Service("consul") is not null)
        {
            yield return One(version, "consul", async ct => { using var c = new ConsulClient(target, evidence); return FingerprintRules.ConsulVersion((await c.Http.GetOkAsync(ConsulClient.Paths.AgentSelf, ct)).Json()); });
            yield return One(FingerprintKind.Leader, "consul", async ct => { using var c = new ConsulClient(target, evidence); return FingerprintRules.Leader(await c.LeaderAsync(ct)); });
        }
        if (target.Service("nomad") is not null)
        {
            yield return One(version, "nomad", async ct => { using var c = new NomadClient(target, evidence); return FingerprintRules.NomadVersion(await c.AgentSelfAsync(ct)); });
            yield return One(FingerprintKind.Leader, "nomad", async ct => { using var c = new NomadClient(target, evidence); return FingerprintRules.Leader(await c.LeaderAsync(ct)); });
            yield return new Part(FingerprintKind.JobVersion, "nomad jobs", async ct =>
            {
                using var c = new NomadClient(target, evidence);
                var jobs = await c.GetInNamespaceAsync(NomadClient.Paths.Jobs, ct);
                return jobs.IsSuccess ? FingerprintRules.JobVersions(jobs.Json(), [SubmittedJob.IdPrefix, NomadLoadRunners.IdPrefix]) : throw ServiceResponseException.For(jobs);
            });
        }
        if (target.Service("prometheus") is not null)
            yield return One(version, "prometheus", async ct => { using var c = new PrometheusClient(target, evidence); return await c.VersionAsync(ct); });
        if (target.Service("alertmanager") is not null)
            yield return One(version, "alertmanager", async ct => { using var c = new AlertmanagerClient(target, evidence); return (await c.StatusAsync(ct)).Version; });
        if (target.Service("grafana") is not null)
            yield return One(version, "grafana", async ct =>
            {
                using var c = new GrafanaClient(target, evidence);
                var health = await c.HealthAsync(ct);
                return health.IsSuccess ? FingerprintRules.GrafanaVersion(health.Json()) : throw ServiceResponseException.For(health);
            });
        if (target.Service("pushgateway") is ServiceEndpoint pushgateway)
            yield return One(version, "pushgateway", async ct =>
            {
                using var http = new ServiceHttp("Pushgateway", pushgateway, target.CaFile, evidence, Credentials.Basic(pushgateway));
                return FingerprintRules.PushgatewayVersion((await http.GetOkAsync("api/v1/status", ct)).Json());
            });
        if (target.Service("docker") is DockerOptions docker)
        {
            yield return One(version, "docker", async ct =>
            {
                using var engine = new DockerEngineClient(docker, evidence, Deadline);
                var v = await engine.VersionAsync(ct);
                return $"{v.Version} (API {v.APIVersion})";
            });
            if (docker.ComposeProject is { } project)
                yield return new Part(FingerprintKind.ImageDigest, project, async ct =>
                {
                    using var engine = new DockerEngineClient(docker, evidence, Deadline);
                    var items = new List<FingerprintItem>();
                    foreach (var c in await engine.ProjectContainersAsync(project, ct))
                        items.Add(FingerprintRules.ContainerImage(project, c.Service.Length > 0 ? c.Service : c.Name, c.Image, c.ImageId, await engine.RepoDigestsAsync(c.ImageId, ct)));
                    return items.Count > 0 ? items : [FingerprintRules.Unavailable(FingerprintKind.ImageDigest, project, $"no container of the compose project {project} on the engine")];
                });
        }
        if (target.Service("registry") is RegistryOptions { TrainingImage: { } image })
            yield return One(FingerprintKind.ImageDigest, image, async ct =>
            {
                using var registry = new RegistryClient(target, evidence);
                var colon = image.LastIndexOf(':');
                var (repository, tag) = colon > image.LastIndexOf('/') ? (image[..colon], image[(colon + 1)..]) : (image, "latest");
                var manifest = await registry.ManifestAsync(repository, tag, ct: ct);
                return manifest.IsSuccess ? manifest.Header("Docker-Content-Digest") ?? "" : throw ServiceResponseException.For(manifest);
            });
        var certificates = new CertificateProbe(target, evidence);
        IReadOnlyList<TlsEndpoint> endpoints;
        string? endpointProblem = null;
        try { endpoints = certificates.Endpoints().Tls; }
        catch (Exception e) when (e is Outcomes.NotVerifiedException or Outcomes.EnvironmentProblemException) { endpoints = []; endpointProblem = e.Message; }
        if (endpointProblem is not null) yield return new Part(FingerprintKind.Certificate, "tls.endpoints", _ => throw new InvalidDataException(endpointProblem));
        foreach (var endpoint in endpoints.DistinctBy(e => (e.Host, e.Port, e.ServerName)))
            yield return One(FingerprintKind.Certificate, $"{endpoint.Host}:{endpoint.Port}", async ct => "SHA256 " + (await certificates.CertificateAsync(endpoint, ct)).Handshake.Sha256);
        foreach (var part in ConfigHashes()) yield return part;
    }

    /// <summary>configuration.files, each entry resolved on its own (a missing file is one unavailable item, not a lost fingerprint).</summary>
    private IEnumerable<Part> ConfigHashes()
    {
        var folder = Path.GetDirectoryName(target.SourceFile);
        var files = new List<string>();
        var problems = new List<Part>();
        foreach (var entry in target.Configuration.Validation.Files)
        {
            try { files.AddRange(ConfigFile.ParseAll([entry], folder).Select(f => f.Path)); }
            catch (TargetConfigurationException e) { problems.Add(new Part(FingerprintKind.ConfigHash, entry, _ => throw new InvalidDataException(string.Join("; ", e.Problems)))); }
        }
        foreach (var (path, name) in FingerprintRules.ConfigNames(files))
            yield return One(FingerprintKind.ConfigHash, name, _ => Task.FromResult("sha256 " + FingerprintRules.Sha256(path)));
        foreach (var p in problems) yield return p;
    }

    private static Part One(string kind, string name, Func<CancellationToken, Task<string>> read) =>
        new(kind, name, async ct => [FingerprintRules.Item(kind, name, await read(ct))]);

    /// <summary>One part under the deadline: its items, or one "unavailable" item saying why (never an exception, never a hang).</summary>
    private async Task<IReadOnlyList<FingerprintItem>> ReadAsync(Part part, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(Deadline);
        var work = Task.Run(() => part.Read(deadline.Token), CancellationToken.None);
        // A call that ignores its token (a TCP connect, an SSH tunnel) is abandoned one second after the deadline.
        var finished = await Task.WhenAny(work, Task.Delay(Deadline + TimeSpan.FromSeconds(1), CancellationToken.None));
        var late = $"no answer within {Deadline.TotalSeconds:0} s (evidence.fingerprint_timeout_seconds)";
        if (finished != work)
        {
            _ = work.ContinueWith(t => t.Exception, TaskScheduler.Default);   // observed, never rethrown
            return [FingerprintRules.Unavailable(part.Kind, part.Name, late)];
        }
        try { return await work; }
        catch (OperationCanceledException) { return [FingerprintRules.Unavailable(part.Kind, part.Name, late)]; }
        catch (Exception e) { return [FingerprintRules.Unavailable(part.Kind, part.Name, SecretRegistry.Redact(e.InnerException is { } inner && e is AggregateException ? inner.Message : e.Message))]; }
    }
}

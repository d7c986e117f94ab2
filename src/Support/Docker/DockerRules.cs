using System.Globalization;
using Acceptance.Support.Checks;

namespace Acceptance.Support.Docker;

/// <summary>
/// Docker rules (images, registry, containers, scan reports): pure functions of the facts the Docker probes read.
/// Target-file keys named in the sentences: services.registry.training_image, services.registry.address,
/// services.docker.allowed_registries, services.docker.compose_files, services.docker.stateful_services, services.docker.scan_reports,
/// services.docker.waived_findings, services.docker.scan_fail_severity.
/// </summary>
public static class DockerRules
{
    // ---------------------------------------------------------------- DEPLOY-AD-1

    /// <summary>
    /// DEPLOY-AD-1: the ML training image (services.registry.training_image) is in the registry: its tag is among
    /// the repository's tags and the registry gave a digest for it (recorded in Observed). A training image pinned by
    /// digest must be served under that digest.
    /// </summary>
    /// <param name="expectedImage">services.registry.training_image.</param>
    /// <param name="tags">The repository's tags (null: the repository is unknown to the registry).</param>
    /// <param name="digest">Docker-Content-Digest of the tag's manifest (null: none received).</param>
    public static Verdict TrainingImagePushed(string expectedImage, IReadOnlyList<string>? tags, string? digest)
    {
        const string rule = "DEPLOY-AD-1: the ML training image (services.registry.training_image) is built and pushed to the registry";
        var reference = ImageReference.TryParse(expectedImage);
        var observed = $"repository tags {(tags is null ? "unknown (repository not found)" : $"[{string.Join(", ", tags)}]")}; digest {digest ?? "none"}";
        if (reference is null)
            return Verdict.When(false, rule, "services.registry.training_image is an image reference", observed,
                $"services.registry.training_image '{expectedImage}' is not an image reference");
        var tag = reference.Tag ?? (reference.Digest is null ? "latest" : null);
        // The repository as the target wrote it: training_image is relative to services.registry, so "ml/trainer:1.0" is
        // not Docker Hub's docker.io/ml/trainer, which is what the parsed reference's Name would say.
        var written = expectedImage.Split('@')[0];
        var repository = written.LastIndexOf(':') > written.LastIndexOf('/') ? written[..written.LastIndexOf(':')] : written;
        var shortfalls = new List<string>();
        if (tags is null) shortfalls.Add($"repository {repository} is not known to the registry");
        else if (tag is not null && !tags.Contains(tag, StringComparer.Ordinal))
            shortfalls.Add(tags.Count == 0 ? $"repository {repository} has no tags (every tag deleted or none pushed): tag {tag} is missing" : $"tag {tag} is not among the repository's tags");
        if (string.IsNullOrWhiteSpace(digest)) shortfalls.Add($"the registry gave no digest for {expectedImage}: the pushed image cannot be identified");
        else if (reference.Digest is not null && !string.Equals(reference.Digest, digest, StringComparison.OrdinalIgnoreCase))
            shortfalls.Add($"the registry serves {digest}, not the pinned {reference.Digest}");
        return Verdict.From(rule,
            $"{expectedImage} in the registry: {(tag is null ? "" : $"tag {tag} listed, ")}a digest returned{(reference.Digest is null ? "" : $" equal to {reference.Digest}")}",
            observed, shortfalls);
    }

    // ---------------------------------------------------------------- APP-DI-2

    /// <summary>
    /// APP-DI-2: every image a workload runs is pinned: a digest, or a tag other than "latest" (no tag resolves to
    /// latest). One shortfall per unpinned image, naming its owner; no image at all is a shortfall (nothing judged).
    /// </summary>
    public static Verdict ImagesPinned(IReadOnlyList<WorkloadImage> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var shortfalls = new List<string>();
        if (images.Count == 0) shortfalls.Add("no workload image was found: nothing to judge");
        foreach (var i in images)
        {
            var r = ImageReference.TryParse(i.Image);
            if (r is null) shortfalls.Add($"{i.Owner}: '{i.Image}' is not an image reference");
            else if (!r.IsPinned) shortfalls.Add($"{i.Owner}: {i.Image}: {r.WhyUnpinned}");
        }
        var pinned = images.Count(i => ImageReference.TryParse(i.Image)?.IsPinned == true);
        return Verdict.From("APP-DI-2: images are tagged with specific versions (no 'latest')",
            "every image pinned by a digest or a tag other than latest",
            $"{pinned.ToString(CultureInfo.InvariantCulture)} of {images.Count.ToString(CultureInfo.InvariantCulture)} images pinned: " +
            string.Join("; ", images.Select(i => $"{i.Owner}: {i.Image}")),
            shortfalls);
    }

    // ---------------------------------------------------------------- APP-DI-3

    /// <summary>
    /// APP-DI-3: the registry (services.registry.address) serves its API only over TLS: a plain-http request to it
    /// does not reach the registry API (refused, reset, or an https-only answer).
    /// </summary>
    /// <param name="plainHttpOutcome">What the plain-http request got, in words ("connection refused", "400 Client sent an HTTP request to an HTTPS server").</param>
    /// <param name="plainServedApi">True when plain http answered as the registry API (/v2/ answered 200 or 401 with Docker-Distribution-Api-Version).</param>
    public static Verdict RegistryServesOnlyTls(string plainHttpOutcome, bool plainServedApi) => Verdict.When(!plainServedApi,
        "APP-DI-3: images are stored in a secure registry: services.registry.address serves only over TLS",
        "plain http to the registry does not reach the registry API",
        $"plain http: {plainHttpOutcome}",
        $"the registry API answers over plain http ({plainHttpOutcome}): credentials and images travel unencrypted");

    /// <summary>
    /// APP-DI-3: the registry refuses an anonymous pull: 401 (with a WWW-Authenticate challenge) or 403. Any other
    /// answer is a shortfall: 2xx means anyone can pull, anything else does not show a refusal.
    /// </summary>
    public static Verdict AnonymousPullRefused(int status, string? wwwAuthenticate)
    {
        var observed = $"anonymous pull answered {status.ToString(CultureInfo.InvariantCulture)}" + (wwwAuthenticate is { Length: > 0 } w ? $", WWW-Authenticate: {w}" : "");
        string? shortfall = status switch
        {
            401 or 403 => null,
            >= 200 and < 300 => $"anonymous pull answered {status.ToString(CultureInfo.InvariantCulture)}: anyone can pull the images",
            _ => $"anonymous pull answered {status.ToString(CultureInfo.InvariantCulture)}: not a refusal (401 or 403), so access control is not shown",
        };
        return Verdict.When(shortfall is null, "APP-DI-3: images are stored in a secure registry: services.registry.address refuses anonymous pulls",
            "401 (with a WWW-Authenticate challenge) or 403 to a pull without credentials", observed, shortfall ?? "");
    }

    /// <summary>APP-DI-3: the configured pull credentials (services.registry credentials) can pull: the manifest GET answers 200.</summary>
    public static Verdict CredentialsPull(int status)
    {
        var s = status.ToString(CultureInfo.InvariantCulture);
        return Verdict.When(status == 200, "APP-DI-3: images are stored in a secure registry: it accepts the configured credentials (services.registry.basic_auth)",
            "200 to GET /v2/ with the configured credentials", $"GET /v2/ with the credentials answered {s}",
            status is 401 or 403 ? $"the configured credentials are refused ({s})" : $"GET /v2/ with the credentials answered {s}, not 200");
    }

    /// <summary>
    /// APP-DI-3: every image comes from a registry in services.docker.allowed_registries (compared as host[:port]; Docker
    /// Hub's aliases are docker.io, which is where an image without a registry comes from).
    /// </summary>
    public static Verdict ImagesFromAllowedRegistries(IReadOnlyList<WorkloadImage> images, IReadOnlyList<string> allowedRegistries)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(allowedRegistries);
        var allowed = allowedRegistries.Select(ImageReference.NormalizeRegistry).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var shortfalls = new List<string>();
        if (images.Count == 0) shortfalls.Add("no workload image was found: nothing to judge");
        if (allowed.Count == 0) shortfalls.Add("services.docker.allowed_registries is empty: no registry is trusted");
        foreach (var i in images)
        {
            var r = ImageReference.TryParse(i.Image);
            if (r is null) shortfalls.Add($"{i.Owner}: '{i.Image}' is not an image reference");
            else if (allowed.Count > 0 && !allowed.Contains(ImageReference.NormalizeRegistry(r.Registry)))
                shortfalls.Add($"{i.Owner}: {i.Image} comes from {r.Registry}, not an allowed registry");
        }
        return Verdict.From("APP-DI-3: images are stored in a secure registry: every image comes from services.docker.allowed_registries",
            $"every image's registry in [{string.Join(", ", allowed)}]",
            string.Join("; ", images.Select(i => $"{i.Owner}: {ImageReference.TryParse(i.Image)?.Registry ?? "?"} ({i.Image})")),
            shortfalls);
    }

    // ---------------------------------------------------------------- APP-DI-4

    /// <summary>Every registry the workloads pull from has a login in the client configuration, and each login that was tried is accepted (200).</summary>
    public static Verdict PullCredentialsWork(IReadOnlyList<RegistryLogin> logins, string configFile)
    {
        var shortfalls = new List<string>();
        foreach (var l in logins)
        {
            if (l.How is null) shortfalls.Add($"{l.Registry}: {configFile} holds no login, credential helper or store for it");
            else if (l.LoginStatus is { } s && s != 200) shortfalls.Add($"{l.Registry}: the login ({l.How}) is refused: GET /v2/ answered {s}");
        }
        if (logins.Count == 0) shortfalls.Add("no workload image names a registry: nothing shows where images are pulled from");
        var observed = string.Join("; ", logins.Select(l => $"{l.Registry}: {l.How ?? "no login"}{(l.LoginStatus is { } s ? $", GET /v2/ with it → {s}" : "")}"));
        return Verdict.From("APP-DI-4: pull credentials are configured where images are pulled (services.docker.config_dir) and they work",
            "a login for every registry the workloads pull from, accepted by the registry", observed.Length > 0 ? observed : "no registries", shortfalls);
    }

    /// <summary>APP-EV-4: every workload has a memory limit AND a CPU limit; no workload at all is a shortfall.</summary>
    public static Verdict LimitsSet(IReadOnlyList<WorkloadLimits> workloads)
    {
        ArgumentNullException.ThrowIfNull(workloads);
        var shortfalls = new List<string>();
        if (workloads.Count == 0) shortfalls.Add("no workload was found: nothing to judge");
        foreach (var w in workloads)
        {
            var missing = new[] { w.Memory is null ? "memory" : null, w.Cpu is null ? "CPU" : null }.OfType<string>().ToList();
            if (missing.Count > 0) shortfalls.Add($"{w.Owner}: no {string.Join(" and no ", missing)} limit");
        }
        return Verdict.From("APP-EV-4: resource limits are properly set",
            "a memory limit and a CPU limit on every workload",
            string.Join("; ", workloads.Select(w => $"{w.Owner}: memory {w.Memory ?? "unlimited"}, CPU {w.Cpu ?? "unlimited"}")),
            shortfalls);
    }

    // ---------------------------------------------------------------- INFRA-SC-1

    /// <summary>
    /// INFRA-SC-1 (cross-check on the containers): every service in services.docker.stateful_services keeps its data outside
    /// the container: each of its containers has a named volume or a writable bind mount (a socket such as
    /// /var/run/docker.sock does not count, nor an anonymous volume such as an image's VOLUME gets when nothing is mounted). A stateful service with no container is a shortfall.
    /// </summary>
    public static Verdict StatefulServicesHaveVolumes(IReadOnlyList<ContainerFacts> containers, IReadOnlyList<string> statefulServices)
    {
        ArgumentNullException.ThrowIfNull(containers);
        ArgumentNullException.ThrowIfNull(statefulServices);
        var shortfalls = new List<string>();
        var observed = new List<string>();
        foreach (var service in statefulServices)
        {
            var mine = containers.Where(c => c.Service == service || c.Name == service).ToList();
            if (mine.Count == 0)
            {
                shortfalls.Add($"{service}: no container runs it, so its storage cannot be checked");
                observed.Add($"{service}: no container");
                continue;
            }
            foreach (var c in mine)
            {
                var persistent = c.Mounts.Where(IsPersistent).ToList();
                observed.Add($"{ContainerInspection.OwnerOf(c)}: " + (c.Mounts.Count == 0 ? "no mounts"
                    : string.Join(", ", c.Mounts.Select(m => $"{DescribeMount(m)} -> {m.Destination}{(m.ReadOnly ? " (ro)" : "")}"))));
                if (persistent.Count == 0)
                    shortfalls.Add($"{ContainerInspection.OwnerOf(c)}: no named volume or writable bind mount: its data lives in the container and is lost with it" +
                                   (c.Mounts.Count > 0 ? $" (mounts: {string.Join(", ", c.Mounts.Select(m => $"{DescribeMount(m)}{(m.ReadOnly ? " ro" : "")}"))})" : ""));
            }
        }
        return Verdict.From("INFRA-SC-1: services needing persistent storage (services.docker.stateful_services) have it",
            $"a named volume or a writable bind mount on every container of [{string.Join(", ", statefulServices)}]",
            observed.Count == 0 ? "no stateful services listed" : string.Join("; ", observed), shortfalls);

        // An anonymous volume (an image's VOLUME, or a volume without a name: the Engine names it with 64 hex digits) is not
        // kept: `docker rm -v` and `compose down -v` delete it, and a container created anew (down/up, run) gets an empty one.
        static bool IsPersistent(MountFacts m) =>
            (m.Type == "volume" && m.Source.Length > 0 && !IsAnonymousVolume(m.Source)) || (m.Type == "bind" && !m.ReadOnly && !m.Source.EndsWith(".sock", StringComparison.Ordinal));
    }

    /// <summary>True for the name the Engine gives a volume nobody named (64 lower-case hex digits).</summary>
    public static bool IsAnonymousVolume(string name) => name.Length == 64 && name.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    private static string DescribeMount(MountFacts m) =>
        m.Type == "volume" && IsAnonymousVolume(m.Source) ? $"anonymous volume {m.Source[..12]}…" : $"{m.Type} {m.Source}";

    // ---------------------------------------------------------------- containers

    /// <summary>
    /// Every container is running and, when it has a healthcheck, healthy; every service of services.docker.compose_files has a
    /// container. "starting" is not yet healthy (waiting may help); unhealthy shows FailingStreak and the last
    /// healthcheck output. The verdict is terminal (<see cref="Verdict.IsTerminal"/>) when a container cannot come
    /// back by waiting: dead, or exited with no restart policy (or on-failure after a clean exit 0).
    /// </summary>
    public static Verdict ContainersRunningAndHealthy(IReadOnlyList<ContainerFacts> containers, IReadOnlyList<string> expectedServices)
    {
        ArgumentNullException.ThrowIfNull(containers);
        ArgumentNullException.ThrowIfNull(expectedServices);
        var shortfalls = new List<string>();
        var terminal = false;
        foreach (var s in expectedServices.Where(s => !containers.Any(c => c.Service == s || c.Name == s)))
            shortfalls.Add($"{s}: no container");
        if (containers.Count == 0 && expectedServices.Count == 0) shortfalls.Add("no container was found: nothing to judge");
        foreach (var c in containers)
        {
            var who = ContainerInspection.OwnerOf(c);
            var code = c.ExitCode.ToString(CultureInfo.InvariantCulture);
            switch (c.State)
            {
                case "running" when c.Health is null or "healthy":
                    break;
                case "running" when c.Health == "starting":
                    shortfalls.Add($"{who}: health starting (not yet healthy; failing streak {c.FailingStreak.ToString(CultureInfo.InvariantCulture)})");
                    break;
                case "running":
                    shortfalls.Add($"{who}: {c.Health} (failing streak {c.FailingStreak.ToString(CultureInfo.InvariantCulture)})" +
                                   (c.LastHealthOutput is { Length: > 0 } o ? $", last healthcheck output: {o}" : ""));
                    break;
                case "dead":
                    terminal = true;
                    shortfalls.Add($"{who}: dead (exit code {code}): it cannot be restarted, waiting does not help");
                    break;
                case "exited" when !c.HasRestartPolicy || (c.RestartPolicy == "on-failure" && c.ExitCode == 0):
                    terminal = true;
                    shortfalls.Add($"{who}: exited with code {code} and restart policy '{(c.RestartPolicy.Length == 0 ? "none" : c.RestartPolicy)}': nothing will restart it");
                    break;
                case "exited":
                    shortfalls.Add($"{who}: exited with code {code} (restart policy {c.RestartPolicy} may restart it)");
                    break;
                default:
                    shortfalls.Add($"{who}: {c.State}{(c.State is "restarting" ? $" (last exit code {code})" : "")}");
                    break;
            }
        }
        return Verdict.From("the platform's containers (the services of services.docker.compose_files) are running and healthy",
            $"a running container for each of [{string.Join(", ", expectedServices)}]; every container running, and healthy when it has a healthcheck",
            string.Join("; ", containers.Select(c => $"{c.Name}: {c.State}{(c.State == "exited" ? " " + c.ExitCode.ToString(CultureInfo.InvariantCulture) : "")}" +
                                                     (c.Health is null ? "" : $", {c.Health}"))),
            shortfalls) with { IsTerminal = terminal };
    }

    /// <summary>Every container has a restart policy other than "no" (always, unless-stopped, on-failure).</summary>
    public static Verdict RestartPolicySet(IReadOnlyList<ContainerFacts> containers)
    {
        ArgumentNullException.ThrowIfNull(containers);
        var shortfalls = containers.Where(c => !c.HasRestartPolicy)
            .Select(c => $"{ContainerInspection.OwnerOf(c)}: restart policy '{(c.RestartPolicy.Length == 0 ? "none" : c.RestartPolicy)}': it stays down after a crash or a reboot")
            .ToList();
        if (containers.Count == 0) shortfalls.Add("no container was found: nothing to judge");
        return Verdict.From("every container restarts on failure (restart policy set)",
            "restart policy always, unless-stopped or on-failure on every container",
            string.Join("; ", containers.Select(c => $"{c.Name}: {(c.RestartPolicy.Length == 0 ? "none" : c.RestartPolicy)}")),
            shortfalls);
    }

    /// <summary>
    /// Every published port binds the loopback address (127.0.0.1, ::1) or an address in
    /// <paramref name="allowedAddresses"/> (services.docker.published_addresses); an entry "ADDRESS:PORT" allows one port only
    /// ("0.0.0.0:443"). 0.0.0.0 / :: publish on every interface.
    /// </summary>
    public static Verdict PortsBoundToLoopbackOrDeclared(IReadOnlyList<ContainerFacts> containers, IReadOnlyList<string> allowedAddresses)
    {
        ArgumentNullException.ThrowIfNull(containers);
        ArgumentNullException.ThrowIfNull(allowedAddresses);
        var allowed = allowedAddresses.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var ports = containers.SelectMany(c => c.Ports.Select(p => (c, p))).ToList();
        var shortfalls = ports
            .Where(x => x.p.HostIp is not ("127.0.0.1" or "::1") && !allowed.Contains(x.p.HostIp) &&
                        !allowed.Contains($"{x.p.HostIp}:{x.p.HostPort.ToString(CultureInfo.InvariantCulture)}"))
            .Select(x => $"{ContainerInspection.OwnerOf(x.c)}: {Describe(x.p)}" + (x.p.HostIp is "0.0.0.0" or "::" ? " is published on every interface" : " is published on an address not declared"))
            .ToList();
        return Verdict.From("published ports bind loopback or a declared address (services.docker.published_addresses)",
            $"every published port on 127.0.0.1/::1{(allowed.Count > 0 ? $" or [{string.Join(", ", allowed)}]" : "")}",
            ports.Count == 0 ? "no published ports" : string.Join("; ", ports.Select(x => $"{x.c.Name}: {Describe(x.p)}")),
            shortfalls);

        static string Describe(PublishedPort p) =>
            $"{(p.HostIp.Contains(':') ? $"[{p.HostIp}]" : p.HostIp)}:{p.HostPort.ToString(CultureInfo.InvariantCulture)}->{p.ContainerPort.ToString(CultureInfo.InvariantCulture)}/{p.Protocol}";
    }

    // ---------------------------------------------------------------- APP-DI-1

    /// <summary>
    /// APP-DI-1: every deployed image was scanned (services.docker.scan_reports) and has no unwaived finding at or above
    /// <paramref name="failSeverity"/> (services.docker.scan_fail_severity). A report matches an image by digest, else by
    /// name (the report's ArtifactName or RepoTags equal to the image). A finding is waived by an entry of
    /// services.docker.waived_findings equal to its id ("CVE-2019-14697") or to "id:package"; waived findings are listed in
    /// Observed, never dropped.
    /// </summary>
    public static Verdict ScanReportsClean(IReadOnlyList<DeployedImage> deployed, IReadOnlyList<ScanReport> reports, IReadOnlyList<string> waivedFindings,
        string failSeverity = "CRITICAL")
    {
        ArgumentNullException.ThrowIfNull(deployed);
        ArgumentNullException.ThrowIfNull(reports);
        ArgumentNullException.ThrowIfNull(waivedFindings);
        const string rule = "APP-DI-1: all images are scanned for vulnerabilities (services.docker.scan_reports) with no unwaived finding at or above services.docker.scan_fail_severity";
        var threshold = ScanReports.Rank(failSeverity);
        var expected = $"a scan report for every deployed image and no finding at {failSeverity.ToUpperInvariant()} or above unless in services.docker.waived_findings";
        if (threshold < 0)
            return Verdict.When(false, rule, expected, $"services.docker.scan_fail_severity '{failSeverity}'",
                $"services.docker.scan_fail_severity '{failSeverity}' is not one of {string.Join(", ", ScanReports.SeverityOrder)}");
        var waived = waivedFindings.Select(w => w.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var shortfalls = new List<string>();
        var observed = new List<string>();
        var used = new HashSet<ScanReport>();
        if (deployed.Count == 0) shortfalls.Add("no deployed image was found: nothing to judge");
        foreach (var image in deployed)
        {
            var report = Match(image, reports);
            if (report is null)
            {
                shortfalls.Add($"{image.Owner}: {image.Image} has no scan report (none matches its digest [{string.Join(", ", image.Digests)}] or its name)");
                observed.Add($"{image.Image}: no report");
                continue;
            }
            used.Add(report);
            var atOrAbove = report.Findings.Where(f => ScanReports.Rank(f.Severity) >= threshold).ToList();
            var waivedHere = atOrAbove.Where(f => waived.Contains(f.Id) || waived.Contains($"{f.Id}:{f.Package}")).ToList();
            foreach (var f in atOrAbove.Except(waivedHere))
                shortfalls.Add($"{image.Owner}: {image.Image}: {f.Id} {f.Severity} in {f.Package} {f.InstalledVersion}" +
                               (f.FixedVersion.Length > 0 ? $" (fixed in {f.FixedVersion})" : " (no fix yet)") + $" [{report.Path}]");
            observed.Add($"{image.Image}: {report.Path} ({report.Format}): {report.Findings.Count.ToString(CultureInfo.InvariantCulture)} findings, " +
                         $"{atOrAbove.Count.ToString(CultureInfo.InvariantCulture)} at {failSeverity.ToUpperInvariant()} or above" +
                         (waivedHere.Count > 0 ? $", waived: {string.Join(", ", waivedHere.Select(f => $"{f.Id} {f.Severity} ({f.Package})"))}" : "") +
                         (report.Findings.Any(f => f.SeverityNote is not null) ? $", severity notes: {string.Join("; ", report.Findings.Where(f => f.SeverityNote is not null).Select(f => $"{f.Id}: {f.SeverityNote}"))}" : ""));
        }
        var unmatched = reports.Where(r => !used.Contains(r)).ToList();
        if (unmatched.Count > 0) observed.Add($"reports matching no deployed image: {string.Join(", ", unmatched.Select(r => $"{r.Path} ({r.Artifact})"))}");
        return Verdict.From(rule, expected, string.Join("; ", observed), shortfalls);
    }

    /// <summary>The report for a deployed image: one sharing a digest, else one whose ArtifactName or RepoTags name the image.</summary>
    public static ScanReport? Match(DeployedImage image, IReadOnlyList<ScanReport> reports)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(reports);
        static string D(string d) => d.Contains('@', StringComparison.Ordinal) ? d[(d.IndexOf('@', StringComparison.Ordinal) + 1)..] : d;
        var digests = image.Digests.Select(D).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (ImageReference.TryParse(image.Image)?.Digest is { } pinned) digests.Add(pinned);
        var byDigest = reports.FirstOrDefault(r => r.Digests.Any(d => digests.Contains(D(d))));
        if (byDigest is not null) return byDigest;
        var wanted = ImageReference.TryParse(image.Image);
        return reports.FirstOrDefault(r => new[] { r.Artifact }.Concat(r.OtherNames).Any(n =>
            string.Equals(n, image.Image, StringComparison.Ordinal) ||
            (wanted is not null && ImageReference.TryParse(n) is { } other && wanted.SameImageAs(other))));
    }
}

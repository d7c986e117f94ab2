using System.Text.Json;
using Acceptance.Support.Configuration;
using Acceptance.Support.Evidence;
using Acceptance.Support.Outcomes;

namespace Acceptance.Support.Load;

/// <summary>
/// Runs the target's load profiles (performance.endpoints) one after another with the chosen engine, only against the
/// addresses the target file declares for those services, and records the evidence a performance engineer expects:
/// the figures per endpoint, the raw engine output, a latency-percentile chart and a throughput-over-time chart.
/// </summary>
public sealed class LoadTestDriver(TargetEnvironment target, EvidenceLog evidence, string? searchPath = null)
{
    /// <summary>The plans of the target: each listed endpoint's profile against its declared address.</summary>
    public IReadOnlyList<LoadPlan> Plans()
    {
        var perf = target.Performance;
        var endpoints = target.RequireListed(perf.Endpoints, "performance.endpoints", "no endpoint has a load profile");
        return endpoints.Select(e =>
        {
            var service = target.Require<ServiceOptions>(e);
            var p = perf.Profile(e);
            return new LoadPlan(e, service.Address.TrimEnd('/') + (p.Path.StartsWith('/') ? p.Path : "/" + p.Path), p);
        }).ToList();
    }

    /// <summary>Runs every plan and returns each judged against its thresholds; evidence attached.</summary>
    public async Task<IReadOnlyList<JudgedLoad>> RunAllAsync(CancellationToken ct = default)
    {
        var plans = Plans();
        var engine = LoadEngines.Resolve(target.Performance.Engine, evidence, searchPath);
        evidence.Note($"load generator: {engine.Name} (performance.engine: {target.Performance.Engine})");
        var work = Directory.CreateTempSubdirectory("acceptance-load-");
        try
        {
            var judged = new List<JudgedLoad>();
            foreach (var plan in plans)
            {
                var thresholds = target.Performance.ThresholdsOf(plan.Endpoint, target.Thresholds.Load);
                if (engine is K6Engine k6) k6.Thresholds = thresholds;
                var run = await engine.RunAsync(plan, work.FullName, ct);
                judged.Add(new JudgedLoad(run, thresholds));
                Attach(run);
            }
            AttachCharts(judged);
            return judged;
        }
        finally
        {
            try { work.Delete(true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>Runs every plan; also returns the wall time of the load window (for the utilisation queries).</summary>
    public async Task<(IReadOnlyList<JudgedLoad> Loads, TimeSpan Window)> RunAllTimedAsync(CancellationToken ct = default)
    {
        var start = DateTimeOffset.UtcNow;
        var loads = await RunAllAsync(ct);
        return (loads, DateTimeOffset.UtcNow - start);
    }

    /// <summary>
    /// The first endpoint's load generated from the cluster: performance.runners allocations of a Nomad batch job, their raw
    /// samples merged. NOT VERIFIED when performance.runners is 0.
    /// </summary>
    public async Task<JudgedLoad> FromNomadRunnersAsync(Nomad.NomadClient nomad, Lifecycle.CleanupStack cleanup, CancellationToken ct = default)
    {
        var runners = target.Performance.Runners;
        if (runners == 0) throw new NotVerifiedException($"The target file ({target.SourceName}) sets performance.runners to 0: no load is generated from the cluster.");
        var plan = Plans()[0];
        var run = await new NomadLoadRunners(nomad, cleanup, evidence).RunAsync(plan, runners, ct);
        var judged = new JudgedLoad(run, target.Performance.ThresholdsOf(plan.Endpoint, target.Thresholds.Load));
        Attach(run);
        File.Delete(run.RawFile);
        AttachCharts([judged]);
        return judged;
    }

    /// <summary>A bounded soak on the first endpoint at performance.soak_rate for performance.soak_seconds.</summary>
    public async Task<(LoadRun Run, TimeSpan Window)> SoakAsync(CancellationToken ct = default)
    {
        var perf = target.Performance;
        var first = Plans()[0];
        var profile = first.Profile with { Rate = perf.SoakRate, DurationSeconds = perf.SoakSeconds, MaxRequests = (int)Math.Ceiling(perf.SoakRate * perf.SoakSeconds) + 1 };
        var plan = first with { Profile = profile };
        var engine = LoadEngines.Resolve(perf.Engine, evidence, searchPath);
        var work = Directory.CreateTempSubdirectory("acceptance-soak-");
        try
        {
            var start = DateTimeOffset.UtcNow;
            evidence.Note($"soak: {plan} with {engine.Name}");
            var run = await engine.RunAsync(plan, work.FullName, ct);
            Attach(run);
            return (run, DateTimeOffset.UtcNow - start);
        }
        finally
        {
            try { work.Delete(true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>The run's figures and the engine's raw output as attachments.</summary>
    public void Attach(LoadRun run)
    {
        var r = run.Result;
        evidence.AttachJson($"load {run.Plan.Endpoint}: figures ({run.Engine})", new
        {
            endpoint = run.Plan.Endpoint, url = run.Plan.Url, engine = run.Engine, runners = r.Runners,
            requests = r.Attempts, seconds = r.Duration.TotalSeconds, throughput_rps = r.Throughput,
            p50_ms = r.PercentileMs(50), p90_ms = r.PercentileMs(90), p95_ms = r.PercentileMs(95), p99_ms = r.PercentileMs(99),
            max_ms = r.MaxMs, error_rate = r.ErrorRate,
            status_codes = r.Statuses.ToDictionary(s => s.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), s => s.Value),
            transport_errors = r.TransportErrors, engine_own = run.EngineOwn, engine_thresholds = run.EngineThresholds,
        });
        if (File.Exists(run.RawFile))
        {
            var info = new FileInfo(run.RawFile);
            var text = info.Length <= 2_000_000 ? File.ReadAllText(run.RawFile) : File.ReadAllText(run.RawFile)[..2_000_000] + "\n[... truncated]";
            evidence.AttachText($"load {run.Plan.Endpoint}: raw {run.Engine} output ({Path.GetFileName(run.RawFile)})", text,
                run.RawFile.EndsWith(".json", StringComparison.Ordinal) ? "application/json" : run.RawFile.EndsWith(".csv", StringComparison.Ordinal) ? "text/csv" : "text/plain",
                Path.GetExtension(run.RawFile).TrimStart('.') is { Length: > 0 } ext ? ext : "txt");
        }
    }

    /// <summary>The two charts as PNG attachments.</summary>
    public void AttachCharts(IReadOnlyList<JudgedLoad> judged)
    {
        try
        {
            evidence.AttachBinary("load: response time by percentile", LoadCharts.LatencyPercentilesPng(judged), "image/png", "png");
            evidence.AttachBinary("load: throughput over time", LoadCharts.ThroughputPng(judged), "image/png", "png");
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or InvalidOperationException)
        {
            evidence.Note($"load charts could not be drawn here ({e.GetType().Name}: {e.Message}); the figures above carry the same numbers");
        }
    }

    /// <summary>JSON of the judged loads (for the bench script and tests).</summary>
    public static string Json(IReadOnlyList<JudgedLoad> judged) => JsonSerializer.Serialize(judged.Select(j => new
    {
        endpoint = j.Run.Plan.Endpoint, engine = j.Run.Engine, p95_ms = j.Run.Result.PercentileMs(95), rps = j.Run.Result.Throughput, own = j.Run.EngineOwn,
    }));
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using Acceptance.Support.Evidence;
using Acceptance.Support.Outcomes;
using Acceptance.Support.Transport;
using CliWrap;

namespace Acceptance.Support.Load;

/// <summary>One endpoint's load: where, how much, for how long (only addresses the target file lists).</summary>
/// <param name="Endpoint">The endpoint's key (load_balancer, nomad, ...).</param>
/// <param name="Url">Address of the service + the profile's path.</param>
/// <param name="Profile">Rate or VUs, duration, bounds.</param>
public sealed record LoadPlan(string Endpoint, string Url, LoadProfile Profile)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Endpoint} {Url}: {(Profile.Rate > 0 ? $"{Profile.Rate.ToString(CultureInfo.InvariantCulture)} req/s with up to {Profile.Vus} VUs" : $"{Profile.Vus} VUs as fast as they go")} for {Profile.DurationSeconds.ToString(CultureInfo.InvariantCulture)} s";
}

/// <summary>What one engine run produced: the suite's result, the engine's own figures, and the raw output.</summary>
/// <param name="Engine">"wrk 4.1.0", "hey", "k6 v0.52.0".</param>
/// <param name="Plan">The plan it ran.</param>
/// <param name="Result">The distribution and counters the suite judges.</param>
/// <param name="EngineOwn">The engine's own figures (p95_ms, rps, ...), for comparison.</param>
/// <param name="EngineThresholds">Thresholds the engine judged itself (k6), source → passed.</param>
/// <param name="RawFile">The engine's raw output file.</param>
/// <param name="Elapsed">Wall time of the engine process.</param>
public sealed record LoadRun(string Engine, LoadPlan Plan, LoadResult Result, IReadOnlyDictionary<string, double> EngineOwn,
    IReadOnlyDictionary<string, bool> EngineThresholds, string RawFile, TimeSpan Elapsed);

/// <summary>A load generator the suite drives through CliWrap.</summary>
public interface ILoadEngine
{
    /// <summary>The engine's name (shown in the report).</summary>
    string Name { get; }

    /// <summary>Runs <paramref name="plan"/>, writing raw output under <paramref name="workDir"/>.</summary>
    Task<LoadRun> RunAsync(LoadPlan plan, string workDir, CancellationToken ct = default);
}

/// <summary>Chooses the engine: the one named in performance.engine, or (auto) k6, then wrk, then hey.</summary>
public static class LoadEngines
{
    /// <summary>The engine to use; BROKEN (<see cref="EnvironmentProblemException"/>) when it is not installed.</summary>
    /// <param name="engine">auto | k6 | wrk | hey.</param>
    /// <param name="evidence">Where runs are recorded.</param>
    /// <param name="searchPath">Folders to look in instead of $PATH (tests).</param>
    public static ILoadEngine Resolve(string engine, EvidenceLog evidence, string? searchPath = null)
    {
        string? Find(string tool) => CommandRunner.Locate(tool, null, searchPath);
        var where = searchPath is null ? "PATH" : $"the search path {searchPath}";
        if (engine == "auto")
        {
            if (Find("k6") is { } k6) return new K6Engine(k6, evidence);
            if (Find("wrk") is { } wrk) return new WrkEngine(wrk, evidence);
            if (Find("hey") is { } hey) return new HeyEngine(hey, evidence);
            throw new EnvironmentProblemException($"no load generator can run: none of k6, wrk, hey is on {where} (performance.engine: auto; sandbox/up installs wrk and hey)");
        }
        var path = Find(engine) ?? throw new EnvironmentProblemException(
            $"the load generator '{engine}' (performance.engine) cannot run: '{engine}' is not on {where}");
        return engine switch
        {
            "k6" => new K6Engine(path, evidence),
            "wrk" => new WrkEngine(path, evidence),
            "hey" => new HeyEngine(path, evidence),
            _ => throw new EnvironmentProblemException($"performance.engine: '{engine}' is not one of auto, k6, wrk, hey"),
        };
    }

    /// <summary>
    /// Runs <paramref name="tool"/> with <paramref name="args"/> under a deadline (the profile's duration + per-request
    /// timeout + 30 s), standard output into <paramref name="stdoutFile"/>; records the command line and exit code.
    /// </summary>
    internal static async Task<(int ExitCode, string Stderr, TimeSpan Elapsed)> ExecAsync(string tool, IReadOnlyList<string> args, string stdoutFile,
        LoadPlan plan, EvidenceLog evidence, IReadOnlyDictionary<string, string?>? environment, CancellationToken ct)
    {
        var deadline = plan.Profile.Duration + TimeSpan.FromSeconds(plan.Profile.TimeoutSeconds + 30);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(deadline);
        var stderr = new StringBuilder();
        var started = DateTime.UtcNow;
        try
        {
            await using var file = File.Create(stdoutFile);
            var run = await Cli.Wrap(tool).WithArguments(args).WithEnvironmentVariables(environment ?? new Dictionary<string, string?>())
                .WithStandardOutputPipe(PipeTarget.ToStream(file)).WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr))
                .WithValidation(CommandResultValidation.None).ExecuteAsync(cts.Token);
            var elapsed = DateTime.UtcNow - started;
            evidence.Note($"{Path.GetFileName(tool)} {string.Join(' ', args)} → exit {run.ExitCode} in {elapsed.TotalSeconds:F1} s");
            return (run.ExitCode, stderr.ToString().Trim(), elapsed);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new EnvironmentProblemException($"{Path.GetFileName(tool)} did not finish within {deadline.TotalSeconds:0} s for {plan}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new EnvironmentProblemException($"the load generator {tool} cannot run: {e.Message}", e);
        }
    }
}

/// <summary>
/// wrk (https://github.com/wg/wrk, Debian package wrk) with the suite's Lua script (wrk-report.lua): wrk's own text plus
/// one JSON line with its errors, status codes, responses per second and its own percentiles on a fine grid. A rate is
/// applied through the script's delay() (connections x 1000 / rate ms between a connection's requests).
/// </summary>
public sealed class WrkEngine(string path, EvidenceLog evidence) : ILoadEngine
{
    /// <inheritdoc />
    public string Name => "wrk";

    /// <summary>The embedded Lua script.</summary>
    public static string Script()
    {
        using var s = typeof(WrkEngine).Assembly.GetManifestResourceStream("wrk-report.lua") ?? throw new InvalidOperationException("wrk-report.lua is not embedded");
        return new StreamReader(s).ReadToEnd();
    }

    /// <summary>wrk's arguments for <paramref name="plan"/>.</summary>
    public static IReadOnlyList<string> Arguments(LoadPlan plan, string script)
    {
        var p = plan.Profile;
        return ["-t", Math.Min(2, p.Vus).ToString(CultureInfo.InvariantCulture), "-c", p.Vus.ToString(CultureInfo.InvariantCulture),
            "-d", $"{Math.Ceiling(p.DurationSeconds).ToString(CultureInfo.InvariantCulture)}s",
            "--timeout", $"{Math.Ceiling(p.TimeoutSeconds).ToString(CultureInfo.InvariantCulture)}s", "--latency", "-s", script, plan.Url];
    }

    /// <summary>Milliseconds between a connection's requests for the profile's rate (0: none).</summary>
    public static int DelayMs(LoadProfile p) => p.Rate > 0 ? (int)Math.Round(p.Vus * 1000.0 / p.Rate) : 0;

    /// <inheritdoc />
    public async Task<LoadRun> RunAsync(LoadPlan plan, string workDir, CancellationToken ct = default)
    {
        Directory.CreateDirectory(workDir);
        var script = Path.Combine(workDir, "wrk-report.lua");
        await File.WriteAllTextAsync(script, Script(), ct);
        var raw = Path.Combine(workDir, $"wrk-{plan.Endpoint}.txt");
        var (exit, stderr, elapsed) = await LoadEngines.ExecAsync(path, Arguments(plan, script), raw, plan, evidence,
            new Dictionary<string, string?> { ["LOAD_DELAY_MS"] = DelayMs(plan.Profile).ToString(CultureInfo.InvariantCulture) }, ct);
        var text = await File.ReadAllTextAsync(raw, ct);
        if (exit != 0 || !text.Contains("@@load-json", StringComparison.Ordinal))
            throw new EnvironmentProblemException($"wrk could not load {plan.Url} (exit {exit}): {(stderr + " " + text).Trim()}");
        var (result, own) = Parse(text);
        return new LoadRun(Name, plan, result, own, new Dictionary<string, bool>(), raw, elapsed);
    }

    /// <summary>
    /// Reads wrk's output with the script's JSON line: the distribution rebuilt from wrk's own percentile grid (each grid
    /// step carries its share of the responses), statuses, transport errors, responses per second; and wrk's own figures.
    /// </summary>
    public static (LoadResult Result, IReadOnlyDictionary<string, double> Own) Parse(string output)
    {
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("@@load-json ", StringComparison.Ordinal))
                   ?? throw new FormatException("wrk's output holds no @@load-json line (was wrk-report.lua used?)");
        using var doc = JsonDocument.Parse(line["@@load-json ".Length..]);
        var root = doc.RootElement;
        var r = new LoadResult { Duration = TimeSpan.FromTicks(root.GetProperty("duration_us").GetInt64() * 10) };
        var requests = root.GetProperty("requests").GetInt64();
        var errors = root.GetProperty("errors");
        foreach (var kind in new[] { "connect", "read", "write", "timeout" }) r.AddTransportError(kind, errors.GetProperty(kind).GetInt64());
        foreach (var s in root.GetProperty("statuses").EnumerateObject()) r.AddStatus(int.Parse(s.Name, CultureInfo.InvariantCulture), s.Value.GetInt64());
        var secs = root.GetProperty("seconds").EnumerateObject().Select(s => (T: long.Parse(s.Name, CultureInfo.InvariantCulture), N: s.Value.GetInt64())).OrderBy(s => s.T).ToList();
        foreach (var (t, n) in secs) r.AddSecond(t - secs[0].T, n);
        // rebuild the distribution from the grid: responses between grid points q[i-1] and q[i] take wrk's value at q[i]
        var grid = root.GetProperty("percentiles").EnumerateArray().Select(a => (P: a[0].GetDouble(), Us: a[1].GetInt64())).ToList();
        var responses = Math.Max(requests, r.Statuses.Values.Sum());
        long assigned = 0;
        foreach (var (p, us) in grid)
        {
            var upTo = (long)Math.Round(p / 100.0 * responses);
            r.AddLatency(us, upTo - assigned);
            assigned = Math.Max(assigned, upTo);
        }
        var own = new Dictionary<string, double>
        {
            ["requests"] = requests,
            ["rps"] = r.Duration.TotalSeconds > 0 ? requests / r.Duration.TotalSeconds : 0,
            ["max_ms"] = root.GetProperty("max_us").GetInt64() / 1000.0,
            ["mean_ms"] = root.GetProperty("mean_us").GetDouble() / 1000.0,
            ["non_2xx_3xx"] = errors.GetProperty("status").GetInt64(),
        };
        foreach (var (p, us) in grid)
            if (p is 50 or 90 or 95 or 99) own[$"p{p.ToString(CultureInfo.InvariantCulture)}_ms"] = us / 1000.0;
        return (r, own);
    }
}

/// <summary>
/// hey (https://github.com/rakyll/hey, Debian package hey) with <c>-o csv</c>: one row per response (latency, status,
/// offset): raw values, so several runners merge exactly. hey writes no row for a transport error (its CSV drops them).
/// </summary>
public sealed class HeyEngine(string path, EvidenceLog evidence) : ILoadEngine
{
    /// <inheritdoc />
    public string Name => "hey";

    /// <summary>hey's arguments for <paramref name="plan"/> (-z bounds the time; -q the per-worker rate).</summary>
    public static IReadOnlyList<string> Arguments(LoadPlan plan)
    {
        var p = plan.Profile;
        var args = new List<string> { "-z", $"{Math.Ceiling(p.DurationSeconds).ToString(CultureInfo.InvariantCulture)}s", "-c", p.Vus.ToString(CultureInfo.InvariantCulture),
            "-t", Math.Ceiling(p.TimeoutSeconds).ToString(CultureInfo.InvariantCulture), "-o", "csv" };
        if (p.Rate > 0) args.AddRange(["-q", (p.Rate / p.Vus).ToString("0.###", CultureInfo.InvariantCulture)]);
        args.Add(plan.Url);
        return args;
    }

    /// <inheritdoc />
    public async Task<LoadRun> RunAsync(LoadPlan plan, string workDir, CancellationToken ct = default)
    {
        Directory.CreateDirectory(workDir);
        var raw = Path.Combine(workDir, $"hey-{plan.Endpoint}.csv");
        var (exit, stderr, elapsed) = await LoadEngines.ExecAsync(path, Arguments(plan), raw, plan, evidence, null, ct);
        if (exit != 0) throw new EnvironmentProblemException($"hey could not load {plan.Url} (exit {exit}): {stderr}");
        var result = ParseCsv(await File.ReadAllTextAsync(raw, ct), plan.Profile.Duration);
        return new LoadRun(Name, plan, result, new Dictionary<string, double> { ["requests"] = result.Responses }, new Dictionary<string, bool>(), raw, elapsed);
    }

    /// <summary>Reads hey's CSV (response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset; seconds).</summary>
    public static LoadResult ParseCsv(string csv, TimeSpan duration)
    {
        var r = new LoadResult { Duration = duration };
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length == 0 || !lines[0].StartsWith("response-time", StringComparison.Ordinal)) throw new FormatException("not hey's CSV (no response-time header)");
        var header = lines[0].Split(',');
        int latency = Array.IndexOf(header, "response-time"), status = Array.IndexOf(header, "status-code"), offset = Array.IndexOf(header, "offset");
        if (latency < 0 || status < 0 || offset < 0) throw new FormatException($"hey's CSV lacks response-time, status-code or offset: {lines[0]}");
        double last = 0;
        foreach (var line in lines.Skip(1))
        {
            var f = line.Split(',');
            var seconds = double.Parse(f[latency], CultureInfo.InvariantCulture);
            var at = double.Parse(f[offset], CultureInfo.InvariantCulture);
            r.AddLatency((long)Math.Round(seconds * 1_000_000));
            r.AddStatus(int.Parse(f[status], CultureInfo.InvariantCulture));
            r.AddSecond((long)Math.Floor(at + seconds));
            last = Math.Max(last, at + seconds);
        }
        if (last > r.Duration.TotalSeconds) r.Duration = TimeSpan.FromSeconds(last);
        return r;
    }
}

// bench/load.sh: one load profile run the way the suite runs it (engine, parsing, judging, evidence, charts), timed;
// prints the suite's figures, the engine's own and the overhead as KEY=VALUE lines for the script to judge.
// Usage: LoadBench TARGET_FILE ENDPOINT SECONDS ENGINE RAW_COPY_PATH
using System.Diagnostics;
using System.Globalization;
using Acceptance.Support.Configuration;
using Acceptance.Support.Evidence;
using Acceptance.Support.Load;

var (file, endpoint, seconds, engineName, rawCopy) = (args[0], args[1], double.Parse(args[2], CultureInfo.InvariantCulture), args[3], args[4]);
var target = TargetFileLoader.Load(file);
var perf = target.Performance with { Engine = engineName, Endpoints = [endpoint] };
var profile = perf.Profile(endpoint) with { DurationSeconds = seconds, Rate = 0, MaxRequests = int.MaxValue };
perf = endpoint switch
{
    "load_balancer" => perf with { LoadBalancer = profile },
    "nomad" => perf with { Nomad = profile },
    "consul" => perf with { Consul = profile },
    "grafana" => perf with { Grafana = profile },
    _ => perf with { Prometheus = profile },
};
target = target with { Performance = perf };
var evidence = new EvidenceLog();
var driver = new LoadTestDriver(target, evidence);
var plan = driver.Plans()[0];
var engine = LoadEngines.Resolve(engineName, evidence);
var work = Directory.CreateTempSubdirectory("acceptance-loadbench-");
var total = Stopwatch.StartNew();
var run = await engine.RunAsync(plan, work.FullName, CancellationToken.None);
var judged = new List<JudgedLoad> { new(run, perf.ThresholdsOf(endpoint, target.Thresholds.Load)) };
var verdict = LoadRules.ThresholdsHold(judged);
driver.Attach(run);
driver.AttachCharts(judged);
_ = evidence.Drain();
total.Stop();
File.Copy(run.RawFile, rawCopy, true);
work.Delete(true);
string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
Console.WriteLine($"ENGINE={run.Engine}");
Console.WriteLine($"SUITE_P95_MS={F(run.Result.PercentileMs(95))}");
Console.WriteLine($"SUITE_RPS={F(run.Result.Throughput)}");
Console.WriteLine($"SUITE_REQUESTS={run.Result.Attempts}");
foreach (var (k, v) in run.EngineOwn) Console.WriteLine($"OWN_{k.ToUpperInvariant()}={F(v)}");
Console.WriteLine($"ENGINE_SECONDS={F(run.Elapsed.TotalSeconds)}");
Console.WriteLine($"TOTAL_SECONDS={F(total.Elapsed.TotalSeconds)}");
Console.WriteLine($"OVERHEAD_SECONDS={F(total.Elapsed.TotalSeconds - seconds)}");
Console.WriteLine($"VERDICT={(verdict.Holds ? "met" : "NOT met")}");

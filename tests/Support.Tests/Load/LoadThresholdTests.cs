using Acceptance.Support.Load;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Load;

/// <summary>The threshold language (k6's) and its evaluation over a measured distribution.</summary>
public sealed class LoadThresholdTests
{
    private static LoadResult Result(int fast, int slow, int errors = 0, double seconds = 10)
    {
        var r = new LoadResult { Duration = TimeSpan.FromSeconds(seconds) };
        r.AddLatency(10_000, fast);   // 10 ms
        r.AddLatency(500_000, slow);  // 500 ms
        r.AddStatus(200, fast + slow - errors);
        r.AddStatus(503, errors);
        return r;
    }

    [TestCase("p(95)<300", LoadMetric.Duration, "p(95)", "<", 300)]
    [TestCase("p(99.9) <= 800", LoadMetric.Duration, "p(99.9)", "<=", 800)]
    [TestCase("rate<0.01", LoadMetric.Failed, "rate", "<", 0.01)]
    [TestCase("count>=100", LoadMetric.Requests, "count", ">=", 100)]
    [TestCase("http_reqs: rate>50", LoadMetric.Requests, "rate", ">", 50)]
    [TestCase("avg<200", LoadMetric.Duration, "avg", "<", 200)]
    public void Thresholds_in_k6s_language_parse(string text, LoadMetric metric, string agg, string op, double value)
    {
        var t = LoadThreshold.Parse(text);
        t.Should().BeEquivalentTo(new { Metric = metric, Aggregation = agg, Operator = op, Value = value });
    }

    [TestCase("p95<300")]
    [TestCase("p(95)<")]
    [TestCase("http_req_failed: count<3")]
    [TestCase("latency: p(95)<3")]
    [TestCase("p(101)<3")]
    public void A_threshold_that_is_not_one_is_refused_with_the_reason(string text)
    {
        LoadThreshold.TryParse(text, out _, out var why).Should().BeFalse();
        why.Should().NotBeEmpty();
    }

    [Test]
    public void K6_expression_and_metric_are_what_k6_takes()
    {
        var t = LoadThreshold.Parse("rate<0.01");
        (t.K6Metric, t.K6Expression).Should().Be(("http_req_failed", "rate<0.01"));
    }

    [Test]
    public void Percentiles_are_nearest_rank_over_every_sample()
    {
        var r = Result(fast: 95, slow: 5);
        r.PercentileMs(95).Should().Be(10);
        r.PercentileMs(96).Should().Be(500);
        r.MaxMs.Should().Be(500);
        LoadThreshold.Parse("p(95)<300").Holds(LoadThreshold.Parse("p(95)<300").Observe(r)).Should().BeTrue();
        LoadThreshold.Parse("p(99)<300").Holds(LoadThreshold.Parse("p(99)<300").Observe(r)).Should().BeFalse();
    }

    [Test]
    public void Merging_runners_adds_their_samples_and_never_averages_percentiles()
    {
        // runner A: all fast; runner B: all slow. The average of their p95s would be 255 ms; over all samples it is 500 ms.
        var a = Result(fast: 100, slow: 0);
        var b = Result(fast: 0, slow: 100);
        var merged = LoadResult.Merge([a, b]);
        merged.Responses.Should().Be(200);
        merged.PercentileMs(95).Should().Be(500);
        merged.PercentileMs(50).Should().Be(10);
        merged.Runners.Should().Be(2);
        merged.Throughput.Should().Be(20);
    }

    [Test]
    public void Error_rate_counts_5xx_and_transport_errors()
    {
        var r = Result(fast: 90, slow: 0, errors: 9);
        r.AddTransportError("timeout", 1);
        r.ErrorRate.Should().BeApproximately(10 / 91.0, 1e-9);
    }

    [Test]
    public void A_slow_endpoint_fails_its_p95_and_the_verdict_names_it()
    {
        var v = LoadRules.ThresholdsHold([Judged("load_balancer", Result(fast: 10, slow: 90), "p(95)<300", "rate<0.01")]);
        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().ContainSingle().Which.Should().Contain("load_balancer: p(95)<300 not met: http_req_duration p(95) = 500 ms");
    }

    [Test]
    public void An_erroring_endpoint_fails_its_error_rate()
    {
        var v = LoadRules.ThresholdsHold([Judged("load_balancer", Result(fast: 100, slow: 0, errors: 20), "p(95)<300", "rate<0.01")]);
        v.Shortfalls.Should().ContainSingle().Which.Should().Contain("rate<0.01 not met");
    }

    [Test]
    public void A_run_where_no_request_was_answered_is_a_failed_run_not_a_fast_one()
    {
        var r = new LoadResult { Duration = TimeSpan.FromSeconds(5) };
        r.AddTransportError("read", 236);
        var v = LoadRules.ThresholdsHold([Judged("load_balancer", r, "p(95)<300")]);
        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().ContainSingle().Which.Should().Contain("no request was answered");
    }

    [Test]
    public void A_healthy_run_holds()
    {
        var v = LoadRules.ThresholdsHold([Judged("nomad", Result(fast: 100, slow: 0), "p(95)<300", "rate<0.01", "count>=100")]);
        v.Holds.Should().BeTrue(v.Sentence);
        v.Observed.Should().Contain("p50 10 ms").And.Contain("status codes 200: 100");
    }

    internal static JudgedLoad Judged(string endpoint, LoadResult r, params string[] thresholds) =>
        new(new LoadRun("wrk", new LoadPlan(endpoint, "https://lb.example/", new LoadProfile()), r, new Dictionary<string, double>(), new Dictionary<string, bool>(), "", TimeSpan.Zero),
            thresholds.Select(LoadThreshold.Parse).ToList());
}

/// <summary>The Nomad runner job the suite builds for load from the cluster.</summary>
public sealed class NomadLoadRunnerJobTests
{
    [Test]
    public void The_runner_job_is_a_run_scoped_batch_job_with_count_N_each_runner_taking_its_share()
    {
        var plan = new LoadPlan("load_balancer", "https://127.0.0.1:18443/", new LoadProfile { Rate = 100, Vus = 4, DurationSeconds = 3 });
        var job = NomadLoadRunners.JobSpec("acceptance-load-1234abcd", plan, 2);
        job["Type"]!.ToString().Should().Be("batch");
        job["ID"]!.ToString().Should().StartWith(NomadLoadRunners.IdPrefix);
        var group = job["TaskGroups"]![0]!;
        group["Count"]!.GetValue<int>().Should().Be(2);
        var args = group["Tasks"]![0]!["Config"]!["args"]!.AsArray().Select(a => a!.ToString()).ToList();
        args.Should().ContainInOrder("-c", "2").And.ContainInOrder("-q", "25").And.Contain("csv").And.EndWith("https://127.0.0.1:18443/");
    }
}

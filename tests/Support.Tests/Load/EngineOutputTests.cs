using Acceptance.Support.Evidence;
using Acceptance.Support.Load;
using Acceptance.Support.Outcomes;
using Acceptance.TestSupport;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Load;

/// <summary>
/// The engines' outputs: the suite's wrk script line, hey's CSV, k6's two summary shapes (samples reproduced from
/// grafana/k6's own tests) and CSV, and the engines' text summaries from real runs in ../shared/fixtures-real/loadtest.
/// </summary>
public sealed class EngineOutputTests
{
    // ------------------------------------------------------------------------------------------ wrk (own script)

    private const string WrkOutput = """
        Running 2s test @ http://127.0.0.1:18999/
          2 threads and 4 connections
        Requests/sec:   1000.00

        @@load-json {"requests":2000,"duration_us":2000000,"errors":{"connect":0,"read":0,"write":0,"status":20,"timeout":0},"statuses":{"200":1980,"503":20},"seconds":{"1700000000":900,"1700000001":1100},"percentiles":[[50,2000],[90,5000],[95,8000],[99,20000],[100,70000]],"min_us":230,"max_us":70000,"mean_us":3000.0}
        """;

    [Test]
    public void The_wrk_script_line_gives_the_distribution_statuses_and_wrks_own_figures()
    {
        var (r, own) = WrkEngine.Parse(WrkOutput);
        r.Responses.Should().Be(2000);
        r.PercentileMs(95).Should().Be(own["p95_ms"]).And.Be(8);
        r.PercentileMs(50).Should().Be(2);
        r.MaxMs.Should().Be(70);
        r.Statuses.Should().Contain(503, 20);
        r.ErrorRate.Should().Be(0.01);
        r.Throughput.Should().Be(own["rps"]).And.Be(1000);
        r.PerSecond.Should().Equal(new Dictionary<long, long> { [0] = 900, [1] = 1100 });
    }

    [Test]
    public void Wrk_output_without_the_scripts_line_is_refused()
    {
        var act = () => WrkEngine.Parse("Running 2s test @ http://x/\n0 requests in 2.00s");
        act.Should().Throw<FormatException>().WithMessage("*@@load-json*");
    }

    [Test]
    public void The_wrk_script_is_embedded_and_reports_a_percentile_grid() =>
        WrkEngine.Script().Should().Contain("latency:percentile(p)").And.Contain("@@load-json");

    [Test]
    public void A_rate_becomes_a_per_connection_delay() =>
        WrkEngine.DelayMs(new LoadProfile { Rate = 100, Vus = 4 }).Should().Be(40);

    // ------------------------------------------------------------------------------------------ hey CSV

    [Test]
    public void Heys_csv_rows_are_raw_samples()
    {
        const string csv = """
            response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset
            0.0100,0.0001,0.0000,0.0000,0.0099,0.0000,200,0.0010
            0.0200,0.0001,0.0000,0.0000,0.0199,0.0000,200,0.5000
            0.4000,0.0001,0.0000,0.0000,0.3999,0.0000,503,1.2000
            """;
        var r = HeyEngine.ParseCsv(csv, TimeSpan.FromSeconds(2));
        r.Responses.Should().Be(3);
        r.PercentileMs(50).Should().Be(20);
        r.MaxMs.Should().Be(400);
        r.Statuses.Should().Contain(503, 1);
        r.PerSecond.Should().Equal(new Dictionary<long, long> { [0] = 2, [1] = 1 });
    }

    [Test]
    public void Hey_arguments_bound_time_and_split_the_rate_over_workers() =>
        HeyEngine.Arguments(new LoadPlan("lb", "https://x/", new LoadProfile { Rate = 100, Vus = 4, DurationSeconds = 3 }))
            .Should().ContainInOrder("-z", "3s", "-c", "4").And.ContainInOrder("-q", "25").And.EndWith("https://x/");

    // ------------------------------------------------------------------------------------------ k6 summaries
    // Both reproduced from grafana/k6 internal/js/summary_test.go (commit 87883075ccd5e3d3fb961a860b3d6e422bbc353b):
    // expectedOldJSONExportResult (--summary-export) and expectedHandleSummaryRawData (handleSummary's data), metrics part;
    // the same mocked metrics: http_reqs "rate<100" and my_trend "my_trend<1000" have LastFailed = true, checks "rate>70" false.

    private const string K6SummaryExport = """
        {"metrics": {
          "checks": { "value": 0.75, "passes": 45, "fails": 15, "thresholds": { "rate>70": false } },
          "http_reqs": { "count": 3, "rate": 3, "thresholds": { "rate<100": true } },
          "my_trend": { "avg": 15, "max": 20, "med": 15, "min": 10, "p(90)": 19, "p(95)": 19.5, "p(99)": 19.9, "count": 3,
                        "thresholds": { "my_trend<1000": true } },
          "vus": { "value": 1, "min": 1, "max": 1 } } }
        """;

    private const string K6HandleSummary = """
        {"metrics": {
          "checks": { "contains": "default", "values": { "passes": 45, "fails": 15, "rate": 0.75 }, "type": "rate",
                      "thresholds": { "rate>70": { "ok": true } } },
          "my_trend": { "thresholds": { "my_trend<1000": { "ok": false } }, "type": "trend", "contains": "time",
                        "values": { "max": 20, "p(90)": 19, "p(95)": 19.5, "p(99)": 19.9, "count": 3, "avg": 15, "min": 10, "med": 15 } },
          "vus": { "contains": "default", "values": { "value": 1, "min": 1, "max": 1 }, "type": "gauge" },
          "http_reqs": { "type": "counter", "contains": "default", "values": { "count": 3, "rate": 3 },
                         "thresholds": { "rate<100": { "ok": false } } } } }
        """;

    [Test]
    public void In_summary_export_a_threshold_true_means_it_failed()
    {
        var t = K6Summary.Thresholds(K6Summary.Parse(K6SummaryExport));
        t.Should().Equal(new Dictionary<string, bool> { ["checks: rate>70"] = true, ["http_reqs: rate<100"] = false, ["my_trend: my_trend<1000"] = false });
    }

    [Test]
    public void In_handle_summary_ok_means_it_passed_and_both_shapes_agree()
    {
        var a = K6Summary.Thresholds(K6Summary.Parse(K6SummaryExport));
        var b = K6Summary.Thresholds(K6Summary.Parse(K6HandleSummary));
        b.Should().Equal(a);
        K6Summary.Parse(K6HandleSummary).Single(m => m.Name == "my_trend").Values["p(95)"].Should().Be(19.5);
    }

    [Test]
    public void A_real_summary_export_without_thresholds_gives_the_engines_own_figures()
    {
        var metrics = K6Summary.Parse(SharedFixtures.RealText("loadtest/k6-summary-export-legacy-dropped-iterations-crush-test.json"));
        K6Summary.Thresholds(metrics).Should().BeEmpty();
        var own = K6Summary.Own(metrics);
        own.Should().ContainKeys("p95_ms", "p90_ms", "rps", "requests");
        own["error_rate"].Should().Be(0);
        metrics.Single(m => m.Name == "dropped_iterations").Values["count"].Should().Be(17);
    }

    [Test]
    public void The_rendered_k6_script_carries_the_profile_and_the_thresholds_as_k6_thresholds()
    {
        var plan = new LoadPlan("load_balancer", "https://lb.example/", new LoadProfile { Rate = 50, Vus = 5, DurationSeconds = 3 });
        var js = K6Engine.Script(plan, [LoadThreshold.Parse("p(95)<300"), LoadThreshold.Parse("rate<0.01"), LoadThreshold.Parse("count>=100")]);
        js.Should().Contain("constant-arrival-rate").And.Contain("rate: 50").And.Contain("duration: '3s'")
            .And.Contain("\"http_req_duration\": [\"p(95)<300\"]").And.Contain("\"http_req_failed\": [\"rate<0.01\"]")
            .And.Contain("\"http_reqs\": [\"count>=100\"]").And.Contain("http.get(\"https://lb.example/\"");
    }

    [Test]
    public void K6s_csv_output_gives_raw_durations_and_statuses()
    {
        const string csv = """
            metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,name,proto,scenario,service,status,subproto,tls_version,url,extra_tags
            http_reqs,1700000000,1.000000,,,,true,,GET,https://x/,HTTP/1.1,load,,200,,,https://x/,
            http_req_duration,1700000000,12.500000,,,,true,,GET,https://x/,HTTP/1.1,load,,200,,,https://x/,
            http_req_duration,1700000001,300.000000,,,,false,,GET,https://x/,HTTP/1.1,load,,503,,,https://x/,
            """;
        var r = K6Engine.ParseCsv(csv, TimeSpan.FromSeconds(2));
        r.Responses.Should().Be(2);
        r.MaxMs.Should().Be(300);
        r.ErrorRate.Should().Be(0.5);
    }

    // ------------------------------------------------------------------------------------------ engines missing

    [Test]
    public void A_named_engine_that_is_not_installed_is_broken_with_the_reason()
    {
        var act = () => LoadEngines.Resolve("wrk", new EvidenceLog(), searchPath: "/nonexistent-bin");
        act.Should().Throw<EnvironmentProblemException>().WithMessage("*'wrk' (performance.engine) cannot run*not on the search path*");
    }

    [Test]
    public void Auto_without_any_engine_is_broken_naming_them_all()
    {
        var act = () => LoadEngines.Resolve("auto", new EvidenceLog(), searchPath: "/nonexistent-bin");
        act.Should().Throw<EnvironmentProblemException>().WithMessage("*none of k6, wrk, hey*");
    }

    // ------------------------------------------------------------------------------------------ real text summaries

    [Test]
    public void Real_wrk_zero_requests_with_read_errors_is_a_failed_run()
    {
        var s = EngineTextSummary.ParseWrk(SharedFixtures.RealText("loadtest/wrk-latency-zero-requests-read-errors-nan.txt"));
        s.Requests.Should().Be(0);
        s.Errors.Should().Contain("read", 236);
        s.ErrorRate.Should().Be(1);
    }

    [Test]
    public void Real_wrk_with_more_errors_than_successes()
    {
        var s = EngineTextSummary.ParseWrk(SharedFixtures.RealText("loadtest/wrk-latency-5000conns-read-errors-3268-timeout-48.txt"));
        s.Requests.Should().Be(2606);
        s.Errors.Should().Contain("read", 3268).And.Contain("timeout", 48);
        s.Failures.Should().BeGreaterThan(s.Requests);
        s.ErrorRate.Should().BeGreaterThan(0.5);
    }

    [Test]
    public void Real_wrk_p99_in_seconds_is_read_in_milliseconds()
    {
        var s = EngineTextSummary.ParseWrk(SharedFixtures.RealText("loadtest/wrk-4.x-latency-timeout1-p99-1.56s.txt"));
        s.PercentilesMs[99].Should().Be(1560);
        s.Errors.Should().Contain("timeout", 1);
        s.RequestsPerSecond.Should().Be(18.77);
    }

    [Test]
    public void Real_wrk_pipeline_run_is_healthy()
    {
        var s = EngineTextSummary.ParseWrk(SharedFixtures.RealText("loadtest/wrk-latency-pipeline-1.3M-rps-healthy.txt"));
        s.PercentilesMs[99].Should().Be(17.28);
        s.Errors.Should().BeEmpty();
        s.ErrorRate.Should().Be(0);
    }

    [Test]
    public void Real_hey_placeholder_rows_are_not_read_as_zero_latency()
    {
        var s = EngineTextSummary.ParseHey(SharedFixtures.RealText("loadtest/hey-n10-zero-percent-placeholder-rows.txt"));
        s.PercentilesMs.Keys.Should().NotContain(95).And.NotContain(99).And.NotContain(0);
        s.PercentilesMs[90].Should().BeApproximately(837.6, 0.01);
    }

    [Test]
    public void Real_hey_with_504_and_timeouts_counts_both_as_failures()
    {
        var s = EngineTextSummary.ParseHey(SharedFixtures.RealText("loadtest/hey-504-and-error-distribution-timeout.txt"));
        s.Statuses.Should().Contain(200, 997).And.Contain(504, 1);
        s.Errors.Values.Sum().Should().Be(2);
        s.Failures.Should().Be(3);
        s.PercentilesMs[99].Should().BeApproximately(5003.3, 0.01);
    }

    [Test]
    public void Real_hey_long_tail_keeps_the_slowest_apart_from_p99()
    {
        var s = EngineTextSummary.ParseHey(SharedFixtures.RealText("loadtest/hey-n50000-long-tail-slowest-9.86s.txt"));
        s.PercentilesMs[99].Should().BeApproximately(438.9, 0.01);
        s.MaxMs.Should().BeApproximately(9860, 10);
        s.Requests.Should().Be(49920);
    }
}

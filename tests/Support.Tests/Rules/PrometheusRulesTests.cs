using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Acceptance.Support.Evidence;
using Acceptance.Support.Outcomes;
using Acceptance.Support.Prometheus;
using FluentAssertions;
using NUnit.Framework;
using YamlDotNet.RepresentationModel;

namespace Acceptance.Support.Tests.Rules;

/// <summary>
/// Every rule of <see cref="PrometheusRules"/>, healthy and faulty: first on the project's own small records, then on the
/// documented API bodies (../shared/fixtures/prometheus) read through the real <see cref="PrometheusClient"/> and
/// <see cref="PrometheusProbe"/>, and on real-world rule files (../shared/fixtures-real/prometheus-rules).
/// </summary>
public sealed class PrometheusRulesTests
{
    private static readonly PrometheusThresholds Defaults = new();

    // ---------------------------------------------------------------- own fixtures

    private static ScrapeTarget Up(string job, string instance) => new(job, instance, $"http://{instance}/metrics", "up", "", 0.01);

    private static ScrapeTarget Down(string job, string instance, string error) => new(job, instance, $"http://{instance}/metrics", "down", error, 0);

    private static PrometheusRule Alert(string name, string query, string severity, string health = "ok", string lastError = "", string? runbook = null) =>
        new("platform", "/etc/prometheus/rules/platform.yml", name, "alerting", query, health, lastError,
            new Dictionary<string, string> { ["severity"] = severity },
            runbook is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["runbook_url"] = runbook }, 300);

    private static PrometheusRule Record(string name, string query, string health = "ok", string lastError = "") =>
        new("platform", "/etc/prometheus/rules/platform.yml", name, "recording", query, health, lastError,
            new Dictionary<string, string>(), new Dictionary<string, string>(), 0);

    private static PrometheusAlert Firing(string name, params (string Key, string Value)[] labels)
    {
        var all = labels.ToDictionary(l => l.Key, l => l.Value);
        all["alertname"] = name;
        return new PrometheusAlert(all, new Dictionary<string, string>(), "firing", "2025-01-05T18:00:00Z", "1e+00");
    }

    private static Sample Sample(double value, params (string Key, string Value)[] labels) =>
        new(labels.ToDictionary(l => l.Key, l => l.Value), value);

    [Test]
    public void Ready_holds_on_200_and_names_the_status_and_body_when_not_ready()
    {
        PrometheusRules.Ready(new Readiness(true, 200, "Prometheus Server is Ready.\n")).Holds.Should().BeTrue();

        var v = PrometheusRules.Ready(new Readiness(false, 503, "Service Unavailable\n"));
        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("Prometheus is not ready (HTTP 503: Service Unavailable)");
        v.Sentence.Should().Contain("Verdict: NOT met: Prometheus is not ready (HTTP 503");
    }

    [Test]
    public void AllTargetsUp_holds_when_every_target_is_up()
    {
        var v = PrometheusRules.AllTargetsUp([Up("prometheus", "localhost:9090"), Up("node", "10.0.0.1:9100")]);

        v.Holds.Should().BeTrue();
        v.Observed.Should().Be("2/2 up");
        v.Sentence.Should().EndWith("Verdict: holds");
    }

    [Test]
    public void AllTargetsUp_names_each_target_that_is_not_up_with_its_error()
    {
        var v = PrometheusRules.AllTargetsUp([
            Up("prometheus", "localhost:9090"),
            Down("node", "10.0.0.2:9100", "Get \"http://10.0.0.2:9100/metrics\": dial tcp 10.0.0.2:9100: connect: connection refused"),
            new ScrapeTarget("consul", "10.0.0.3:8500", "http://10.0.0.3:8500/v1/agent/metrics", "unknown", "", 0),
        ]);

        v.Holds.Should().BeFalse();
        v.Observed.Should().Be("1/3 up");
        v.Shortfalls.Should().Equal(
            "node/10.0.0.2:9100 down: Get \"http://10.0.0.2:9100/metrics\": dial tcp 10.0.0.2:9100: connect: connection refused",
            "consul/10.0.0.3:8500 unknown: not scraped yet");
    }

    [Test]
    public void AllTargetsUp_does_not_hold_without_any_target()
    {
        var v = PrometheusRules.AllTargetsUp([]);

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("Prometheus has no active targets");
        v.Observed.Should().Be("0/0 up");
    }

    [Test]
    public void JobsScrapedUp_holds_when_each_job_has_an_up_target_and_ignores_other_jobs()
    {
        var v = PrometheusRules.JobsScrapedUp([Up("consul", "c1:8500"), Up("nomad", "n1:4646"), Down("other", "o1:1", "boom")],
            ["consul", "nomad"], "MON-MS-1");

        v.Holds.Should().BeTrue();
        v.Rule.Should().Be("Prometheus scrapes [consul, nomad] successfully (MON-MS-1)");
        v.Observed.Should().Be("consul/c1:8500 up; nomad/n1:4646 up");
    }

    [Test]
    public void JobsScrapedUp_names_a_job_without_target_and_a_down_target()
    {
        var v = PrometheusRules.JobsScrapedUp([Up("consul", "c1:8500"), Down("consul", "c2:8500", "context deadline exceeded")],
            ["consul", "nomad"], "services are monitored");

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("job nomad: no active target", "consul/c2:8500 down: context deadline exceeded");
    }

    [Test]
    public void JobsScrapedUp_says_so_when_no_job_has_a_target()
    {
        var v = PrometheusRules.JobsScrapedUp([Up("prometheus", "p:9090")], ["pushgateway"], "pushgateway scraped");

        v.Holds.Should().BeFalse();
        v.Observed.Should().Be("no active target of these jobs");
        v.Shortfalls.Should().Equal("job pushgateway: no active target");
    }

    [Test]
    public void ExpectedJobsPresent_holds_when_every_expected_job_has_a_target_even_a_down_one()
    {
        var v = PrometheusRules.ExpectedJobsPresent([Up("prometheus", "p:9090"), Down("node", "n:9100", "refused")], ["node", "prometheus"]);

        v.Holds.Should().BeTrue();
        v.Observed.Should().Be("jobs with active targets: [node, prometheus]");
    }

    [Test]
    public void ExpectedJobsPresent_names_each_missing_job()
    {
        var v = PrometheusRules.ExpectedJobsPresent([Up("prometheus", "p:9090")], ["prometheus", "node", "pushgateway"]);

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("job node: no active target", "job pushgateway: no active target");
        v.Expected.Should().Be("active targets for [prometheus, node, pushgateway]");
    }

    [Test]
    public void RetentionLongEnough_holds_at_and_above_the_minimum()
    {
        PrometheusRules.RetentionLongEnough(new Retention(TimeSpan.FromDays(15), "15d", "runtimeinfo"), Defaults).Holds.Should().BeTrue();
        PrometheusRules.RetentionLongEnough(new Retention(TimeSpan.FromDays(30), "30d", "runtimeinfo"), Defaults).Holds.Should().BeTrue();
        PrometheusRules.RetentionLongEnough(new Retention(TimeSpan.FromHours(36), "36h", "runtimeinfo"), new PrometheusThresholds { RetentionMinDays = 1.5 })
            .Holds.Should().BeTrue();
    }

    [Test]
    public void RetentionLongEnough_does_not_hold_without_an_explicit_retention()
    {
        var v = PrometheusRules.RetentionLongEnough(new Retention(null, "", "flag storage.tsdb.retention.time"), Defaults);

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("no retention time is configured explicitly");
        v.Observed.Should().Be("not set (flag storage.tsdb.retention.time: '')");
    }

    [Test]
    public void RetentionLongEnough_names_days_kept_and_the_minimum()
    {
        var v = PrometheusRules.RetentionLongEnough(new Retention(TimeSpan.FromDays(1), "1d", "runtimeinfo"), Defaults);

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("Prometheus retains 1 days, less than 15");
        v.Expected.Should().Be("retention >= 15 days");

        PrometheusRules.RetentionLongEnough(new Retention(TimeSpan.FromDays(14), "2w", "runtimeinfo"), Defaults)
            .Shortfalls.Should().Equal("Prometheus retains 14 days, less than 15");
    }

    [TestCase("15d", 15 * 24.0)]
    [TestCase("15d or 512MiB", 15 * 24.0)]
    [TestCase("2h30m", 2.5)]
    [TestCase("1y", 365 * 24.0)]
    [TestCase("2w", 14 * 24.0)]
    public void Retention_strings_parse_to_their_duration(string raw, double hours) =>
        PrometheusDuration.ParseRetention(raw).Should().Be(TimeSpan.FromHours(hours));

    [TestCase("")]
    [TestCase("512MiB")]
    [TestCase(null)]
    public void Retention_strings_without_a_time_parse_to_nothing(string? raw) => PrometheusDuration.ParseRetention(raw).Should().BeNull();

    [Test]
    public void ConfigLoaded_holds_only_when_the_last_reload_succeeded()
    {
        PrometheusRules.ConfigLoaded(new ConfigStatus(true, "2025-01-05T18:00:00Z")).Holds.Should().BeTrue();

        var failed = PrometheusRules.ConfigLoaded(new ConfigStatus(false, "2025-01-05T18:00:00Z"));
        failed.Holds.Should().BeFalse();
        failed.Shortfalls.Should().Equal("the last configuration reload FAILED (reloadConfigSuccess=false, last good config 2025-01-05T18:00:00Z)");

        var unknown = PrometheusRules.ConfigLoaded(new ConfigStatus(null, ""));
        unknown.Holds.Should().BeFalse();
        unknown.Shortfalls.Should().Equal("runtimeinfo does not report reloadConfigSuccess");
    }

    [Test]
    public void RulesHealthy_holds_when_every_rule_is_ok()
    {
        var v = PrometheusRules.RulesHealthy([Alert("InstanceDown", "up == 0", "critical"), Record("job:up:sum", "sum by (job) (up)")]);

        v.Holds.Should().BeTrue();
        v.Observed.Should().Be("2/2 healthy");
    }

    [Test]
    public void RulesHealthy_names_each_unhealthy_rule_with_its_health_and_error()
    {
        var v = PrometheusRules.RulesHealthy([
            Alert("InstanceDown", "up == 0", "critical"),
            Record("job:latency:p99", "histogram_quantile(0.99, x)", "err", "vector contains metrics with the same labelset after applying rule labels"),
            Alert("DiskFull", "node_filesystem_avail_bytes < 1", "critical", health: "unknown"),
            Alert("Backup", "backup_age > 1", "critical", health: "ok", lastError: "query timed out"),
        ]);

        v.Holds.Should().BeFalse();
        v.Observed.Should().Be("1/4 healthy");
        v.Shortfalls.Should().HaveCount(3);
        v.Shortfalls[0].Should().Be("record job:latency:p99 (group platform): histogram_quantile(0.99, x) — health err: " +
                                    "vector contains metrics with the same labelset after applying rule labels");
        v.Shortfalls[1].Should().Be("alert DiskFull (group platform, severity critical): node_filesystem_avail_bytes < 1 — health unknown");
        v.Shortfalls[2].Should().EndWith("— health ok: query timed out");
    }

    [Test]
    public void RulesHealthy_does_not_hold_when_no_rule_is_loaded()
    {
        var v = PrometheusRules.RulesHealthy([]);

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("GET /api/v1/rules lists no rule: Prometheus evaluates none of the platform's rules");
    }

    private static readonly PrometheusRule[] FourKinds =
    [
        Alert("InstanceDown", "up == 0", "critical"),
        Alert("CertificateExpiresSoon", "probe_ssl_earliest_cert_expiry - time() < 7 * 86400", "critical"),
        Alert("NodeDiskAlmostFull", "node_filesystem_avail_bytes / node_filesystem_size_bytes < 0.1", "critical"),
        Alert("NodeMemoryLow", "node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes < 0.1", "critical"),
    ];

    [Test]
    public void CriticalAlertsCover_holds_when_each_kind_has_a_critical_alert()
    {
        var v = PrometheusRules.CriticalAlertsCover([.. FourKinds, Alert("BackupTooOld", "time() - backup_last_success_timestamp_seconds > 86400", "critical")],
            AlertRuleCatalog.All);

        v.Holds.Should().BeTrue();
        v.Observed.Should().Be("5 critical rule(s); instance down: InstanceDown; certificate expiry: CertificateExpiresSoon; backup age: BackupTooOld; " +
                               "disk space: NodeDiskAlmostFull; memory: NodeMemoryLow");
    }

    [Test]
    public void CriticalAlertsCover_names_the_missing_backup_age_alert()
    {
        var v = PrometheusRules.CriticalAlertsCover(FourKinds, AlertRuleCatalog.All);

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("no severity=critical alert for backup age");
        v.Observed.Should().Contain("backup age: none");
    }

    [Test]
    public void CriticalAlertsCover_ignores_warning_alerts_and_recording_rules()
    {
        var v = PrometheusRules.CriticalAlertsCover([
            .. FourKinds,
            Alert("BackupTooOld", "time() - backup_last_success_timestamp_seconds > 86400", "warning"),
            Record("backup:age:seconds", "time() - backup_last_success_timestamp_seconds"),
        ], AlertRuleCatalog.All);

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("no severity=critical alert for backup age");
    }

    [Test]
    public void CriticalAlertsCover_recognises_kinds_by_expression_and_severity_case_insensitively()
    {
        var v = PrometheusRules.CriticalAlertsCover([
            Alert("ScrapeFailing", "up{job=\"consul\"} == 0", "CRITICAL"),
            Alert("EndpointProbeFails", "probe_success{job=\"blackbox\"} < 1", "critical"),
            Alert("TlsSoon", "x509_cert_not_after - time() < 86400", "Critical"),
        ], [AlertRuleCatalog.InstanceDown, AlertRuleCatalog.CertificateExpiry]);

        v.Holds.Should().BeTrue();
        v.Observed.Should().Be("3 critical rule(s); instance down: ScrapeFailing, EndpointProbeFails; certificate expiry: TlsSoon");
    }

    [Test]
    public void CriticalAlertsCover_with_no_rule_names_every_kind()
    {
        var v = PrometheusRules.CriticalAlertsCover([], AlertRuleCatalog.All);

        v.Shortfalls.Should().Equal(AlertRuleCatalog.All.Select(k => $"no severity=critical alert for {k.Title}"));
        v.Observed.Should().StartWith("0 critical rule(s)");
    }

    [Test]
    public void An_unknown_alert_kind_is_refused_with_the_known_keys()
    {
        AlertRuleCatalog.ByKey("backup-age").Should().BeSameAs(AlertRuleCatalog.BackupAge);
        var act = () => AlertRuleCatalog.ByKey("cpu");
        act.Should().Throw<ArgumentException>().WithMessage("unknown alert kind 'cpu' (known: instance-down, certificate-expiry, backup-age, disk, memory)");
    }

    [Test]
    public void RunbooksResolve_holds_when_every_runbook_answers_2xx()
    {
        var v = PrometheusRules.RunbooksResolve([new RunbookCheck("InstanceDown", "https://runbooks.example/instance-down", 200, null)]);

        v.Holds.Should().BeTrue();
        v.Observed.Should().Be("InstanceDown: https://runbooks.example/instance-down → 200");
    }

    [Test]
    public void RunbooksResolve_names_each_alert_whose_runbook_is_missing_or_broken()
    {
        var v = PrometheusRules.RunbooksResolve([
            new RunbookCheck("InstanceDown", "https://runbooks.example/instance-down", 200, null),
            new RunbookCheck("BackupTooOld", "https://runbooks.example/backup", 404, "HTTP 404"),
            new RunbookCheck("DiskFull", null, null, null),
            new RunbookCheck("CertExpiry", "https://wiki.internal/cert", null, "Runbook GET https://wiki.internal/cert: host not found (DNS)"),
        ]);

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal(
            "BackupTooOld: https://runbooks.example/backup does not resolve (HTTP 404)",
            "DiskFull: no runbook_url annotation",
            "CertExpiry: https://wiki.internal/cert does not resolve (Runbook GET https://wiki.internal/cert: host not found (DNS))");
    }

    [Test]
    public void RunbooksResolve_does_not_hold_without_any_critical_alert_to_check()
    {
        var v = PrometheusRules.RunbooksResolve([]);

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("there is no severity=critical alerting rule whose runbook could be checked");
    }

    private static AlertHistory History(IReadOnlyList<PrometheusAlert> firing, params (string Series, int Episodes)[] episodes) =>
        new(firing, episodes, TimeSpan.FromHours(24), TimeSpan.FromSeconds(10));

    [Test]
    public void AlertNoiseWithinBudget_does_not_count_heartbeat_alerts_as_noise()
    {
        var history = History([Firing("Watchdog"), Firing("DeadMansSwitch")], ("{alertname=\"Watchdog\",severity=\"none\"}", 9));

        var v = PrometheusRules.AlertNoiseWithinBudget(history, Defaults);

        v.Holds.Should().BeTrue("Watchdog and DeadMansSwitch fire all the time by design");
        v.Expected.Should().Contain("the heartbeat alerts [Watchdog, DeadMansSwitch] (thresholds.heartbeat_alerts) excluded");
        PrometheusRules.AlertNoiseWithinBudget(history, Defaults with { HeartbeatAlerts = [] }).Shortfalls.Should().HaveCount(2,
            "without the exclusion the same history is over both budgets");
    }

    [Test]
    public void AlertNoiseWithinBudget_holds_on_a_quiet_deployment()
    {
        var v = PrometheusRules.AlertNoiseWithinBudget(History([], ("{alertname=\"NodeDiskAlmostFull\"}", 2)), Defaults);

        v.Holds.Should().BeTrue();
        v.Observed.Should().Be("0 alert(s) firing now; 1 series fired in the last 24 h: {alertname=\"NodeDiskAlmostFull\"} x2");
    }

    [Test]
    public void AlertNoiseWithinBudget_one_firing_alert_exceeds_a_budget_of_zero()
    {
        var v = PrometheusRules.AlertNoiseWithinBudget(History([Firing("InstanceDown", ("job", "node"), ("instance", "n1:9100"))]), Defaults);

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("1 alert(s) firing on a healthy deployment, budget thresholds.max_firing_alerts 0: " +
                                    "InstanceDown{instance=\"n1:9100\",job=\"node\"} firing since 2025-01-05T18:00:00Z");
    }

    [Test]
    public void AlertNoiseWithinBudget_firing_alerts_within_the_budget_hold()
    {
        var v = PrometheusRules.AlertNoiseWithinBudget(History([Firing("Watchdog")]), Defaults with { MaxFiringAlerts = 1 });

        v.Holds.Should().BeTrue();
        v.Expected.Should().StartWith("<= 1 firing now (thresholds.max_firing_alerts); <= 0 series with 3+ firing episodes in 24 h");
    }

    [Test]
    public void AlertNoiseWithinBudget_a_series_with_3_episodes_flaps_at_flap_episodes_3()
    {
        var v = PrometheusRules.AlertNoiseWithinBudget(
            History([], ("{alertname=\"NodeDiskAlmostFull\",instance=\"n1\"}", 3), ("{alertname=\"Other\"}", 2)), Defaults);

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("1 alert series fired 3+ separate times in 24 h, budget thresholds.max_flapping_alerts 0: " +
                                    "{alertname=\"NodeDiskAlmostFull\",instance=\"n1\"} fired 3 times");
    }

    [Test]
    public void AlertNoiseWithinBudget_reports_firing_and_flapping_together_and_respects_the_flapping_budget()
    {
        var history = History([Firing("A"), Firing("B")], ("{alertname=\"A\"}", 5), ("{alertname=\"B\"}", 4));

        var v = PrometheusRules.AlertNoiseWithinBudget(history, Defaults with { MaxFiringAlerts = 1, MaxFlappingAlerts = 1 });
        v.Shortfalls.Should().HaveCount(2);
        v.Shortfalls[0].Should().StartWith("2 alert(s) firing on a healthy deployment, budget thresholds.max_firing_alerts 1: A{} firing");
        v.Shortfalls[1].Should().Be("2 alert series fired 3+ separate times in 24 h, budget thresholds.max_flapping_alerts 1: " +
                                    "{alertname=\"A\"} fired 5 times; {alertname=\"B\"} fired 4 times");

        PrometheusRules.AlertNoiseWithinBudget(history, Defaults with { MaxFiringAlerts = 2, MaxFlappingAlerts = 2 }).Holds.Should().BeTrue();
        PrometheusRules.AlertNoiseWithinBudget(history, Defaults with { MaxFiringAlerts = 2, FlapEpisodes = 6 }).Holds.Should().BeTrue();
    }

    [Test]
    public void WebUiServes_holds_when_a_page_served_html_and_says_what_was_tried_otherwise()
    {
        PrometheusRules.WebUiServes(new WebUi("http://p:9090/query", ["Prometheus GET http://p:9090/graph → 404"])).Holds.Should().BeTrue();

        var v = PrometheusRules.WebUiServes(new WebUi(null, ["Prometheus GET http://p:9090/graph → 401"]));
        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("no web UI page answered 200 with HTML");
        v.Observed.Should().Be("no page served HTML (tried: Prometheus GET http://p:9090/graph → 401)");
    }

    [Test]
    public void Ingesting_holds_above_zero_samples_per_second()
    {
        PrometheusRules.Ingesting(1250).Holds.Should().BeTrue();

        var v = PrometheusRules.Ingesting(0);
        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("Prometheus appended no sample in the last minute");
    }

    [Test]
    public void NetworkMetricsCollected_holds_with_one_instance_and_not_with_none()
    {
        var v = PrometheusRules.NetworkMetricsCollected([Sample(3, ("job", "node"), ("instance", "n1:9100"))]);
        v.Holds.Should().BeTrue();
        v.Observed.Should().Be("{instance=\"n1:9100\",job=\"node\"} 3");

        var none = PrometheusRules.NetworkMetricsCollected([]);
        none.Holds.Should().BeFalse();
        none.Observed.Should().Be("no instance");
        none.Shortfalls.Should().Equal("no node exporter exposes node_network_receive_bytes_total to Prometheus");
    }

    [Test]
    public void ReturnsValue_holds_on_exactly_one_sample_of_the_pushed_value()
    {
        PrometheusRules.ReturnsValue([Sample(1, ("job", "acceptance-1"))], "ml_training_job_failed{job=\"acceptance-1\"}", 1)
            .Holds.Should().BeTrue();
    }

    [Test]
    public void ReturnsValue_names_a_missing_series_a_wrong_value_and_duplicate_series()
    {
        PrometheusRules.ReturnsValue([], "m", 1).Shortfalls.Should().Equal("the pushed series is not (yet) in Prometheus");
        PrometheusRules.ReturnsValue([Sample(2)], "m", 1).Shortfalls.Should().Equal("expected exactly one sample of value 1");
        var two = PrometheusRules.ReturnsValue([Sample(1, ("instance", "a")), Sample(1, ("instance", "b"))], "m", 1);
        two.Holds.Should().BeFalse();
        two.Observed.Should().Be("{instance=\"a\"} 1; {instance=\"b\"} 1");
    }

    // ---------------------------------------------------------------- documented bodies through the real client

    private static string PathOf(string clientPath) => "/" + clientPath.Split('?')[0];

    private static PrometheusClient Client(FixtureServer server) =>
        new(TestTarget.With(new PrometheusOptions { Key = "prometheus", Address = server.Url }), new EvidenceLog());

    private static async Task<T> Probe<T>(FixtureServer server, Func<PrometheusProbe, Task<T>> read)
    {
        using var client = Client(server);
        return await read(new PrometheusProbe(client, new EvidenceLog()));
    }

    [Test]
    public async Task Documented_targets_are_all_up_and_the_dropped_node_job_has_no_active_target()
    {
        await using var server = new FixtureServer().On(PathOf(PrometheusClient.Paths.Targets), SharedFixtures.Text("prometheus/targets.json"));

        var targets = await Probe(server, p => p.TargetsAsync());

        targets.Should().ContainSingle().Which.Should().Be(
            new ScrapeTarget("prometheus", "127.0.0.1:9090", "http://127.0.0.1:9090/metrics", "up", "", 0.050688943));
        PrometheusRules.AllTargetsUp(targets).Holds.Should().BeTrue();
        PrometheusRules.JobsScrapedUp(targets, ["prometheus"], "self-monitoring").Holds.Should().BeTrue();
        var jobs = PrometheusRules.ExpectedJobsPresent(targets, ["prometheus", "node"]);
        jobs.Holds.Should().BeFalse("the node job is only in droppedTargets");
        jobs.Shortfalls.Should().Equal("job node: no active target");
        server.Requests.Should().Contain("GET /api/v1/targets?state=active");
    }

    [Test]
    public async Task A_documented_target_turned_down_is_named_with_its_last_error()
    {
        var body = SharedFixtures.Json("prometheus/targets.json");
        var target = body["data"]!["activeTargets"]![0]!;
        target["health"] = "down";
        target["lastError"] = "Get \"http://127.0.0.1:9090/metrics\": context deadline exceeded";
        await using var server = new FixtureServer().On(PathOf(PrometheusClient.Paths.Targets), body.ToJsonString());

        var targets = await Probe(server, p => p.TargetsAsync());

        var all = PrometheusRules.AllTargetsUp(targets);
        all.Holds.Should().BeFalse();
        all.Shortfalls.Should().Equal("prometheus/127.0.0.1:9090 down: Get \"http://127.0.0.1:9090/metrics\": context deadline exceeded");
        PrometheusRules.JobsScrapedUp(targets, ["prometheus"], "self-monitoring").Shortfalls
            .Should().Equal("prometheus/127.0.0.1:9090 down: Get \"http://127.0.0.1:9090/metrics\": context deadline exceeded");
    }

    [Test]
    public async Task Documented_targets_without_active_targets_do_not_hold()
    {
        var body = SharedFixtures.Json("prometheus/targets.json");
        body["data"]!["activeTargets"] = new JsonArray();
        await using var server = new FixtureServer().On(PathOf(PrometheusClient.Paths.Targets), body.ToJsonString());

        PrometheusRules.AllTargetsUp(await Probe(server, p => p.TargetsAsync())).Shortfalls.Should().Equal("Prometheus has no active targets");
    }

    [Test]
    public async Task Documented_rules_are_healthy_but_none_is_severity_critical()
    {
        await using var server = new FixtureServer().On(PathOf(PrometheusClient.Paths.Rules), SharedFixtures.Text("prometheus/rules.json"));

        var rules = await Probe(server, p => p.RulesAsync());

        rules.Select(r => (r.Name, r.Type, r.Severity, r.ForSeconds, r.File)).Should().Equal(
            ("HighRequestLatency", "alerting", "page", 600d, "/rules.yaml"),
            ("job:http_inprogress_requests:sum", "recording", "", 0d, "/rules.yaml"));
        var healthy = PrometheusRules.RulesHealthy(rules);
        healthy.Holds.Should().BeTrue();
        healthy.Observed.Should().Be("2/2 healthy");
        var cover = PrometheusRules.CriticalAlertsCover(rules, AlertRuleCatalog.All);
        cover.Holds.Should().BeFalse("the documented alert is labelled severity=page");
        cover.Shortfalls.Should().HaveCount(5).And.Contain("no severity=critical alert for backup age");
        cover.Observed.Should().StartWith("0 critical rule(s)");
    }

    [Test]
    public async Task A_documented_rule_with_health_err_is_named_with_its_last_error()
    {
        var body = SharedFixtures.Json("prometheus/rules.json");
        var rule = body["data"]!["groups"]![0]!["rules"]![1]!;
        rule["health"] = "err";
        rule["lastError"] = "found duplicate series for the match group";
        await using var server = new FixtureServer().On(PathOf(PrometheusClient.Paths.Rules), body.ToJsonString());

        var v = PrometheusRules.RulesHealthy(await Probe(server, p => p.RulesAsync()));

        v.Holds.Should().BeFalse();
        v.Observed.Should().Be("1/2 healthy");
        v.Shortfalls.Should().Equal("record job:http_inprogress_requests:sum (group example): sum by (job) (http_inprogress_requests) — " +
                                    "health err: found duplicate series for the match group");
    }

    [Test]
    public async Task Documented_rules_with_no_group_do_not_hold()
    {
        var body = SharedFixtures.Json("prometheus/rules.json");
        body["data"]!["groups"] = new JsonArray();
        await using var server = new FixtureServer().On(PathOf(PrometheusClient.Paths.Rules), body.ToJsonString());

        PrometheusRules.RulesHealthy(await Probe(server, p => p.RulesAsync())).Shortfalls
            .Should().Equal("GET /api/v1/rules lists no rule: Prometheus evaluates none of the platform's rules");
    }

    [Test]
    public async Task Documented_runtimeinfo_has_15_days_retention_and_a_successful_reload()
    {
        await using var server = new FixtureServer().On(PathOf(PrometheusClient.Paths.RuntimeInfo), SharedFixtures.Text("prometheus/status-runtimeinfo.json"));

        var retention = await Probe(server, p => p.RetentionAsync());
        var config = await Probe(server, p => p.ConfigStatusAsync());

        retention.Duration.Should().Be(TimeSpan.FromDays(15));
        retention.Source.Should().Be("/api/v1/status/runtimeinfo storageRetention");
        PrometheusRules.RetentionLongEnough(retention, Defaults).Holds.Should().BeTrue();
        PrometheusRules.RetentionLongEnough(retention, Defaults with { RetentionMinDays = 30 }).Shortfalls
            .Should().Equal("Prometheus retains 15 days, less than 30");
        config.Should().Be(new ConfigStatus(true, "2019-11-02T17:23:59+01:00"));
        PrometheusRules.ConfigLoaded(config).Holds.Should().BeTrue();
    }

    [Test]
    public async Task Documented_runtimeinfo_with_1d_retention_is_too_short()
    {
        var body = SharedFixtures.Json("prometheus/status-runtimeinfo.json");
        body["data"]!["storageRetention"] = "1d";
        await using var server = new FixtureServer().On(PathOf(PrometheusClient.Paths.RuntimeInfo), body.ToJsonString());

        var v = PrometheusRules.RetentionLongEnough(await Probe(server, p => p.RetentionAsync()), Defaults);

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("Prometheus retains 1 days, less than 15");
    }

    [Test]
    public async Task Documented_runtimeinfo_with_size_and_time_retention_uses_the_time()
    {
        var body = SharedFixtures.Json("prometheus/status-runtimeinfo.json");
        body["data"]!["storageRetention"] = "15d or 512MiB";
        await using var server = new FixtureServer().On(PathOf(PrometheusClient.Paths.RuntimeInfo), body.ToJsonString());

        var retention = await Probe(server, p => p.RetentionAsync());

        retention.Duration.Should().Be(TimeSpan.FromDays(15));
        PrometheusRules.RetentionLongEnough(retention, Defaults).Holds.Should().BeTrue();
    }

    [Test]
    public async Task Without_storageRetention_the_documented_flags_set_no_retention()
    {
        var info = SharedFixtures.Json("prometheus/status-runtimeinfo.json");
        info["data"]!.AsObject().Remove("storageRetention");
        await using var server = new FixtureServer()
            .On(PathOf(PrometheusClient.Paths.RuntimeInfo), info.ToJsonString())
            .On(PathOf(PrometheusClient.Paths.Flags), SharedFixtures.Text("prometheus/status-flags.json"));

        var v = PrometheusRules.RetentionLongEnough(await Probe(server, p => p.RetentionAsync()), Defaults);

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("no retention time is configured explicitly");
        v.Observed.Should().Be("not set (flag storage.tsdb.retention.time: '')");
    }

    [Test]
    public async Task Without_storageRetention_the_retention_flag_decides()
    {
        var info = SharedFixtures.Json("prometheus/status-runtimeinfo.json");
        info["data"]!.AsObject().Remove("storageRetention");
        var flags = SharedFixtures.Json("prometheus/status-flags.json");
        flags["data"]!["storage.tsdb.retention.time"] = "30d";
        await using var server = new FixtureServer()
            .On(PathOf(PrometheusClient.Paths.RuntimeInfo), info.ToJsonString())
            .On(PathOf(PrometheusClient.Paths.Flags), flags.ToJsonString());

        var retention = await Probe(server, p => p.RetentionAsync());

        retention.Should().Be(new Retention(TimeSpan.FromDays(30), "30d", "flag storage.tsdb.retention.time"));
        PrometheusRules.RetentionLongEnough(retention, Defaults).Holds.Should().BeTrue();
    }

    [TestCase(false, "the last configuration reload FAILED (reloadConfigSuccess=false, last good config 2019-11-02T17:23:59+01:00)")]
    [TestCase(null, "runtimeinfo does not report reloadConfigSuccess")]
    public async Task Documented_runtimeinfo_with_a_failed_or_missing_reload_does_not_hold(bool? reload, string shortfall)
    {
        var body = SharedFixtures.Json("prometheus/status-runtimeinfo.json");
        if (reload is null) body["data"]!.AsObject().Remove("reloadConfigSuccess");
        else body["data"]!["reloadConfigSuccess"] = reload.Value;
        await using var server = new FixtureServer().On(PathOf(PrometheusClient.Paths.RuntimeInfo), body.ToJsonString());

        var v = PrometheusRules.ConfigLoaded(await Probe(server, p => p.ConfigStatusAsync()));

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal(shortfall);
    }

    [Test]
    public async Task An_api_error_status_is_an_environment_problem_naming_the_url()
    {
        await using var server = new FixtureServer().On(PathOf(PrometheusClient.Paths.RuntimeInfo),
            """{"status":"error","errorType":"unavailable","error":"TSDB not ready"}""");

        var act = () => Probe(server, p => p.ConfigStatusAsync());

        (await act.Should().ThrowAsync<EnvironmentProblemException>())
            .WithMessage($"Prometheus GET {server.Url}/api/v1/status/runtimeinfo → 200: API status 'error': TSDB not ready");
    }

    [Test]
    public async Task A_body_that_is_not_json_is_an_environment_problem_naming_the_url()
    {
        await using var server = new FixtureServer().On(PathOf(PrometheusClient.Paths.Targets), "<html>proxy error</html>", contentType: "text/html");

        var act = () => Probe(server, p => p.TargetsAsync());

        (await act.Should().ThrowAsync<EnvironmentProblemException>())
            .WithMessage($"Prometheus GET {server.Url}/api/v1/targets?state=active → 200: body is not JSON*");
    }

    [Test]
    public async Task Ready_reads_the_ready_endpoint_and_the_documented_buildinfo()
    {
        await using var server = new FixtureServer()
            .On(PathOf(PrometheusClient.Paths.Ready), "Prometheus Server is Ready.\n", contentType: "text/plain")
            .On(PathOf(PrometheusClient.Paths.BuildInfo), SharedFixtures.Text("prometheus/status-buildinfo.json"));

        var readiness = await Probe(server, p => p.ReadinessAsync());

        PrometheusRules.Ready(readiness).Holds.Should().BeTrue();
        RunFacts.Snapshot().Should().Contain(new KeyValuePair<string, string>("prometheus.version", "2.13.1"));
    }

    [Test]
    public async Task Ready_answering_503_does_not_hold()
    {
        await using var server = new FixtureServer()
            .On(PathOf(PrometheusClient.Paths.Ready), "Service Unavailable", status: 503, contentType: "text/plain")
            .On(PathOf(PrometheusClient.Paths.BuildInfo), SharedFixtures.Text("prometheus/status-buildinfo.json"));

        var v = PrometheusRules.Ready(await Probe(server, p => p.ReadinessAsync()));

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("Prometheus is not ready (HTTP 503: Service Unavailable)");
    }

    [Test]
    public async Task The_documented_firing_alert_exceeds_a_zero_budget()
    {
        await using var server = new FixtureServer()
            .On(PathOf(PrometheusClient.Paths.Alerts), SharedFixtures.Text("prometheus/alerts.json"))
            .On(PathOf(PrometheusClient.Paths.QueryRange), SharedFixtures.Text("prometheus/query_range.json"));

        var history = await Probe(server, p => p.AlertHistoryAsync(TimeSpan.FromHours(24)));

        history.Step.Should().Be(TimeSpan.FromSeconds(10));
        history.Episodes.Should().Equal(
            ("{instance=\"localhost:9090\",job=\"prometheus\"}", 1),
            ("{instance=\"localhost:9091\",job=\"node\"}", 1));
        var v = PrometheusRules.AlertNoiseWithinBudget(history, Defaults);
        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("1 alert(s) firing on a healthy deployment, budget thresholds.max_firing_alerts 0: " +
                                    "my-alert{} firing since 2018-07-04T20:27:12.60602144+02:00");
        PrometheusRules.AlertNoiseWithinBudget(history, Defaults with { MaxFiringAlerts = 1 }).Holds.Should().BeTrue();
        server.Requests.Should().Contain(r => r.StartsWith("GET /api/v1/query_range?query=ALERTS%7Balertstate%3D%22firing%22%7D&start="));
    }

    [Test]
    public async Task A_series_that_fired_three_separate_times_flaps_and_the_suites_own_alerts_are_excluded()
    {
        var alerts = SharedFixtures.Json("prometheus/alerts.json");
        alerts["data"]!["alerts"]![0]!["labels"]!["job"] = "acceptance-run-1-abc123";
        var range = SharedFixtures.Json("prometheus/query_range.json");
        var series = range["data"]!["result"]!.AsArray();
        series[0]!["metric"] = new JsonObject { ["__name__"] = "ALERTS", ["alertname"] = "NodeDown", ["alertstate"] = "firing", ["instance"] = "n1" };
        // three runs of points separated by gaps of more than 1.5 steps (step 10 s for a 24 h window)
        series[0]!["values"] = new JsonArray(
            new JsonArray(1000, "1"), new JsonArray(1010, "1"),
            new JsonArray(1100, "1"),
            new JsonArray(2000, "1"), new JsonArray(2010, "1"), new JsonArray(2020, "1"));
        series[1]!["metric"] = new JsonObject { ["__name__"] = "ALERTS", ["alertname"] = "MLTrainingJobFailed", ["job"] = "acceptance-run-1-abc123" };
        await using var server = new FixtureServer()
            .On(PathOf(PrometheusClient.Paths.Alerts), alerts.ToJsonString())
            .On(PathOf(PrometheusClient.Paths.QueryRange), range.ToJsonString());

        var history = await Probe(server, p => p.AlertHistoryAsync(TimeSpan.FromHours(24)));

        history.FiringNow.Should().BeEmpty("the only firing alert is the suite's own (job acceptance-*)");
        history.Episodes.Should().Equal(("{alertname=\"NodeDown\",instance=\"n1\"}", 3));
        var v = PrometheusRules.AlertNoiseWithinBudget(history, Defaults);
        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("1 alert series fired 3+ separate times in 24 h, budget thresholds.max_flapping_alerts 0: " +
                                    "{alertname=\"NodeDown\",instance=\"n1\"} fired 3 times");
        PrometheusRules.AlertNoiseWithinBudget(history, Defaults with { FlapEpisodes = 4 }).Holds.Should().BeTrue();
    }

    [Test]
    public async Task Documented_instant_query_feeds_the_network_ingestion_and_value_rules()
    {
        await using var server = new FixtureServer().On(PathOf(PrometheusClient.Paths.Query), SharedFixtures.Text("prometheus/query.json"));

        var samples = await Probe(server, p => p.NetworkSeriesAsync());
        var rate = await Probe(server, p => p.IngestionRateAsync());

        samples.Select(s => s.Value).Should().Equal(1, 0);
        PrometheusRules.NetworkMetricsCollected(samples).Holds.Should().BeTrue();
        PrometheusRules.Ingesting(rate).Holds.Should().BeTrue();
        var value = PrometheusRules.ReturnsValue(samples, "up", 1);
        value.Holds.Should().BeFalse("the documented answer holds two series");
        value.Shortfalls.Should().Equal("expected exactly one sample of value 1");
        value.Observed.Should().Be("{__name__=\"up\",instance=\"localhost:9090\",job=\"prometheus\"} 1; {__name__=\"up\",instance=\"localhost:9100\",job=\"node\"} 0");
    }

    [Test]
    public async Task An_empty_documented_instant_query_fails_the_network_ingestion_and_value_rules()
    {
        var body = SharedFixtures.Json("prometheus/query.json");
        body["data"]!["result"] = new JsonArray();
        await using var server = new FixtureServer().On(PathOf(PrometheusClient.Paths.Query), body.ToJsonString());

        PrometheusRules.NetworkMetricsCollected(await Probe(server, p => p.NetworkSeriesAsync())).Holds.Should().BeFalse();
        PrometheusRules.Ingesting(await Probe(server, p => p.IngestionRateAsync())).Shortfalls
            .Should().Equal("Prometheus appended no sample in the last minute");
        PrometheusRules.ReturnsValue(await Probe(server, p => p.QueryAsync("m")), "m", 1).Shortfalls
            .Should().Equal("the pushed series is not (yet) in Prometheus");
    }

    [Test]
    public async Task A_scalar_answer_is_one_sample()
    {
        await using var server = new FixtureServer().On(PathOf(PrometheusClient.Paths.Query),
            """{"status":"success","data":{"resultType":"scalar","result":[1435781451.781,"42"]}}""");

        PrometheusRules.ReturnsValue(await Probe(server, p => p.QueryAsync("scalar(m)")), "scalar(m)", 42).Holds.Should().BeTrue();
    }

    [Test]
    public async Task WebUi_finds_the_first_page_that_serves_html()
    {
        await using var server = new FixtureServer()
            .On("/graph", "moved", status: 404, contentType: "text/plain")
            .On("/query", "<!doctype html><html><head><title>Prometheus</title></head></html>", contentType: "text/html");

        var ui = await Probe(server, p => p.WebUiAsync());

        PrometheusRules.WebUiServes(ui).Holds.Should().BeTrue();
        ui.Url.Should().Be($"{server.Url}/query");
        ui.Tried.Should().HaveCount(2);
    }

    [Test]
    public async Task WebUi_without_an_html_page_does_not_hold()
    {
        await using var server = new FixtureServer().On("/graph", """{"status":"success"}""");

        var ui = await Probe(server, p => p.WebUiAsync());

        var v = PrometheusRules.WebUiServes(ui);
        v.Holds.Should().BeFalse();
        ui.Tried.Should().HaveCount(3).And.Contain(t => t.Contains("/classic/graph → 404"));
    }

    [Test]
    public async Task Runbooks_are_followed_and_each_broken_one_is_named()
    {
        await using var server = new FixtureServer()
            .On("/runbooks/instance-down", "<html>restart the node</html>", contentType: "text/html")
            .On("/runbooks/backup", "gone", status: 410, contentType: "text/plain");
        var closedPort = ClosedPort();
        var rules = new[]
        {
            Alert("InstanceDown", "up == 0", "critical", runbook: $"{server.Url}/runbooks/instance-down"),
            Alert("BackupTooOld", "backup_age > 86400", "critical", runbook: $"{server.Url}/runbooks/backup"),
            Alert("DiskFull", "node_filesystem_avail_bytes < 1", "critical"),
            Alert("NodeMemoryLow", "node_memory_MemAvailable_bytes < 1", "critical", runbook: "runbooks/memory.md"),
            Alert("CertExpiry", "probe_ssl_earliest_cert_expiry < 1", "critical", runbook: $"http://127.0.0.1:{closedPort}/cert"),
        };

        var checks = await new RunbookProbe(TestTarget.With(), new EvidenceLog()).CheckAsync(rules);

        var v = PrometheusRules.RunbooksResolve(checks);
        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().HaveCount(4);
        v.Shortfalls[0].Should().Be($"BackupTooOld: {server.Url}/runbooks/backup does not resolve (HTTP 410)");
        v.Shortfalls[1].Should().Be("DiskFull: no runbook_url annotation");
        v.Shortfalls[2].Should().Be("NodeMemoryLow: runbooks/memory.md does not resolve (not an absolute http(s) URL)");
        v.Shortfalls[3].Should().StartWith($"CertExpiry: http://127.0.0.1:{closedPort}/cert does not resolve (Runbook GET")
            .And.Contain("connection refused");
        PrometheusRules.RunbooksResolve(checks.Take(1).ToList()).Holds.Should().BeTrue();
    }

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    // ---------------------------------------------------------------- real-world rule files

    /// <summary>
    /// A rule file (plain "groups:" or a PrometheusRule CRD with "spec.groups") as the /api/v1/rules answer Prometheus
    /// gives once it loads it: every rule health ok.
    /// </summary>
    private static string RulesAnswer(string file, string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var groupsNode = root.Children.TryGetValue(new YamlScalarNode("groups"), out var g) ? g
            : ((YamlMappingNode)root.Children[new YamlScalarNode("spec")]).Children[new YamlScalarNode("groups")];
        var groups = new JsonArray();
        foreach (var group in ((YamlSequenceNode)groupsNode).Children.Cast<YamlMappingNode>())
        {
            var rules = new JsonArray();
            foreach (var rule in ((YamlSequenceNode)group.Children[new YamlScalarNode("rules")]).Children.Cast<YamlMappingNode>())
            {
                string? Scalar(string key) => rule.Children.TryGetValue(new YamlScalarNode(key), out var v) ? ((YamlScalarNode)v).Value : null;
                JsonObject Map(string key)
                {
                    var o = new JsonObject();
                    if (rule.Children.TryGetValue(new YamlScalarNode(key), out var v))
                        foreach (var (k, val) in ((YamlMappingNode)v).Children) o[((YamlScalarNode)k).Value!] = ((YamlScalarNode)val).Value;
                    return o;
                }
                var alert = Scalar("alert");
                rules.Add(new JsonObject
                {
                    ["name"] = alert ?? Scalar("record"),
                    ["query"] = Scalar("expr"),
                    ["type"] = alert is null ? "recording" : "alerting",
                    ["health"] = "ok",
                    ["labels"] = Map("labels"),
                    ["annotations"] = Map("annotations"),
                    ["duration"] = PrometheusDuration.ParseRetention(Scalar("for"))?.TotalSeconds ?? 0,
                });
            }
            groups.Add(new JsonObject { ["name"] = ((YamlScalarNode)group.Children[new YamlScalarNode("name")]).Value, ["file"] = file, ["rules"] = rules });
        }
        return new JsonObject { ["status"] = "success", ["data"] = new JsonObject { ["groups"] = groups } }.ToJsonString();
    }

    private static async Task<IReadOnlyList<PrometheusRule>> RealRulesAsync(string file)
    {
        await using var server = new FixtureServer().On(PathOf(PrometheusClient.Paths.Rules),
            RulesAnswer(file, SharedFixtures.RealText($"prometheus-rules/{file}")));
        return await Probe(server, p => p.RulesAsync());
    }

    private static string[] MissingExcept(params AlertKind[] covered) =>
        AlertRuleCatalog.All.Except(covered).Select(k => $"no severity=critical alert for {k.Title}").ToArray();

    [Test]
    public async Task Awesome_host_and_hardware_rules_cover_only_disk_space()
    {
        var rules = await RealRulesAsync("awesome-prometheus-alerts-host-and-hardware-node-exporter.yml");

        rules.Count(r => r.IsAlerting).Should().Be(35, "the README counts 35 alerts");
        PrometheusRules.RulesHealthy(rules).Holds.Should().BeTrue();
        var v = PrometheusRules.CriticalAlertsCover(rules, AlertRuleCatalog.All);
        v.Holds.Should().BeFalse("HostOutOfMemory is only severity=warning and nothing watches certificates, backups or down instances");
        v.Shortfalls.Should().Equal(MissingExcept(AlertRuleCatalog.Disk));
        v.Observed.Should().Contain("disk space: HostOutOfDiskSpace, HostOutOfInodes, HostFilesystemDeviceError");
    }

    [Test]
    public async Task Awesome_self_monitoring_rules_cover_only_instance_down()
    {
        var rules = await RealRulesAsync("awesome-prometheus-alerts-prometheus-self-monitoring-embedded-exporter.yml");

        rules.Count(r => r.IsAlerting).Should().Be(28, "the README counts 28 alerts");
        rules.Should().Contain(r => r.Name == "PrometheusAlertmanagerE2eDeadManSwitch" && r.Query == "vector(1)" && r.Severity == "critical");
        var v = PrometheusRules.CriticalAlertsCover(rules, AlertRuleCatalog.All);
        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal(MissingExcept(AlertRuleCatalog.InstanceDown));
        v.Observed.Should().Contain("instance down: PrometheusTargetMissing");
    }

    [Test]
    public async Task Kube_prometheus_general_rules_have_no_critical_alert_at_all()
    {
        var rules = await RealRulesAsync("kube-prometheus-kubePrometheus-prometheusRule.yaml");

        rules.Should().Contain(r => r.Name == "Watchdog" && r.Query == "vector(1)" && r.Severity == "none");
        var v = PrometheusRules.CriticalAlertsCover(rules, AlertRuleCatalog.All);
        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal(MissingExcept());
        v.Observed.Should().StartWith("0 critical rule(s)");
    }

    [Test]
    public async Task Kube_prometheus_node_exporter_rules_inside_spec_groups_cover_only_disk_space()
    {
        var rules = await RealRulesAsync("kube-prometheus-nodeExporter-prometheusRule.yaml");

        rules.Count(r => r.IsAlerting).Should().Be(26, "the README counts 26 alerts");
        rules.Should().Contain(r => !r.IsAlerting, "the CRD also carries recording rules");
        var v = PrometheusRules.CriticalAlertsCover(rules, AlertRuleCatalog.All);
        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal(MissingExcept(AlertRuleCatalog.Disk));
        v.Observed.Should().Contain("disk space: NodeFilesystemSpaceFillingUp, NodeFilesystemAlmostOutOfSpace");
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Acceptance.Support.Configuration;
using Acceptance.Support.Evidence;
using Acceptance.Support.Fingerprint;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Fingerprint;

/// <summary>The target fingerprint (contract C1): the rules that read each fact, and a probe that never fails or hangs the run.</summary>
public sealed class FingerprintTests
{
    private static JsonElement J(string json) => JsonDocument.Parse(json).RootElement;

    [Test]
    public void Versions_are_read_where_each_service_reports_them()
    {
        FingerprintRules.ConsulVersion(J("""{"Config": {"Version": "1.20.1", "VersionPrerelease": ""}}""")).Should().Be("1.20.1");
        FingerprintRules.ConsulVersion(J("""{"Config": {"Version": "1.21.0", "VersionPrerelease": "standin"}}""")).Should().Be("1.21.0-standin");
        FingerprintRules.NomadVersion(J("""{"config": {"Version": {"Version": "1.9.3", "VersionPrerelease": ""}}}""")).Should().Be("1.9.3");
        FingerprintRules.NomadVersion(J("""{"config": {"Version": "0.12.0"}}""")).Should().Be("0.12.0", "old releases hold a string");
        FingerprintRules.GrafanaVersion(J("""{"database": "ok", "version": "11.3.0", "commit": "abc"}""")).Should().Be("11.3.0");
        FingerprintRules.PushgatewayVersion(J("""{"status": "success", "data": {"build_information": {"version": "1.5.1"}}}""")).Should().Be("1.5.1");
        FingerprintRules.Leader("").Should().Be("none (no leader elected)");
    }

    [Test]
    public void Job_versions_are_the_platforms_jobs_not_their_runs_nor_the_suites_own()
    {
        var jobs = J("""
            [ {"ID": "ml-training-nightly", "ParentID": "", "Namespace": "default", "Version": 3, "Stop": false},
              {"ID": "ml-training-nightly/periodic-1764331200", "ParentID": "ml-training-nightly", "Version": 0},
              {"ID": "acceptance-train-20261128-ab12", "ParentID": "", "Version": 0},
              {"ID": "backup-consul", "ParentID": "", "Namespace": "ops", "Version": 1, "Stop": true} ]
            """);
        FingerprintRules.JobVersions(jobs, ["acceptance-train-"]).Select(i => i.ToString()).Should().Equal(
            "job-version ml-training-nightly: 3",
            "job-version ops/backup-consul: 1 (stopped)");
        FingerprintRules.JobVersions(J("{}"), []).Should().ContainSingle().Which.IsUnavailable.Should().BeTrue();
    }

    [Test]
    public void A_container_is_fingerprinted_by_the_registry_digest_of_its_image_else_by_its_image_id()
    {
        FingerprintRules.ContainerImage("ml-platform", "pushgateway", "127.0.0.1:15443/ml-platform/pushgateway:1.5.1", "sha256:1111",
                ["other/repo@sha256:9999", "127.0.0.1:15443/ml-platform/pushgateway@sha256:abcd"])
            .Should().Be(new FingerprintItem("image-digest", "ml-platform/pushgateway", "127.0.0.1:15443/ml-platform/pushgateway:1.5.1 sha256:abcd"));
        FingerprintRules.ContainerImage("ml-platform", "web", "web:dev", "sha256:1111", []).Value.Should().Be("web:dev image id sha256:1111");
    }

    [Test]
    public void Configuration_files_are_named_by_file_name_unless_two_share_it()
    {
        FingerprintRules.ConfigNames(["/etc/prometheus/prometheus.yml", "/etc/a/rules.yml", "/etc/b/rules.yml"]).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["/etc/prometheus/prometheus.yml"] = "prometheus.yml", ["/etc/a/rules.yml"] = "/etc/a/rules.yml", ["/etc/b/rules.yml"] = "/etc/b/rules.yml",
        });
    }

    [Test]
    public void An_unreadable_fact_is_one_line_saying_why_and_a_secret_never_shows()
    {
        FingerprintRules.Unavailable("leader", "consul", "connection refused\n  at somewhere").Value.Should().Be("unavailable: connection refused at somewhere");
        FingerprintRules.Item("service-version", "grafana", "").IsUnavailable.Should().BeTrue();
        SecretRegistry.Register("fingerprint-test-secret-0123456789");
        FingerprintRules.Item("service-version", "x", "v1 fingerprint-test-secret-0123456789").Value.Should().NotContain("fingerprint-test-secret-0123456789");
    }

    [Test]
    public void The_file_is_the_c1_format_and_reads_back()
    {
        using var dir = new TempDir("fingerprint");
        var f = new TargetFingerprint("demo", "2026-11-28T12:00:00Z", [new FingerprintItem("leader", "consul", "127.0.0.1:8300")]);
        var path = f.Write(dir.Path);
        var json = J(File.ReadAllText(path));
        json.GetProperty("target").GetString().Should().Be("demo");
        json.GetProperty("items")[0].GetProperty("kind").GetString().Should().Be("leader");
        TargetFingerprint.Read(path).Items.Should().Equal(f.Items);
        FluentActions.Invoking(() => TargetFingerprint.Read(dir.File("bad.json", "[1"))).Should().Throw<InvalidDataException>().WithMessage("*bad.json*");
    }

    [Test]
    public async Task An_unreachable_target_gives_unavailable_items_within_the_deadline_and_config_hashes_still()
    {
        using var dir = new TempDir("fingerprint-probe");
        var config = dir.File("conf/prometheus.yml", "global: {}\n");
        // A listener that accepts and never answers: the HTTP parts must give up at the deadline.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var file = dir.File("target.yaml", $"""
            name: demo
            environment: test
            services:
              consul: {"{"} address: 'http://127.0.0.1:{port}' {"}"}
              prometheus: {"{"} address: 'http://127.0.0.1:1' {"}"}
            configuration:
              files: [ "prometheus:conf/prometheus.yml", "yaml:conf/missing.yml" ]
            evidence: {"{"} fingerprint_timeout_seconds: 1 {"}"}
            """);
        var target = TargetFileLoader.Load(file, new Dictionary<string, string?>());

        var clock = Stopwatch.StartNew();
        var fingerprint = await new FingerprintProbe(target, new EvidenceLog()).CollectAsync();
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(8));

        fingerprint.Target.Should().Be("demo");
        var byName = fingerprint.Items.ToDictionary(i => $"{i.Kind} {i.Name}", i => i.Value);
        byName["service-version consul"].Should().Be("unavailable: no answer within 1 s (evidence.fingerprint_timeout_seconds)");
        byName["leader consul"].Should().StartWith("unavailable: no answer");
        byName["service-version prometheus"].Should().StartWith("unavailable: ").And.Contain("connection refused");
        byName["config-hash prometheus.yml"].Should().Be("sha256 " + FingerprintRules.Sha256(config));
        byName["config-hash yaml:conf/missing.yml"].Should().StartWith("unavailable: ").And.Contain("does not exist");
        var kinds = new[] { "service-version", "leader", "image-digest", "certificate", "job-version", "config-hash" };
        fingerprint.Items.Select(i => Array.IndexOf(kinds, i.Kind)).Should().BeInAscendingOrder();
    }
}

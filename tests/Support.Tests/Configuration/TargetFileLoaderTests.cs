using Acceptance.Support.Configuration;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Configuration;

public sealed class TargetFileLoaderTests
{
    private static readonly IReadOnlyDictionary<string, string?> NoEnv = new Dictionary<string, string?>();
    private static readonly IReadOnlyDictionary<string, string?> CompleteEnv = new Dictionary<string, string?>
    {
        ["MY_CONSUL_TOKEN"] = "c", ["PROMETHEUS_PASSWORD_VAR"] = "p", ["GRAFANA_TOKEN_VAR"] = "g",
    };
    private TempDir _dir = null!;

    [SetUp] public void SetUp() => _dir = new TempDir("target");
    [TearDown] public void TearDown() => _dir.Dispose();

    private string WriteComplete()
    {
        _dir.File("certs/ca.pem", "not parsed at load time");
        _dir.File("certs/consul-ca.pem", "not parsed at load time");
        _dir.File("secrets/nomad-token", "nomad-token-value\n");
        _dir.File("secrets/id_ed25519", "key");
        return _dir.File("target.yaml", """
            name: ml-platform-prod
            environment: production
            tls:
              ca_file: certs/ca.pem
            services:
              consul:
                address: https://consul.example.internal:8501/
                token: { env: MY_CONSUL_TOKEN }
                ca_file: certs/consul-ca.pem
                tls_server_name: consul.service.consul
                skip_verify: false
                allow_management_token: true
              nomad:
                address: https://nomad.example.internal:4646
                token: { file: secrets/nomad-token }
                region: global
                namespace: ml
              prometheus:
                address: https://prometheus.example.internal:9090
                basic_auth:
                  username: prometheus
                  password: { env: PROMETHEUS_PASSWORD_VAR }
                rule_files: [ rules/*.yml ]
              pushgateway:
                address: http://pushgateway.example.internal:9091
              alertmanager:
                address: http://alertmanager.example.internal:9093
                webhook_receiver: http://127.0.0.1:19095
              grafana:
                address: https://grafana.example.internal:3000
                token: { env: GRAFANA_TOKEN_VAR }
              load_balancer:
                address: https://lb.example.internal
                metrics: http://lb.example.internal:8404/metrics
              dns:
                server: 10.0.0.2:8600
                domain: consul
              ssh:
                host: bastion.example.internal
                port: 22
                user: ops
                private_key: { file: secrets/id_ed25519 }
            expect:
              consul_servers: 5
              nomad_servers: 4
              recommended_servers: 7
              nomad_drivers: [ docker, raw_exec ]
              services: [ prometheus, grafana ]
              scrape_jobs: [ prometheus, node ]
              dashboards: [ ml-training-overview ]
              node_minimums: { cpu_cores: 8, memory_gb: 32.5, disk_gb: 500 }
            thresholds:
              retention_min_days: 30
              response_time_p95_ms: 250
              alert_pipeline_timeout_seconds: 60
              poll_timeout_seconds: 12
            tailoring:
              expect.node_minimums.cpu_cores: { reason: "the inference nodes are sized by load tests", approver: cab }
              expect.node_minimums.memory_gb: { reason: "the inference nodes are sized by load tests", approver: cab }
              expect.node_minimums.disk_gb: { reason: "data lives on the object store", approver: cab }
            """);
    }

    [Test]
    public void A_complete_file_loads_every_field()
    {
        var path = WriteComplete();

        var t = TargetFileLoader.Load(path, CompleteEnv);

        t.SourceFile.Should().Be(Path.GetFullPath(path));
        t.Name.Should().Be("ml-platform-prod");
        t.Environment.Should().Be("production");
        t.CaFile.Should().Be(_dir.Combine("certs", "ca.pem"));
        t.Services.Keys.Should().BeEquivalentTo(["consul", "nomad", "prometheus", "pushgateway", "alertmanager", "grafana", "load_balancer", "dns", "ssh"]);

        var consul = t.Consul;
        consul.Address.Should().Be("https://consul.example.internal:8501", "a trailing slash is trimmed");
        consul.Token!.Kind.Should().Be("env");
        consul.Token.Location.Should().Be("MY_CONSUL_TOKEN");
        consul.CaFile.Should().Be(_dir.Combine("certs", "consul-ca.pem"));
        consul.TlsServerName.Should().Be("consul.service.consul");
        consul.SkipVerify.Should().BeFalse();
        consul.AllowManagementToken.Should().BeTrue();

        var nomad = t.Nomad;
        nomad.Token!.Kind.Should().Be("file");
        nomad.Token.Location.Should().Be(_dir.Combine("secrets", "nomad-token"), "relative secret paths resolve against the file's folder");
        nomad.Token.Resolve().Should().Be("nomad-token-value");
        nomad.Region.Should().Be("global");
        nomad.Namespace.Should().Be("ml");
        nomad.AllowManagementToken.Should().BeFalse("the default");

        var prom = t.Prometheus;
        prom.Username.Should().Be("prometheus");
        prom.Password!.Kind.Should().Be("env");
        prom.Password.Location.Should().Be("PROMETHEUS_PASSWORD_VAR");
        prom.RuleFiles.Should().Equal(_dir.Combine("rules", "*.yml"));
        prom.RuleTests.Should().BeEmpty();

        t.Alertmanager.WebhookReceiver.Should().Be("http://127.0.0.1:19095");
        t.Alertmanager.SyntheticAlert.Should().Be("MLTrainingJobFailed", "the default");
        t.Pushgateway.ScrapeJob.Should().Be("pushgateway", "the default");
        t.Grafana.Token!.Location.Should().Be("GRAFANA_TOKEN_VAR");
        t.LoadBalancer.Metrics.Should().Be("http://lb.example.internal:8404/metrics");
        t.Dns.Address.Should().Be("10.0.0.2:8600");
        t.Dns.Domain.Should().Be("consul");
        var ssh = t.Ssh;
        ssh.Address.Should().Be("bastion.example.internal");
        ssh.User.Should().Be("ops");
        ssh.Port.Should().Be(22);
        ssh.PrivateKey!.Location.Should().Be(_dir.Combine("secrets", "id_ed25519"));

        t.Expect.ConsulServers.Should().Be(5);
        t.Expect.NomadServers.Should().Be(4);
        t.Expect.RecommendedServers.Should().Be(7);
        t.Expect.NomadDrivers.Should().Equal("docker", "raw_exec");
        t.Expect.Services.Should().Equal("prometheus", "grafana");
        t.Expect.ScrapeJobs.Should().Equal("prometheus", "node");
        t.Expect.Dashboards.Should().Equal("ml-training-overview");
        t.Expect.NodeMinimums.CpuCores.Should().Be(8);
        t.Expect.NodeMinimums.MemoryGb.Should().Be(32.5);
        t.Expect.NodeMinimums.DiskGb.Should().Be(500);

        t.Thresholds.Prometheus.RetentionMinDays.Should().Be(30);
        t.Thresholds.Load.ResponseTimeP95Ms.Should().Be(250);
        t.Thresholds.AlertPipeline.AlertPipelineTimeoutSeconds.Should().Be(60);
        t.Thresholds.PollTimeout.Should().Be(TimeSpan.FromSeconds(12));
        t.Thresholds.Prometheus.FlapEpisodes.Should().Be(3, "the default");

        t.SecretReferences().Select(s => s.ToString()).Should().BeEquivalentTo(
            "env:MY_CONSUL_TOKEN", $"file:{_dir.Combine("secrets", "nomad-token")}", "env:PROMETHEUS_PASSWORD_VAR",
            "env:GRAFANA_TOKEN_VAR", $"file:{_dir.Combine("secrets", "id_ed25519")}");
    }

    [Test]
    public void A_minimal_file_gets_the_documented_defaults()
    {
        var path = _dir.File("t.yaml", "name: n\nenvironment: sandbox\nservices:\n  pushgateway: { address: 'http://127.0.0.1:9091' }\n");

        var t = TargetFileLoader.Load(path, NoEnv);

        t.Services.Keys.Should().Equal("pushgateway");
        t.Service("consul").Should().BeNull();
        t.Expect.ConsulServers.Should().Be(3);
        t.Thresholds.Polling.PollTimeoutSeconds.Should().Be(30);
        t.CaFile.Should().BeNull();
    }

    [Test]
    public void Malformed_yaml_gives_one_exception_naming_the_file_and_line()
    {
        var path = _dir.File("broken.yaml", "name: n\nenvironment: e\nservices:\n  consul: x\n    address: y\n");

        var act = () => TargetFileLoader.Load(path, NoEnv);

        var e = act.Should().Throw<TargetConfigurationException>().Which;
        e.Problems.Should().ContainSingle();
        e.Message.Should().Contain(path).And.MatchRegex(@"broken\.yaml:5:\d+: not valid YAML");
    }

    [Test]
    public void An_ssh_policy_outside_its_values_and_a_node_without_a_port_are_named_with_their_lines()
    {
        var path = _dir.File("ssh.yaml", "name: n\nenvironment: e\nservices:\n  ssh:\n    host: bastion\n    permit_root_login: maybe\n    private_nodes: [ \"10.0.1.2\" ]\n");

        var e = FluentActions.Invoking(() => TargetFileLoader.Load(path, NoEnv)).Should().Throw<TargetConfigurationException>().Which;

        e.Problems.Should().HaveCount(2);
        e.Problems.Should().Contain(p => p.Contains("ssh.yaml:6") && p.Contains("'maybe' is not one of no, prohibit-password, forced-commands-only, yes"));
        e.Problems.Should().Contain(p => p.Contains("ssh.yaml:7") && p.Contains("'10.0.1.2' is not host:port"));
    }

    [Test]
    public void A_file_that_is_not_a_mapping_is_one_problem()
    {
        var path = _dir.File("list.yaml", "- a\n- b\n");

        var e = FluentActions.Invoking(() => TargetFileLoader.Load(path, NoEnv)).Should().Throw<TargetConfigurationException>().Which;

        e.Problems.Should().ContainSingle().Which.Should().Contain("list.yaml").And.Contain("mapping");
    }

    [Test]
    public void Load_profiles_bind_and_bad_thresholds_unknown_endpoints_and_unbounded_runs_are_each_a_problem()
    {
        var ok = _dir.File("perf-ok.yaml", "name: t\nenvironment: test\nservices:\n  load_balancer: { address: http://127.0.0.1:1 }\n" +
            "performance:\n  endpoints: [ load_balancer ]\n  load_balancer: { rate: 50, vus: 2, duration_seconds: 3, thresholds: [ \"p(95)<300\", \"rate<0.01\" ] }\n");
        var t = TargetFileLoader.Load(ok, NoEnv);
        t.Performance.LoadBalancer.Rate.Should().Be(50);
        t.Performance.ThresholdsOf("load_balancer", t.Thresholds.Load).Select(x => x.Source).Should().Equal("p(95)<300", "rate<0.01");

        var bad = _dir.File("perf-bad.yaml", "name: t\nenvironment: test\nservices:\n  load_balancer: { address: http://127.0.0.1:1 }\n" +
            "performance:\n  endpoints: [ load_balancer, mysql ]\n  engine: jmeter\n" +
            "  load_balancer: { rate: 1000, duration_seconds: 60, max_requests: 100, thresholds: [ \"p95<300\" ] }\n");
        var e = FluentActions.Invoking(() => TargetFileLoader.Load(bad, NoEnv)).Should().Throw<TargetConfigurationException>().Which;
        e.Problems.Should().HaveCount(4);
        e.Problems.Should().Contain(p => p.Contains("performance.endpoints: 'mysql'"))
            .And.Contain(p => p.Contains("performance.engine: 'jmeter'"))
            .And.Contain(p => p.Contains("performance.load_balancer.thresholds: 'p95<300'"))
            .And.Contain(p => p.Contains("exceeds max_requests 100"));
    }

    [Test]
    public void A_missing_file_is_reported_by_name()
    {
        var path = _dir.Combine("nope.yaml");
        FluentActions.Invoking(() => TargetFileLoader.Load(path, NoEnv)).Should().Throw<TargetConfigurationException>()
            .Which.Message.Should().Contain("nope.yaml").And.Contain("does not exist");
    }

    [Test]
    public void An_incomplete_file_lists_every_problem_in_one_exception()
    {
        var path = _dir.File("bad.yaml", """
            colour: blue
            services:
              consul:
                address: not a url
                token: abc
              nomad:
                address: http://nomad:4646
                token: { file: secrets/missing-token }
              mystery:
                address: http://x
              dns:
                server: 10.0.0.2
            thresholds:
              poll_timeout_seconds: soon
            """);

        var e = FluentActions.Invoking(() => TargetFileLoader.Load(path, NoEnv)).Should().Throw<TargetConfigurationException>().Which;

        string[] fields =
        [
            "field colour", "field name", "field environment", "field services.consul.address",
            "field services.consul.token", "field services.nomad.token", "field services.mystery",
            "field services.dns.server", "field thresholds.poll_timeout_seconds",
        ];
        e.Problems.Should().HaveCount(fields.Length, "one problem per mistake: {0}", string.Join(" | ", e.Problems));
        foreach (var field in fields)
            e.Problems.Should().ContainSingle(p => p.Contains(field + ":"), "a problem names {0}", field);
        e.Problems.Should().OnlyContain(p => p.StartsWith(path), "every problem names the file");
        e.Problems.Single(p => p.Contains("colour")).Should().StartWith(path + ":1:", "problems carry the line");
        e.Problems.Single(p => p.Contains("consul.token")).Should().Contain("must not be written");
        e.Problems.Single(p => p.Contains("nomad.token")).Should().Contain(_dir.Combine("secrets", "missing-token"));
        e.Message.Should().Contain($"{fields.Length} problems");
        e.Message.Should().NotContain("abc", "the inline secret itself is never echoed");
    }

    [TestCase("skip_verify: maybe", "services.consul.skip_verify")]
    [TestCase("token: { vault: x }", "services.consul.token")]
    [TestCase("ca_file: nowhere.pem", "services.consul.ca_file")]
    [TestCase("critical_reciever: oncall", "services.consul.critical_reciever")]
    [TestCase("allow_management_token: yes-please", "services.consul.allow_management_token")]
    public void Single_service_mistakes_name_their_field(string line, string field)
    {
        var path = _dir.File("t.yaml", $"name: n\nenvironment: e\nservices:\n  consul:\n    address: http://c:8500\n    {line}\n");

        var e = FluentActions.Invoking(() => TargetFileLoader.Load(path, NoEnv)).Should().Throw<TargetConfigurationException>().Which;

        e.Problems.Should().ContainSingle().Which.Should().Contain($"field {field}:");
    }

    [TestCase("expect:\n  consul_servers: three", "expect.consul_servers")]
    [TestCase("expect:\n  consul_servers: 0", "expect.consul_servers")]
    [TestCase("expect:\n  nomad_drivers: docker", "expect.nomad_drivers")]
    [TestCase("thresholds:\n  retention_min_days: -1", "thresholds.retention_min_days")]
    [TestCase("thresholds:\n  custom_limit: lots", "thresholds.custom_limit")]
    [TestCase("thresholds:\n  poll_timout_seconds: 5", "thresholds.poll_timout_seconds")]
    [TestCase("thresholds:\n  poll_timeout_seconds: 0", "thresholds.poll_timeout_seconds")]
    [TestCase("thresholds:\n  max_firing_alerts: 1.5", "thresholds.max_firing_alerts")]
    [TestCase("expect:\n  consul_server: 5", "expect.consul_server")]
    [TestCase("expect:\n  node_minimums: { cpu_cores: 8, ram_gb: 4 }", "expect.node_minimums.ram_gb")]
    [TestCase("tls:\n  ca_file: missing-ca.pem", "tls.ca_file")]
    [TestCase("services: []", "services")]
    [TestCase("services:\n  docker: { address: 'docker.example:2376' }", "services.docker.address")]
    [TestCase("services:\n  docker: { address: 'unix:///var/run/docker.sock', stateful_service: [ a ] }", "services.docker.stateful_service")]
    [TestCase("services:\n  docker: { address: 'unix:///var/run/docker.sock', compose_env_file: missing.env }", "services.docker.compose_env_file")]
    [TestCase("services:\n  registry: { address: 'registry.example:5000' }", "services.registry.address")]
    public void Other_mistakes_name_their_field(string yaml, string field)
    {
        var path = _dir.File("t.yaml", "name: n\nenvironment: e\n" +
                                       (yaml.StartsWith("services") ? "" : "services:\n  pushgateway: { address: 'http://p:9091' }\n") + yaml + "\n");

        var e = FluentActions.Invoking(() => TargetFileLoader.Load(path, NoEnv)).Should().Throw<TargetConfigurationException>().Which;

        e.Problems.Should().Contain(p => p.Contains($"field {field}:"));
    }

    [Test]
    public void The_sandbox_style_file_loads_quickly_enough_to_be_called_before_every_run()
    {
        var path = WriteComplete();
        for (var i = 0; i < 20; i++) TargetFileLoader.Load(path, CompleteEnv);
        // completes: loading is pure parsing (no network, no secret resolution)
    }
}

public sealed class TargetFileLoaderRegressionTests
{
    private static readonly IReadOnlyDictionary<string, string?> NoEnv = new Dictionary<string, string?>();

    [Test]
    public void An_unclosed_flow_sequence_is_a_configuration_problem_naming_the_file()
    {
        using var dir = new TempDir("regress");
        var file = dir.File("target.yaml", "name: [x\nenvironment: y\n");
        FluentActions.Invoking(() => TargetFileLoader.Load(file, NoEnv))
            .Should().Throw<TargetConfigurationException>().Which.Message.Should().Contain(file).And.Contain("not valid YAML");
    }

    [Test]
    public void Missing_password_and_private_key_files_are_reported()
    {
        using var dir = new TempDir("regress");
        var file = dir.File("target.yaml", """
            name: t
            environment: test
            services:
              prometheus:
                address: http://127.0.0.1:1
                basic_auth: { username: u, password: { file: nope } }
              ssh: { host: h, port: 22, user: u, private_key: { file: nokey } }
            """);
        var problems = FluentActions.Invoking(() => TargetFileLoader.Load(file, NoEnv))
            .Should().Throw<TargetConfigurationException>().Which.Problems;
        problems.Should().HaveCount(2);
        problems.Should().Contain(p => p.Contains("services.prometheus.basic_auth.password")).And.Contain(p => p.Contains("services.ssh.private_key"));
    }

    [Test]
    public void A_bad_address_variable_does_not_hide_the_other_bad_variables_of_the_service()
    {
        using var dir = new TempDir("regress");
        var file = dir.File("target.yaml", "name: t\nenvironment: test\nservices:\n  consul: { address: http://127.0.0.1:1 }\n");
        var env = new Dictionary<string, string?> { ["CONSUL_HTTP_ADDR"] = "http://bad host:1", ["CONSUL_HTTP_SSL_VERIFY"] = "nope" };
        var problems = FluentActions.Invoking(() => TargetFileLoader.Load(file, env))
            .Should().Throw<TargetConfigurationException>().Which.Problems;
        problems.Should().HaveCount(2);
    }
}

public sealed class TailoringTests
{
    private static readonly IReadOnlyDictionary<string, string?> NoEnv = new Dictionary<string, string?>();
    private TempDir _dir = null!;

    [SetUp] public void SetUp() => _dir = new TempDir("tailoring");
    [TearDown] public void TearDown() => _dir.Dispose();

    private string Target(string expect, string tailoring = "") => _dir.File("target.yaml",
        "name: t\nenvironment: staging\nservices:\n  prometheus: { address: 'http://127.0.0.1:9090' }\n" + expect + tailoring);

    [Test]
    public void An_undeclared_relaxation_of_a_checklist_number_stops_the_run_naming_file_line_and_numbers()
    {
        var file = Target("expect:\n  node_minimums: { cpu_cores: 2 }\nthresholds:\n  network_min_mbps: 1000\n  line_coverage_min_percent: 80\n");

        var problems = FluentActions.Invoking(() => TargetFileLoader.Load(file, NoEnv)).Should().Throw<TargetConfigurationException>().Which.Problems;

        problems.Should().HaveCount(3);
        problems[0].Should().StartWith($"{file}:6: field expect.node_minimums.cpu_cores: 2 cores, checklist 16").And.Contain("not declared under tailoring");
        problems[1].Should().StartWith($"{file}:8: field thresholds.network_min_mbps: 1000 Mbit/s, checklist 25000");
        problems[2].Should().StartWith($"{file}:9: field thresholds.line_coverage_min_percent: 80 % line coverage, checklist 90");
    }

    [Test]
    public void A_declared_tailoring_loads_and_a_stricter_number_needs_none()
    {
        var file = Target("expect:\n  consul_servers: 5\n  node_minimums: { cpu_cores: 2 }\n",
            "tailoring:\n  expect.node_minimums.cpu_cores: { reason: 'a 2-core machine', approver: lead }\n");

        var t = TargetFileLoader.Load(file, NoEnv);

        t.Tailoring.Should().ContainKey("expect.node_minimums.cpu_cores").WhoseValue.Should().Be(new Tailoring("expect.node_minimums.cpu_cores", "a 2-core machine", "lead", 9));
        var relaxed = TargetFileLoader.ChecklistDeviations(t).Where(d => d.IsRelaxed).Should().ContainSingle().Which;
        relaxed.Lines.Should().Equal("INFRA-HR-2");
        relaxed.Describe(t.Tailoring[relaxed.Path]).Should().Be("2 cores, checklist 16 (expect.node_minimums.cpu_cores: a 2-core machine; approved by lead)");
        TargetFileLoader.ChecklistDeviations(t).Should().Contain(d => d.Path == "expect.consul_servers" && !d.IsRelaxed, "5 servers is more than the checklist's 3");
    }

    [Test]
    public void Every_malformed_tailoring_is_listed()
    {
        var file = Target("expect:\n  node_minimums: { cpu_cores: 2 }\n",
            "tailoring:\n  expect.node_minimums.cpu_cores: { reason: 'small' }\n  expect.services: { reason: r, approver: a }\n  thresholds.poll_timeout_seconds: oops\n" +
            "change:\n  window_start: yesterday\nattestations:\n  line_max_validity_days: [ 'PREVAL-MV-4=soon' ]\n");

        var problems = FluentActions.Invoking(() => TargetFileLoader.Load(file, NoEnv)).Should().Throw<TargetConfigurationException>().Which.Problems;

        problems.Should().Contain(p => p.Contains("field tailoring.expect.node_minimums.cpu_cores: missing approver"));
        problems.Should().Contain(p => p.Contains(":10: field tailoring.thresholds.poll_timeout_seconds: must be { reason: TEXT, approver: NAME }"));
        problems.Should().Contain(p => p.Contains("tailoring.expect.services: (line 9) names no threshold"));
        problems.Should().Contain(p => p.Contains("not declared under tailoring"), "an incomplete declaration does not count");
        problems.Should().Contain(p => p.Contains("field change.window_start: 'yesterday' is not a date-time"));
        problems.Should().Contain(p => p.Contains("field attestations.line_max_validity_days: 'PREVAL-MV-4=soon' is not ID=DAYS"));
    }
}

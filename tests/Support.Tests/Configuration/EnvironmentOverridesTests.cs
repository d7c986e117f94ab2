using Acceptance.Support.Configuration;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Configuration;

public sealed class EnvironmentOverridesTests
{
    private TempDir _dir = null!;
    private string _file = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = new TempDir("overrides");
        _dir.File("consul-token", "from-the-file");
        _file = _dir.File("target.yaml", """
            name: n
            environment: staging
            services:
              consul:
                address: https://consul.example:8501
                token: { file: consul-token }
              nomad:
                address: https://nomad.example:4646
              prometheus:
                address: http://prometheus.example:9090
            """);
    }

    [TearDown] public void TearDown() => _dir.Dispose();

    private TargetEnvironment Load(params (string Name, string? Value)[] env) =>
        TargetFileLoader.Load(_file, env.ToDictionary(e => e.Name, e => e.Value));

    private TargetConfigurationException LoadFails(params (string Name, string? Value)[] env) =>
        FluentActions.Invoking(() => Load(env)).Should().Throw<TargetConfigurationException>().Which;

    [Test]
    public void The_docker_cli_variables_declare_and_configure_the_engine()
    {
        var t = Load(("DOCKER_HOST", "tcp://docker.example:2376"), ("DOCKER_CERT_PATH", "/etc/docker/client"), ("DOCKER_TLS_VERIFY", "1"),
            ("DOCKER_CONFIG", "/etc/ml/docker"));

        t.Docker.Address.Should().Be("tcp://docker.example:2376");
        t.Docker.CertPath.Should().Be("/etc/docker/client");
        t.Docker.TlsVerify.Should().BeTrue();
        t.Docker.ConfigDir.Should().Be("/etc/ml/docker");
    }

    [Test]
    public void A_docker_host_that_is_not_an_engine_address_is_named()
    {
        LoadFails(("DOCKER_HOST", "docker.example:2376")).Message.Should().Contain("DOCKER_HOST").And.Contain("unix://, tcp:// or ssh://");
        Load().Service("docker").Should().BeNull("without DOCKER_HOST and without a docker section the target declares no engine");
    }

    [Test]
    public void Without_variables_the_file_wins()
    {
        var t = Load();
        t.Consul.Address.Should().Be("https://consul.example:8501");
        t.Consul.Token!.Kind.Should().Be("file");
        t.Nomad.SkipVerify.Should().BeFalse();
    }

    [Test]
    public void CONSUL_HTTP_ADDR_as_host_port_gets_http()
    {
        Load(("CONSUL_HTTP_ADDR", "10.1.2.3:8500")).Consul.Address.Should().Be("http://10.1.2.3:8500");
        Load(("CONSUL_HTTP_ADDR", "https://c.example:8501/")).Consul.Address.Should().Be("https://c.example:8501");
    }

    [Test]
    public void An_empty_variable_is_ignored()
    {
        Load(("CONSUL_HTTP_ADDR", ""), ("CONSUL_HTTP_TOKEN", null)).Consul.Address.Should().Be("https://consul.example:8501");
    }

    [Test]
    public void CONSUL_HTTP_TOKEN_beats_the_file()
    {
        var secret = Unique.Secret("consul");
        var token = Load(("CONSUL_HTTP_TOKEN", secret), ("CONSUL_HTTP_TOKEN_FILE", "/nonexistent")).Consul.Token!;

        token.Kind.Should().Be("value");
        token.Resolve().Should().Be(secret);
        token.ToString().Should().NotContain(secret).And.Contain("CONSUL_HTTP_TOKEN");
    }

    [Test]
    public void CONSUL_HTTP_TOKEN_FILE_replaces_the_file_reference()
    {
        var other = _dir.File("other-token", "other-value");
        var token = Load(("CONSUL_HTTP_TOKEN_FILE", other)).Consul.Token!;
        token.Kind.Should().Be("file");
        token.Location.Should().Be(other);
        token.Resolve().Should().Be("other-value");
    }

    [Test]
    public void CONSUL_HTTP_TOKEN_FILE_naming_a_missing_file_is_a_problem()
    {
        LoadFails(("CONSUL_HTTP_TOKEN_FILE", _dir.Combine("missing"))).Problems.Should().ContainSingle()
            .Which.Should().Contain("services.consul.token").And.Contain("missing");
    }

    [Test]
    public void CONSUL_CACERT_server_name_and_SSL_VERIFY()
    {
        var ca = _dir.File("ca.pem", "x");
        var consul = Load(("CONSUL_CACERT", ca), ("CONSUL_TLS_SERVER_NAME", "consul.service"), ("CONSUL_HTTP_SSL_VERIFY", "false")).Consul;

        consul.CaFile.Should().Be(ca);
        consul.TlsServerName.Should().Be("consul.service");
        consul.SkipVerify.Should().BeTrue("CONSUL_HTTP_SSL_VERIFY=false means skip verification");
        Load(("CONSUL_HTTP_SSL_VERIFY", "true")).Consul.SkipVerify.Should().BeFalse();
        Load(("CONSUL_HTTP_SSL_VERIFY", "0")).Consul.SkipVerify.Should().BeTrue();
    }

    [Test]
    public void CONSUL_CACERT_naming_a_missing_file_is_a_problem()
    {
        LoadFails(("CONSUL_CACERT", _dir.Combine("no-ca.pem"))).Problems.Should().ContainSingle()
            .Which.Should().Contain("services.consul.ca_file");
    }

    [Test]
    public void NOMAD_variables()
    {
        var secret = Unique.Secret("nomad");
        var nomad = Load(("NOMAD_ADDR", "https://n2.example:4646"), ("NOMAD_TOKEN", secret), ("NOMAD_SKIP_VERIFY", "true"),
            ("NOMAD_REGION", "eu"), ("NOMAD_NAMESPACE", "ml"), ("NOMAD_TLS_SERVER_NAME", "server.global.nomad")).Nomad;

        nomad.Address.Should().Be("https://n2.example:4646");
        nomad.Token!.Resolve().Should().Be(secret);
        nomad.SkipVerify.Should().BeTrue("NOMAD_SKIP_VERIFY=true means skip verification");
        nomad.Region.Should().Be("eu");
        nomad.Namespace.Should().Be("ml");
        nomad.TlsServerName.Should().Be("server.global.nomad");
        Load(("NOMAD_SKIP_VERIFY", "false")).Nomad.SkipVerify.Should().BeFalse();
    }

    [Test]
    public void PROMETHEUS_variables()
    {
        var ca = _dir.File("prom-ca.pem", "x");
        var secret = Unique.Secret("prom");
        var prom = Load(("PROMETHEUS_ADDR", "prom2:9090"), ("PROMETHEUS_USERNAME", "scraper"), ("PROMETHEUS_PASSWORD", secret),
            ("PROMETHEUS_CACERT", ca)).Prometheus;

        prom.Address.Should().Be("http://prom2:9090");
        prom.Username.Should().Be("scraper");
        prom.Password!.Resolve().Should().Be(secret);
        prom.CaFile.Should().Be(ca);

        var pwFile = _dir.File("prom-pw", "pw-from-file");
        Load(("PROMETHEUS_PASSWORD_FILE", pwFile)).Prometheus.Password!.Resolve().Should().Be("pw-from-file");
    }

    [Test]
    public void A_service_declared_only_by_environment_variables()
    {
        var secret = Unique.Secret("glsa");
        var t = Load(("GRAFANA_ADDR", "https://grafana.example:3000"), ("GRAFANA_TOKEN", secret),
            ("PUSHGATEWAY_ADDR", "pgw:9091"), ("ALERTMANAGER_ADDR", "http://am:9093"), ("LB_ADDR", "https://lb.example"));

        var grafana = t.Grafana;
        grafana.Key.Should().Be("grafana");
        grafana.Address.Should().Be("https://grafana.example:3000");
        grafana.Token!.Resolve().Should().Be(secret);
        grafana.Token.ToString().Should().NotContain(secret);
        t.Pushgateway.Address.Should().Be("http://pgw:9091");
        t.Alertmanager.Address.Should().Be("http://am:9093");
        t.LoadBalancer.Address.Should().Be("https://lb.example");
    }

    [Test]
    public void A_token_without_an_address_does_not_invent_a_service()
    {
        Load(("GRAFANA_TOKEN", Unique.Secret())).Service("grafana").Should().BeNull();
    }

    [Test]
    public void Bad_values_are_reported_together_with_file_problems()
    {
        File.WriteAllText(_file, "name: n\nservices:\n  consul:\n    address: http://c:8500\n");

        var e = LoadFails(("CONSUL_HTTP_ADDR", "http://bad host:99"), ("NOMAD_ADDR", "https://n:4646"), ("NOMAD_SKIP_VERIFY", "sometimes"));

        e.Problems.Should().HaveCount(3, string.Join(" | ", e.Problems));
        e.Problems.Should().ContainSingle(p => p.Contains("field environment: missing"));
        e.Problems.Should().ContainSingle(p => p.Contains("CONSUL_HTTP_ADDR") && p.Contains("not a URL"));
        e.Problems.Should().ContainSingle(p => p.Contains("NOMAD_SKIP_VERIFY") && p.Contains("sometimes"));
    }

    [Test]
    public void VariableNames_lists_what_is_read()
    {
        EnvironmentOverrides.VariableNames.Should().Contain(["CONSUL_HTTP_ADDR", "CONSUL_HTTP_TOKEN_FILE", "NOMAD_REGION", "NOMAD_NAMESPACE",
            "PROMETHEUS_PASSWORD_FILE", "GRAFANA_TOKEN", "LB_ADDR"]);
    }
}

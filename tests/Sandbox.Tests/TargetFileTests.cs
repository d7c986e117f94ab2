using FluentAssertions;
using YamlDotNet.RepresentationModel;

namespace Acceptance.Sandbox.Tests;

/// <summary>$STATE/target.yaml follows docs/target-file.md.</summary>
public class TargetFileTests
{
    private static string TargetPath => Sandbox.StatePath("target.yaml");

    private static YamlMappingNode Load()
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(TargetPath);
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static YamlNode At(YamlNode node, params string[] path) =>
        path.Aggregate(node, (n, key) => ((YamlMappingNode)n).Children.TryGetValue(new YamlScalarNode(key), out var c)
            ? c : throw new AssertionException($"target.yaml: {string.Join('.', path)} missing (at {key})"));

    private static string Scalar(YamlNode node, params string[] path) => ((YamlScalarNode)At(node, path)).Value!;

    [Test]
    public void Identity_tls_and_every_service_address()
    {
        var root = Load();
        Scalar(root, "name").Should().Be("local-sandbox");
        Scalar(root, "environment").Should().Be("sandbox");
        Scalar(root, "tls", "ca_file").Should().Be(Sandbox.CaFile);
        File.Exists(Scalar(root, "tls", "ca_file")).Should().BeTrue();
        var expected = new Dictionary<string, string>
        {
            ["consul"] = $"https://127.0.0.1:{Sandbox.Port("CONSUL_PORT")}",
            ["nomad"] = $"https://127.0.0.1:{Sandbox.Port("NOMAD_PORT")}",
            ["prometheus"] = Sandbox.PrometheusUrl,
            ["pushgateway"] = Sandbox.PushgatewayUrl,
            ["alertmanager"] = Sandbox.AlertmanagerUrl,
            ["grafana"] = $"https://127.0.0.1:{Sandbox.Port("GRAFANA_PORT")}",
            ["load_balancer"] = Sandbox.LoadBalancerUrl,
        };
        foreach (var (svc, address) in expected) Scalar(root, "services", svc, "address").Should().Be(address, svc);
        Scalar(root, "services", "alertmanager", "webhook_receiver").Should().Be(Sandbox.WebhookUrl);
        Scalar(root, "services", "load_balancer", "metrics").Should().Be(Sandbox.HaproxyStatsUrl + "/metrics");
        Scalar(root, "services", "dns", "server").Should().Be($"127.0.0.1:{Sandbox.Port("DNS_PORT")}");
        Scalar(root, "services", "dns", "domain").Should().Be("consul");
        Scalar(root, "services", "ssh", "host").Should().Be("127.0.0.1");
        Scalar(root, "services", "ssh", "port").Should().Be(Sandbox.Port("SSH_PORT").ToString());
        Scalar(root, "services", "prometheus", "basic_auth", "username").Should().Be("acceptance");
    }

    [Test]
    public void Secrets_are_file_references_never_inline()
    {
        var root = Load();
        var refs = new[]
        {
            new[] { "services", "consul", "token" }, ["services", "nomad", "token"], ["services", "grafana", "token"],
            ["services", "prometheus", "basic_auth", "password"], ["services", "ssh", "private_key"],
        };
        var text = File.ReadAllText(TargetPath);
        foreach (var path in refs)
        {
            var node = At(root, path).Should().BeOfType<YamlMappingNode>($"{string.Join('.', path)} is a secret reference").Subject;
            node.Children.Should().ContainSingle();
            var file = Scalar(node, "file");
            Path.IsPathRooted(file).Should().BeTrue(file);
            File.Exists(file).Should().BeTrue(file);
            File.GetUnixFileMode(file).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite, file);
            var secret = File.ReadAllText(file).Trim();
            text.Should().NotContain(secret.Length > 40 ? secret[..40] : secret, "the secret itself never appears in the target file");
        }
        Scalar(root, "services", "consul", "token", "file").Should().EndWith("/consul.token", "not the management token");
    }

    [Test]
    public void Expectations_and_thresholds_fit_the_sandbox()
    {
        var root = Load();
        Scalar(root, "expect", "consul_servers").Should().Be("3");
        Scalar(root, "expect", "nomad_servers").Should().Be("3");
        Scalar(root, "expect", "recommended_servers").Should().Be("3", "the sandbox is a 3-server cluster; 5 is the production recommendation");
        var engine = ((YamlMappingNode)At(root, "services")).Children.ContainsKey(new YamlScalarNode("docker"));
        ((YamlSequenceNode)At(root, "expect", "nomad_drivers")).Children.Select(c => ((YamlScalarNode)c).Value)
            .Should().Equal(engine ? ["raw_exec", "docker"] : ["raw_exec"], "the stand-in runs raw_exec, and docker on the sandbox's engine when there is one");
        ((YamlSequenceNode)At(root, "expect", "host_volumes")).Children.Should().HaveCount(5);
        Scalar(root, "services", "alertmanager", "critical_receiver").Should().Be("oncall-critical");
        Scalar(root, "thresholds", "max_firing_alerts").Should().Be("0");
        Scalar(root, "thresholds", "max_flapping_alerts").Should().Be("0");
        int.Parse(Scalar(root, "expect", "node_minimums", "cpu_cores")).Should().BeLessThanOrEqualTo(Environment.ProcessorCount);
        Scalar(root, "expect", "node_minimums", "memory_gb").Should().Be("4");
        Scalar(root, "expect", "node_minimums", "disk_gb").Should().Be("10");
        ((YamlMappingNode)At(root, "tailoring")).Children.Keys.Select(k => ((YamlScalarNode)k).Value).Should().BeEquivalentTo(
            ["expect.recommended_servers", "expect.node_minimums.cpu_cores", "expect.node_minimums.memory_gb", "expect.node_minimums.disk_gb",
             "thresholds.network_min_mbps"], "the sandbox declares every checklist number it relaxes, with a reason and an approver");
        Scalar(root, "change", "ticket").Should().Be("CHG-SANDBOX-1");
        ((YamlSequenceNode)At(root, "ci_results", "test_results")).Children.Should().ContainSingle("the trainer's own CI results, measured by sandbox/up");
        ((YamlSequenceNode)At(root, "expect", "scrape_jobs")).Children.Select(c => ((YamlScalarNode)c).Value)
            .Should().Contain(["prometheus", "pushgateway", "alertmanager", "node", "consul", "nomad"]);
        Scalar(root, "thresholds", "retention_min_days").Should().Be("15");
        int.Parse(Scalar(root, "thresholds", "alert_pipeline_timeout_seconds")).Should().BeGreaterThan(0);
        int.Parse(Scalar(root, "thresholds", "poll_timeout_seconds")).Should().BeGreaterThan(0);
        var rules = ((YamlSequenceNode)At(root, "services", "prometheus", "rule_files")).Children.Select(c => ((YamlScalarNode)c).Value!).ToList();
        rules.Should().ContainSingle().Which.Should().EndWith("sandbox/rules/*.yml");
    }

    [Test]
    public async Task The_documents_and_CI_results_it_names_are_served_fresh_and_real()
    {
        var root = Load();
        var window = DateTimeOffset.Parse(Scalar(root, "change", "window_start"), System.Globalization.CultureInfo.InvariantCulture);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var key in new[] { "architecture", "operations", "troubleshooting", "contacts", "runbooks" })
            foreach (var url in ((YamlSequenceNode)At(root, "documentation", key)).Children.Select(c => ((YamlScalarNode)c).Value!))
            {
                using var response = await http.GetAsync(url);
                ((int)response.StatusCode).Should().Be(200, url);
                if (key != "runbooks")
                    response.Content.Headers.LastModified.Should().BeOnOrAfter(window.AddSeconds(-1), $"{url} is generated by sandbox/up on every start");
            }
        var junit = ((YamlSequenceNode)At(root, "ci_results", "test_results")).Children.Select(c => ((YamlScalarNode)c).Value!).Single();
        File.ReadAllText(junit).Should().Contain("<testsuite").And.Contain("name=\"trainer\"").And.NotContain("<failure", "the trainer's own tests pass");
    }
}

using Acceptance.Support.Evidence;
using Acceptance.Support.Promtool;
using Acceptance.Support.Transport;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Rules;

/// <summary>
/// <see cref="PromtoolRules.Accepts"/>, healthy and faulty: on the project's own results, then on the real promtool (when it is
/// installed) run over small rule files of the project's own and over the real-world rule files in ../shared/fixtures-real.
/// </summary>
public sealed class PromtoolRulesTests
{
    // ---------------------------------------------------------------- own fixtures

    [Test]
    public void Accepts_holds_on_exit_code_0()
    {
        var v = PromtoolRules.Accepts(new CommandResult("promtool check rules rules.yml", 0, "Checking rules.yml\n  SUCCESS: 2 rules found\n",
            TimeSpan.FromMilliseconds(80)), "check rules");

        v.Holds.Should().BeTrue();
        v.Rule.Should().Be("promtool check rules");
        v.Expected.Should().Be("exit code 0");
    }

    [Test]
    public void Accepts_names_the_exit_code_and_keeps_the_output_as_observed()
    {
        var v = PromtoolRules.Accepts(new CommandResult("promtool test rules tests.yml", 1,
            "Unit Testing:  tests.yml\n  FAILED:\n    alertname: InstanceDown, time: 5m,\n        exp:[...]\n", TimeSpan.FromSeconds(1)), "test rules");

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("promtool exited 1");
        v.Observed.Should().StartWith("`promtool test rules tests.yml` exited 1 in").And.Contain("alertname: InstanceDown");
    }

    // ---------------------------------------------------------------- the real promtool

    private static PromtoolRunner Runner()
    {
        if (PromtoolRunner.Locate() is null) Assert.Ignore("promtool is not on PATH (nor named by $PROMTOOL)");
        return new PromtoolRunner(new EvidenceLog(), TimeSpan.FromSeconds(60));
    }

    private const string GoodRules = """
        groups:
          - name: platform
            rules:
              - alert: InstanceDown
                expr: up == 0
                for: 1m
                labels:
                  severity: critical
        """;

    [Test]
    public async Task A_valid_rule_file_is_accepted()
    {
        var runner = Runner();
        using var dir = new TempDir();

        var v = PromtoolRules.Accepts(await runner.CheckRulesAsync([dir.File("rules.yml", GoodRules)]), "check rules");

        v.Holds.Should().BeTrue();
        v.Observed.Should().Contain("SUCCESS: 1 rules found");
    }

    [Test]
    public async Task A_rule_with_a_broken_expression_is_refused()
    {
        var runner = Runner();
        using var dir = new TempDir();

        var v = PromtoolRules.Accepts(await runner.CheckRulesAsync([dir.File("rules.yml", GoodRules.Replace("up == 0", "up == (0"))]), "check rules");

        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("promtool exited 1");
        v.Observed.Should().Contain("FAILED").And.Contain("InstanceDown");
    }

    [Test]
    public async Task Rule_unit_tests_pass_and_a_wrong_expectation_fails()
    {
        var runner = Runner();
        using var dir = new TempDir();
        dir.File("rules.yml", GoodRules);
        const string test = """
            rule_files: [rules.yml]
            evaluation_interval: 1m
            tests:
              - interval: 1m
                input_series:
                  - series: 'up{job="node", instance="n1"}'
                    values: '0x5'
                alert_rule_test:
                  - eval_time: 3m
                    alertname: InstanceDown
                    exp_alerts:
                      - exp_labels: { severity: critical, job: node, instance: n1 }
            """;

        var pass = PromtoolRules.Accepts(await runner.TestRulesAsync([dir.File("tests.yml", test)]), "test rules");
        var fail = PromtoolRules.Accepts(await runner.TestRulesAsync([dir.File("wrong.yml", test.Replace("severity: critical", "severity: warning"))]), "test rules");

        pass.Holds.Should().BeTrue(pass.Observed);
        fail.Holds.Should().BeFalse();
        fail.Shortfalls.Should().Equal("promtool exited 1");
        fail.Observed.Should().Contain("InstanceDown");
    }

    [TestCase("awesome-prometheus-alerts-host-and-hardware-node-exporter.yml", "SUCCESS: 35 rules found")]
    [TestCase("awesome-prometheus-alerts-prometheus-self-monitoring-embedded-exporter.yml", "SUCCESS: 28 rules found")]
    public async Task Real_world_plain_rule_files_are_accepted(string file, string output)
    {
        var runner = Runner();
        using var dir = new TempDir();

        var v = PromtoolRules.Accepts(await runner.CheckRulesAsync([dir.File(file, SharedFixtures.RealText($"prometheus-rules/{file}"))]), "check rules");

        v.Holds.Should().BeTrue(v.Observed);
        v.Observed.Should().Contain(output);
    }

    [TestCase("kube-prometheus-kubePrometheus-prometheusRule.yaml")]
    [TestCase("kube-prometheus-nodeExporter-prometheusRule.yaml")]
    public async Task Real_world_PrometheusRule_CRDs_are_not_rule_files(string file)
    {
        var runner = Runner();
        using var dir = new TempDir();

        var v = PromtoolRules.Accepts(await runner.CheckRulesAsync([dir.File(file, SharedFixtures.RealText($"prometheus-rules/{file}"))]), "check rules");

        v.Holds.Should().BeFalse("promtool reads top-level groups:, and a CRD keeps them under spec.groups");
        v.Shortfalls.Should().Equal("promtool exited 1");
        v.Observed.Should().Contain("field spec not found");
    }
}

using Acceptance.Support.Configuration;
using Acceptance.Support.Validation;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Validation;

/// <summary><see cref="ConfigFile.ParseAll"/>: KIND:PATH entries, globs, env files, and every problem quoting its entry.</summary>
public sealed class ConfigFileTests
{
    [Test]
    public void Entries_resolve_against_the_base_folder_and_globs_expand_in_order()
    {
        using var dir = new TempDir();
        dir.File("conf/prometheus.yml", "");
        dir.File("rules/b.yml", "");
        dir.File("rules/a.yml", "");
        dir.File("rules/notes.txt", "");

        var files = ConfigFile.ParseAll(["prometheus:conf/prometheus.yml", "prometheus-rules:rules/*.yml", $"yaml:{dir.Combine("rules", "a.yml")}"], dir.Path);

        files.Should().Equal(
            new ConfigFile("prometheus", dir.Combine("conf", "prometheus.yml")),
            new ConfigFile("prometheus-rules", dir.Combine("rules", "a.yml")),
            new ConfigFile("prometheus-rules", dir.Combine("rules", "b.yml")),
            new ConfigFile("yaml", dir.Combine("rules", "a.yml")));
    }

    [Test]
    public void A_compose_entry_may_name_its_env_file()
    {
        using var dir = new TempDir();
        dir.File("docker-compose.yml", "");
        dir.File("deploy.env", "");

        var file = ConfigFile.ParseAll(["compose:docker-compose.yml --env-file deploy.env"], dir.Path).Should().ContainSingle().Subject;

        file.Kind.Should().Be("compose");
        file.Path.Should().Be(dir.Combine("docker-compose.yml"));
        file.EnvFile.Should().Be(dir.Combine("deploy.env"));
        file.ToString().Should().Be($"compose:{dir.Combine("docker-compose.yml")} --env-file {dir.Combine("deploy.env")}");
    }

    [Test]
    public void Every_problem_is_reported_at_once_with_its_entry()
    {
        using var dir = new TempDir();
        dir.File("haproxy.cfg", "");

        var act = () => ConfigFile.ParseAll(
            ["nginx:nginx.conf", "haproxy.cfg", "sshd:missing_sshd_config", "prometheus-rules:rules/*.yml", "haproxy:haproxy.cfg --env-file x.env",
             "compose:haproxy.cfg --env-file none.env", "haproxy:haproxy.cfg"], dir.Path);

        var problems = act.Should().Throw<TargetConfigurationException>().Which.Problems;
        problems.Should().HaveCount(6);
        problems[0].Should().Contain("'nginx:nginx.conf': unknown kind 'nginx'").And.Contain("kinds: prometheus, prometheus-rules");
        problems[1].Should().Contain("'haproxy.cfg' is not KIND:PATH");
        problems[2].Should().Contain("'sshd:missing_sshd_config': file").And.Contain("missing_sshd_config does not exist");
        problems[3].Should().Contain("'prometheus-rules:rules/*.yml'").And.Contain("matches no file");
        problems[4].Should().Contain("--env-file is for compose files only");
        problems[5].Should().Contain("env file").And.Contain("none.env does not exist");
    }

    [Test]
    public void Every_kind_has_its_validator_and_the_options_record_declares_the_key()
    {
        ConfigKinds.All.Keys.Should().Equal("prometheus", "prometheus-rules", "prometheus-web", "alertmanager", "haproxy", "sshd", "dnsmasq",
            "blackbox", "compose", "yaml", "json");
        ConfigKinds.All.Values.Select(k => k.Describe()).Should().Equal(
            "promtool check config FILE", "promtool check rules FILE", "promtool check web-config FILE", "amtool check-config FILE",
            "haproxy -c -f FILE", "sshd -t -f FILE", "dnsmasq --test --conf-file=FILE",
            "prometheus-blackbox-exporter --config.check --config.file=FILE", "docker-compose -f FILE config -q",
            "YamlDotNet parse (all documents)", "System.Text.Json parse");
        ConfigKinds.All.Values.Where(k => k.Tool is not null).Should().OnlyContain(k => k.DebianPackage != null);

        var key = OptionsBinder.Describe(typeof(ConfigurationOptions), "configuration").Should().ContainSingle().Subject;
        key.Path.Should().Be("configuration.files");
        key.Doc.Should().Contain("KIND:PATH");
        new ConfigurationOptions().Files.Should().BeEmpty();
    }
}

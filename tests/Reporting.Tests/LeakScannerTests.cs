using Acceptance.Support.Configuration;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Reporting.Tests;

public sealed class LeakScannerTests
{
    [Test]
    public void A_secret_of_the_target_found_in_the_evidence_is_reported_with_its_file_and_reference()
    {
        using var dir = new TempDir("leaks");
        var secret = "leak-" + Guid.NewGuid().ToString("N");
        var secretFile = dir.File("secrets/consul.token", secret);
        var target = TargetFileLoader.Load(dir.File("target.yaml",
            $"name: t\nenvironment: test\nservices:\n  consul: {{ address: http://127.0.0.1:1, token: {{ file: {secretFile} }} }}\n"),
            new Dictionary<string, string?>());
        var results = Path.Combine(dir.Path, "results");
        Directory.CreateDirectory(results);
        File.WriteAllText(Path.Combine(results, "clean-attachment.txt"), "nothing to see");

        LeakScanner.Scan(target, results).Should().BeEmpty();

        File.WriteAllText(Path.Combine(results, "x-attachment.txt"), $"X-Consul-Token: {secret}");
        File.WriteAllText(Path.Combine(results, "y-attachment.txt"), "basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(secret)));
        var leaks = LeakScanner.Scan(target, results);
        leaks.Should().HaveCount(2);
        leaks.Should().OnlyContain(l => l.Secret.StartsWith($"file:{secretFile}"));
        leaks.Select(l => Path.GetFileName(l.File)).Should().BeEquivalentTo(["x-attachment.txt", "y-attachment.txt"]);
    }

    [Test]
    public void The_basic_authorization_form_of_a_target_credential_is_found()
    {
        using var dir = new TempDir("leaks");
        var password = "pw-" + Guid.NewGuid().ToString("N");
        var target = TargetFileLoader.Load(dir.File("target.yaml",
            $"name: t\nenvironment: test\nservices:\n  prometheus:\n    address: http://127.0.0.1:1\n    basic_auth: {{ username: scraper, password: {{ file: {dir.File("pw", password)} }} }}\n"),
            new Dictionary<string, string?>());
        var results = Path.Combine(dir.Path, "results");
        Directory.CreateDirectory(results);
        File.WriteAllText(Path.Combine(results, "echo-attachment.txt"),
            "Authorization seen by the server: Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"scraper:{password}")));

        LeakScanner.Scan(target, results).Should().ContainSingle().Which.Secret.Should().Contain("Basic authorization of scraper");
    }
}

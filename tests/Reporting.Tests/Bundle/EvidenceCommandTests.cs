using System.Diagnostics;
using Acceptance.Reporting.Bundle;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Reporting.Tests.Bundle;

/// <summary>`acceptance fingerprint`, `seal` and `verify` as run-tests.sh and an auditor run them: exit codes and one clear line.</summary>
public sealed class EvidenceCommandTests
{
    private TempDir _dir = null!;

    [SetUp]
    public void SetUp()
    {
        if (SshSignature.Tool is null) Assert.Ignore("ssh-keygen is not installed (openssh-client)");
        _dir = new TempDir("evidence-cli");
    }

    [TearDown]
    public void TearDown() => _dir?.Dispose();

    private static string Dll()
    {
        var here = Path.Combine(AppContext.BaseDirectory, "acceptance.dll");
        if (File.Exists(here) && File.Exists(Path.Combine(AppContext.BaseDirectory, "acceptance.runtimeconfig.json"))) return here;
        return new[] { "Debug", "Release" }.Select(c => Path.Combine(Repository.Root, "src", "Cli", "bin", c, "net10.0", "acceptance.dll"))
            .Where(File.Exists).OrderByDescending(File.GetLastWriteTimeUtc).First();
    }

    private static (int Exit, string Out) Acceptance(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Dll());
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_NOLOGO"] = "1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000)) { p.Kill(true); throw new TimeoutException(string.Join(' ', args)); }
        p.WaitForExit();
        var all = stdout.Result + stderr.Result;
        all.Should().NotMatchRegex(@"(?m)^\s+at \S+\(").And.NotContain("Unhandled exception");
        return (p.ExitCode, all);
    }

    private string SealedRun()
    {
        _dir.File("reports/checklist.md", "# checklist\n");
        _dir.File("reports/summary.json", "{}\n");
        _dir.File("checklist/checklist-items.tsv", "id\ttext\n");
        var key = _dir.Combine("key");
        Process.Start("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "k", "-f", key])!.WaitForExit(30_000).Should().BeTrue();
        var pub = File.ReadAllText(key + ".pub").Split(' ');
        _dir.File("allowed", $"nightly@example.org namespaces=\"acceptance-evidence\" {pub[0]} {pub[1]}\n");
        _dir.File("target.yaml", "name: demo\nenvironment: test\nservices:\n  prometheus: { address: 'http://127.0.0.1:9' }\n" +
                                 "evidence: { signing_key: key, allowed_signers: allowed, store: store, fingerprint_timeout_seconds: 2 }\n");
        var fingerprint = Acceptance("fingerprint", "--target", _dir.Combine("target.yaml"), "--out", _dir.Combine("reports"));
        fingerprint.Exit.Should().Be(0, fingerprint.Out);
        fingerprint.Out.Should().Contain("1 unavailable: service-version prometheus");
        var seal = Acceptance("seal", "--reports", _dir.Combine("reports"), "--checklist", _dir.Combine("checklist"), "--run-id", "R1",
            "--target", _dir.Combine("target.yaml"), "--suite-commit", "abc123");
        seal.Exit.Should().Be(0, seal.Out);
        seal.Out.Should().MatchRegex(@"SHA-256:\s+[0-9a-f]{64}").And.Contain("verifies against").And.Contain("Stored:");
        return _dir.Combine("reports", "bundle", "acceptance-R1.tar.gz");
    }

    [Test]
    public void Verify_exits_0_on_an_intact_bundle_and_1_naming_a_tampered_one()
    {
        var bundle = SealedRun();
        var ok = Acceptance("verify", bundle, "--allowed-signers", _dir.Combine("allowed"));
        ok.Exit.Should().Be(0, ok.Out);
        ok.Out.Should().Contain("INTACT").And.Contain("nightly@example.org");

        File.AppendAllText(bundle, "x");
        var bad = Acceptance("verify", bundle, "--allowed-signers", _dir.Combine("allowed"));
        bad.Exit.Should().Be(1, bad.Out);
        bad.Out.Should().Contain("bad signature").And.Contain("TAMPERED");
    }

    [Test]
    public void Verify_exits_1_on_an_unsigned_bundle_saying_so()
    {
        var bundle = SealedRun();
        File.Delete(bundle + ".sig");
        var run = Acceptance("verify", bundle);
        run.Exit.Should().Be(1, run.Out);
        run.Out.Should().Contain("unsigned");
    }

    [Test]
    public void Verify_exits_2_on_bad_input_in_one_line()
    {
        var missing = Acceptance("verify", _dir.Combine("nothing.tar.gz"));
        missing.Exit.Should().Be(2);
        missing.Out.Trim().Should().Contain("no such bundle").And.NotContain("\n");

        Acceptance("verify").Exit.Should().Be(2);
        var unknown = Acceptance("verify", _dir.File("x.tar.gz", "x"), "--allowed", "y");
        unknown.Exit.Should().Be(2);
        unknown.Out.Should().Contain("--allowed");
        var noSigners = Acceptance("verify", _dir.File("y.tar.gz", "x"), "--allowed-signers", _dir.Combine("none"));
        noSigners.Exit.Should().Be(2);
        noSigners.Out.Should().Contain("no such file");
    }
}

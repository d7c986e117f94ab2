using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using Acceptance.Reporting.Bundle;
using Acceptance.Support.Configuration;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Reporting.Tests.Bundle;

/// <summary>
/// The sealed evidence bundle: an intact bundle verifies; a modified, removed or added file, a modified manifest and a
/// bad signature are each rejected naming the file; an unsigned bundle says so; a secret never gets sealed.
/// Real ssh-keygen signatures (openssh-client), small reports in a temporary folder.
/// </summary>
public sealed class EvidenceBundleTests
{
    private const string RunId = "20261128T120000Z-test";
    private TempDir _dir = null!;
    private string _reports = null!;
    private string _allowed = null!;

    [SetUp]
    public void SetUp()
    {
        if (SshSignature.Tool is null) Assert.Ignore("ssh-keygen is not installed (openssh-client)");
        _dir = new TempDir("bundle");
        _reports = _dir.Combine("reports");
        _dir.File("reports/checklist.md", "# Production deployment checklist\nPARTIAL: 74 of 108 lines not verified\n");
        _dir.File("reports/summary.json", "{\"sign_off_status\": \"Partial\"}\n");
        _dir.File("reports/fingerprint.json", "{\"target\": \"demo\", \"collected\": \"2026-11-28T12:00:00Z\", \"items\": []}\n");
        _dir.File("reports/junit/Acceptance.xml", "<testsuites/>\n");
        _dir.File("reports/allure-results/0001-result.json", "{\"name\": \"scenario\"}\n");
        _dir.File("reports/allure-results/0001-attachment.txt", "GET https://consul/v1/status/leader -> 200\n");
        _dir.File("reports/history/history.jsonl", "not sealed\n");
        _dir.File("checklist/checklist-items.tsv", "id\ttext\n");
        _allowed = NewKey("signer", "release@example.org");
    }

    [TearDown]
    public void TearDown() => _dir?.Dispose();

    /// <summary>A passphrase-less ed25519 key; returns its allowed-signers file.</summary>
    private string NewKey(string name, string principal)
    {
        Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", _dir.Combine(name));
        var pub = File.ReadAllText(_dir.Combine(name + ".pub")).Split(' ');
        return _dir.File(name + ".allowed", $"{principal} namespaces=\"acceptance-evidence\" {pub[0]} {pub[1]}\n");
    }

    private static void Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.WaitForExit(30_000).Should().BeTrue();
        p.ExitCode.Should().Be(0, p.StandardError.ReadToEnd());
    }

    private TargetEnvironment Target(string evidence, string secretsYaml = "") =>
        TargetFileLoader.Load(_dir.File("target.yaml",
            $"name: demo\nenvironment: test\nservices:\n  prometheus: {{ address: 'http://127.0.0.1:9' {secretsYaml} }}\nevidence:\n{evidence}"),
            new Dictionary<string, string?>());

    private string SignedTarget => $"  signing_key: signer\n  allowed_signers: signer.allowed\n  store: store\n";

    private async Task<SealedBundle> SealAsync(TargetEnvironment? target) => await EvidenceBundle.SealAsync(new SealInputs
    {
        Reports = _reports, RunId = RunId, Checklist = _dir.Combine("checklist"), SuiteCommit = "0123abc", Target = target,
    });

    /// <summary>Rewrites the archive through <paramref name="change"/> (entries by their path below the root), keeping the old signature.</summary>
    private static void Tamper(string bundle, Action<Dictionary<string, byte[]>> change)
    {
        var entries = new Dictionary<string, byte[]>();
        using (var reader = new TarReader(new GZipStream(File.OpenRead(bundle), CompressionMode.Decompress)))
            while (reader.GetNextEntry() is { } e)
            {
                using var m = new MemoryStream();
                e.DataStream?.CopyTo(m);
                entries[e.Name[(e.Name.IndexOf('/') + 1)..]] = m.ToArray();
            }
        change(entries);
        using var writer = new TarWriter(new GZipStream(File.Create(bundle), CompressionLevel.Fastest), TarEntryFormat.Pax);
        foreach (var (name, bytes) in entries)
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"acceptance-{RunId}/{name}") { DataStream = new MemoryStream(bytes) });
    }

    private static Task<BundleVerdict> VerifyAsync(string bundle, string? allowed) => BundleVerifier.VerifyAsync(bundle, allowed);

    [Test]
    public async Task An_intact_signed_bundle_verifies_and_is_copied_to_the_store()
    {
        var sealedBundle = await SealAsync(Target(SignedTarget));

        sealedBundle.Path.Should().Be(Path.Combine(_reports, "bundle", $"acceptance-{RunId}.tar.gz"));
        sealedBundle.IsSigned.Should().BeTrue();
        sealedBundle.Signing.Should().StartWith("signed with ED25519 key SHA256:");
        sealedBundle.SelfCheck.Should().Contain("verifies against").And.Contain("release@example.org");
        File.Exists(_dir.Combine("store", $"acceptance-{RunId}.tar.gz")).Should().BeTrue();
        File.Exists(_dir.Combine("store", $"acceptance-{RunId}.tar.gz.sig")).Should().BeTrue();

        var verdict = await VerifyAsync(sealedBundle.Path, _allowed);
        verdict.Problems.Should().BeEmpty();
        verdict.Intact.Should().BeTrue();
        verdict.Holds.Should().Contain(h => h.Contains("Good \"acceptance-evidence\" signature for release@example.org"));
        // reports, raw results with attachments, fingerprint, target file, bundle.json, manifest and its signature; never the history
        verdict.Files.Should().Be(10);
        (await VerifyAsync(_dir.Combine("store", $"acceptance-{RunId}.tar.gz"), _allowed)).Intact.Should().BeTrue();
    }

    [Test]
    public async Task With_a_store_the_reports_folder_keeps_only_the_newest_bundle_and_a_store_that_cannot_be_written_is_said()
    {
        _dir.File("reports/bundle/acceptance-older.tar.gz", "old");
        _dir.File("reports/bundle/acceptance-older.tar.gz.sig", "old");
        var sealedBundle = await SealAsync(Target(SignedTarget));
        Directory.GetFiles(Path.Combine(_reports, "bundle")).Select(Path.GetFileName).Should()
            .BeEquivalentTo($"acceptance-{RunId}.tar.gz", $"acceptance-{RunId}.tar.gz.sig");
        sealedBundle.Incomplete.Should().BeFalse();

        _dir.File("blocked", "a file where the store folder should be");
        var blocked = await SealAsync(Target("  signing_key: signer\n  store: blocked\n"));
        blocked.Incomplete.Should().BeTrue();
        blocked.StoreProblem.Should().StartWith("NOT copied to evidence.store").And.Contain("blocked");
        File.Exists(blocked.Path).Should().BeTrue("the bundle is still sealed in the reports folder");
    }

    [Test]
    public async Task The_bundle_records_the_suite_commit_and_the_checklist_version()
    {
        var sealedBundle = await SealAsync(Target(SignedTarget));
        var entries = new Dictionary<string, string>();
        Tamper(sealedBundle.Path, e => { foreach (var (k, v) in e) entries[k] = System.Text.Encoding.UTF8.GetString(v); });

        entries.Keys.Should().Contain(["checklist.md", "summary.json", "fingerprint.json", "junit/Acceptance.xml", "allure-results/0001-attachment.txt",
            "target/target.yaml", "bundle.json", "MANIFEST.sha256", "MANIFEST.sha256.sig"]);
        entries.Keys.Should().NotContain(k => k.StartsWith("history/"));
        entries["bundle.json"].Should().Contain("\"suite_commit\": \"0123abc\"").And.Contain("\"checklist_version\": \"sha256:")
            .And.Contain(BundleManifest.FolderVersion(_dir.Combine("checklist")).Version);
        entries["MANIFEST.sha256"].Should().MatchRegex("(?m)^[0-9a-f]{64}  checklist.md$");
    }

    [Test]
    public async Task A_modified_file_is_named()
    {
        var bundle = (await SealAsync(Target(SignedTarget))).Path;
        Tamper(bundle, e => e["checklist.md"] = "# Production deployment checklist\nSUCCESS\n"u8.ToArray());

        var verdict = await VerifyAsync(bundle, _allowed);
        verdict.Intact.Should().BeFalse();
        verdict.Problems.Should().Contain(p => p.StartsWith("modified: checklist.md"));
        verdict.Problems.Should().Contain(p => p.StartsWith("bad signature:"));
    }

    [Test]
    public async Task A_file_outside_the_bundles_folder_is_named()
    {
        var bundle = (await SealAsync(Target(SignedTarget))).Path;
        var entries = new List<(string Name, byte[] Bytes)> { ("evil.sh", "rm -rf /"u8.ToArray()) };
        using (var reader = new TarReader(new GZipStream(File.OpenRead(bundle), CompressionMode.Decompress)))
            while (reader.GetNextEntry() is { } e)
            {
                using var m = new MemoryStream();
                e.DataStream?.CopyTo(m);
                entries.Add((e.Name, m.ToArray()));
            }
        using (var writer = new TarWriter(new GZipStream(File.Create(bundle), CompressionLevel.Fastest), TarEntryFormat.Pax))
            foreach (var (name, bytes) in entries)
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(bytes) });

        var verdict = await VerifyAsync(bundle, _allowed);
        verdict.Problems.Where(p => !p.StartsWith("bad signature:")).Should().ContainSingle().Which.Should().StartWith("extra: evil.sh (outside");
    }

    [Test]
    public async Task A_removed_file_is_named()
    {
        var bundle = (await SealAsync(Target(SignedTarget))).Path;
        Tamper(bundle, e => e.Remove("allure-results/0001-attachment.txt"));

        (await VerifyAsync(bundle, _allowed)).Problems.Should().Contain(p => p.StartsWith("missing: allure-results/0001-attachment.txt"));
    }

    [Test]
    public async Task An_added_file_is_named()
    {
        var bundle = (await SealAsync(Target(SignedTarget))).Path;
        Tamper(bundle, e => e["junit/waiver.xml"] = "<testsuites/>"u8.ToArray());

        (await VerifyAsync(bundle, _allowed)).Problems.Should().Contain(p => p.StartsWith("extra: junit/waiver.xml"));
    }

    [Test]
    public async Task A_modified_manifest_is_named()
    {
        var bundle = (await SealAsync(Target(SignedTarget))).Path;
        // The forger changes the checklist and writes its new hash into the manifest: the files agree, the manifest's signature does not.
        Tamper(bundle, e =>
        {
            var forged = "# Production deployment checklist\nSUCCESS\n"u8.ToArray();
            var manifest = System.Text.Encoding.UTF8.GetString(e["MANIFEST.sha256"]);
            var old = manifest.Split('\n').Single(l => l.EndsWith("  checklist.md"));
            e["checklist.md"] = forged;
            e["MANIFEST.sha256"] = System.Text.Encoding.UTF8.GetBytes(manifest.Replace(old, $"{BundleManifest.Sha256(new MemoryStream(forged))}  checklist.md"));
        });

        var verdict = await VerifyAsync(bundle, _allowed);
        verdict.Problems.Should().Contain(p => p.StartsWith("modified: MANIFEST.sha256"));
        verdict.Problems.Should().NotContain(p => p.StartsWith("modified: checklist.md"), "the forged manifest agrees with the forged file");
        verdict.Intact.Should().BeFalse();
    }

    [Test]
    public async Task A_signature_by_another_key_is_rejected()
    {
        var bundle = (await SealAsync(Target(SignedTarget))).Path;
        NewKey("forger", "forger@example.org");
        File.Delete(bundle + ".sig");
        Run("ssh-keygen", "-Y", "sign", "-n", "acceptance-evidence", "-f", _dir.Combine("forger"), bundle);

        var verdict = await VerifyAsync(bundle, _allowed);
        verdict.Problems.Should().ContainSingle(p => p.StartsWith("bad signature:"))
            .Which.Should().Contain($"acceptance-{RunId}.tar.gz.sig").And.Contain("not in the allowed signers");
    }

    [Test]
    public async Task A_damaged_signature_is_rejected()
    {
        var bundle = (await SealAsync(Target(SignedTarget))).Path;
        File.WriteAllText(bundle + ".sig", File.ReadAllText(bundle + ".sig").Replace("U1NIU0lH", "U1NIU0lI"));

        (await VerifyAsync(bundle, _allowed)).Problems.Should().Contain(p => p.StartsWith("bad signature:"));
        (await VerifyAsync(bundle, null)).Problems.Should().Contain(p => p.StartsWith("bad signature:"));
    }

    [Test]
    public async Task A_bundle_without_a_signing_key_is_written_and_reported_unsigned()
    {
        var sealedBundle = await SealAsync(Target("  store: store\n"));

        sealedBundle.IsSigned.Should().BeFalse();
        sealedBundle.Signing.Should().StartWith("unsigned: the target file").And.Contain("declares no evidence.signing_key");
        File.Exists(sealedBundle.Path + ".sig").Should().BeFalse();

        var verdict = await VerifyAsync(sealedBundle.Path, _allowed);
        verdict.Unsigned.Should().BeTrue();
        verdict.Intact.Should().BeFalse("nothing proves who wrote it");
        verdict.Problems.Should().ContainSingle().Which.Should().StartWith("unsigned:").And.Contain("declares no evidence.signing_key");
        verdict.Holds.Should().Contain(h => h.Contains("8 of 8 file(s) match"));
    }

    [Test]
    public async Task A_stripped_signature_is_reported_missing()
    {
        var bundle = (await SealAsync(Target(SignedTarget))).Path;
        File.Delete(bundle + ".sig");

        (await VerifyAsync(bundle, _allowed)).Problems.Should().ContainSingle()
            .Which.Should().Contain("is missing").And.Contain("signed with ED25519 key");
    }

    [Test]
    public async Task A_damaged_archive_is_rejected_not_crashed_on()
    {
        var bundle = (await SealAsync(Target(SignedTarget))).Path;
        var bytes = File.ReadAllBytes(bundle);
        File.WriteAllBytes(bundle, bytes[..(bytes.Length / 2)]);

        var verdict = await VerifyAsync(bundle, _allowed);
        verdict.Problems.Should().Contain(p => p.StartsWith("damaged:")).And.Contain(p => p.StartsWith("bad signature:"));
    }

    [Test]
    public async Task A_secret_of_the_target_in_the_evidence_stops_the_seal()
    {
        var token = _dir.File("secrets/prometheus.password", "s3cret-prometheus-password");
        _dir.File("reports/allure-results/0002-attachment.txt", "Authorization: s3cret-prometheus-password\n");
        var target = Target(SignedTarget, $", basic_auth: {{ username: acceptance, password: {{ file: {token} }} }}");

        await FluentActions.Awaiting(() => SealAsync(target)).Should().ThrowAsync<InvalidDataException>()
            .WithMessage("*0002-attachment.txt contains the value of*");
        Directory.Exists(Path.Combine(_reports, "bundle")).Should().BeFalse("nothing is written");
    }

    [Test]
    public async Task The_signing_key_itself_never_gets_sealed()
    {
        File.Copy(_dir.Combine("signer"), Path.Combine(_reports, "allure-results", "0003-attachment.txt"));

        await FluentActions.Awaiting(() => SealAsync(Target(SignedTarget))).Should().ThrowAsync<InvalidDataException>()
            .WithMessage("*0003-attachment.txt contains the value of the signing key*");
    }

    [Test]
    public async Task A_key_with_a_passphrase_leaves_the_bundle_unsigned_saying_why()
    {
        Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "a passphrase", "-C", "locked", "-f", _dir.Combine("locked"));
        var sealedBundle = await SealAsync(Target("  signing_key: locked\n"));

        sealedBundle.IsSigned.Should().BeFalse();
        sealedBundle.Signing.Should().Contain("cannot sign without a terminal");
    }

    [Test]
    public void An_sftp_store_the_target_does_not_declare_stops_the_run_at_start()
    {
        FluentActions.Invoking(() => Target("  store_service: dr_store\n")).Should().Throw<TargetConfigurationException>()
            .Which.Problems.Should().ContainSingle().Which.Should().Contain("evidence.store_service").And.Contain("services.dr_store");
        FluentActions.Invoking(() => Target("  store_service: s3\n")).Should().Throw<TargetConfigurationException>()
            .Which.Problems.Should().ContainSingle().Which.Should().Contain("evidence.store_service");
    }

    [Test]
    public void The_manifest_reads_sha256sum_lines_and_names_a_bad_one()
    {
        var (entries, problems) = BundleManifest.Parse($"{new string('a', 64)}  checklist.md\n{new string('b', 64)} *junit/x.xml\nnonsense\n");
        entries.Select(e => e.Path).Should().Equal("checklist.md", "junit/x.xml");
        problems.Should().ContainSingle().Which.Should().Contain("line 3");
    }
}

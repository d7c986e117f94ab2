using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using Acceptance.Support.Configuration;

namespace Acceptance.Reporting.Bundle;

/// <summary>What a run seals: where its reports are, who it ran against, and with which suite and checklist.</summary>
public sealed record SealInputs
{
    /// <summary>The reports folder ($REPORTS).</summary>
    public required string Reports { get; init; }

    /// <summary>The run id (the bundle is acceptance-RUN_ID.tar.gz).</summary>
    public required string RunId { get; init; }

    /// <summary>The checklist folder (its seed files' hash is the checklist version).</summary>
    public required string Checklist { get; init; }

    /// <summary>The suite's commit (git rev-parse HEAD, or baked into the image).</summary>
    public required string SuiteCommit { get; init; }

    /// <summary>The target, when its file could be read (name, signing key, store, secrets to scan for).</summary>
    public TargetEnvironment? Target { get; init; }

    /// <summary>The bundle file to write (default: REPORTS/bundle/acceptance-RUN_ID.tar.gz).</summary>
    public string? Output { get; init; }
}

/// <summary>The sealed bundle: where it is, its hash, what is in it, whether and how it is signed, and where it was copied.</summary>
public sealed record SealedBundle(string Path, string Sha256, long Bytes, int Files, string? Signature, string Signing,
    string? SelfCheck, string? StoredAt, TimeSpan Elapsed)
{
    /// <summary>The bundle carries a signature.</summary>
    public bool IsSigned => Signature is not null;

    /// <summary>Why the bundle could not be copied to evidence.store (null: copied, or no store).</summary>
    public string? StoreProblem { get; init; }

    /// <summary>Sealed but not where the target says it must go, or its signature does not check out against the target's allowed signers.</summary>
    public bool Incomplete => StoreProblem is not null || SelfCheck?.Contains("does NOT verify", StringComparison.Ordinal) == true;
}

/// <summary>
/// Seals a run's evidence into one archive (contract C5): $REPORTS/bundle/acceptance-RUN_ID.tar.gz holding, under the
/// folder acceptance-RUN_ID/, the reports (checklist.md/.html/.pdf, banner.html, summary.json, junit, trx, allure-report),
/// the raw allure-results with their attachments, fingerprint.json, the target file, bundle.json (run, target, suite
/// commit, checklist version, signer) and MANIFEST.sha256 of every file, itself signed (MANIFEST.sha256.sig); the
/// archive is signed beside it (acceptance-RUN_ID.tar.gz.sig, ssh-keygen -Y sign, namespace acceptance-evidence) with
/// evidence.signing_key, then copied to evidence.store. Without a key it is written unsigned and says so. No secret
/// of the target gets in: every file is scanned (<see cref="LeakScanner"/>) and a leak stops the seal.
/// </summary>
public static class EvidenceBundle
{
    /// <summary>Files of the reports folder that go into the bundle when present.</summary>
    public static readonly string[] ReportFiles = ["checklist.md", "checklist.html", "checklist.pdf", "banner.html", "summary.json", "fingerprint.json"];

    /// <summary>Folders of the reports folder that go into the bundle, whole.</summary>
    public static readonly string[] ReportFolders = ["junit", "trx", "allure-report", "allure-results"];

    /// <summary>The run's description inside the bundle.</summary>
    public const string DescriptionFile = "bundle.json";

    /// <summary>The bundle's file name for a run.</summary>
    public static string FileName(string runId) => $"acceptance-{runId}.tar.gz";

    /// <summary>The folder every entry of the bundle sits in.</summary>
    public static string Root(string runId) => $"acceptance-{runId}";

    /// <summary>The files that go into the bundle, by their path inside it (sorted).</summary>
    public static IReadOnlyList<(string Entry, string File)> Contents(string reports, string? targetFile)
    {
        var files = new List<(string, string)>();
        foreach (var name in ReportFiles)
            if (File.Exists(Path.Combine(reports, name))) files.Add((name, Path.Combine(reports, name)));
        foreach (var folder in ReportFolders.Select(f => Path.Combine(reports, f)).Where(Directory.Exists))
            files.AddRange(Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .Where(f => !new FileInfo(f).Attributes.HasFlag(FileAttributes.ReparsePoint))
                .Select(f => (Path.GetRelativePath(reports, f).Replace('\\', '/'), f)));
        if (targetFile is not null && File.Exists(targetFile)) files.Add(("target/" + Path.GetFileName(targetFile), targetFile));
        return files.OrderBy(f => f.Item1, StringComparer.Ordinal).ToList();
    }

    /// <summary>Seals, signs, checks its own signature and copies to the store.</summary>
    /// <exception cref="InvalidDataException">A secret of the target was found in a file of the evidence (nothing is written).</exception>
    public static async Task<SealedBundle> SealAsync(SealInputs inputs, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        var target = inputs.Target;
        var output = Path.GetFullPath(inputs.Output ?? Path.Combine(inputs.Reports, "bundle", FileName(inputs.RunId)));
        var contents = Contents(inputs.Reports, target?.SourceFile);

        // Never seal a secret: the target's secrets in every form the suite sends them, and the signing key itself.
        var leaks = target is null ? [] : LeakScanner.ScanFiles(target, contents.Select(c => c.File)).ToList();
        if (target?.Evidence.SigningKey is { } key && File.Exists(key)) leaks.AddRange(KeyLeaks(key, contents.Select(c => c.File)));
        if (leaks.Count > 0)
            throw new InvalidDataException("the evidence holds a secret, so it was not sealed:\n  " + string.Join("\n  ", leaks.Distinct()));

        // Who signs: the key is tried before anything is written, so bundle.json never claims a signature it will not have.
        string signing;
        string? signingKey = null;
        if (target?.Evidence.SigningKey is not { } declared) signing = $"unsigned: the target file {target?.SourceFile ?? "(none)"} declares no evidence.signing_key";
        else
        {
            try { signing = $"signed with {(await SshSignature.PublicKeyAsync(declared, ct)).Fingerprint}, namespace {SshSignature.Namespace}"; signingKey = declared; }
            catch (SigningKeyException e) { signing = $"unsigned: {e.Message}"; }
        }

        var checklist = BundleManifest.FolderVersion(inputs.Checklist);
        var sealedAt = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ");
        byte[] Description() => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
        {
            ["run_id"] = inputs.RunId,
            ["target"] = target?.Name,
            ["environment"] = target?.Environment,
            ["sealed"] = sealedAt,
            ["suite_commit"] = inputs.SuiteCommit,
            ["checklist_version"] = "sha256:" + checklist.Version,
            ["checklist_files"] = checklist.Files,
            ["signature"] = signing,
            ["files"] = contents.Count + 1,
            ["verify"] = $"acceptance verify {FileName(inputs.RunId)} --allowed-signers FILE; or: tar xzf {FileName(inputs.RunId)} && cd {Root(inputs.RunId)} && sha256sum -c {BundleManifest.FileName}",
        }, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

        var hashes = contents.Select(c => new ManifestEntry(c.Entry, BundleManifest.Sha256(c.File))).ToList();
        var work = Directory.CreateTempSubdirectory("acceptance-seal-");
        var entries = hashes;
        try
        {
            var manifest = Path.Combine(work.FullName, BundleManifest.FileName);
            byte[] description;
            string? manifestSignature = null;
            while (true)
            {
                description = Description();
                entries = [.. hashes, new ManifestEntry(DescriptionFile, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(description)))];
                await File.WriteAllTextAsync(manifest, BundleManifest.Render(entries), ct);
                if (signingKey is null) break;
                try { manifestSignature = await SshSignature.SignAsync(signingKey, manifest, ct); break; }
                catch (SigningKeyException e) { signingKey = null; signing = $"unsigned: {e.Message}"; }   // bundle.json must not claim it
            }

            Directory.CreateDirectory(Path.GetDirectoryName(output)!);
            var root = Root(inputs.RunId);
            await using (var file = File.Create(output + ".tmp"))
            await using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
            await using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
            {
                foreach (var (entry, path) in contents) await tar.WriteEntryAsync(path, $"{root}/{entry}", ct);
                await WriteBytesAsync(tar, $"{root}/{DescriptionFile}", description, ct);
                await tar.WriteEntryAsync(manifest, $"{root}/{BundleManifest.FileName}", ct);
                if (manifestSignature is not null) await tar.WriteEntryAsync(manifestSignature, $"{root}/{BundleManifest.SignatureFileName}", ct);
            }
            File.Move(output + ".tmp", output, overwrite: true);
        }
        finally { work.Delete(recursive: true); }

        string? signature = null, selfCheck = null;
        File.Delete(output + ".sig");
        if (signingKey is not null)
        {
            try
            {
                signature = await SshSignature.SignAsync(signingKey, output, ct);
                if (target!.Evidence.AllowedSigners is { } allowed)
                    selfCheck = (await SshSignature.VerifyAsync(output, signature, allowed, ct)) is var check && check.Good
                        ? $"the signature verifies against {allowed} (principal {check.Principal})"
                        : $"the signature does NOT verify against {allowed}: {check.Said}";
            }
            catch (SigningKeyException e) { signing = $"unsigned: {e.Message}"; }
        }
        var sha256 = BundleManifest.Sha256(output);
        var bytes = new FileInfo(output).Length;
        string? stored = null, storeProblem = null;
        if (target?.Evidence.Store is { } store)
        {
            try { stored = CopyToStore(store, output, signature); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { storeProblem = $"NOT copied to evidence.store {store}: {e.Message}"; }
        }
        if (target?.Evidence.StoreService is { } service)
        {
            try { stored = (stored is null ? "" : stored + "; ") + await UploadAsync(target, service, output, signature, ct); }
            catch (Exception e) when (e is Acceptance.Support.Outcomes.EnvironmentProblemException or Acceptance.Support.Outcomes.NotVerifiedException or IOException or TimeoutException)
            {
                storeProblem = (storeProblem is null ? "" : storeProblem + "; ") + $"NOT uploaded to services.{service} (evidence.store_service): {e.Message}";
            }
        }
        // The store keeps every run's bundle; the reports folder keeps only this one (no store: every one stays).
        if (stored is not null)
            foreach (var old in Directory.EnumerateFiles(Path.GetDirectoryName(output)!, "acceptance-*.tar.gz*")
                         .Where(f => f != output && f != signature && !f.EndsWith(".tmp", StringComparison.Ordinal)))
                File.Delete(old);
        return new SealedBundle(output, sha256, bytes, entries.Count + 1 + (signingKey is null ? 0 : 1), signature, signing, selfCheck, stored, clock.Elapsed)
            { StoreProblem = storeProblem };
    }

    /// <summary>Copies the bundle and its signature into the store folder (written under a temporary name, then renamed).</summary>
    private static string CopyToStore(string store, string bundle, string? signature)
    {
        Directory.CreateDirectory(store);
        foreach (var file in signature is null ? [bundle] : new[] { bundle, signature })
        {
            var to = Path.Combine(store, Path.GetFileName(file));
            File.Copy(file, to + ".part", overwrite: true);
            File.Move(to + ".part", to, overwrite: true);
        }
        return Path.Combine(store, Path.GetFileName(bundle));
    }

    /// <summary>Uploads the bundle and its signature into the folder evidence/ of an SFTP store (as FILE.part, then renamed).</summary>
    private static Task<string> UploadAsync(TargetEnvironment target, string key, string bundle, string? signature, CancellationToken ct)
    {
        var options = target.Require<Acceptance.Support.Backups.BackupStoreOptions>(key);
        var store = new Acceptance.Support.Backups.BackupStore(options, new Acceptance.Support.Evidence.EvidenceLog());
        return store.UseAsync((client, root) =>
        {
            var folder = $"{root}/evidence";
            if (!client.Exists(folder)) client.CreateDirectory(folder);
            foreach (var file in signature is null ? [bundle] : new[] { bundle, signature })
            {
                var to = $"{folder}/{Path.GetFileName(file)}";
                using (var stream = File.OpenRead(file)) client.UploadFile(stream, to + ".part", canOverride: true);
                if (client.Exists(to)) client.DeleteFile(to);
                client.RenameFile(to + ".part", to);
            }
            return $"{options.Address.TrimEnd('/')}/evidence/{Path.GetFileName(bundle)}";
        }, ct);
    }

    private static async Task WriteBytesAsync(TarWriter tar, string name, byte[] bytes, CancellationToken ct)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(bytes), Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, ModificationTime = DateTimeOffset.UtcNow };
        await tar.WriteEntryAsync(entry, ct);
    }

    /// <summary>Files that hold a line of the signing key's private part.</summary>
    private static IEnumerable<SecretLeak> KeyLeaks(string key, IEnumerable<string> files)
    {
        var lines = File.ReadAllLines(key).Where(l => l.Length >= 40 && !l.StartsWith("-----", StringComparison.Ordinal)).ToList();
        if (lines.Count == 0) yield break;
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            if (lines.Any(l => text.Contains(l, StringComparison.Ordinal))) yield return new SecretLeak(file, $"the signing key {key}");
        }
    }
}

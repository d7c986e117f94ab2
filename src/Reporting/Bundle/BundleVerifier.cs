using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;

namespace Acceptance.Reporting.Bundle;

/// <summary>What <c>acceptance verify</c> found: every problem (each names its file), and what holds.</summary>
/// <param name="Problems">Modified, missing or extra files, a damaged archive, a bad or missing signature.</param>
/// <param name="Holds">What was checked and holds (files matching, the signature and its signer).</param>
/// <param name="Files">Files in the archive.</param>
public sealed record BundleVerdict(IReadOnlyList<string> Problems, IReadOnlyList<string> Holds, int Files)
{
    /// <summary>Manifest and signature hold.</summary>
    public bool Intact => Problems.Count == 0;

    /// <summary>No signature beside the bundle.</summary>
    public bool Unsigned { get; init; }
}

/// <summary>
/// Checks a sealed bundle (<see cref="EvidenceBundle"/>): the archive's signature (BUNDLE.sig, against an allowed-signers
/// file when given), the manifest's own signature inside, and every file against MANIFEST.sha256: each modified,
/// missing or extra file is named. The archive is read as a stream (nothing is unpacked to disk but the manifest
/// and its signature, for ssh-keygen).
/// </summary>
public static class BundleVerifier
{
    /// <summary>Verifies <paramref name="bundle"/>; <see cref="FileNotFoundException"/> when it (or the allowed-signers file) does not exist.</summary>
    public static async Task<BundleVerdict> VerifyAsync(string bundle, string? allowedSigners, CancellationToken ct = default)
    {
        if (!File.Exists(bundle)) throw new FileNotFoundException($"{bundle}: no such bundle");
        if (allowedSigners is not null && !File.Exists(allowedSigners)) throw new FileNotFoundException($"--allowed-signers {allowedSigners}: no such file");
        var problems = new List<string>();
        var holds = new List<string>();
        var name = Path.GetFileName(bundle);

        // 1. The archive: every regular file's SHA-256, by its path below the bundle's root folder.
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        byte[]? manifest = null, manifestSignature = null, description = null;
        try
        {
            await using var file = File.OpenRead(bundle);
            await using var gzip = new GZipStream(file, CompressionMode.Decompress);
            await using var tar = new TarReader(gzip);
            // The root folder is acceptance-RUN_ID, as the file is named; a renamed bundle: the folder of its first entry.
            string? root = name.EndsWith(".tar.gz", StringComparison.Ordinal) && name.StartsWith("acceptance-", StringComparison.Ordinal) ? name[..^7] : null;
            while (await tar.GetNextEntryAsync(copyData: false, ct) is { } entry)
            {
                var path = entry.Name.TrimEnd('/');
                var slash = path.IndexOf('/');
                var top = slash < 0 ? path : path[..slash];
                root ??= top;
                if (entry.EntryType == TarEntryType.Directory) continue;
                if (top != root || slash < 0) { problems.Add($"extra: {path} (outside the bundle's folder {root}/)"); continue; }
                var relative = path[(slash + 1)..];
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                {
                    problems.Add($"extra: {relative} (a {entry.EntryType} entry, not a file{(entry.LinkName is { Length: > 0 } l ? $", pointing at {l}" : "")})");
                    continue;
                }
                if (hashes.ContainsKey(relative)) { problems.Add($"extra: {relative} (a second copy in the archive: unpacking keeps the last one)"); continue; }
                using var data = new MemoryStream();
                if (entry.DataStream is not null) await entry.DataStream.CopyToAsync(data, ct);
                data.Position = 0;
                hashes[relative] = BundleManifest.Sha256(data);
                switch (relative)
                {
                    case BundleManifest.FileName: manifest = data.ToArray(); break;
                    case BundleManifest.SignatureFileName: manifestSignature = data.ToArray(); break;
                    case EvidenceBundle.DescriptionFile: description = data.ToArray(); break;
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or ArgumentException or IOException && e is not FileNotFoundException)
        {
            problems.Add($"damaged: {name} cannot be read to the end as a gzip-compressed tar archive ({e.Message}); {hashes.Count} file(s) read before that");
        }

        // 2. The signature of the archive, beside it.
        var signature = bundle + ".sig";
        var unsigned = false;
        if (!File.Exists(signature))
        {
            unsigned = true;
            var said = description is null ? null : SignatureClaim(description);
            problems.Add(said is not null && said.StartsWith("unsigned", StringComparison.Ordinal)
                ? $"unsigned: {name} has no signature ({Path.GetFileName(signature)}); bundle.json says: {said}"
                : $"unsigned: the signature {Path.GetFileName(signature)} is missing{(said is null ? "" : $" (bundle.json says: {said})")}");
        }
        else
        {
            var check = await SshSignature.VerifyAsync(bundle, signature, allowedSigners, ct);
            if (check.Good) holds.Add($"signature of {name}: {check.Said}");
            else problems.Add($"bad signature: {Path.GetFileName(signature)} does not verify {name}: {check.Said}");
        }

        // 3. The manifest, its own signature, and every file against it.
        if (manifest is null)
        {
            problems.Add($"missing: {BundleManifest.FileName} (nothing in the bundle can be checked)");
            return new BundleVerdict(problems, holds, hashes.Count) { Unsigned = unsigned };
        }
        if (manifestSignature is not null)
        {
            var work = Directory.CreateTempSubdirectory("acceptance-verify-");
            try
            {
                var m = Path.Combine(work.FullName, BundleManifest.FileName);
                await File.WriteAllBytesAsync(m, manifest, ct);
                await File.WriteAllBytesAsync(m + ".sig", manifestSignature, ct);
                var check = await SshSignature.VerifyAsync(m, m + ".sig", allowedSigners, ct);
                if (!check.Good) problems.Add($"modified: {BundleManifest.FileName} (its signature {BundleManifest.SignatureFileName} does not verify it: {check.Said})");
            }
            finally { work.Delete(recursive: true); }
        }
        else if (!unsigned) problems.Add($"missing: {BundleManifest.SignatureFileName} (the manifest of a signed bundle is signed too)");

        var (entries, manifestProblems) = BundleManifest.Parse(System.Text.Encoding.UTF8.GetString(manifest));
        problems.AddRange(manifestProblems.Select(p => "modified: " + p));
        var listed = entries.Select(e => e.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var e in entries)
        {
            if (!hashes.TryGetValue(e.Path, out var actual)) problems.Add($"missing: {e.Path} (listed in the manifest, not in the archive)");
            else if (actual != e.Sha256) problems.Add($"modified: {e.Path} (sha256 {actual[..16]}…, the manifest says {e.Sha256[..16]}…)");
        }
        foreach (var extra in hashes.Keys.Where(k => !listed.Contains(k) && k is not (BundleManifest.FileName or BundleManifest.SignatureFileName)).Order(StringComparer.Ordinal))
            problems.Add($"extra: {extra} (in the archive, not in the manifest)");
        var matching = entries.Count(e => hashes.TryGetValue(e.Path, out var h) && h == e.Sha256);
        holds.Add($"{matching} of {entries.Count} file(s) match {BundleManifest.FileName}");
        return new BundleVerdict(problems, holds, hashes.Count) { Unsigned = unsigned };
    }

    private static string? SignatureClaim(byte[] description)
    {
        try { return JsonDocument.Parse(description).RootElement.TryGetProperty("signature", out var s) ? s.GetString() : null; }
        catch (JsonException) { return null; }
    }
}

using System.Diagnostics;
using Acceptance.Reporting.Bundle;
using Acceptance.Support.Configuration;
using Acceptance.Support.Fingerprint;

namespace Acceptance.Cli;

/// <summary>
/// The evidence commands run-tests.sh calls after the checks (and an auditor calls on a bundle):
///   acceptance fingerprint --target FILE --out DIR   the target's fingerprint.json (versions, leaders, digests, certificates, jobs, config hashes)
///   acceptance seal --reports DIR --checklist DIR --run-id ID [--target FILE] [--suite-commit SHA]
///                                                    the sealed, signed bundle REPORTS/bundle/acceptance-ID.tar.gz (+ .sig), copied to evidence.store
///   acceptance verify BUNDLE [--allowed-signers FILE] the bundle's signature and every file against its manifest
/// Exit codes: 0 done / intact; 1 tampered, unsigned, or not sealed; 2 bad input (one line, no stack trace).
/// </summary>
public static class EvidenceCommands
{
    /// <summary>The usage line of these commands.</summary>
    public const string Usage = "acceptance fingerprint --target FILE --out DIR | acceptance seal --reports DIR --checklist DIR --run-id ID [--target FILE] [--suite-commit SHA] | acceptance verify BUNDLE [--allowed-signers FILE]";

    /// <summary>Runs one of the commands; null when <paramref name="args"/> names none of them.</summary>
    public static int? Run(string[] args)
    {
        var command = args.FirstOrDefault();
        if (command is not ("fingerprint" or "seal" or "verify")) return null;
        try
        {
            return command switch
            {
                "fingerprint" => Fingerprint(Parse(args.Skip(1), [])),
                "seal" => Seal(Parse(args.Skip(1), [])),
                _ => Verify(args.Skip(1).ToList()),
            };
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or SigningKeyException)
        {
            Console.Error.WriteLine($"acceptance {command}: {e.Message}");
            return 2;
        }
    }

    private static int Fingerprint(Dictionary<string, string> o)
    {
        var target = LoadTarget(Require(o, "target"));
        if (target is null) return 2;
        var clock = Stopwatch.StartNew();
        var fingerprint = new FingerprintProbe(target, new Acceptance.Support.Evidence.EvidenceLog()).CollectAsync().GetAwaiter().GetResult();
        var path = fingerprint.Write(Require(o, "out"));
        var unavailable = fingerprint.Items.Where(i => i.IsUnavailable).ToList();
        Console.WriteLine($"Fingerprint: {path}: {fingerprint.Items.Count} item(s) in {clock.Elapsed.TotalSeconds:0.0} s" +
                          (unavailable.Count == 0 ? "" : $"; {unavailable.Count} unavailable: {string.Join("; ", unavailable.Take(5).Select(i => $"{i.Kind} {i.Name} ({i.Value[FingerprintItem.UnavailablePrefix.Length..]})"))}{(unavailable.Count > 5 ? "; ..." : "")}"));
        return 0;
    }

    private static int Seal(Dictionary<string, string> o)
    {
        var targetFile = o.GetValueOrDefault("target");
        var target = targetFile is null ? null : LoadTarget(targetFile);
        if (targetFile is not null && target is null) Console.Error.WriteLine("seal: the bundle is written without the target's settings (unsigned, no store, no secret scan)");
        SealedBundle sealedBundle;
        try
        {
            sealedBundle = EvidenceBundle.SealAsync(new SealInputs
            {
                Reports = Require(o, "reports"), RunId = Require(o, "run-id"), Checklist = Require(o, "checklist"),
                SuiteCommit = o.GetValueOrDefault("suite-commit") ?? "unknown", Target = target,
            }).GetAwaiter().GetResult();
        }
        catch (InvalidDataException e)
        {
            Console.Error.WriteLine($"SECRET LEAK: {e.Message}");
            return 1;
        }
        Console.WriteLine($"Bundle:     {sealedBundle.Path}");
        Console.WriteLine($"SHA-256:    {sealedBundle.Sha256}  ({sealedBundle.Files} files, {sealedBundle.Bytes / 1024.0 / 1024.0:0.0} MB, sealed in {sealedBundle.Elapsed.TotalSeconds:0.0} s)");
        Console.WriteLine($"Signature:  {(sealedBundle.IsSigned ? sealedBundle.Signature + ": " : "")}{sealedBundle.Signing}{(sealedBundle.SelfCheck is null ? "" : "; " + sealedBundle.SelfCheck)}");
        if (sealedBundle.StoredAt is not null) Console.WriteLine($"Stored:     {sealedBundle.StoredAt}");
        if (sealedBundle.StoreProblem is not null) Console.WriteLine($"Stored:     {sealedBundle.StoreProblem}");
        return sealedBundle.Incomplete ? 1 : 0;
    }

    private static int Verify(List<string> args)
    {
        var bundle = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal))
                     ?? throw new ArgumentException("verify needs the bundle: acceptance verify BUNDLE [--allowed-signers FILE]");
        var o = Parse(args.Where(a => a != bundle), []);
        foreach (var unknown in o.Keys.Where(k => k != "allowed-signers")) throw new ArgumentException($"unknown option --{unknown} (acceptance verify BUNDLE [--allowed-signers FILE])");
        BundleVerdict verdict;
        try { verdict = BundleVerifier.VerifyAsync(bundle, o.GetValueOrDefault("allowed-signers")).GetAwaiter().GetResult(); }
        catch (FileNotFoundException e) { Console.Error.WriteLine($"acceptance verify: {e.Message}"); return 2; }
        foreach (var h in verdict.Holds) Console.WriteLine($"  ok: {h}");
        foreach (var p in verdict.Problems) Console.WriteLine($"  {p}");
        Console.WriteLine(verdict.Intact
            ? $"INTACT: {bundle}: every file matches the manifest and the signature holds" +
              (o.ContainsKey("allowed-signers") ? "" : " (who signed is not checked: give --allowed-signers FILE)")
            : verdict.Unsigned && verdict.Problems.Count == 1
                ? $"UNSIGNED: {bundle}: the files match the manifest, but nothing proves who wrote it"
                : $"TAMPERED: {bundle}: {verdict.Problems.Count} problem(s) above");
        return verdict.Intact ? 0 : 1;
    }

    private static TargetEnvironment? LoadTarget(string file)
    {
        try { return TargetFileLoader.Load(file); }
        catch (TargetConfigurationException e) { Console.Error.WriteLine(e.Message); return null; }
    }

    private static string Require(Dictionary<string, string> o, string name) =>
        o.GetValueOrDefault(name) ?? throw new ArgumentException($"--{name} is required");

    private static Dictionary<string, string> Parse(IEnumerable<string> args, string[] flags)
    {
        var o = new Dictionary<string, string>();
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            if (!list[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unexpected argument '{list[i]}'");
            var name = list[i][2..];
            if (flags.Contains(name)) { o[name] = "true"; continue; }
            if (i + 1 >= list.Count || list[i + 1].Length == 0) throw new ArgumentException($"--{name} needs a value");
            o[name] = list[++i];
        }
        return o;
    }
}

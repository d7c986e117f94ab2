using System.Security.Cryptography;
using CliWrap;
using CliWrap.Buffered;
using Acceptance.Support.Evidence;

namespace Acceptance.Reporting.Bundle;

/// <summary>What a signature check found: good or not, the signer and key it names, and ssh-keygen's own words.</summary>
public sealed record SignatureCheck(bool Good, string Said, string? Principal = null)
{
    /// <inheritdoc />
    public override string ToString() => Said;
}

/// <summary>A signing key that cannot sign (missing tool, passphrase, unreadable file): why, in one line.</summary>
public sealed class SigningKeyException(string message) : Exception(message);

/// <summary>
/// OpenSSH signatures (<c>ssh-keygen -Y sign / verify / find-principals / check-novalidate</c>, namespace
/// "acceptance-evidence"): a standard format and tool a security team already uses for git commits. Every call has a
/// deadline and no terminal: a key with a passphrase is refused up front instead of prompting.
/// </summary>
public static class SshSignature
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>The signature namespace.</summary>
    public const string Namespace = EvidenceBundleOptions.SignatureNamespace;

    /// <summary>ssh-keygen on PATH, or null.</summary>
    public static string? Tool => Acceptance.Support.Transport.CommandRunner.Locate("ssh-keygen");

    /// <summary>
    /// The public key of a private key file and its fingerprint ("ED25519 key SHA256:…"), proving it signs without a
    /// passphrase; <see cref="SigningKeyException"/> saying why it cannot.
    /// </summary>
    public static async Task<(string PublicKey, string Fingerprint)> PublicKeyAsync(string privateKey, CancellationToken ct = default)
    {
        if (!File.Exists(privateKey)) throw new SigningKeyException($"the signing key {privateKey} does not exist");
        var run = await RunAsync(["-y", "-P", "", "-f", privateKey], null, ct);
        if (run.ExitCode != 0)
            throw new SigningKeyException($"the signing key {privateKey} cannot sign without a terminal (a passphrase, or not an OpenSSH private key): {OneLine(run.StandardError)}");
        var publicKey = run.StandardOutput.Trim();
        return (publicKey, Fingerprint(publicKey));
    }

    /// <summary>"ED25519 key SHA256:…" of an OpenSSH public key line, as ssh-keygen -l names it.</summary>
    public static string Fingerprint(string publicKeyLine)
    {
        var parts = publicKeyLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2) return "unknown key";
        var type = parts[0] switch
        {
            "ssh-ed25519" => "ED25519",
            "ssh-rsa" => "RSA",
            var t when t.StartsWith("ecdsa-", StringComparison.Ordinal) => "ECDSA",
            var t => t,
        };
        try { return $"{type} key SHA256:{Convert.ToBase64String(SHA256.HashData(Convert.FromBase64String(parts[1]))).TrimEnd('=')}"; }
        catch (FormatException) { return $"{type} key (unreadable)"; }
    }

    /// <summary>Signs <paramref name="file"/> with <paramref name="privateKey"/>: writes FILE.sig, returns its path.</summary>
    public static async Task<string> SignAsync(string privateKey, string file, CancellationToken ct = default)
    {
        File.Delete(file + ".sig");   // ssh-keygen refuses to overwrite a signature
        var run = await RunAsync(["-Y", "sign", "-n", Namespace, "-f", privateKey, file], null, ct);
        if (run.ExitCode != 0 || !File.Exists(file + ".sig"))
            throw new SigningKeyException($"ssh-keygen -Y sign with {privateKey} failed: {OneLine(run.StandardError)}");
        return file + ".sig";
    }

    /// <summary>
    /// Checks <paramref name="signature"/> over <paramref name="file"/>: against <paramref name="allowedSigners"/> (the
    /// signer must be listed there for this namespace), or, without that file, only that the signature is sound, naming the key.
    /// </summary>
    public static async Task<SignatureCheck> VerifyAsync(string file, string signature, string? allowedSigners, CancellationToken ct = default)
    {
        if (allowedSigners is null)
        {
            var check = await RunAsync(["-Y", "check-novalidate", "-n", Namespace, "-s", signature], file, ct);
            var said = OneLine(check.StandardOutput + " " + check.StandardError);
            return check.ExitCode == 0
                ? new SignatureCheck(true, $"{said}; the signer is NOT checked (give --allowed-signers FILE to check who signed)")
                : new SignatureCheck(false, said);
        }
        var find = await RunAsync(["-Y", "find-principals", "-f", allowedSigners, "-s", signature], null, ct);
        var principal = find.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        if (find.ExitCode != 0 || principal is null)
        {
            var key = await RunAsync(["-Y", "check-novalidate", "-n", Namespace, "-s", signature], file, ct);
            return new SignatureCheck(false, key.ExitCode == 0
                ? $"the key that signed it is not in the allowed signers {allowedSigners} ({OneLine(key.StandardOutput + " " + key.StandardError)})"
                : $"not a valid signature: {OneLine(key.StandardOutput + " " + key.StandardError)}");
        }
        var verify = await RunAsync(["-Y", "verify", "-f", allowedSigners, "-I", principal, "-n", Namespace, "-s", signature], file, ct);
        return new SignatureCheck(verify.ExitCode == 0, OneLine(verify.StandardOutput + " " + verify.StandardError), principal);
    }

    private static async Task<BufferedCommandResult> RunAsync(IReadOnlyList<string> args, string? stdinFile, CancellationToken ct)
    {
        var tool = Tool ?? throw new SigningKeyException("ssh-keygen is not installed (Debian package openssh-client)");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(Deadline);
        var command = Cli.Wrap(tool).WithArguments(args).WithValidation(CommandResultValidation.None)
            // never a prompt: no terminal, no askpass
            .WithEnvironmentVariables(e => e.Set("SSH_ASKPASS", null).Set("SSH_ASKPASS_REQUIRE", "never").Set("DISPLAY", null));
        if (stdinFile is not null) command = command.WithStandardInputPipe(PipeSource.FromFile(stdinFile));
        try { return await command.ExecuteBufferedAsync(deadline.Token); }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new SigningKeyException($"ssh-keygen {string.Join(' ', args.Take(2))} did not finish within {Deadline.TotalSeconds:0} s");
        }
    }

    private static string OneLine(string s) => string.Join(' ', s.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

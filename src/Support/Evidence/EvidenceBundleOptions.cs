using Acceptance.Support.Configuration;

namespace Acceptance.Support.Evidence;

/// <summary>
/// evidence: how a run's evidence is sealed (docs/target-file.md#evidence): the SSH key that signs the bundle
/// (<c>ssh-keygen -Y sign -n acceptance-evidence</c>), the allowed-signers file that verifies it, and the store every
/// bundle is copied to. Without a signing key the bundle is still written, with its manifest, and reported unsigned.
/// </summary>
public sealed record EvidenceBundleOptions
{
    /// <summary>The signature namespace of every bundle (ssh-keygen -Y sign -n).</summary>
    public const string SignatureNamespace = "acceptance-evidence";

    /// <summary>The private key that signs the bundle.</summary>
    [Option("signing_key", "SSH private key (ed25519 or RSA, no passphrase) that signs the run's evidence bundle with `ssh-keygen -Y sign -n acceptance-evidence`; without it the bundle is written unsigned and reported so", IsPath = true, MustExist = true)]
    public string? SigningKey { get; init; }

    /// <summary>The allowed-signers file a verifier trusts.</summary>
    [Option("allowed_signers", "ssh-keygen allowed-signers file naming the signing key's principal (`acceptance verify BUNDLE --allowed-signers FILE`); the run checks its own signature against it", IsPath = true, MustExist = true)]
    public string? AllowedSigners { get; init; }

    /// <summary>The folder every sealed bundle is copied to.</summary>
    [Option("store", "folder every sealed bundle and its signature are copied to (created when missing); the run's reports/bundle keeps its own copy", IsPath = true)]
    public string? Store { get; init; }

    /// <summary>An SFTP store of the target every bundle is also uploaded to.</summary>
    [Option("store_service", "an SFTP store of the target (backup_store or dr_store, services.<key>) every bundle and its signature are also uploaded to, into its folder evidence/", OneOf = "backup_store,dr_store")]
    public string? StoreService { get; init; }

    /// <summary>Deadline of each part of the target fingerprint.</summary>
    [Option("fingerprint_timeout_seconds", "deadline of each part of the target fingerprint (versions, leaders, image digests, certificates, job versions); a part that does not answer in time is recorded \"unavailable\"", Min = 1, Max = 120)]
    public int FingerprintTimeoutSeconds { get; init; } = 5;
}

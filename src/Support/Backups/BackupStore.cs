using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Acceptance.Support.Evidence;
using Acceptance.Support.Outcomes;
using Acceptance.Support.Ssh;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Acceptance.Support.Backups;

/// <summary>One backup file in a store, with the checksum its .sha256 companion states.</summary>
public sealed record StoredBackup(string Store, string Component, string Name, long Size, DateTimeOffset Modified, string? StatedSha256)
{
    /// <summary>Age at <paramref name="now"/>.</summary>
    public TimeSpan Age(DateTimeOffset now) => now - Modified;

    /// <inheritdoc />
    public override string ToString() => $"{Store}:{Component}/{Name} ({Size} bytes, {Modified.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC)";
}

/// <summary>
/// A backup store over SFTP (SSH.NET SftpClient): key-only login, the host key checked against the store's known_hosts
/// (an unknown or changed key is never trusted), a deadline on connect and on every operation. One connection per use.
/// </summary>
public sealed partial class BackupStore(BackupStoreOptions options, EvidenceLog evidence)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    /// <summary>services.&lt;key&gt; and its address (never a secret).</summary>
    public string Name => $"{options.Key} ({options.Address})";

    private (string User, string Host, int Port, string Path) Parts =>
        options.Parts ?? throw new EnvironmentProblemException($"services.{options.Key}.address '{options.Address}' is not sftp://USER@HOST:PORT/PATH");

    /// <summary>Runs <paramref name="work"/> on a connected client.</summary>
    public async Task<T> UseAsync<T>(Func<SftpClient, string, T> work, CancellationToken ct = default)
    {
        var key = options.PrivateKey?.Resolve() ?? throw new NotVerifiedException($"services.{options.Key}.private_key is not set: the store cannot be reached.");
        var knownHosts = options.KnownHosts ?? throw new NotVerifiedException($"services.{options.Key}.known_hosts is not set: the store's host key cannot be checked, so it is not trusted.");
        var (user, host, port, path) = Parts;
        return await Task.Run(() =>
        {
            using var pk = PinnedSsh.Key(key);
            var endpoint = new SshEndpoint(host, port, knownHosts);
            using var client = PinnedSsh.Connect(new SftpClient(PinnedSsh.Info(endpoint, user, new PrivateKeyAuthenticationMethod(user, pk), Deadline)) { OperationTimeout = Deadline },
                endpoint, $"SFTP {Name}");
            try { return work(client, path.TrimEnd('/')); }
            catch (SftpPathNotFoundException e) { throw new EnvironmentProblemException($"SFTP {Name}: {e.Message}", e); }
            catch (SshConnectionException e) { throw new EnvironmentProblemException($"SFTP {Name}: {e.Message}", e); }
        }, ct).WaitAsync(Deadline * 3, ct);
    }

    /// <summary>Every backup of <paramref name="component"/> (files COMPONENT/*, not the .sha256 companions or .part uploads), oldest first.</summary>
    public Task<IReadOnlyList<StoredBackup>> ListAsync(string component, CancellationToken ct = default) =>
        UseAsync((c, root) => ListIn(c, root, component), ct);

    /// <summary>
    /// The newest backup of each component, hashed, over ONE connection (a connection per listing and per hash made a DR
    /// comparison of 4 components take 16 SSH handshakes: over 8 s on a loaded 2-core machine).
    /// </summary>
    public Task<IReadOnlyList<NewestBackup>> NewestAsync(IEnumerable<string> components, CancellationToken ct = default) =>
        UseAsync<IReadOnlyList<NewestBackup>>((c, root) => components.Select(component =>
        {
            var newest = ListIn(c, root, component).LastOrDefault();
            return new NewestBackup(Name, component, newest, newest is null ? null : Sha256(c, root, newest));
        }).ToList(), ct);

    /// <summary>The same files as <paramref name="wanted"/> (by component and name) in this store, hashed, over one connection; null where missing.</summary>
    public Task<IReadOnlyList<NewestBackup?>> CopiesAsync(IReadOnlyList<StoredBackup?> wanted, CancellationToken ct = default) =>
        UseAsync<IReadOnlyList<NewestBackup?>>((c, root) => wanted.Select(w =>
        {
            var copy = w is null ? null : ListIn(c, root, w.Component).FirstOrDefault(b => b.Name == w.Name);
            return copy is null ? null : new NewestBackup(Name, copy.Component, copy, Sha256(c, root, copy));
        }).ToList(), ct);

    private IReadOnlyList<StoredBackup> ListIn(SftpClient c, string root, string component)
    {
        var dir = $"{root}/{component}";
        if (!c.Exists(dir)) return [];
        var files = c.ListDirectory(dir).Where(f => f.IsRegularFile).ToList();
        var sums = files.Where(f => f.Name.EndsWith(".sha256", StringComparison.Ordinal))
            .ToDictionary(f => f.Name[..^".sha256".Length], f => f.FullName);
        var list = files.Where(f => !f.Name.EndsWith(".sha256", StringComparison.Ordinal) && !f.Name.EndsWith(".part", StringComparison.Ordinal))
            .Select(f => new StoredBackup(options.Key, component, f.Name, f.Length, new DateTimeOffset(f.LastWriteTimeUtc, TimeSpan.Zero),
                sums.TryGetValue(f.Name, out var s) ? Sha256Line(c.ReadAllText(s)) : null))
            .OrderBy(b => b.Modified).ThenBy(b => b.Name, StringComparer.Ordinal).ToList();
        evidence.Note($"SFTP {Name}: {component}/ holds {list.Count} backup(s){(list.Count > 0 ? $", newest {list[^1]}" : "")}");
        return list;
    }

    private static string Sha256(SftpClient c, string root, StoredBackup b)
    {
        using var s = c.OpenRead($"{root}/{b.Component}/{b.Name}");
        return Convert.ToHexStringLower(SHA256.HashData(s));
    }

    /// <summary>The SHA-256 of a stored backup, computed while reading it.</summary>
    public Task<string> Sha256Async(StoredBackup b, CancellationToken ct = default) => UseAsync((c, root) => Sha256(c, root, b), ct);

    /// <summary>The bytes of a stored backup.</summary>
    public Task<byte[]> ReadAsync(StoredBackup b, CancellationToken ct = default) => UseAsync((c, root) => c.ReadAllBytes($"{root}/{b.Component}/{b.Name}"), ct);

    /// <summary>Writes a canary object, reads it back and deletes it; returns what happened, step by step.</summary>
    public Task<CanaryRoundTrip> CanaryRoundTripAsync(string runId, CancellationToken ct = default) => UseAsync((c, root) =>
    {
        var name = $"{root}/acceptance-canary-{runId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        var content = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        string? wrote = null, read = null, deleted = null;
        try { c.WriteAllText(name, content); wrote = "ok"; }
        catch (SshException e) { wrote = e.Message; }
        if (wrote == "ok")
        {
            try { read = c.ReadAllText(name) == content ? "ok" : "read back different bytes"; }
            catch (SshException e) { read = e.Message; }
            try { c.DeleteFile(name); deleted = c.Exists(name) ? "still there after delete" : "ok"; }
            catch (SshException e) { deleted = e.Message; }
        }
        return new CanaryRoundTrip(Name, name, wrote, read, deleted);
    }, ct);

    /// <summary>The hex digest of a sha256sum line ("HEX  NAME").</summary>
    public static string? Sha256Line(string text) => Sha256Hex().Match(text) is { Success: true } m ? m.Value.ToLowerInvariant() : null;

    [GeneratedRegex("^[0-9a-fA-F]{64}")]
    private static partial Regex Sha256Hex();
}

/// <summary>A canary object's write, read-back and delete on a store ("ok" or what went wrong; null: not attempted).</summary>
public sealed record CanaryRoundTrip(string Store, string Object, string? Write, string? Read, string? Delete)
{
    /// <inheritdoc />
    public override string ToString() => $"{Store}: write {Write ?? "not attempted"}, read back {Read ?? "not attempted"}, delete {Delete ?? "not attempted"}";
}

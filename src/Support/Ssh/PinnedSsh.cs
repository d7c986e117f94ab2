using System.Net.Sockets;
using System.Text;
using Acceptance.Support.Outcomes;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Acceptance.Support.Ssh;

/// <summary>
/// A host as the suite reaches it over SSH: the name and port its key is listed under in <see cref="KnownHosts"/>, and,
/// when the TCP connection goes elsewhere (a port forwarded through a bastion), where to connect.
/// </summary>
public sealed record SshEndpoint(string Host, int Port, string KnownHosts)
{
    /// <summary>Where the TCP connection is opened when it is not <see cref="Host"/>:<see cref="Port"/>; null to connect directly.</summary>
    public (string Host, int Port)? ConnectTo { get; init; }
}

/// <summary>
/// The one place that builds the suite's SSH and SFTP connections (SSH.NET): a host is trusted only by its known_hosts entry
/// (an unknown or changed key is never accepted, not even for an unauthenticated probe), every connection has a deadline, and
/// a refusal is worded the same way whoever asked ("the host key (ssh-ed25519) is not listed for [host]:port in FILE").
/// </summary>
public static class PinnedSsh
{
    /// <summary>The connection parameters for <paramref name="user"/> on <paramref name="endpoint"/>.</summary>
    public static ConnectionInfo Info(SshEndpoint endpoint, string user, AuthenticationMethod auth, TimeSpan timeout) =>
        new(endpoint.ConnectTo?.Host ?? endpoint.Host, endpoint.ConnectTo?.Port ?? endpoint.Port, user, auth) { Timeout = timeout };

    /// <summary>A private key (PEM or OpenSSH text) for <see cref="PrivateKeyAuthenticationMethod"/>; dispose it after connecting.</summary>
    public static PrivateKeyFile Key(string text) => new(new MemoryStream(Encoding.UTF8.GetBytes(text)));

    /// <summary>Trusts only a host key <paramref name="endpoint"/>'s known_hosts lists; returns the refusal text, or null, through <paramref name="rejected"/>.</summary>
    public static void PinHostKey(BaseClient client, SshEndpoint endpoint, Action<string>? rejected = null) =>
        client.HostKeyReceived += (_, e) =>
        {
            e.CanTrust = SshFileReader.KnownHostsMatch(endpoint.KnownHosts, endpoint.Host, endpoint.Port, e.HostKeyName, e.HostKey);
            if (!e.CanTrust) rejected?.Invoke($"the host key ({e.HostKeyName}) is not listed for [{endpoint.Host}]:{endpoint.Port} in {endpoint.KnownHosts}");
        };

    /// <summary>
    /// Connects <paramref name="client"/> with its host key pinned. On failure the client is disposed and the run gets an
    /// environment problem "<paramref name="what"/>: reason" (the unlisted key when that was the reason).
    /// </summary>
    public static T Connect<T>(T client, SshEndpoint endpoint, string what) where T : BaseClient
    {
        string? refusal = null;
        PinHostKey(client, endpoint, r => refusal = r);
        try
        {
            client.Connect();
            return client;
        }
        catch (Exception e) when (e is SshException or SocketException or TimeoutException or ProxyException)
        {
            client.Dispose();
            throw new EnvironmentProblemException($"{what}: {refusal ?? e.Message}", e);
        }
    }
}

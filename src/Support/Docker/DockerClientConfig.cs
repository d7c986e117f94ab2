using System.Text;
using System.Text.Json;
using Acceptance.Support.Evidence;

namespace Acceptance.Support.Docker;

/// <summary>
/// A docker client configuration (config.json, as <c>docker login</c> writes it): the registries it holds a login for
/// (<c>auths</c>), the credential helpers (<c>credHelpers</c>) and the credential store (<c>credsStore</c>). Passwords are
/// registered as secrets the moment they are read, so no report can show them.
/// </summary>
/// <param name="Path">The file read.</param>
/// <param name="Auths">Registry host → (user, password) decoded from <c>auth</c> or username/password; null when the entry has neither (a login kept in a store).</param>
/// <param name="Helpers">Registries with a credential helper.</param>
/// <param name="Store">The credential store for every registry (credsStore), or null.</param>
public sealed record DockerClientConfig(string Path, IReadOnlyDictionary<string, (string User, string Password)?> Auths, IReadOnlyList<string> Helpers, string? Store)
{
    /// <summary>Reads config.json text.</summary>
    public static DockerClientConfig Parse(string path, string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var auths = new Dictionary<string, (string, string)?>(StringComparer.OrdinalIgnoreCase);
        if (root.TryGetProperty("auths", out var a) && a.ValueKind == JsonValueKind.Object)
            foreach (var entry in a.EnumerateObject())
                auths[HostOf(entry.Name)] = Credentials(entry.Value);
        var helpers = root.TryGetProperty("credHelpers", out var h) && h.ValueKind == JsonValueKind.Object
            ? h.EnumerateObject().Select(p => HostOf(p.Name)).ToList() : [];
        var store = root.TryGetProperty("credsStore", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        return new DockerClientConfig(path, auths, helpers, store);
    }

    /// <summary>True when the configuration has a way to log in to <paramref name="registry"/>, and how ("login in auths", "credential helper", "credsStore x").</summary>
    public string? HowAuthenticates(string registry)
    {
        var host = HostOf(registry);
        if (Auths.TryGetValue(host, out var login)) return login is null ? "an auths entry kept in a credential store" : $"a login for user {login.Value.User} in {System.IO.Path.GetFileName(Path)}";
        if (Helpers.Contains(host, StringComparer.OrdinalIgnoreCase)) return "a credential helper (credHelpers)";
        return Store is { Length: > 0 } ? $"the credential store {Store} (credsStore)" : null;
    }

    private static (string, string)? Credentials(JsonElement entry)
    {
        if (entry.TryGetProperty("auth", out var auth) && auth.GetString() is { Length: > 0 } b64)
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(b64));
            var i = text.IndexOf(':');
            if (i > 0)
            {
                SecretRegistry.Register(b64);
                SecretRegistry.RegisterBasic(text[..i], text[(i + 1)..]);
                return (text[..i], text[(i + 1)..]);
            }
        }
        if (entry.TryGetProperty("username", out var u) && entry.TryGetProperty("password", out var p) && u.GetString() is { } user && p.GetString() is { } password)
        {
            SecretRegistry.RegisterBasic(user, password);
            return (user, password);
        }
        return null;
    }

    /// <summary>
    /// The registry a key or image registry names, as image references name it (<see cref="ImageReference.NormalizeRegistry"/>):
    /// "https://index.docker.io/v1/", the key docker login writes for Docker Hub, is "docker.io", the registry of "nginx:1.25".
    /// </summary>
    public static string HostOf(string key) => ImageReference.NormalizeRegistry(key);
}

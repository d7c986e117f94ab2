namespace StandIns.Consul;

/// <summary>A resolved Consul ACL identity: management, the suite's everyday token, anonymous, or "ACLs disabled".</summary>
public sealed class ConsulPrincipal
{
    public const string AnonymousAccessor = "00000000-0000-0000-0000-000000000002";
    public required string AccessorID { get; init; }
    public required string SecretID { get; init; }
    public required string Description { get; init; }
    public required (string ID, string Name)[] Policies { get; init; }
    public bool IsManagement { get; init; }
    public bool IsAnonymous { get; init; }
    public bool AclsDisabled { get; init; }
    public DateTimeOffset CreateTime { get; init; } = DateTimeOffset.UtcNow;
    /// <summary>Everyday token: read of operator/agent/node/service/key + key write under acceptance/.</summary>
    public bool IsEveryday { get; init; }

    public bool Can(string kind, string name, bool write)
    {
        if (AclsDisabled || IsManagement) return true;
        if (IsAnonymous) return false;
        if (!IsEveryday) return false;
        if (kind == "acl") return false;
        if (!write) return kind is "operator" or "agent" or "node" or "service" or "key" or "keyring" or "query";
        return kind == "key" && (name.StartsWith("acceptance/", StringComparison.Ordinal) || name == "acceptance");
    }

    public string Denied(string kind, string name, bool write)
    {
        var perm = $"{kind}:{(write ? "write" : "read")}";
        var on = kind is "operator" or "acl" or "keyring" ? "" : $" on \"{name}\"";
        return IsAnonymous
            ? $"Permission denied: anonymous token lacks permission '{perm}'{on}. The anonymous token is used implicitly when a request does not specify a token."
            : $"Permission denied: token with AccessorID '{AccessorID}' lacks permission '{perm}'{on}";
    }
}

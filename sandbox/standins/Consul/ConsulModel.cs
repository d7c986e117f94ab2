namespace StandIns.Consul;

public sealed record ConsulNode(string ID, string Name, string Address, bool Server, int SerfPort, int RpcPort, Dictionary<string, string> Meta);

public sealed class ConsulServiceInstance
{
    public required string ID { get; init; }
    public required string Name { get; init; }
    public required string NodeName { get; init; }
    public required string Address { get; init; }
    public required int Port { get; init; }
    public string[] Tags { get; init; } = [];
    public Dictionary<string, string> Meta { get; init; } = new();
    public long CreateIndex { get; init; }
}

public sealed class ConsulCheck
{
    private readonly object _lock = new();
    public required string Node { get; init; }
    public required string CheckID { get; init; }
    public required string Name { get; init; }
    public string ServiceID { get; init; } = "";
    public string ServiceName { get; init; } = "";
    public string[] ServiceTags { get; init; } = [];
    public string Type { get; init; } = "";
    public string Interval { get; init; } = "";
    public string Timeout { get; init; } = "";
    public CheckTarget? Target { get; init; }
    public long CreateIndex { get; init; }
    public long ModifyIndex { get; private set; }
    public string Status { get; private set; } = "critical";
    public string Output { get; private set; } = "";
    internal Func<long>? NextIndex { get; init; }

    public ConsulCheck WithInitial(string status, string output) { Status = status; Output = output; ModifyIndex = CreateIndex; return this; }

    /// <summary>Returns true when the status changed.</summary>
    public bool Update(string status, string output)
    {
        lock (_lock)
        {
            var changed = status != Status;
            Output = output;
            if (changed) { Status = status; ModifyIndex = NextIndex?.Invoke() ?? ModifyIndex + 1; }
            return changed;
        }
    }
}

public sealed class KvEntry
{
    public required string Key { get; init; }
    public byte[] Value { get; set; } = [];
    public long Flags { get; set; }
    public long CreateIndex { get; init; }
    public long ModifyIndex { get; set; }
    public long LockIndex { get; set; }
}

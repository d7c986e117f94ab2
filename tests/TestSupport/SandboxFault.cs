using CliWrap;
using CliWrap.Buffered;

namespace Acceptance.TestSupport;

/// <summary>
/// Turns a sandbox fault switch on (sandbox/fault on NAME) and off again when disposed, so a test
/// can prove that a check FAILS on its fault and passes once the fault is gone.
/// <code>await using var fault = await SandboxFault.OnAsync("consul.no-leader");</code>
/// </summary>
public sealed class SandboxFault : IAsyncDisposable
{
    private readonly string _name;
    private int _disposed;

    private SandboxFault(string name) => _name = name;

    /// <summary>Turns the fault on; throws with the script's output when it refuses.</summary>
    public static async Task<SandboxFault> OnAsync(string name, CancellationToken ct = default)
    {
        await RunAsync("on", name, ct);
        return new SandboxFault(name);
    }

    /// <summary>Turns the fault on with its argument (e.g. the node of nomad.node-down).</summary>
    public static async Task<SandboxFault> OnAsync(string name, string argument, CancellationToken ct = default)
    {
        await RunAsync("on", name + "\0" + argument, ct);
        return new SandboxFault(name);
    }

    /// <summary>Turns every fault off (sandbox/fault reset).</summary>
    public static Task ResetAsync(CancellationToken ct = default) => RunAsync("reset", null, ct);

    /// <summary>Turns the fault off (idempotent).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await RunAsync("off", _name, CancellationToken.None);
    }

    private static async Task RunAsync(string verb, string? name, CancellationToken ct)
    {
        var args = name is null ? new[] { verb } : new[] { verb }.Concat(name.Split('\0')).ToArray();
        var result = await Cli.Wrap(Path.Combine(Repository.Root, "sandbox", "fault"))
            .WithArguments(args)
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(ct);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"sandbox/fault {string.Join(' ', args)} exited {result.ExitCode}: {result.StandardOutput}{result.StandardError}");
    }

    /// <inheritdoc />
    public override string ToString() => $"fault {_name}";
}

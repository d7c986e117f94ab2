using System.Diagnostics;
using Acceptance.Support.Checks;
using Acceptance.Support.Evidence;
using Acceptance.Support.Outcomes;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Acceptance.Support.Polling;

/// <summary>What one attempt of a poll saw.</summary>
/// <param name="Done">True when the condition holds.</param>
/// <param name="Value">The value observed.</param>
/// <param name="State">A short description of the state, logged for every attempt.</param>
public readonly record struct PollCheck<T>(bool Done, T Value, string State)
{
    /// <summary>The condition holds.</summary>
    public static PollCheck<T> Satisfied(T value, string state) => new(true, value, state);

    /// <summary>Not yet: try again after the interval.</summary>
    public static PollCheck<T> NotYet(T value, string state) => new(false, value, state);
}

/// <summary>How a poll ended.</summary>
public sealed record PollResult<T>(string Description, bool Converged, T? Value, int Attempts, TimeSpan Elapsed,
    string LastState, TimeSpan Timeout)
{
    /// <summary>Why the poll stopped before its deadline (a terminal state), or null.</summary>
    public string? StoppedBecause { get; init; }

    /// <summary>How the poll ended, without the state ("converged after 2.1 s (3 attempt(s))").</summary>
    public string Ending => Converged
        ? $"converged after {Elapsed.TotalSeconds:F1} s ({Attempts} attempt(s))"
        : StoppedBecause is not null
            ? $"stopped at once after {Elapsed.TotalSeconds:F1} s ({Attempts} attempt(s)): terminal state, waiting cannot help: {StoppedBecause}"
            : $"not reached within {Timeout.TotalSeconds:F0} s ({Attempts} attempt(s))";

    /// <summary>A sentence for messages and evidence.</summary>
    public override string ToString() => Converged
        ? $"{Description}: {Ending}: {LastState}"
        : $"{Description}: {Ending}; last state: {LastState}";
}

/// <summary>
/// Stops a poll at once: the state is terminal (a failed allocation, a critical check) and waiting
/// longer cannot help.
/// </summary>
public sealed class StopPollingException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A poll that had to succeed did not converge in time.</summary>
public sealed class PollTimeoutException(string message) : Exception(message);

/// <summary>
/// Waits for an eventually-consistent condition with a deadline, recording every attempt (number,
/// time, observed state) in the evidence and saying how long convergence took. Environment problems
/// (connection refused, TLS failure) stop the poll at once: an unreachable target is reported within
/// seconds, not after the deadline.
/// </summary>
public static class Poll
{
    /// <summary>Polls until the check is satisfied or the deadline passes; never throws on timeout.</summary>
    public static async Task<PollResult<T>> TryUntilAsync<T>(string description, TimeSpan timeout, TimeSpan interval,
        Func<CancellationToken, Task<PollCheck<T>>> check, EvidenceLog? evidence = null, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        var attempts = 0;
        PollCheck<T> last = default;
        var pipeline = new ResiliencePipelineBuilder<PollCheck<T>>()
            .AddTimeout(new TimeoutStrategyOptions { Timeout = timeout })
            .AddRetry(new RetryStrategyOptions<PollCheck<T>>
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is null && !args.Outcome.Result.Done),
                MaxRetryAttempts = int.MaxValue,
                Delay = interval,
                BackoffType = DelayBackoffType.Constant,
                UseJitter = false,
            })
            .Build();

        try
        {
            last = await pipeline.ExecuteAsync(async token =>
            {
                attempts++;
                var result = await check(token);
                evidence?.Note($"[{description}] attempt {attempts} at +{sw.Elapsed.TotalSeconds:F1} s: {result.State}");
                last = result;
                return result;
            }, ct);
        }
        catch (TimeoutRejectedException)
        {
            // deadline passed: `last` holds the last observation
        }
        catch (StopPollingException stop)
        {
            var stopped = new PollResult<T>(description, false, last.Value, attempts, sw.Elapsed, last.State ?? stop.Message, timeout)
                { StoppedBecause = stop.Message };
            evidence?.Note(stopped.ToString());
            return stopped;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // the check itself was cancelled by the deadline
        }

        var outcome = new PollResult<T>(description, last.Done, last.Value, attempts, sw.Elapsed,
            last.State ?? "no attempt completed", timeout);
        evidence?.Note(outcome.ToString());
        return outcome;
    }

    /// <summary>
    /// Reads facts with <paramref name="read"/> and judges them with <paramref name="judge"/> until the verdict holds,
    /// the verdict is terminal (<see cref="Verdict.IsTerminal"/>: it stops at once and says so) or the deadline passes.
    /// Every attempt is recorded; the last verdict is returned with how the poll ended in <see cref="Verdict.Convergence"/>.
    /// An environment problem (unreachable, refused) is thrown at once.
    /// </summary>
    public static async Task<Verdict> UntilHoldsAsync<T>(string description, TimeSpan timeout, TimeSpan interval,
        Func<CancellationToken, Task<T>> read, Func<T, Verdict> judge, EvidenceLog? evidence = null, CancellationToken ct = default)
    {
        Verdict? last = null;
        var result = await TryUntilAsync(description, timeout, interval, async token =>
        {
            var verdict = judge(await read(token));
            last = verdict;
            var state = verdict.Holds ? verdict.Observed : string.Join("; ", verdict.Shortfalls);
            if (!verdict.Holds && verdict.IsTerminal) throw new StopPollingException(state);
            return verdict.Holds ? PollCheck<Verdict>.Satisfied(verdict, state) : PollCheck<Verdict>.NotYet(verdict, state);
        }, evidence, ct);
        return last is null
            ? throw new EnvironmentProblemException($"{description}: no answer within {timeout.TotalSeconds:F0} s (thresholds.poll_timeout_seconds)")
            : last with { Convergence = result.Ending };
    }

    /// <summary>Polls until satisfied; throws <see cref="PollTimeoutException"/> with the last state otherwise.</summary>
    public static async Task<T> UntilAsync<T>(string description, TimeSpan timeout, TimeSpan interval,
        Func<CancellationToken, Task<PollCheck<T>>> check, EvidenceLog? evidence = null, CancellationToken ct = default)
    {
        var result = await TryUntilAsync(description, timeout, interval, check, evidence, ct);
        if (result.StoppedBecause is not null) throw new StopPollingException(result.ToString());
        return result.Converged ? result.Value! : throw new PollTimeoutException(result.ToString());
    }
}

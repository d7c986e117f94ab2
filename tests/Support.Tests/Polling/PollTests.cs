using Acceptance.Support.Checks;
using System.Diagnostics;
using System.Text;
using Acceptance.Support.Evidence;
using Acceptance.Support.Outcomes;
using Acceptance.Support.Polling;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Polling;

public sealed class PollTests
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(10);

    [Test]
    public async Task Converges_and_reports_attempts_and_elapsed()
    {
        var evidence = new EvidenceLog();
        var n = 0;

        var result = await Poll.TryUntilAsync("leader elected", TimeSpan.FromSeconds(20), Short, _ =>
        {
            n++;
            return Task.FromResult(n < 3 ? PollCheck<int>.NotYet(n, $"no leader ({n})") : PollCheck<int>.Satisfied(n, "leader node-1"));
        }, evidence);

        result.Converged.Should().BeTrue();
        result.Value.Should().Be(3);
        result.Attempts.Should().Be(3);
        result.LastState.Should().Be("leader node-1");
        result.Elapsed.Should().BePositive().And.BeLessThan(TimeSpan.FromSeconds(20));
        result.ToString().Should().Contain("converged after").And.Contain("3 attempt(s)");

        var notes = Encoding.UTF8.GetString(evidence.Drain().Single().Content).Split('\n');
        notes.Should().HaveCount(4, "one note per attempt plus the outcome");
        notes[0].Should().StartWith("[leader elected] attempt 1 at +").And.EndWith("no leader (1)");
        notes[3].Should().Be(result.ToString());
    }

    [Test]
    public async Task Times_out_with_the_last_state()
    {
        var n = 0;
        var sw = Stopwatch.StartNew();

        var result = await Poll.TryUntilAsync("targets up", TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(50),
            _ => Task.FromResult(PollCheck<int>.NotYet(++n, $"{n} of 3 up")));

        sw.Stop();
        result.Converged.Should().BeFalse();
        result.Attempts.Should().BeGreaterThan(1).And.Be(n);
        result.LastState.Should().Be($"{n} of 3 up");
        result.Value.Should().Be(n);
        result.ToString().Should().Contain("not reached within").And.Contain($"last state: {n} of 3 up");
        sw.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(350));
    }

    [Test]
    public async Task UntilAsync_throws_PollTimeoutException_with_the_last_state()
    {
        var act = () => Poll.UntilAsync("alert fired", TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(40),
            _ => Task.FromResult(PollCheck<string>.NotYet("pending", "state=pending")));

        (await act.Should().ThrowAsync<PollTimeoutException>()).Which.Message.Should().Contain("alert fired").And.Contain("state=pending");
        (await Poll.UntilAsync("ok", TimeSpan.FromSeconds(5), Short, _ => Task.FromResult(PollCheck<string>.Satisfied("v", "s")))).Should().Be("v");
    }

    [Test]
    public async Task A_check_that_never_completes_is_cut_by_the_deadline()
    {
        var result = await Poll.TryUntilAsync("hangs", TimeSpan.FromMilliseconds(300), Short, async ct =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return PollCheck<int>.Satisfied(1, "never");
        });

        result.Converged.Should().BeFalse();
        result.LastState.Should().Be("no attempt completed");
    }

    [Test]
    public async Task An_environment_problem_stops_the_poll_at_once_and_propagates()
    {
        var n = 0;
        var sw = Stopwatch.StartNew();

        var act = () => Poll.TryUntilAsync("leader", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100), _ =>
            ++n < 3 ? Task.FromResult(PollCheck<int>.NotYet(n, "not yet"))
                    : throw new EnvironmentProblemException("Consul GET http://127.0.0.1:1/v1/status/leader: connection refused"));

        (await act.Should().ThrowAsync<EnvironmentProblemException>()).Which.Message.Should().Contain("connection refused");
        sw.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5), "an unreachable target is reported within seconds, not after the 30 s deadline");
        n.Should().Be(3, "no attempt after the exception");
    }

    [Test]
    public async Task StopPollingException_stops_at_once()
    {
        var n = 0;
        var sw = Stopwatch.StartNew();

        var act = () => Poll.UntilAsync<int>("allocation running", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100), _ =>
        {
            n++;
            throw new StopPollingException("allocation failed: exit code 1");
        });

        (await act.Should().ThrowAsync<StopPollingException>()).Which.Message.Should().Contain("allocation failed: exit code 1").And.Contain("stopped at once");
        sw.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
        n.Should().Be(1);
    }

    [Test]
    public async Task A_terminal_verdict_stops_the_poll_at_once_and_says_so()
    {
        var n = 0;
        var sw = Stopwatch.StartNew();

        var verdict = await Poll.UntilHoldsAsync("token accepted", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100),
            _ => Task.FromResult(++n), _ => new Verdict("r", "e", "403", ["refused"]) { IsTerminal = true });

        sw.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5), "a terminal state costs seconds, not the deadline");
        n.Should().Be(1);
        verdict.Holds.Should().BeFalse();
        verdict.Convergence.Should().Contain("stopped at once").And.Contain("refused");
    }

    [Test]
    public async Task A_verdict_that_comes_to_hold_is_returned_with_how_long_it_took()
    {
        var n = 0;
        var verdict = await Poll.UntilHoldsAsync("settles", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(20),
            _ => Task.FromResult(++n), i => Verdict.When(i >= 3, "r", "3 reads", $"read {i}", "not yet"));

        verdict.Holds.Should().BeTrue();
        n.Should().Be(3);
        verdict.Convergence.Should().Contain("converged").And.Contain("3 attempt(s)");
    }

    [Test]
    public async Task A_verdict_that_never_holds_ends_at_the_deadline_with_the_last_observation()
    {
        var verdict = await Poll.UntilHoldsAsync("never", TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(50),
            _ => Task.FromResult(1), _ => Verdict.When(false, "r", "e", "still down", "down"));

        verdict.Holds.Should().BeFalse();
        verdict.Observed.Should().Be("still down");
        verdict.Convergence.Should().Contain("not reached within");
    }

    [Test]
    public async Task Cancellation_by_the_caller_propagates()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var act = () => Poll.TryUntilAsync("x", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(50),
            _ => Task.FromResult(PollCheck<int>.NotYet(0, "no")), ct: cts.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
    }
}

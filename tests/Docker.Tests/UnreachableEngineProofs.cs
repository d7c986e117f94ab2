using System.Diagnostics;
using Acceptance.Support.Docker;
using Acceptance.Support.Outcomes;
using FluentAssertions;

namespace Acceptance.Docker.Tests;

/// <summary>
/// An engine that is not there: the probe ends within seconds with one <see cref="EnvironmentProblemException"/>
/// whose one-line reason names the engine (BROKEN, never a hang, never a raw stack trace). Needs no sandbox.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class UnreachableEngineProofs
{
    [TestCase("unix:///nonexistent.sock")]
    [TestCase("unix:///tmp/acceptance-docker-tests-no-engine/docker.sock")]
    public async Task Missing_engine_socket_is_a_one_line_environment_problem_within_seconds(string address)
    {
        DockerEngineClient.Reset(); // the "unreachable" memory of an earlier call must not answer for this one
        var (probe, engine) = ProbeOf(address);
        var watch = Stopwatch.StartNew();
        using (engine)
        {
            var act = () => probe.ContainersAsync();
            var e = (await act.Should().ThrowAsync<EnvironmentProblemException>()).Which;
            watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), because: "a missing socket is known at once, not after a deadline");
            e.Message.Should().StartWith($"Docker engine at {address}: ").And.NotContain("\n").And.NotContain("   at ");
            e.Message.Should().ContainAny("no engine socket", "connection refused");
        }

        // And the engine that is there answers through the same probe (when this machine has the sandbox's engine).
        if (SandboxEngine.Unavailable is null)
        {
            var (live, liveEngine) = ProbeOf(SandboxEngine.Address!);
            using (liveEngine) (await live.ContainersAsync()).Should().NotBeNull();
        }
    }

    private static (DockerProbe, DockerEngineClient) ProbeOf(string address)
    {
        var docker = new DockerOptions { Key = "docker", Address = address, ComposeProject = SandboxEngine.UniqueProject("unreachable") };
        var evidence = new Acceptance.Support.Evidence.EvidenceLog();
        var engine = new DockerEngineClient(docker, evidence, TimeSpan.FromSeconds(30));
        return (new DockerProbe(SandboxEngine.Target(null, docker), engine, null, evidence), engine);
    }
}

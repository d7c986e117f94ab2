using NUnit.Framework;

namespace StandIns.Tests.Support;

/// <summary>A Nomad stand-in started once per fixture, with the suite's everyday token; stopped at the end.</summary>
public abstract class NomadStandInFixture
{
    /// <summary>The stand-in.</summary>
    protected StandInUnderTest _n = null!;

    /// <summary>The everyday token (nomad.token).</summary>
    protected string _t = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _n = await StandInUnderTest.StartAsync("nomad");
        _t = _n.Secret("nomad.token");
    }

    [OneTimeTearDown]
    public async Task Stop() => await _n.DisposeAsync();
}

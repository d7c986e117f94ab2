using Acceptance.Support.Docker;
using Acceptance.Support.Http;
using NUnit.Framework;
using NUnit.Framework.Interfaces;

[assembly: Acceptance.Support.Tests.FreshCircuits]

namespace Acceptance.Support.Tests;

/// <summary>
/// Every test starts with no remembered unreachable address: the run-wide circuits (ServiceCircuit, the Docker engine's)
/// exist for the suite's runs; in these tests a fixture server may get a port that an earlier test found closed.
/// The tests of this assembly run one at a time, so a reset never cuts into another test.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class FreshCircuitsAttribute : Attribute, ITestAction
{
    /// <inheritdoc />
    public ActionTargets Targets => ActionTargets.Test;

    /// <inheritdoc />
    public void BeforeTest(ITest test)
    {
        ServiceCircuit.Reset();
        DockerEngineClient.Reset();
    }

    /// <inheritdoc />
    public void AfterTest(ITest test) { }
}

using NUnit.Framework;
using Reqnroll;
using Reqnroll.Plugins;
using Reqnroll.Tracing;
using Reqnroll.UnitTestProvider;

namespace Acceptance.ReqnrollNUnit;

/// <summary>
/// Reqnroll runtime plugin that makes the "nunit" unit-test provider resolvable and routes step trace to the
/// current NUnit test's output. Register in the test assembly:
/// <c>[assembly: Reqnroll.Plugins.RuntimePlugin(typeof(Acceptance.ReqnrollNUnit.NUnitRuntimePlugin))]</c>.
/// RuntimePluginAttribute allows one per assembly: to add more plugins, derive and call base.Initialize.
/// </summary>
public class NUnitRuntimePlugin : IRuntimePlugin
{
    public virtual void Initialize(RuntimePluginEvents runtimePluginEvents, RuntimePluginParameters runtimePluginParameters,
        UnitTestProviderConfiguration unitTestProviderConfiguration)
    {
        runtimePluginEvents.RegisterGlobalDependencies += (_, e) =>
            e.ObjectContainer.RegisterTypeAs<NUnitRuntimeProvider, IUnitTestRuntimeProvider>("nunit");
        runtimePluginEvents.CustomizeTestThreadDependencies += (_, e) =>
            e.ObjectContainer.RegisterTypeAs<NUnitTraceListener, ITraceListener>();
        unitTestProviderConfiguration.UseUnitTestProvider("nunit");
    }
}

/// <summary>Pending/inconclusive become NUnit Inconclusive, ignore becomes NUnit Ignore (the bridge then turns
/// pending and undefined steps into failures with the step and its file:line).</summary>
public sealed class NUnitRuntimeProvider : IUnitTestRuntimeProvider
{
    public void TestPending(string message) => Assert.Inconclusive(message);
    public void TestInconclusive(string message) => Assert.Inconclusive(message);
    public void TestIgnore(string message) => Assert.Ignore(message);

    public ScenarioExecutionStatus? DetectExecutionStatus(Exception exception) => exception switch
    {
        InconclusiveException or IgnoreException => ScenarioExecutionStatus.Skipped,
        _ when SkipWhen?.Invoke(exception) == true => ScenarioExecutionStatus.Skipped,
        _ => null,
    };

    /// <summary>
    /// Exceptions (besides NUnit's Ignore) that mean "this scenario cannot be checked here": the test is reported
    /// Skipped with the exception's message instead of failed. Set once by the consuming assembly's plugin.
    /// </summary>
    public static Func<Exception, bool>? SkipWhen { get; set; }

    /// <summary>True when <paramref name="exception"/> or one of its inner exceptions asks for a skip.</summary>
    public static bool IsSkip(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
            if (e is IgnoreException || SkipWhen?.Invoke(e) == true) return true;
        return false;
    }
}

/// <summary>Writes Reqnroll's step trace to the output of the NUnit test running on this thread (safe in parallel runs).</summary>
public sealed class NUnitTraceListener : ITraceListener
{
    public void WriteTestOutput(string message) => TestContext.Out.WriteLine(message);
    public void WriteToolOutput(string message) => TestContext.Out.WriteLine("-> " + message);
}

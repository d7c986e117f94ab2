using Reqnroll;
using Reqnroll.Events;
using Reqnroll.Plugins;
using Reqnroll.UnitTestProvider;

namespace Acceptance.ReqnrollNUnit.Tests.Bindings;

/// <summary>
/// The bridge plugin plus a probe that listens to Reqnroll's execution events the way an evidence/Allure writer
/// plugin would (only one [assembly: RuntimePlugin] is allowed, so extra plugins go through a subclass).
/// </summary>
public sealed class EventProbePlugin : NUnitRuntimePlugin
{
    public override void Initialize(RuntimePluginEvents runtimePluginEvents, RuntimePluginParameters runtimePluginParameters,
        UnitTestProviderConfiguration unitTestProviderConfiguration)
    {
        base.Initialize(runtimePluginEvents, runtimePluginParameters, unitTestProviderConfiguration);
        runtimePluginEvents.CustomizeTestThreadDependencies += (_, e) =>
            e.ObjectContainer.Resolve<ITestThreadExecutionEventPublisher>().AddListener(new Probe());
    }

    private sealed class Probe : IExecutionEventListener
    {
        public void OnEvent(IExecutionEvent executionEvent)
        {
            switch (executionEvent)
            {
                case ScenarioStartedEvent e:
                    Recorder.Add("Event", e.FeatureContext.FeatureInfo.Title, e.ScenarioContext.ScenarioInfo.Title,
                        $"ScenarioStarted|{((ScenarioContext)e.ScenarioContext).GetValueOrDefault(ScenarioContextKeys.FeatureFile)}");
                    break;
                case StepStartedEvent e:
                    Recorder.Add("Event", e.FeatureContext.FeatureInfo.Title, e.ScenarioContext.ScenarioInfo.Title, $"StepStarted|{e.StepContext.StepInfo.Text}");
                    break;
                case StepFinishedEvent e:
                    Recorder.Add("Event", e.FeatureContext.FeatureInfo.Title, e.ScenarioContext.ScenarioInfo.Title, $"StepFinished|{e.StepContext.StepInfo.Text}");
                    break;
                case ScenarioFinishedEvent e:
                    Recorder.Add("Event", e.FeatureContext.FeatureInfo.Title, e.ScenarioContext.ScenarioInfo.Title,
                        $"ScenarioFinished|{e.ScenarioContext.ScenarioExecutionStatus}");
                    break;
            }
        }
    }
}

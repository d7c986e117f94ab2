using System.Reflection;
using Acceptance.Support.Evidence;
using Acceptance.Support.Outcomes;
using Reqnroll.Bindings;
using Reqnroll.Configuration;
using Reqnroll.EnvironmentAccess;
using Reqnroll.ErrorHandling;
using Reqnroll.Infrastructure;
using Reqnroll.Tracing;

namespace Acceptance.StepDefinitions.Infrastructure;

/// <summary>
/// Every binding runs through here: when reading an answer fails because it does not have the shape the suite reads
/// (a missing field, a list where an object was expected), the step ends BROKEN naming the exchange that carried the
/// answer (<see cref="AnswerShape"/>), instead of a bare .NET message without the URL. One place, for every client.
/// </summary>
public sealed class AnswerShapeBindingInvoker(ReqnrollConfiguration configuration, IErrorProvider errorProvider,
    IBindingDelegateInvoker delegateInvoker, IEnvironmentOptions environmentOptions)
    : BindingInvoker(configuration, errorProvider, delegateInvoker, environmentOptions)
{
    /// <inheritdoc />
    public override async Task<object> InvokeBindingAsync(IBinding binding, IContextManager contextManager, object[] arguments,
        ITestTracer testTracer, DurationHolder durationHolder)
    {
        try
        {
            return await base.InvokeBindingAsync(binding, contextManager, arguments, testTracer, durationHolder);
        }
        catch (Exception e) when (Unwrap(e) is var inner && AnswerShape.Explain(inner, LastExchange(contextManager)) is { } broken)
        {
            throw broken;
        }
    }

    private static Exception Unwrap(Exception e) => e is TargetInvocationException { InnerException: { } inner } ? inner : e;

    private static string? LastExchange(IContextManager contextManager)
    {
        try { return contextManager.ScenarioContext?.ScenarioContainer.Resolve<EvidenceLog>().LastExchange; }
        catch (Exception) { return null; }
    }
}

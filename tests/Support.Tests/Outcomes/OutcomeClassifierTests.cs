using Acceptance.Support.Configuration;
using Acceptance.Support.Outcomes;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Outcomes;

public sealed class OutcomeClassifierTests
{
    private static Exception FluentFailure()
    {
        try { 1.Should().Be(2); }
        catch (Exception e) { return e; }
        throw new InvalidOperationException("FluentAssertions did not throw");
    }

    private static IEnumerable<TestCaseData> Cases()
    {
        yield return new TestCaseData(null, OutcomeKind.Passed).SetName("null → Passed");
        yield return new TestCaseData(new AssertionException("expected 3 servers"), OutcomeKind.Failed).SetName("NUnit AssertionException → Failed");
        yield return new TestCaseData(new EnvironmentProblemException("refused"), OutcomeKind.Broken).SetName("EnvironmentProblemException → Broken");
        yield return new TestCaseData(new HttpRequestException("refused"), OutcomeKind.Broken).SetName("HttpRequestException → Broken");
        yield return new TestCaseData(new TargetConfigurationException(["x"]), OutcomeKind.Broken).SetName("TargetConfigurationException → Broken");
        yield return new TestCaseData(new NullReferenceException(), OutcomeKind.Broken).SetName("suite defect → Broken");
        yield return new TestCaseData(new NotVerifiedException("no log endpoint"), OutcomeKind.Skipped).SetName("NotVerifiedException → Skipped");
        yield return new TestCaseData(new IgnoreException("@ignore"), OutcomeKind.Skipped).SetName("IgnoreException → Skipped");
        yield return new TestCaseData(new InconclusiveException("?"), OutcomeKind.Skipped).SetName("InconclusiveException → Skipped");
        yield return new TestCaseData(new InvalidOperationException("Step failed", new NotVerifiedException("r")), OutcomeKind.Skipped).SetName("wrapped NotVerified → Skipped");
        yield return new TestCaseData(new Exception("Step failed", new IgnoreException("r")), OutcomeKind.Skipped).SetName("wrapped Ignore → Skipped");
        yield return new TestCaseData(new Exception("Step failed", new AssertionException("a")), OutcomeKind.Failed).SetName("wrapped Assertion → Failed");
        yield return new TestCaseData(new AggregateException(new EnvironmentProblemException("x")), OutcomeKind.Broken).SetName("wrapped EnvironmentProblem → Broken");
    }

    [TestCaseSource(nameof(Cases))]
    public void Classify(Exception? error, OutcomeKind expected) => OutcomeClassifier.Classify(error).Should().Be(expected);

    [Test]
    public void A_FluentAssertions_failure_is_Failed_also_when_wrapped()
    {
        var failure = FluentFailure();
        OutcomeClassifier.Classify(failure).Should().Be(OutcomeKind.Failed);
        OutcomeClassifier.Classify(new System.Reflection.TargetInvocationException(failure)).Should().Be(OutcomeKind.Failed);
    }

    [Test]
    public void Describe_gives_the_not_verified_reason_else_the_message()
    {
        OutcomeClassifier.Describe(new Exception("outer", new NotVerifiedException("no grafana in the target"))).Should().Be("no grafana in the target");
        OutcomeClassifier.Describe(new EnvironmentProblemException("refused")).Should().Be("refused");
    }
}

using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Acceptance.Reporting.Checklist;
using Acceptance.ReqnrollNUnit;
using Acceptance.Support.Evidence;
using Acceptance.Support.Outcomes;
using Reqnroll;
using Reqnroll.Events;
using Reqnroll.Plugins;
using Reqnroll.UnitTestProvider;

namespace Acceptance.Reporting.Allure;

/// <summary>
/// Registers <see cref="AllureReqnrollListener"/> on every Reqnroll test thread. Add to the test
/// assembly with <c>[assembly: RuntimePlugin(typeof(AllureRuntimePlugin))]</c>.
/// </summary>
public sealed class AllureRuntimePlugin : IRuntimePlugin
{
    /// <inheritdoc />
    public void Initialize(RuntimePluginEvents runtimePluginEvents, RuntimePluginParameters runtimePluginParameters,
        UnitTestProviderConfiguration unitTestProviderConfiguration)
    {
        runtimePluginEvents.CustomizeTestThreadDependencies += (_, args) =>
            args.ObjectContainer.Resolve<ITestThreadExecutionEventPublisher>()
                .AddListener(new AllureReqnrollListener(AllureResultsWriter.Shared, ChecklistCatalog.Default));
    }
}

/// <summary>
/// Turns Reqnroll's execution events into Allure results: one result per scenario, one Allure
/// step per Gherkin step (duration, status, the evidence recorded during it), placed and titled by the
/// checklist (<see cref="ChecklistPlacement"/>: numbered phase, section and group; the line ids in the title), the
/// verdicts the steps recorded on top of the description, a tag per <c>@checklist:&lt;id&gt;</c>, severity from a tag,
/// and a stable fullName/testCaseId so history links across runs.
/// One instance per test thread: events of one thread arrive in order, so no locking is needed.
/// </summary>
public sealed class AllureReqnrollListener(AllureResultsWriter writer, ChecklistCatalog catalog) : IAsyncExecutionEventListener
{
    private static readonly HashSet<string> Severities = ["blocker", "critical", "normal", "minor", "trivial"];

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<AllureReqnrollListener, byte> Running = new();
    private readonly object _gate = new();
    private AllureResult? _result;
    private AllureStep? _step;
    private IScenarioContext? _scenario;
    private string[] _pickleSteps = [];
    private int _stepIndex;
    private bool _skippedByRuntime;
    private readonly List<RecordedVerdict> _verdicts = [];
    private IReadOnlyList<ChecklistItem> _lines = [];
    private string? _scenarioDescription;

    /// <inheritdoc />
    public Task OnEventAsync(IExecutionEvent executionEvent)
    {
        OnEvent(executionEvent);
        return Task.CompletedTask;
    }

    /// <summary>Handles one event (all the work is synchronous file writing).</summary>
    public void OnEvent(IExecutionEvent executionEvent)
    {
        lock (_gate) Handle(executionEvent);
    }

    /// <summary>
    /// The run was stopped by a signal: every scenario still running is written BROKEN with <paramref name="reason"/> (its
    /// evidence so far included), so the report shows what was cut short instead of losing it. Returns how many.
    /// </summary>
    public static int WriteInterrupted(string reason)
    {
        var n = 0;
        foreach (var listener in Running.Keys)
            lock (listener._gate)
                if (listener.Interrupt(reason)) n++;
        return n;
    }

    private bool Interrupt(string reason)
    {
        if (_result is null) return false;
        var details = new AllureStatusDetails(reason, null);
        if (_step is not null)
        {
            _step.Status = AllureStatus.Broken;
            _step.StatusDetails = details;
            _step.Stop = Now();
            _step.Stage = "finished";
            DrainEvidenceInto(_step.Attachments);
            _result.Steps.Add(_step);
            _step = null;
        }
        Complete(_result, AllureStatus.Broken, details);
        return true;
    }

    private void Handle(IExecutionEvent executionEvent)
    {
        switch (executionEvent)
        {
            case ScenarioStartedEvent e: StartScenario(e.FeatureContext, e.ScenarioContext); break;
            case StepStartedEvent e: StartStep(e.StepContext); break;
            case StepFinishedEvent e: FinishStep(e.StepContext); break;
            case StepSkippedEvent: SkipStep(); break;
            case ScenarioSkippedEvent: _skippedByRuntime = true; break;
            case ScenarioFinishedEvent e: FinishScenario(e.ScenarioContext); break;
        }
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private void StartScenario(IFeatureContext feature, IScenarioContext scenario)
    {
        _scenario = scenario;
        _stepIndex = 0;
        _skippedByRuntime = false;
        var dict = (IDictionary<string, object>)scenario;
        _pickleSteps = dict.TryGetValue(ScenarioContextKeys.Steps, out var s) && s is string[] steps ? steps : [];
        var featureFile = dict.TryGetValue(ScenarioContextKeys.FeatureFile, out var f) ? f as string : null;
        featureFile ??= string.IsNullOrEmpty(feature.FeatureInfo.FolderPath)
            ? feature.FeatureInfo.Title
            : $"{feature.FeatureInfo.FolderPath}/{feature.FeatureInfo.Title}";

        var info = scenario.ScenarioInfo;
        var arguments = new List<AllureParameter>();
        foreach (System.Collections.DictionaryEntry a in info.Arguments)
            arguments.Add(new AllureParameter(a.Key.ToString()!, a.Value?.ToString() ?? ""));
        var argText = arguments.Count == 0 ? "" : " [" + string.Join(", ", arguments.Select(a => $"{a.Name}={a.Value}")) + "]";
        var fullName = $"{featureFile}: {info.Title}{argText}";

        var tags = info.CombinedTags.Select(t => t.TrimStart('@')).Distinct().ToList();
        var items = ChecklistPlacement.InChecklistOrder(catalog, ChecklistCatalog.IdsFromTags(tags).Select(catalog.Find).OfType<ChecklistItem>());
        _lines = items;
        _verdicts.Clear();
        _scenarioDescription = info.Description;

        var labels = new List<AllureLabel>(ChecklistPlacement.Labels(catalog.Items, items, feature.FeatureInfo.Title));
        labels.Add(new AllureLabel(AllureLabelName.Suite, feature.FeatureInfo.Title));
        if (scenario.RuleInfo?.Title is { Length: > 0 } rule) labels.Add(new AllureLabel(AllureLabelName.SubSuite, rule));
        labels.AddRange(tags.Select(t => new AllureLabel(AllureLabelName.Tag, t)));
        labels.Add(new AllureLabel(AllureLabelName.Severity, tags.FirstOrDefault(Severities.Contains) ?? "normal"));
        labels.Add(new AllureLabel(AllureLabelName.Host, Environment.MachineName));
        labels.Add(new AllureLabel(AllureLabelName.Thread, $"{Environment.ProcessId}-{Environment.CurrentManagedThreadId}"));
        labels.Add(new AllureLabel(AllureLabelName.Framework, "reqnroll"));
        labels.Add(new AllureLabel(AllureLabelName.Language, "csharp"));
        labels.Add(new AllureLabel(AllureLabelName.Package, featureFile));

        Running.TryAdd(this, 0);
        _result = new AllureResult
        {
            Name = ChecklistPlacement.Title(items, info.Title + argText),
            FullName = fullName,
            TestCaseId = Md5(fullName),
            HistoryId = Md5(fullName),
            Status = AllureStatus.Unknown,
            Stage = "running",
            Start = Now(),
            Labels = labels,
            Parameters = arguments,
        };
    }

    private string NextStepName(StepInfo? info)
    {
        if (_stepIndex < _pickleSteps.Length)
        {
            var entry = _pickleSteps[_stepIndex];
            var bar = entry.LastIndexOf('|');
            return bar > 0 ? entry[..bar] : entry;
        }
        return info is null ? "(step)" : $"{info.StepDefinitionType} {info.Text}";
    }

    private void StartStep(IScenarioStepContext context)
    {
        if (_result is null) return;
        _step = new AllureStep { Name = NextStepName(context.StepInfo), Start = Now(), Stage = "running" };
        _stepIndex++;
        var info = context.StepInfo;
        if (info.MultilineText is { } doc)
            _step.Attachments.Add(writer.WriteAttachment(Text("doc string", doc)));
        if (info.Table is { } table)
            _step.Attachments.Add(writer.WriteAttachment(new EvidenceItem("data table", "text/csv",
                Encoding.UTF8.GetBytes(SecretRegistry.Redact(ToCsv(table))), "csv")));
    }

    private void FinishStep(IScenarioStepContext context)
    {
        if (_result is null || _step is null) return;
        _step.Stop = Now();
        _step.Stage = "finished";
        (_step.Status, _step.StatusDetails) = StepOutcome(context);
        DrainEvidenceInto(_step.Attachments);
        _result.Steps.Add(_step);
        _step = null;
    }

    private void SkipStep()
    {
        if (_result is null) return;
        var now = Now();
        _result.Steps.Add(new AllureStep { Name = NextStepName(null), Status = AllureStatus.Skipped, Start = now, Stop = now });
        _stepIndex++;
    }

    private void FinishScenario(IScenarioContext scenario)
    {
        if (_result is null || !ReferenceEquals(scenario, _scenario)) return;
        var (status, details) = ScenarioOutcome(scenario);
        Complete(_result, status, details);
    }

    /// <summary>
    /// Finishes the scenario's result: steps that never started (a hook failed, the runtime skipped them silently, the run
    /// was interrupted) are shown as skipped, the evidence left is attached, and the result is written.
    /// </summary>
    private void Complete(AllureResult result, string status, AllureStatusDetails? details)
    {
        while (_stepIndex < _pickleSteps.Length) SkipStep();
        DrainEvidenceInto(result.Attachments);
        result.Status = status;
        result.StatusDetails = details;
        // The evidence a reader needs first: outcome, then each verdict (rule, expected, observed), then the lines.
        result.Description = ChecklistPlacement.Description(_verdicts, status, details?.Message, _lines, _scenarioDescription);
        result.Stage = "finished";
        result.Stop = Now();
        writer.WriteResult(result);
        _result = null;
        _scenario = null;
        Running.TryRemove(this, out _);
    }

    private (string, AllureStatusDetails?) StepOutcome(IScenarioStepContext context) => context.Status switch
    {
        ScenarioExecutionStatus.OK => (AllureStatus.Passed, null),
        ScenarioExecutionStatus.Skipped => (AllureStatus.Skipped, Details(context.StepError)),
        ScenarioExecutionStatus.UndefinedStep => (AllureStatus.Broken, new AllureStatusDetails("Undefined step: no binding matches this step.", null)),
        ScenarioExecutionStatus.StepDefinitionPending => (AllureStatus.Broken, new AllureStatusDetails("Pending step: the binding is not implemented.", null)),
        ScenarioExecutionStatus.BindingError => (AllureStatus.Broken, Details(context.StepError)),
        _ => (AllureStatus.From(OutcomeClassifier.Classify(context.StepError)), Details(context.StepError)),
    };

    private (string, AllureStatusDetails?) ScenarioOutcome(IScenarioContext scenario)
    {
        var error = scenario.TestError;
        if (_skippedByRuntime)
            return (AllureStatus.Skipped, new AllureStatusDetails(IgnoreReason(scenario), null));
        switch (scenario.ScenarioExecutionStatus)
        {
            case ScenarioExecutionStatus.OK:
                return (AllureStatus.Passed, null);
            case ScenarioExecutionStatus.Skipped:
                return (AllureStatus.Skipped, error is null ? new AllureStatusDetails(IgnoreReason(scenario), null) : Details(error));
            case ScenarioExecutionStatus.UndefinedStep:
                return (AllureStatus.Broken, new AllureStatusDetails(
                    "Undefined step: " + (_result?.Steps.FirstOrDefault(s => s.Status == AllureStatus.Broken)?.Name ?? "(unknown)"), null));
            case ScenarioExecutionStatus.StepDefinitionPending:
                return (AllureStatus.Broken, new AllureStatusDetails("Pending step: the scenario is not fully implemented.", null));
            default:
                return (AllureStatus.From(OutcomeClassifier.Classify(error)), Details(error));
        }
    }

    private static string IgnoreReason(IScenarioContext scenario) =>
        scenario.ScenarioInfo.CombinedTags.Any(t => t.TrimStart('@').Equals("ignore", StringComparison.OrdinalIgnoreCase))
            ? "Ignored (@ignore)"
            : "Skipped";

    // An expected condition (not verified: NotVerifiedException, an NUnit ignore) is told in its own words: no stack trace
    // with the suite's machine paths; a failure or breakage keeps its trace for whoever debugs the suite.
    private static AllureStatusDetails? Details(Exception? error) =>
        error is null ? null
        : OutcomeClassifier.Classify(error) == OutcomeKind.Skipped ? new AllureStatusDetails(OutcomeClassifier.Describe(error), null)
        : new AllureStatusDetails(OutcomeClassifier.Describe(error), error.ToString());

    private void DrainEvidenceInto(List<AllureAttachment> target)
    {
        var log = TryResolveEvidence();
        if (log is null) return;
        foreach (var item in log.Drain())
        {
            if (item.Name == "verdict" && item.MimeType == "application/json" && ChecklistPlacement.ReadVerdict(item.Content) is { } verdict)
                _verdicts.Add(verdict);
            target.Add(writer.WriteAttachment(item));
        }
    }

    private EvidenceLog? TryResolveEvidence()
    {
        if (_scenario is not ScenarioContext sc) return null;
        try { return sc.ScenarioContainer.Resolve<EvidenceLog>(); }
        catch (Exception e) { Trace.WriteLine($"evidence log unavailable: {e.Message}"); return null; }
    }

    private static EvidenceItem Text(string name, string text) =>
        new(name, "text/plain", Encoding.UTF8.GetBytes(SecretRegistry.Redact(text)), "txt");

    private static string ToCsv(Table table)
    {
        var sb = new StringBuilder();
        sb.AppendLine(string.Join(",", table.Header.Select(Quote)));
        foreach (var row in table.Rows) sb.AppendLine(string.Join(",", row.Values.Select(Quote)));
        return sb.ToString();
        static string Quote(string s) => s.Contains(',') || s.Contains('"') ? $"\"{s.Replace("\"", "\"\"")}\"" : s;
    }

    private static string Md5(string s) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(s)));
}

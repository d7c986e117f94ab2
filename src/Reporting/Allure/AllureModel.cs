using System.Text.Json.Serialization;
using Acceptance.Reporting.Checklist;
using Acceptance.Support.Outcomes;

namespace Acceptance.Reporting.Allure;

// The Allure 2 JSON result format, as read by Allure Report 3 (see shared notes allure3.md).
// One model for both directions: AllureResultsWriter serialises it, AllureResultReader deserialises it.

/// <summary>
/// A test result (&lt;uuid&gt;-result.json). The members marked <see cref="JsonIgnoreAttribute"/> are
/// read-only views over the labels and status details; they are never written.
/// </summary>
public sealed class AllureResult
{
    public string Uuid { get; set; } = Guid.NewGuid().ToString();

    /// <summary>The scenario's title (with its Examples arguments). A result file without it is unreadable.</summary>
    [JsonRequired]
    public string Name { get; set; } = "";

    public string FullName { get; set; } = "";
    public string TestCaseId { get; set; } = "";
    public string HistoryId { get; set; } = "";
    public string? Description { get; set; }

    /// <summary>One of the <see cref="AllureStatus"/> words. A result file without it is unreadable.</summary>
    [JsonRequired]
    public string Status { get; set; } = AllureStatus.Unknown;

    public AllureStatusDetails? StatusDetails { get; set; }
    public string Stage { get; set; } = "finished";
    public long Start { get; set; }
    public long Stop { get; set; }
    public List<AllureStep> Steps { get; set; } = [];
    public List<AllureAttachment> Attachments { get; set; } = [];
    public List<AllureParameter> Parameters { get; set; } = [];
    public List<AllureLabel> Labels { get; set; } = [];
    public List<AllureLink> Links { get; set; } = [];

    /// <summary>The scenario's own title: <see cref="Name"/> without the line ids the report's tree shows first.</summary>
    [JsonIgnore]
    public string Title => ChecklistPlacement.WithoutLineIds(Name);

    /// <summary>The message of the status details (what went wrong, or why skipped), or null.</summary>
    [JsonIgnore]
    public string? Message => StatusDetails?.Message;

    /// <summary>The value of the first label called <paramref name="name"/>, or null.</summary>
    public string? LabelValue(string name) => Labels.FirstOrDefault(l => l.Name == name)?.Value;

    /// <summary>The values of every label called <paramref name="name"/>, in order.</summary>
    public IReadOnlyList<string> LabelValues(string name) => Labels.Where(l => l.Name == name).Select(l => l.Value).ToList();

    /// <summary>The scenario's tags, without '@' (the <c>tag</c> labels).</summary>
    [JsonIgnore]
    public IReadOnlyList<string> Tags => LabelValues(AllureLabelName.Tag);

    /// <summary>The checklist line ids the scenario verifies (its <c>checklist:&lt;id&gt;</c> tags).</summary>
    [JsonIgnore]
    public IReadOnlyList<string> ChecklistIds => ChecklistCatalog.IdsFromTags(Tags).ToList();

    /// <summary>The suite label: the feature's title.</summary>
    [JsonIgnore]
    public string? Suite => LabelValue(AllureLabelName.Suite);

    /// <summary>The first epic label: the checklist phase.</summary>
    [JsonIgnore]
    public string? Epic => LabelValue(AllureLabelName.Epic);

    /// <summary>The first feature label: the checklist section.</summary>
    [JsonIgnore]
    public string? Feature => LabelValue(AllureLabelName.Feature);

    /// <summary>The first story label: the checklist group.</summary>
    [JsonIgnore]
    public string? Story => LabelValue(AllureLabelName.Story);

    /// <summary>The severity label (blocker, critical, normal, minor, trivial).</summary>
    [JsonIgnore]
    public string? Severity => LabelValue(AllureLabelName.Severity);
}

/// <summary>A step, possibly nested.</summary>
public sealed class AllureStep
{
    public string Name { get; set; } = "";
    public string Status { get; set; } = AllureStatus.Unknown;
    public AllureStatusDetails? StatusDetails { get; set; }
    public string Stage { get; set; } = "finished";
    public long Start { get; set; }
    public long Stop { get; set; }
    public List<AllureStep> Steps { get; set; } = [];
    public List<AllureAttachment> Attachments { get; set; } = [];
    public List<AllureParameter> Parameters { get; set; } = [];
}

/// <summary>Why a result or step has its status: a message and a stack trace, each optional.</summary>
public sealed record AllureStatusDetails(string? Message = null, string? Trace = null)
{
    public bool Known { get; init; }
    public bool Muted { get; init; }
    public bool Flaky { get; init; }
}

public sealed record AllureAttachment(string Name, string Source, string Type);

public sealed record AllureParameter(string Name, string Value);

public sealed record AllureLabel(string Name, string Value);

public sealed record AllureLink(string Name, string Url, string Type);

/// <summary>The Allure label names the listener and the checklist report write.</summary>
public static class AllureLabelName
{
    public const string Epic = "epic";
    public const string Feature = "feature";
    public const string Story = "story";
    public const string ParentSuite = "parentSuite";
    public const string Suite = "suite";
    public const string SubSuite = "subSuite";
    public const string Tag = "tag";
    public const string Severity = "severity";
    public const string Host = "host";
    public const string Thread = "thread";
    public const string Framework = "framework";
    public const string Language = "language";
    public const string Package = "package";
}

/// <summary>Allure's status words.</summary>
public static class AllureStatus
{
    public const string Passed = "passed";
    public const string Failed = "failed";
    public const string Broken = "broken";
    public const string Skipped = "skipped";
    public const string Unknown = "unknown";

    /// <summary>Maps an outcome to Allure's word.</summary>
    public static string From(OutcomeKind kind) => kind switch
    {
        OutcomeKind.Passed => Passed,
        OutcomeKind.Failed => Failed,
        OutcomeKind.Skipped => Skipped,
        _ => Broken,
    };
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = false)]
[JsonSerializable(typeof(AllureResult))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class AllureJsonContext : JsonSerializerContext;

using System.Text.Json.Serialization;

namespace Acceptance.Support.Evidence.Allure;

// The Allure 2 JSON result format, as read by Allure Report 3 (see shared notes allure3.md).

/// <summary>A test result (&lt;uuid&gt;-result.json).</summary>
public sealed class AllureResult
{
    public string Uuid { get; set; } = Guid.NewGuid().ToString();
    public string Name { get; set; } = "";
    public string FullName { get; set; } = "";
    public string TestCaseId { get; set; } = "";
    public string HistoryId { get; set; } = "";
    public string? Description { get; set; }
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

public sealed record AllureStatusDetails(string? Message, string? Trace)
{
    public bool Known { get; init; }
    public bool Muted { get; init; }
    public bool Flaky { get; init; }
}

public sealed record AllureAttachment(string Name, string Source, string Type);

public sealed record AllureParameter(string Name, string Value);

public sealed record AllureLabel(string Name, string Value);

public sealed record AllureLink(string Name, string Url, string Type);

/// <summary>Allure's status words.</summary>
public static class AllureStatus
{
    public const string Passed = "passed";
    public const string Failed = "failed";
    public const string Broken = "broken";
    public const string Skipped = "skipped";
    public const string Unknown = "unknown";

    /// <summary>Maps an outcome to Allure's word.</summary>
    public static string From(Outcomes.OutcomeKind kind) => kind switch
    {
        Outcomes.OutcomeKind.Passed => Passed,
        Outcomes.OutcomeKind.Failed => Failed,
        Outcomes.OutcomeKind.Skipped => Skipped,
        _ => Broken,
    };
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = false)]
[JsonSerializable(typeof(AllureResult))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class AllureJsonContext : JsonSerializerContext;

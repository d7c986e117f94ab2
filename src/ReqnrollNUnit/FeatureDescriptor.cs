using System.Collections.Specialized;
using Gherkin.CucumberMessages;
using Io.Cucumber.Messages.Types;
using Reqnroll;
using Reqnroll.Formatters.RuntimeSupport;

namespace Acceptance.ReqnrollNUnit;

/// <summary>One parsed .feature file: the NUnit fixture argument. Cached, one instance per file per process.</summary>
public sealed class FeatureDescriptor
{
    internal FeatureDescriptor(string relativePath, string fullPath, string name)
    {
        RelativePath = relativePath;
        FullPath = fullPath;
        Name = name;
    }

    /// <summary>Path relative to the features directory, forward slashes (e.g. <c>ops/monitoring.feature</c>).</summary>
    public string RelativePath { get; }
    public string FullPath { get; }
    /// <summary>Feature name (the NUnit fixture name).</summary>
    public string Name { get; internal set; }
    /// <summary>Set when the file could not be parsed: "path: (line:col): message".</summary>
    public string? ParseError { get; internal set; }
    public IReadOnlyList<string> Tags { get; internal set; } = [];
    public IReadOnlyList<ScenarioDescriptor> Scenarios { get; internal set; } = [];
    /// <summary>The single FeatureInfo instance Reqnroll sees for this feature (null on parse error).</summary>
    public FeatureInfo FeatureInfo { get; internal set; } = null!;

    public override string ToString() => Name;
}

/// <summary>One pickle (a scenario, or one Examples row of an outline): one NUnit test.</summary>
public sealed class ScenarioDescriptor
{
    internal ScenarioDescriptor(FeatureDescriptor feature) => Feature = feature;

    public FeatureDescriptor Feature { get; }
    /// <summary>NUnit test name: the scenario name, plus the Examples values for an outline row.</summary>
    public string TestName { get; internal set; } = "";
    /// <summary>Scenario title as written (outline placeholders not substituted, as Reqnroll does).</summary>
    public string Title { get; internal set; } = "";
    public string? Description { get; internal set; }
    /// <summary>Line of the scenario, or of the Examples row for an outline row.</summary>
    public int Line { get; internal set; }
    public string PickleId { get; internal set; } = "";
    public string PickleIndex { get; internal set; } = "";
    /// <summary>All tags without '@' (feature, rule, scenario, examples), distinct: the NUnit categories.</summary>
    public IReadOnlyList<string> Categories { get; internal set; } = [];
    internal string[] ScenarioTags { get; set; } = [];
    internal string[] InheritedTags { get; set; } = [];
    internal OrderedDictionary Arguments { get; set; } = new();
    internal RuleInfo? Rule { get; set; }
    public IReadOnlyList<StepDescriptor> Steps { get; internal set; } = [];
    /// <summary>Step summaries "Keyword text|line" (the "acceptance.steps" ScenarioContext entry).</summary>
    internal string[] StepSummaries { get; set; } = [];
    public bool IsIgnored => TagHelper.ContainsIgnoreTag(ScenarioTags.Concat(InheritedTags).ToArray());
    public string Location => $"{Feature.RelativePath}:{Line}";

    public override string ToString() => TestName;
}

public enum StepKind { Given, When, Then, And, But }

/// <summary>One pickle step, with the keyword as written in the file.</summary>
public sealed class StepDescriptor
{
    internal StepDescriptor(StepKind kind, string keyword, string text, int line, string? docString, PickleTable? table)
    {
        Kind = kind; Keyword = keyword; Text = text; Line = line; DocString = docString; TableData = table;
    }
    public StepKind Kind { get; }
    /// <summary>Keyword as written, trimmed (Given/When/Then/And/But/*).</summary>
    public string Keyword { get; }
    public string Text { get; }
    public int Line { get; }
    public string? DocString { get; }
    internal PickleTable? TableData { get; }

    /// <summary>A fresh Reqnroll table per execution (bindings may mutate tables).</summary>
    internal Table? CreateTable()
    {
        if (TableData is null || TableData.Rows.Count == 0) return null;
        var table = new Table(TableData.Rows[0].Cells.Select(c => c.Value).ToArray());
        foreach (var row in TableData.Rows.Skip(1)) table.AddRow(row.Cells.Select(c => c.Value).ToArray());
        return table;
    }

    public override string ToString() => $"{Keyword} {Text}";
}

internal sealed class FeatureMessages(Source source, GherkinDocument document, IReadOnlyList<Pickle> pickles) : IFeatureLevelCucumberMessages
{
    public bool HasMessages => true;
    public Source Source { get; } = source;
    public GherkinDocument GherkinDocument { get; } = document;
    public IEnumerable<Pickle> Pickles { get; } = pickles;
}

/// <summary>Deterministic ids, unique across features: name-based GUIDs from the feature path and a counter.</summary>
internal sealed class DeterministicIdGenerator(string seed) : IIdGenerator
{
    private int _next;

    public string GetNewId()
    {
        var n = Interlocked.Increment(ref _next);
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{seed}#{n}"));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x50); // version 5-like
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes).ToString();
    }
}

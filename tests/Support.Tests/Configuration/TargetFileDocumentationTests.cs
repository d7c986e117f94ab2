using System.Text.RegularExpressions;
using Acceptance.Support.Capacity;
using Acceptance.Support.Configuration;
using Acceptance.TestSupport;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Configuration;

/// <summary>docs/target-file.md is checked against the options classes: the reference table and the example.</summary>
public sealed class TargetFileDocumentationTests
{
    private static string Doc => File.ReadAllText(Path.Combine(Repository.Root, "docs", "target-file.md"));

    [Test]
    public void The_reference_table_in_the_docs_is_the_one_the_options_classes_generate()
    {
        var doc = Doc;
        var begin = doc.IndexOf(TargetSchemaDocument.Begin, StringComparison.Ordinal);
        var end = doc.IndexOf(TargetSchemaDocument.End, StringComparison.Ordinal);
        begin.Should().BeGreaterThan(0, "docs/target-file.md must hold the generated reference");
        doc[(begin + TargetSchemaDocument.Begin.Length)..end].Trim().Should().Be(TargetSchemaDocument.Markdown().Trim(),
            "regenerate it with `dotnet src/Cli/bin/Release/net10.0/acceptance.dll target-schema` when an option changes");
    }

    [Test]
    public void The_example_in_the_docs_uses_only_known_keys_of_the_right_types()
    {
        var example = Regex.Match(Doc, "```yaml\n(.*?)```", RegexOptions.Singleline).Groups[1].Value;
        using var dir = new TempDir("doc-example");
        var file = dir.File("target.yaml", example);

        var problems = FluentActions.Invoking(() => TargetFileLoader.Load(file, new Dictionary<string, string?>()))
            .Should().Throw<TargetConfigurationException>().Which.Problems;

        // The example names files and variables of a real installation: only those may be missing here.
        problems.Should().OnlyContain(p => p.Contains("does not exist") || p.Contains("is not set"), string.Join("\n", problems));
    }

    [Test]
    public void Every_key_of_the_schema_appears_in_the_example()
    {
        var example = Regex.Match(Doc, "```yaml\n(.*?)```", RegexOptions.Singleline).Groups[1].Value;
        var leaves = ServiceCatalog.Schema().Select(k => k.Path.Split('.')[^1]).Distinct();
        leaves.Where(l => !Regex.IsMatch(example, $@"\b{Regex.Escape(l)}:")).Should().BeEmpty("every key is shown in the example of docs/target-file.md");
    }

    [Test]
    public void A_threshold_that_differs_from_the_checklist_says_so_and_the_default_does_not()
    {
        OptionsBinder.ChecklistDifference(new NetworkThresholds(), nameof(NetworkThresholds.NetworkMinMbps), "thresholds").Should().BeNull();
        OptionsBinder.ChecklistDifference(new NetworkThresholds { NetworkMinMbps = 1000 }, nameof(NetworkThresholds.NetworkMinMbps), "thresholds")
            .Should().Be("thresholds.network_min_mbps is 1000 on this target; the checklist says 25000");
        OptionsBinder.ChecklistDifference(new Acceptance.Support.Polling.PollingThresholds { PollTimeoutSeconds = 5 }, "PollTimeoutSeconds", "thresholds")
            .Should().BeNull("the poll deadline is the suite's own, not a checklist number");
    }
}

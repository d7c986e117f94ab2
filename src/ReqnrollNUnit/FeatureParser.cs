using System.Collections.Specialized;
using System.Globalization;
using Gherkin;
using Gherkin.CucumberMessages;
using Gherkin.CucumberMessages.Pickles;
using Io.Cucumber.Messages.Types;
using Reqnroll;
using Reqnroll.Formatters.RuntimeSupport;
using Reqnroll.Infrastructure;
using Reqnroll.Configuration;
using MessageStep = Io.Cucumber.Messages.Types.Step;
using MessageScenario = Io.Cucumber.Messages.Types.Scenario;
using MessageRule = Io.Cucumber.Messages.Types.Rule;

namespace Acceptance.ReqnrollNUnit;

/// <summary>Parses one .feature file with the Gherkin parser Reqnroll ships and compiles it to pickles.</summary>
internal static class FeatureParser
{
    public static FeatureDescriptor Parse(string fullPath, string relativePath)
    {
        var descriptor = new FeatureDescriptor(relativePath, fullPath, relativePath);
        string text;
        Gherkin.Ast.GherkinDocument ast;
        try
        {
            text = File.ReadAllText(fullPath);
            ast = new Parser().Parse(new StringReader(text));
        }
        catch (System.Exception ex) when (ex is ParserException or IOException or UnauthorizedAccessException)
        {
            descriptor.ParseError = $"{relativePath}: {ex.Message}";
            return descriptor;
        }
        if (ast.Feature is null)
        {
            descriptor.ParseError = $"{relativePath}: the file contains no Feature";
            return descriptor;
        }

        var ids = new DeterministicIdGenerator(relativePath);
        var document = new AstMessagesConverter(ids).ConvertGherkinDocumentToEventArgs(ast, relativePath);
        var pickles = new PickleCompiler(ids).Compile(document);
        var feature = document.Feature;

        var featureTags = Untag(feature.Tags);
        descriptor.Name = feature.Name.Trim();
        descriptor.Tags = featureTags;
        var messages = new FeatureMessages(new Source(relativePath, text, SourceMediaType.TEXT_X_CUCUMBER_GHERKIN_PLAIN), document, pickles);
        var folder = Path.GetDirectoryName(relativePath)?.Replace('\\', '/') ?? "";
        descriptor.FeatureInfo = new FeatureInfo(Culture(feature.Language), folder, descriptor.Name, Describe(feature.Description),
            ProgrammingLanguage.CSharp, featureTags, messages);

        // Index the AST so that pickles can be traced back to their keywords, lines, rules and Examples rows.
        var steps = new Dictionary<string, MessageStep>();
        var scenarios = new Dictionary<string, (MessageScenario Scenario, MessageRule? Rule)>();
        var rows = new Dictionary<string, (Examples Examples, TableRow Row)>();
        void IndexSteps(IEnumerable<MessageStep> s) { foreach (var step in s) steps[step.Id] = step; }
        void IndexScenario(MessageScenario s, MessageRule? rule)
        {
            scenarios[s.Id] = (s, rule);
            IndexSteps(s.Steps);
            foreach (var ex in s.Examples) foreach (var row in ex.TableBody) rows[row.Id] = (ex, row);
        }
        foreach (var child in feature.Children)
        {
            if (child.Background is { } bg) IndexSteps(bg.Steps);
            if (child.Scenario is { } sc) IndexScenario(sc, null);
            if (child.Rule is { } rule)
                foreach (var rc in rule.Children)
                {
                    if (rc.Background is { } rbg) IndexSteps(rbg.Steps);
                    if (rc.Scenario is { } rsc) IndexScenario(rsc, rule);
                }
        }

        var ruleInfos = new Dictionary<string, RuleInfo>();
        var result = new List<ScenarioDescriptor>();
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < pickles.Count; i++)
        {
            var pickle = pickles[i];
            var (scenario, rule) = scenarios[pickle.AstNodeIds[0]];
            var sd = new ScenarioDescriptor(descriptor)
            {
                Title = scenario.Name,
                Description = Describe(scenario.Description),
                PickleId = pickle.Id,
                PickleIndex = i.ToString(CultureInfo.InvariantCulture),
                Line = (int)scenario.Location.Line,
                Categories = pickle.Tags.Select(t => Untag(t.Name)).Distinct(StringComparer.Ordinal).ToArray(),
            };
            var scenarioTags = Untag(scenario.Tags).ToList();
            var testName = pickle.Name;
            if (pickle.AstNodeIds.Count > 1 && rows.TryGetValue(pickle.AstNodeIds[1], out var r))
            {
                sd.Line = (int)r.Row.Location.Line;
                scenarioTags.AddRange(Untag(r.Examples.Tags));
                var args = new OrderedDictionary();
                var values = r.Row.Cells.Select(c => c.Value).ToArray();
                for (var c = 0; c < r.Examples.TableHeader.Cells.Count && c < values.Length; c++)
                    args[r.Examples.TableHeader.Cells[c].Value] = values[c];
                sd.Arguments = args;
                testName = $"{pickle.Name}({string.Join(", ", values)})";
            }
            sd.ScenarioTags = scenarioTags.ToArray();
            var inherited = featureTags;
            if (rule is not null)
            {
                if (!ruleInfos.TryGetValue(rule.Id, out var ri))
                    ruleInfos[rule.Id] = ri = new RuleInfo(rule.Name, Describe(rule.Description), Untag(rule.Tags));
                sd.Rule = ri;
                inherited = featureTags.Concat(ri.Tags).ToArray();
            }
            sd.InheritedTags = inherited;
            names[testName] = names.TryGetValue(testName, out var seen) ? seen + 1 : 1;
            sd.TestName = names[testName] == 1 ? testName : $"{testName} #{names[testName]}";

            var stepList = new List<StepDescriptor>(pickle.Steps.Count);
            foreach (var ps in pickle.Steps)
            {
                var astStep = steps[ps.AstNodeIds[0]];
                var keyword = astStep.Keyword.Trim();
                var kind = astStep.KeywordType switch
                {
                    Io.Cucumber.Messages.Types.StepKeywordType.CONTEXT => StepKind.Given,
                    Io.Cucumber.Messages.Types.StepKeywordType.ACTION => StepKind.When,
                    Io.Cucumber.Messages.Types.StepKeywordType.OUTCOME => StepKind.Then,
                    Io.Cucumber.Messages.Types.StepKeywordType.CONJUNCTION =>
                        astStep.Keyword.Trim().Equals("But", StringComparison.OrdinalIgnoreCase) ? StepKind.But : StepKind.And,
                    _ => stepList.Count == 0 ? StepKind.Given : StepKind.And,
                };
                stepList.Add(new StepDescriptor(kind, keyword, ps.Text, (int)astStep.Location.Line,
                    ps.Argument?.DocString?.Content, ps.Argument?.DataTable));
            }
            sd.Steps = stepList;
            sd.StepSummaries = stepList.Select(s => $"{s.Keyword} {s.Text}|{s.Line}").ToArray();
            result.Add(sd);
        }
        descriptor.Scenarios = result;
        return descriptor;
    }

    private static CultureInfo Culture(string? language)
    {
        try { return CultureInfo.GetCultureInfo(string.IsNullOrEmpty(language) || language == "en" ? "en-US" : language); }
        catch (CultureNotFoundException) { return CultureInfo.InvariantCulture; }
    }

    private static string? Describe(string? description) =>
        string.IsNullOrWhiteSpace(description) ? null : description.Trim();

    private static string[] Untag(IEnumerable<Tag> tags) => tags.Select(t => Untag(t.Name)).ToArray();
    private static string Untag(string tag) => tag.StartsWith('@') ? tag[1..] : tag;
}

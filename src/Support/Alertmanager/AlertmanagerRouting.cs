using System.Text.RegularExpressions;
using Acceptance.Support.Outcomes;
using YamlDotNet.RepresentationModel;

namespace Acceptance.Support.Alertmanager;

/// <summary>One label matcher of a route (match, match_re or matchers).</summary>
public sealed record LabelMatcher(string Name, string Op, string Value)
{
    /// <summary>True when the label set satisfies the matcher (an absent label is the empty string, as in Alertmanager).</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var v = labels.GetValueOrDefault(Name) ?? "";
        return Op switch
        {
            "=" => v == Value,
            "!=" => v != Value,
            "=~" => Regex.IsMatch(v, $"^(?:{Value})$"),
            "!~" => !Regex.IsMatch(v, $"^(?:{Value})$"),
            _ => false,
        };
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name}{Op}\"{Value}\"";
}

/// <summary>A node of Alertmanager's routing tree.</summary>
public sealed record Route(string? Receiver, IReadOnlyList<LabelMatcher> Matchers, bool Continue, IReadOnlyList<Route> Routes);

/// <summary>Where a label set is routed, and the path through the tree that decided it.</summary>
public sealed record RoutingDecision(IReadOnlyDictionary<string, string> Labels, IReadOnlyList<string> Receivers, IReadOnlyList<string> Path)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{{{string.Join(",", Labels.Select(l => $"{l.Key}=\"{l.Value}\""))}}} → receiver(s) [{string.Join(", ", Receivers)}] via {string.Join(" → ", Path)}";
}

/// <summary>
/// Alertmanager's routing tree parsed from its configuration (config.original of /api/v2/status), and the
/// same matching Alertmanager does: depth first, the first matching child wins unless it sets continue,
/// a node with no matching child takes the alert itself, receivers are inherited from the parent.
/// </summary>
public sealed class AlertmanagerRouting
{
    private AlertmanagerRouting(Route root, IReadOnlyDictionary<string, bool> sendResolved)
    {
        Root = root;
        SendResolved = sendResolved;
    }

    /// <summary>The root route.</summary>
    public Route Root { get; }

    /// <summary>For each receiver, whether any of its configurations sends resolved notifications.</summary>
    public IReadOnlyDictionary<string, bool> SendResolved { get; }

    /// <summary>Parses an Alertmanager configuration file's text.</summary>
    public static AlertmanagerRouting Parse(string yaml)
    {
        var stream = new YamlStream();
        try { stream.Load(new StringReader(yaml)); }
        catch (YamlDotNet.Core.YamlException e) { throw new EnvironmentProblemException($"Alertmanager configuration is not YAML: {e.Message}"); }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new EnvironmentProblemException("Alertmanager configuration is empty");
        if (Child(root, "route") is not YamlMappingNode route)
            throw new EnvironmentProblemException("Alertmanager configuration has no route");
        var sendResolved = new Dictionary<string, bool>();
        if (Child(root, "receivers") is YamlSequenceNode receivers)
            foreach (var r in receivers.OfType<YamlMappingNode>())
            {
                var name = Scalar(r, "name") ?? "";
                // send_resolved defaults to true for webhook, email(false), slack(false)...: read it where written,
                // else the documented default of the integration.
                var any = false;
                foreach (var (k, v) in r.Children)
                {
                    var kind = ((YamlScalarNode)k).Value ?? "";
                    if (!kind.EndsWith("_configs") || v is not YamlSequenceNode configs) continue;
                    foreach (var c in configs.OfType<YamlMappingNode>())
                    {
                        var explicitValue = Scalar(c, "send_resolved");
                        any |= explicitValue is not null ? explicitValue == "true" : kind is "webhook_configs" or "pagerduty_configs" or "opsgenie_configs" or "victorops_configs" or "pushover_configs" or "wechat_configs" or "telegram_configs" or "msteams_configs" or "sns_configs" or "webex_configs" or "discord_configs";
                    }
                }
                sendResolved[name] = any;
            }
        return new AlertmanagerRouting(ParseRoute(route), sendResolved);
    }

    /// <summary>The receivers a label set is routed to (Alertmanager's algorithm).</summary>
    public RoutingDecision Match(IReadOnlyDictionary<string, string> labels)
    {
        var receivers = new List<string>();
        var path = new List<string>();
        Walk(Root, Root.Receiver ?? "", labels, receivers, path, "root");
        return new RoutingDecision(labels, receivers.Distinct().ToList(), path);
    }

    private static bool Walk(Route node, string inherited, IReadOnlyDictionary<string, string> labels, List<string> receivers,
        List<string> path, string name)
    {
        if (!node.Matchers.All(m => m.Matches(labels))) return false;
        var receiver = node.Receiver ?? inherited;
        path.Add(node.Matchers.Count == 0 ? $"{name}({receiver})" : $"{name}[{string.Join(",", node.Matchers)}]({receiver})");
        var matchedChild = false;
        for (var i = 0; i < node.Routes.Count; i++)
        {
            if (!Walk(node.Routes[i], receiver, labels, receivers, path, $"{name}.routes[{i}]")) continue;
            matchedChild = true;
            if (!node.Routes[i].Continue) break;
        }
        if (!matchedChild) receivers.Add(receiver);
        return true;
    }

    private static Route ParseRoute(YamlMappingNode node)
    {
        var matchers = new List<LabelMatcher>();
        if (Child(node, "match") is YamlMappingNode match)
            matchers.AddRange(match.Children.Select(kv => new LabelMatcher(((YamlScalarNode)kv.Key).Value!, "=", ((YamlScalarNode)kv.Value).Value ?? "")));
        if (Child(node, "match_re") is YamlMappingNode matchRe)
            matchers.AddRange(matchRe.Children.Select(kv => new LabelMatcher(((YamlScalarNode)kv.Key).Value!, "=~", ((YamlScalarNode)kv.Value).Value ?? "")));
        if (Child(node, "matchers") is YamlSequenceNode list)
            matchers.AddRange(list.OfType<YamlScalarNode>().SelectMany(s => ParseMatchers(s.Value ?? "")));
        var routes = Child(node, "routes") is YamlSequenceNode children
            ? children.OfType<YamlMappingNode>().Select(ParseRoute).ToList()
            : [];
        return new Route(Scalar(node, "receiver"), matchers, Scalar(node, "continue") == "true", routes);
    }

    private static readonly Regex MatcherPattern = new(@"^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(?:""((?:[^""\\]|\\.)*)""|'([^']*)'|(.*?))\s*$");

    /// <summary>Parses "severity=\"critical\"" (or a brace-wrapped, comma-separated list of them).</summary>
    public static IEnumerable<LabelMatcher> ParseMatchers(string text)
    {
        var t = text.Trim();
        if (t.StartsWith('{') && t.EndsWith('}')) t = t[1..^1];
        foreach (var part in Regex.Split(t, @",(?=(?:[^""]*""[^""]*"")*[^""]*$)").Where(p => p.Trim().Length > 0))
        {
            var m = MatcherPattern.Match(part);
            if (!m.Success) throw new EnvironmentProblemException($"Alertmanager route matcher not understood: '{part}'");
            var value = m.Groups[3].Success ? Regex.Unescape(m.Groups[3].Value) : m.Groups[4].Success ? m.Groups[4].Value : m.Groups[5].Value;
            yield return new LabelMatcher(m.Groups[1].Value, m.Groups[2].Value, value);
        }
    }

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    private static string? Scalar(YamlMappingNode node, string key) => (Child(node, key) as YamlScalarNode)?.Value;
}

using StandIns.Core;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace StandIns.Nomad;

/// <summary>
/// A small HCL2 subset: blocks (<c>type "label" { ... }</c>), attributes (<c>key = value</c>) whose values are
/// strings (with escapes; <c>${...}</c> kept literally, as Nomad leaves runtime interpolation to the client, except
/// <c>${var.name}</c>), heredocs (<c>&lt;&lt;EOF</c>, <c>&lt;&lt;-EOF</c>), numbers, booleans, null, lists and objects;
/// comments (#, //, /* */); input variables (<c>variable "name" { type, default, description }</c> blocks,
/// <c>var.name</c> references, values from a var-file text). No functions or locals.
/// Errors are HCL diagnostics: <c>input.hcl:LINE,COL-COL: Summary; Detail</c>, as <c>hcl.Diagnostic.Error()</c> prints them.
/// </summary>
public sealed class HclBody
{
    public List<(string Name, JsonNode? Value)> Attributes { get; } = new();
    public List<HclBlock> Blocks { get; } = new();
    /// <summary>Source range of each attribute (for diagnostics).</summary>
    public Dictionary<string, string> AttributeRanges { get; } = new();
    public JsonNode? Attr(string name) => Attributes.LastOrDefault(a => a.Name == name).Value;
    public bool Has(string name) => Attributes.Any(a => a.Name == name);
    public IEnumerable<HclBlock> BlocksOf(string type) => Blocks.Where(b => b.Type == type);
}

public sealed record HclBlock(string Type, string[] Labels, HclBody Body, string DefRange = "");

/// <summary>An HCL diagnostic; Message is "range: summary; detail" like hcl.Diagnostic.Error().</summary>
public sealed class HclException : Exception
{
    public HclException(string message) : base(message) { }
    public HclException(string range, string summary, string detail) : base($"{range}: {summary}; {detail}") { Range = range; Summary = summary; }
    public string Range { get; } = "";
    public string Summary { get; } = "";
}

/// <summary>A declared input variable and its resolved value.</summary>
public sealed record HclVariable(string Name, string Type, JsonNode? Value, bool IsSet, string DefRange, string Description);

public sealed class HclParser
{
    private readonly string _s;
    private readonly string _file;
    private readonly int[] _lineStarts;
    private readonly IReadOnlyDictionary<string, JsonNode?>? _vars;   // null: first pass (variables not known yet)
    private int _i;

    private HclParser(string s, string file, IReadOnlyDictionary<string, JsonNode?>? vars)
    {
        _s = s;
        _file = file;
        _vars = vars;
        var starts = new List<int> { 0 };
        for (var k = 0; k < s.Length; k++) if (s[k] == '\n') starts.Add(k + 1);
        _lineStarts = starts.ToArray();
    }

    /// <summary>Parses without variables: <c>var.x</c> references are left unresolved (null / literal).</summary>
    public static HclBody Parse(string text, string file = "input.hcl") => new HclParser(text, file, null).ParseBody(topLevel: true, blockType: null);

    /// <summary>
    /// Parses a jobspec with its input variables: declarations from <c>variable</c> blocks, values from the var-file
    /// text <paramref name="varFile"/> (HCL attributes, <c>name = "value"</c>), which override defaults.
    /// </summary>
    public static (HclBody Body, List<HclVariable> Variables) ParseWithVariables(string text, string? varFile, string file = "input.hcl")
    {
        var first = Parse(text, file);
        var given = new Dictionary<string, (JsonNode? Value, string Range)>(StringComparer.Ordinal);
        if (!string.IsNullOrWhiteSpace(varFile))
        {
            var vb = Parse(varFile, file);
            foreach (var blk in vb.BlocksOf("variable"))
                throw new HclException(blk.DefRange, "Variable declaration in a .var file",
                    $"A .var file is used to assign values to variables that have already been declared in job files, not to declare new variables. To declare variable \"{blk.Labels.FirstOrDefault()}\", place this block in one of your job files\n\nTo set a value for this variable in {file}, use the definition syntax instead:\n    {blk.Labels.FirstOrDefault()} = <value>");
            foreach (var (n, v) in vb.Attributes) given[n] = (v, vb.AttributeRanges.GetValueOrDefault(n, file));
        }
        var vars = new List<HclVariable>();
        var values = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        var unset = new List<HclException>();
        foreach (var blk in first.BlocksOf("variable"))
        {
            var name = blk.Labels.FirstOrDefault() ?? throw new HclException(blk.DefRange, "Missing name for variable", "All variable blocks must have 1 labels (name).");
            if (values.ContainsKey(name))
                throw new HclException(blk.DefRange, "Duplicate variable", $"Duplicate {name} variable definition found.");
            var type = blk.Body.Attr("type")?.ToString() ?? "";
            var isSet = true;
            JsonNode? value;
            if (given.TryGetValue(name, out var g)) value = Convert(g.Value, type, name, g.Range, "The value for " + name);
            else if (blk.Body.Has("default"))
                value = Convert(blk.Body.Attr("default"), type, name, blk.Body.AttributeRanges.GetValueOrDefault("default", blk.DefRange), null);
            else
            {
                isSet = false;
                value = null;
                unset.Add(new HclException(blk.DefRange, $"Unset variable \"{name}\"",
                    "A used variable must be set or have a default value; see https://developer.hashicorp.com/nomad/docs/job-specification/hcl2/variables for details."));
            }
            values[name] = value;
            vars.Add(new HclVariable(name, type == "" ? (value is JsonValue jv ? Kind(jv) : "any") : type, value, isSet, blk.DefRange, blk.Body.Attr("description")?.ToString() ?? ""));
        }
        if (unset.Count == 1) throw unset[0];
        if (unset.Count > 1) throw new HclException(unset[0].Message + $", and {unset.Count - 1} other diagnostic(s)");
        var body = new HclParser(text, file, values).ParseBody(topLevel: true, blockType: null);
        return (body, vars);
    }

    private static string Kind(JsonValue v) => v.TryGetValue<bool>(out _) ? "bool" : v.TryGetValue<string>(out _) ? "string" : "number";

    /// <summary>cty conversion of a variable value to its declared type (string, number, bool; others as given).</summary>
    private static JsonNode? Convert(JsonNode? v, string type, string name, string range, string? what)
    {
        if (v is null) return null;
        var s = v is JsonValue jv && jv.TryGetValue<string>(out var str) ? str : v.ToJsonString();
        HclException Bad(string why) => new(range, what == null ? "Invalid default value for variable" : "Invalid value for variable",
            what == null ? $"This default value is not compatible with the variable's type constraint: {why}." : $"{what} is not compatible with the variable's type constraint: {why}.");
        switch (type)
        {
            case "string":
                if (v is not JsonValue) throw Bad("string required");
                return JsonValue.Create(s);
            case "number":
                if (long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
                if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return JsonValue.Create(d);
                throw Bad("a number is required");
            case "bool":
                if (s is "true" or "false") return JsonValue.Create(s == "true");
                throw Bad("a bool is required");
            default:
                return v.DeepClone();
        }
    }

    private (int Line, int Col) Pos(int i)
    {
        var idx = Array.BinarySearch(_lineStarts, i);
        if (idx < 0) idx = ~idx - 1;
        return (idx + 1, i - _lineStarts[idx] + 1);
    }

    /// <summary>hcl.Range.String(): file:line,col-col or file:line,col-line,col.</summary>
    private string Range(int from, int to)
    {
        var (l1, c1) = Pos(from);
        var (l2, c2) = Pos(Math.Max(from, to));
        return l1 == l2 ? $"{_file}:{l1},{c1}-{c2}" : $"{_file}:{l1},{c1}-{l2},{c2}";
    }

    private HclException Error(string summary, string detail, int from = -1, int to = -1)
    {
        if (from < 0) from = Math.Min(_i, _s.Length);
        if (to < 0) to = Math.Min(from + 1, Math.Max(_s.Length, from));
        return new HclException(Range(from, to), summary, detail);
    }

    private void SkipWs(bool newlines = true)
    {
        while (_i < _s.Length)
        {
            var c = _s[_i];
            if (c == '\n') { if (!newlines) break; _i++; }
            else if (char.IsWhiteSpace(c)) _i++;
            else if (c == '#' || (c == '/' && Peek(1) == '/')) { while (_i < _s.Length && _s[_i] != '\n') _i++; }
            else if (c == '/' && Peek(1) == '*')
            {
                var end = _s.IndexOf("*/", _i + 2, StringComparison.Ordinal);
                if (end < 0) throw Error("Unterminated template string", "No closing marker was found for the comment.");
                _i = end + 2;
            }
            else break;
        }
    }

    private char Peek(int o = 0) => _i + o < _s.Length ? _s[_i + o] : '\0';

    private HclBody ParseBody(bool topLevel, string? blockType, int openBrace = 0)
    {
        var body = new HclBody();
        while (true)
        {
            SkipWs();
            if (_i >= _s.Length)
            {
                if (!topLevel) throw Error("Unclosed configuration block", "There is no closing brace for this block before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.", openBrace, openBrace + 1);
                return body;
            }
            if (Peek() == '}')
            {
                if (topLevel) throw Error("Argument or block definition required", "An argument or block definition is required here.");
                _i++;
                return body;
            }
            var nameStart = _i;
            var name = Identifier("Argument or block definition required", "An argument or block definition is required here.");
            SkipWs(newlines: false);
            if (Peek() == '=')
            {
                _i++;
                var valueStart = _i;
                var value = Value(typeExpr: blockType == "variable" && name == "type");
                body.Attributes.Add((name, value));
                body.AttributeRanges[name] = Range(nameStart, _i);
                SkipWs(newlines: false);
                if (_i < _s.Length && Peek() != '\n' && Peek() != '}')
                    throw Error("Missing newline after argument", "An argument definition must end with a newline.");
                _ = valueStart;
                continue;
            }
            var labels = new List<string>();
            var headerEnd = nameStart + name.Length;
            while (true)
            {
                if (labels.Count > 0) headerEnd = _i;
                SkipWs(newlines: false);
                if (Peek() == '"') { labels.Add(StringLiteral(interpolate: false)!.ToString()); continue; }
                if (Peek() == '{') { _i++; break; }
                if (IsIdentStart(Peek())) { labels.Add(Identifier("Invalid block definition", "A block definition must have block content delimited by \"{\" and \"}\", starting on the same line as the block header.")); continue; }
                if (Peek() == '\n' || _i >= _s.Length)
                    throw Error("Invalid block definition", "A block definition must have block content delimited by \"{\" and \"}\", starting on the same line as the block header.", nameStart, _i);
                throw Error("Invalid character", $"This character is not used within the language.");
            }
            var defRange = Range(nameStart, headerEnd);
            var openAt = _i - 1;
            body.Blocks.Add(new HclBlock(name, labels.ToArray(), ParseBody(topLevel: false, blockType: name, openBrace: openAt), defRange));
        }
    }

    private static bool IsIdentStart(char c) => char.IsLetter(c) || c == '_';
    private static bool IsIdent(char c) => char.IsLetterOrDigit(c) || c is '_' or '-' or '.';

    private string Identifier(string summary, string detail)
    {
        if (!IsIdentStart(Peek()))
            throw Peek() is '=' or '"' or '{' or '[' ? Error(summary, detail) : Error("Invalid character", "This character is not used within the language.");
        var start = _i;
        while (_i < _s.Length && IsIdent(_s[_i])) _i++;
        return _s[start.._i];
    }

    private JsonNode? Value(bool typeExpr = false)
    {
        SkipWs(newlines: false);
        var c = Peek();
        if (c == '"') return StringLiteral(interpolate: true);
        if (c == '<' && Peek(1) == '<') return Template(Heredoc(), _i, _i);
        if (c == '[')
        {
            _i++;
            var arr = new JsonArray();
            while (true)
            {
                SkipWs();
                if (Peek() == ']') { _i++; return arr; }
                arr.Add(Value());
                SkipWs();
                if (Peek() == ',') _i++;
                else if (Peek() != ']') throw Error("Missing item separator", "Expected a comma to mark the beginning of the next item.");
            }
        }
        if (c == '{')
        {
            var open = _i;
            _i++;
            var obj = new JsonObject();
            while (true)
            {
                SkipWs();
                if (_i >= _s.Length) throw Error("Unterminated object constructor expression", "There is no corresponding closing brace before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.", open, open + 1);
                if (Peek() == '}') { _i++; return obj; }
                var key = Peek() == '"' ? StringLiteral(interpolate: false)!.ToString() : Identifier("Invalid object key", "A key must be an identifier or a string.");
                SkipWs();
                if (Peek() is not ('=' or ':')) throw Error("Missing key/value separator", "Expected an equals sign (\"=\") to mark the beginning of the attribute value.");
                _i++;
                obj[key] = Value();
                SkipWs();
                if (Peek() == ',') _i++;
            }
        }
        if (c == '-' || char.IsDigit(c))
        {
            var start = _i;
            _i++;
            while (_i < _s.Length && (char.IsDigit(_s[_i]) || _s[_i] is '.' or 'e' or 'E' || (_s[_i] is '+' or '-' && _s[_i - 1] is 'e' or 'E'))) _i++;
            var num = _s[start.._i];
            if (long.TryParse(num, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
            if (double.TryParse(num, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return JsonValue.Create(d);
            throw Error("Invalid number literal", $"\"{num}\" is not a valid number.", start, _i);
        }
        if (IsIdentStart(c))
        {
            var start = _i;
            var word = Identifier("Invalid expression", "Expected the start of an expression, but found an invalid expression token.");
            if (typeExpr && word is "string" or "number" or "bool" or "any" or "list" or "map" or "set" or "object" or "tuple")
            {
                if (Peek() == '(')   // list(string), map(number), ...: kept as written
                {
                    var depth = 0;
                    var ts = _i;
                    do { if (_s[_i] == '(') depth++; else if (_s[_i] == ')') depth--; _i++; } while (_i < _s.Length && depth > 0);
                    return JsonValue.Create(word + _s[ts.._i]);
                }
                return JsonValue.Create(word);
            }
            switch (word)
            {
                case "true": return JsonValue.Create(true);
                case "false": return JsonValue.Create(false);
                case "null": return null;
            }
            if (word.StartsWith("var.", StringComparison.Ordinal) && word.Length > 4) return VarRef(word[4..], start + 3, _i);
            var root = word.Split('.')[0];
            if (root == "var")
                throw Error("Invalid reference", "A reference to \"var\" must be followed by an attribute name, like var.name.", start, _i);
            if (root is "local" or "locals")
                throw Error("Unsupported expression", "locals are not supported by the sandbox stand-in's HCL subset.", start, _i);
            throw Error("Unknown variable", $"There is no variable named \"{root}\".", start, start + root.Length);
        }
        if (_i >= _s.Length || c == '\n') throw Error("Missing expression", "Expected the start of an expression, but found the end of the file.");
        throw Error("Invalid expression", "Expected the start of an expression, but found an invalid expression token.");
    }

    /// <summary>var.NAME: the variable's value (second pass); an undeclared name is hcl's "Unsupported attribute".</summary>
    private JsonNode? VarRef(string name, int from, int to)
    {
        if (_vars == null) return null;
        if (!_vars.TryGetValue(name, out var v))
            throw Error("Unsupported attribute", $"This object does not have an attribute named \"{name}\".", from, to);
        return v?.DeepClone();
    }

    private static readonly System.Text.RegularExpressions.Regex VarInterp = new(@"^\s*var\.([A-Za-z_][A-Za-z0-9_-]*)\s*$");

    private static string Str(JsonNode? v) => v switch
    {
        null => "",
        JsonValue jv when jv.TryGetValue<string>(out var s) => s,
        JsonValue jv when jv.TryGetValue<bool>(out var b) => b ? "true" : "false",
        _ => v.ToJsonString(),
    };

    /// <summary>
    /// A template's <c>${var.x}</c> parts (raw text with markers); a template that is only <c>${var.x}</c> keeps the
    /// variable's type, as in HCL. Other interpolations stay literal for the client to fill in.
    /// </summary>
    private JsonNode? Template(List<(string Text, bool Interp, int From, int To)> parts, int from, int to)
    {
        _ = from; _ = to;
        if (parts.Count == 1 && parts[0].Interp && VarInterp.Match(parts[0].Text) is { Success: true } single)
            return _vars == null ? JsonValue.Create("${" + parts[0].Text + "}") : VarRef(single.Groups[1].Value, DotFrom(parts[0]), DotTo(parts[0], single.Groups[1].Value));
        var sb = new StringBuilder();
        foreach (var (text, interp, f, t) in parts)
        {
            if (!interp) { sb.Append(text); continue; }
            var m = VarInterp.Match(text);
            if (m.Success && _vars != null) sb.Append(Str(VarRef(m.Groups[1].Value, DotFrom((text, interp, f, t)), DotTo((text, interp, f, t), m.Groups[1].Value))));
            else sb.Append("${").Append(text).Append('}');
        }
        return JsonValue.Create(sb.ToString());
    }

    /// <summary>Range of the ".name" step of var.name inside an interpolation (as hcl reports an unsupported attribute).</summary>
    private static int DotFrom((string Text, bool Interp, int From, int To) p) => p.From + 2 + p.Text.IndexOf("var.", StringComparison.Ordinal) + 3;
    private static int DotTo((string Text, bool Interp, int From, int To) p, string name) => DotFrom(p) + 1 + name.Length;

    private JsonNode? StringLiteral(bool interpolate)
    {
        var open = _i;
        _i++; // opening quote
        var parts = new List<(string, bool, int, int)>();
        var sb = new StringBuilder();
        while (true)
        {
            if (_i >= _s.Length || Peek() == '\n')
                throw Error("Unterminated template string", "No closing marker was found for the string.", open, _i);
            var c = _s[_i++];
            if (c == '"')
            {
                if (sb.Length > 0 || parts.Count == 0) parts.Add((sb.ToString(), false, 0, 0));
                if (!interpolate) return JsonValue.Create(string.Concat(parts.Select(p => p.Item2 ? "${" + p.Item1 + "}" : p.Item1)));
                return Template(parts, open, _i);
            }
            if (c == '$' && Peek() == '$' && Peek(1) == '{') { sb.Append("${"); _i += 2; continue; } // $${ escapes ${
            if (c == '$' && Peek() == '{')
            {
                var close = _s.IndexOf('}', _i);
                var nl = _s.IndexOf('\n', _i);
                if (close < 0 || (nl >= 0 && nl < close)) throw Error("Unterminated template string", "No closing marker was found for the interpolation sequence.", _i - 1, _i + 1);
                if (sb.Length > 0) { parts.Add((sb.ToString(), false, 0, 0)); sb.Clear(); }
                parts.Add((_s[(_i + 1)..close], true, _i - 1, close + 1));
                _i = close + 1;
                continue;
            }
            if (c != '\\') { sb.Append(c); continue; }
            var e = _s[_i++];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case '"': sb.Append('"'); break;
                case '\\': sb.Append('\\'); break;
                case 'u':
                    sb.Append((char)System.Convert.ToInt32(_s.Substring(_i, 4), 16));
                    _i += 4;
                    break;
                default: throw Error("Invalid escape sequence", $"The symbol \"{e}\" is not a valid escape sequence selector.", _i - 2, _i);
            }
        }
    }

    private List<(string Text, bool Interp, int From, int To)> Heredoc()
    {
        var open = _i;
        _i += 2;
        var indent = Peek() == '-';
        if (indent) _i++;
        var start = _i;
        while (_i < _s.Length && _s[_i] != '\n') _i++;
        var marker = _s[start.._i].Trim();
        if (marker.Length == 0) throw Error("Invalid heredoc", "A heredoc needs a marker, like <<EOT.", open, _i);
        _i++;
        var lines = new List<(string Line, int At)>();
        while (true)
        {
            if (_i >= _s.Length) throw Error("Unterminated template string", $"No closing marker was found for the heredoc \"{marker}\".", open, start + marker.Length);
            var eol = _s.IndexOf('\n', _i);
            if (eol < 0) eol = _s.Length;
            var at = _i;
            var line = _s[_i..eol];
            _i = Math.Min(eol + 1, _s.Length);
            if (line.Trim() == marker) { _i = at + line.Length; break; }
            lines.Add((line, at));
        }
        if (indent && lines.Count > 0)
        {
            var min = lines.Where(l => l.Line.Trim().Length > 0).Select(l => l.Line.Length - l.Line.TrimStart().Length).DefaultIfEmpty(0).Min();
            lines = lines.Select(l => l.Line.Length >= min ? (l.Line[min..], l.At + min) : (l.Line.TrimStart(), l.At)).ToList();
        }
        var parts = new List<(string, bool, int, int)>();
        var sb = new StringBuilder();
        foreach (var (line, at) in lines)
        {
            var k = 0;
            while (k < line.Length)
            {
                if (line[k] == '$' && k + 2 < line.Length && line[k + 1] == '$' && line[k + 2] == '{') { sb.Append("${"); k += 3; continue; }
                if (line[k] == '$' && k + 1 < line.Length && line[k + 1] == '{' && line.IndexOf('}', k) is var close and > 0)
                {
                    if (sb.Length > 0) { parts.Add((sb.ToString(), false, 0, 0)); sb.Clear(); }
                    parts.Add((line[(k + 2)..close], true, at + k, at + close + 1));
                    k = close + 1;
                    continue;
                }
                sb.Append(line[k++]);
            }
            sb.Append('\n');
        }
        if (sb.Length > 0 || parts.Count == 0) parts.Add((sb.ToString(), false, 0, 0));
        return parts;
    }
}

/// <summary>Maps a parsed jobspec to the JSON API job shape (what /v1/jobs/parse returns).</summary>
public static class JobSpec
{
    public static JsonObject FromHcl(string hcl, string? variables = null)
    {
        var (body, _) = HclParser.ParseWithVariables(hcl, variables);
        var jobs = body.BlocksOf("job").ToList();
        if (jobs.Count != 1) throw new HclException(jobs.Count == 0 ? "input.hcl:1,1-1" : jobs[1].DefRange, jobs.Count == 0 ? "Missing job block" : "Duplicate job block", "Exactly one job block is required.");
        var jb = jobs[0];
        if (jb.Labels.Length != 1) throw new HclException("input.hcl: job block needs one label (the job ID)");
        var job = new JsonObject { ["ID"] = jb.Labels[0], ["Name"] = jb.Labels[0] };
        var b = jb.Body;
        foreach (var (name, value) in b.Attributes)
        {
            switch (name)
            {
                case "meta": job["Meta"] = value?.DeepClone(); break;
                case "datacenters": job["Datacenters"] = value?.DeepClone(); break;
                default: job[Pascal(name)] = value?.DeepClone(); break;
            }
        }
        foreach (var blk in b.Blocks)
        {
            switch (blk.Type)
            {
                case "meta": job["Meta"] = AttrsObject(blk.Body); break;
                case "group": Add(job, "TaskGroups", Group(blk)); break;
                case "constraint": Add(job, "Constraints", Constraint(blk.Body)); break;
                case "affinity": Add(job, "Affinities", Generic(blk.Body)); break;
                case "spread": Add(job, "Spreads", Generic(blk.Body)); break;
                case "update": job["Update"] = Update(blk.Body); break;
                case "parameterized":
                    job["ParameterizedJob"] = new JsonObject
                    {
                        ["Payload"] = blk.Body.Attr("payload")?.DeepClone() ?? "optional",
                        ["MetaRequired"] = blk.Body.Attr("meta_required")?.DeepClone(),
                        ["MetaOptional"] = blk.Body.Attr("meta_optional")?.DeepClone(),
                    };
                    break;
                case "periodic":
                {
                    var spec = blk.Body.Attr("cron") ?? blk.Body.Attr("crons")?.AsArray().FirstOrDefault();
                    job["Periodic"] = new JsonObject
                    {
                        ["Enabled"] = blk.Body.Attr("enabled")?.DeepClone() ?? true,
                        ["Spec"] = spec?.DeepClone(),
                        ["Specs"] = blk.Body.Attr("crons")?.DeepClone(),
                        ["SpecType"] = "cron",
                        ["ProhibitOverlap"] = blk.Body.Attr("prohibit_overlap")?.DeepClone() ?? false,
                        ["TimeZone"] = blk.Body.Attr("time_zone")?.DeepClone() ?? "UTC",
                    };
                    break;
                }
                default: job[Pascal(blk.Type)] = Generic(blk.Body); break;
            }
        }
        return job;
    }

    private static JsonObject Group(HclBlock g)
    {
        var o = new JsonObject { ["Name"] = g.Labels.FirstOrDefault() ?? throw new HclException("group block needs a label") };
        foreach (var (name, value) in g.Body.Attributes)
            o[name == "meta" ? "Meta" : Pascal(name)] = value?.DeepClone();
        foreach (var blk in g.Body.Blocks)
        {
            switch (blk.Type)
            {
                case "task": Add(o, "Tasks", Task(blk)); break;
                case "meta": o["Meta"] = AttrsObject(blk.Body); break;
                case "constraint": Add(o, "Constraints", Constraint(blk.Body)); break;
                case "restart":
                    o["RestartPolicy"] = new JsonObject
                    {
                        ["Attempts"] = blk.Body.Attr("attempts")?.DeepClone(), ["Delay"] = Dur(blk.Body.Attr("delay")),
                        ["Interval"] = Dur(blk.Body.Attr("interval")), ["Mode"] = blk.Body.Attr("mode")?.DeepClone(),
                    };
                    break;
                case "reschedule": o["ReschedulePolicy"] = Generic(blk.Body, durations: ["delay", "max_delay", "interval"]); break;
                case "ephemeral_disk":
                    o["EphemeralDisk"] = new JsonObject { ["SizeMB"] = blk.Body.Attr("size")?.DeepClone() ?? 300, ["Sticky"] = blk.Body.Attr("sticky")?.DeepClone() ?? false, ["Migrate"] = blk.Body.Attr("migrate")?.DeepClone() ?? false };
                    break;
                case "volume":
                {
                    var vols = o["Volumes"] as JsonObject ?? new JsonObject();
                    var name = blk.Labels.FirstOrDefault() ?? "volume";
                    vols[name] = new JsonObject
                    {
                        ["Name"] = name, ["Type"] = blk.Body.Attr("type")?.DeepClone() ?? "host",
                        ["Source"] = blk.Body.Attr("source")?.DeepClone(), ["ReadOnly"] = blk.Body.Attr("read_only")?.DeepClone() ?? false,
                    };
                    o["Volumes"] = vols;
                    break;
                }
                case "network": Add(o, "Networks", Generic(blk.Body)); break;
                case "service": Add(o, "Services", Generic(blk.Body)); break;
                case "update": o["Update"] = Update(blk.Body); break;
                default: o[Pascal(blk.Type)] = Generic(blk.Body); break;
            }
        }
        return o;
    }

    private static JsonObject Task(HclBlock t)
    {
        var o = new JsonObject { ["Name"] = t.Labels.FirstOrDefault() ?? throw new HclException("task block needs a label") };
        foreach (var (name, value) in t.Body.Attributes)
        {
            switch (name)
            {
                case "kill_timeout": o["KillTimeout"] = Dur(value); break;
                case "env": o["Env"] = value?.DeepClone(); break;
                case "meta": o["Meta"] = value?.DeepClone(); break;
                case "config": o["Config"] = value?.DeepClone(); break;
                default: o[Pascal(name)] = value?.DeepClone(); break;
            }
        }
        foreach (var blk in t.Body.Blocks)
        {
            switch (blk.Type)
            {
                case "config": o["Config"] = RawObject(blk.Body); break;
                case "env": o["Env"] = AttrsObject(blk.Body); break;
                case "meta": o["Meta"] = AttrsObject(blk.Body); break;
                case "resources":
                    o["Resources"] = new JsonObject
                    {
                        ["CPU"] = blk.Body.Attr("cpu")?.DeepClone(), ["Cores"] = blk.Body.Attr("cores")?.DeepClone(),
                        ["MemoryMB"] = blk.Body.Attr("memory")?.DeepClone(), ["MemoryMaxMB"] = blk.Body.Attr("memory_max")?.DeepClone(),
                    };
                    break;
                case "dispatch_payload": o["DispatchPayload"] = new JsonObject { ["File"] = blk.Body.Attr("file")?.DeepClone() }; break;
                case "logs": o["LogConfig"] = new JsonObject { ["MaxFiles"] = blk.Body.Attr("max_files")?.DeepClone() ?? 10, ["MaxFileSizeMB"] = blk.Body.Attr("max_file_size")?.DeepClone() ?? 10 }; break;
                case "volume_mount":
                    Add(o, "VolumeMounts", new JsonObject
                    {
                        ["Volume"] = blk.Body.Attr("volume")?.DeepClone(), ["Destination"] = blk.Body.Attr("destination")?.DeepClone(),
                        ["ReadOnly"] = blk.Body.Attr("read_only")?.DeepClone() ?? false,
                    });
                    break;
                case "template":
                    Add(o, "Templates", new JsonObject
                    {
                        ["EmbeddedTmpl"] = blk.Body.Attr("data")?.DeepClone(), ["DestPath"] = blk.Body.Attr("destination")?.DeepClone(),
                        ["ChangeMode"] = blk.Body.Attr("change_mode")?.DeepClone() ?? "restart",
                    });
                    break;
                case "constraint": Add(o, "Constraints", Constraint(blk.Body)); break;
                default: o[Pascal(blk.Type)] = Generic(blk.Body); break;
            }
        }
        return o;
    }

    private static JsonObject Constraint(HclBody b) => new()
    {
        ["LTarget"] = b.Attr("attribute")?.DeepClone() ?? "", ["RTarget"] = b.Attr("value")?.DeepClone() ?? "",
        ["Operand"] = b.Attr("operator")?.DeepClone() ?? "=",
    };

    private static JsonObject Update(HclBody b) => Generic(b, durations: ["stagger", "min_healthy_time", "healthy_deadline", "progress_deadline"]);

    /// <summary>Block -> object with PascalCase keys (durations in ns).</summary>
    private static JsonObject Generic(HclBody b, string[]? durations = null)
    {
        var o = new JsonObject();
        foreach (var (name, value) in b.Attributes)
            o[Pascal(name)] = durations?.Contains(name) == true ? Dur(value) : value?.DeepClone();
        foreach (var blk in b.Blocks) Add(o, Pascal(blk.Type) + "s", Generic(blk.Body));
        return o;
    }

    /// <summary>Block whose keys stay as written (driver config, env, meta).</summary>
    private static JsonObject RawObject(HclBody b)
    {
        var o = new JsonObject();
        foreach (var (name, value) in b.Attributes) o[name] = value?.DeepClone();
        foreach (var blk in b.Blocks)
        {
            var arr = o[blk.Type] as JsonArray ?? new JsonArray();
            arr.Add(RawObject(blk.Body));
            o[blk.Type] = arr;
        }
        return o;
    }

    private static JsonObject AttrsObject(HclBody b)
    {
        var o = new JsonObject();
        foreach (var (name, value) in b.Attributes) o[name] = value is JsonValue v ? v.ToString() : value?.DeepClone();
        return o;
    }

    private static void Add(JsonObject o, string key, JsonNode item)
    {
        var arr = o[key] as JsonArray ?? new JsonArray();
        arr.Add(item);
        o[key] = arr;
    }

    public static string Pascal(string snake)
    {
        var special = snake switch
        {
            "id" => "ID", "node_pool" => "NodePool", "cpu" => "CPU", "all_at_once" => "AllAtOnce", "vault_token" => "VaultToken",
            _ => null,
        };
        if (special != null) return special;
        var sb = new StringBuilder();
        foreach (var part in snake.Split('_', StringSplitOptions.RemoveEmptyEntries))
            sb.Append(char.ToUpperInvariant(part[0])).Append(part.AsSpan(1));
        return sb.ToString();
    }

    /// <summary>"30s", "5m", "1h30m", "250ms" or a number of ns -> nanoseconds.</summary>
    public static JsonNode? Dur(JsonNode? v)
    {
        if (v is null) return null;
        if (v is JsonValue jv && (jv.TryGetValue<long>(out _) || jv.TryGetValue<int>(out _))) return v.Long();
        var s = v.ToString();
        long total = 0;
        var i = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsDigit(s[i]) || s[i] == '.')) i++;
            if (start == i) throw new HclException($"invalid duration '{s}'");
            var num = double.Parse(s[start..i], CultureInfo.InvariantCulture);
            var us = i;
            while (i < s.Length && char.IsLetter(s[i])) i++;
            var unit = s[us..i];
            total += (long)(num * unit switch
            {
                "ns" => 1, "us" or "µs" => 1e3, "ms" => 1e6, "s" => 1e9, "m" => 60e9, "h" => 3600e9,
                _ => throw new HclException($"invalid duration unit in '{s}'"),
            });
        }
        return total;
    }
}

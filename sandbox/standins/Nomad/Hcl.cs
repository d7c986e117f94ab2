using StandIns.Core;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace StandIns.Nomad;

/// <summary>
/// A small HCL2 subset: blocks (<c>type "label" { ... }</c>), attributes (<c>key = value</c>) whose values are
/// strings (with escapes; <c>${...}</c> kept literally, as Nomad leaves runtime interpolation to the client),
/// heredocs (<c>&lt;&lt;EOF</c>, <c>&lt;&lt;-EOF</c>), numbers, booleans, null, lists and objects; comments
/// (#, //, /* */). No expressions, functions, variables or locals.
/// </summary>
public sealed class HclBody
{
    public List<(string Name, JsonNode? Value)> Attributes { get; } = new();
    public List<HclBlock> Blocks { get; } = new();
    public JsonNode? Attr(string name) => Attributes.LastOrDefault(a => a.Name == name).Value;
    public bool Has(string name) => Attributes.Any(a => a.Name == name);
    public IEnumerable<HclBlock> BlocksOf(string type) => Blocks.Where(b => b.Type == type);
}

public sealed record HclBlock(string Type, string[] Labels, HclBody Body);

public sealed class HclException(string message) : Exception(message);

public sealed class HclParser
{
    private readonly string _s;
    private int _i;
    private int _line = 1;

    private HclParser(string s) { _s = s; }

    public static HclBody Parse(string text)
    {
        var p = new HclParser(text);
        var body = p.ParseBody(topLevel: true);
        return body;
    }

    private HclException Error(string msg) => new($"input.hcl:{_line}: {msg}");

    private void SkipWs()
    {
        while (_i < _s.Length)
        {
            var c = _s[_i];
            if (c == '\n') { _line++; _i++; }
            else if (char.IsWhiteSpace(c)) _i++;
            else if (c == '#' || (c == '/' && Peek(1) == '/')) { while (_i < _s.Length && _s[_i] != '\n') _i++; }
            else if (c == '/' && Peek(1) == '*')
            {
                var end = _s.IndexOf("*/", _i + 2, StringComparison.Ordinal);
                if (end < 0) throw Error("unterminated comment");
                _line += _s.AsSpan(_i, end - _i).Count('\n');
                _i = end + 2;
            }
            else break;
        }
    }

    private char Peek(int o = 0) => _i + o < _s.Length ? _s[_i + o] : '\0';

    private HclBody ParseBody(bool topLevel)
    {
        var body = new HclBody();
        while (true)
        {
            SkipWs();
            if (_i >= _s.Length)
            {
                if (!topLevel) throw Error("unexpected end of input, expected '}'");
                return body;
            }
            if (Peek() == '}')
            {
                if (topLevel) throw Error("unexpected '}'");
                _i++;
                return body;
            }
            var name = Identifier();
            SkipWs();
            if (Peek() == '=')
            {
                _i++;
                body.Attributes.Add((name, Value()));
                continue;
            }
            var labels = new List<string>();
            while (true)
            {
                SkipWs();
                if (Peek() == '"') { labels.Add(StringLiteral()); continue; }
                if (Peek() == '{') { _i++; break; }
                if (IsIdentStart(Peek())) { labels.Add(Identifier()); continue; }
                throw Error($"expected '=' or '{{' after '{name}'");
            }
            body.Blocks.Add(new HclBlock(name, labels.ToArray(), ParseBody(topLevel: false)));
        }
    }

    private static bool IsIdentStart(char c) => char.IsLetter(c) || c == '_';
    private static bool IsIdent(char c) => char.IsLetterOrDigit(c) || c is '_' or '-' or '.';

    private string Identifier()
    {
        if (!IsIdentStart(Peek())) throw Error($"unexpected character '{Peek()}'");
        var start = _i;
        while (_i < _s.Length && IsIdent(_s[_i])) _i++;
        return _s[start.._i];
    }

    private JsonNode? Value()
    {
        SkipWs();
        var c = Peek();
        if (c == '"') return JsonValue.Create(StringLiteral());
        if (c == '<' && Peek(1) == '<') return JsonValue.Create(Heredoc());
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
                else if (Peek() != ']') throw Error("expected ',' or ']' in list");
            }
        }
        if (c == '{')
        {
            _i++;
            var obj = new JsonObject();
            while (true)
            {
                SkipWs();
                if (Peek() == '}') { _i++; return obj; }
                var key = Peek() == '"' ? StringLiteral() : Identifier();
                SkipWs();
                if (Peek() is not ('=' or ':')) throw Error($"expected '=' after object key '{key}'");
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
            while (_i < _s.Length && (char.IsDigit(_s[_i]) || _s[_i] is '.' or 'e' or 'E' or '+' or '-')) _i++;
            var num = _s[start.._i];
            if (long.TryParse(num, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
            if (double.TryParse(num, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return JsonValue.Create(d);
            throw Error($"invalid number '{num}'");
        }
        if (IsIdentStart(c))
        {
            var word = Identifier();
            return word switch
            {
                "true" => JsonValue.Create(true),
                "false" => JsonValue.Create(false),
                "null" => null,
                _ => throw Error($"unsupported expression '{word}' (the stand-in accepts literal values only)"),
            };
        }
        throw Error($"unexpected character '{c}'");
    }

    private string StringLiteral()
    {
        _i++; // opening quote
        var sb = new StringBuilder();
        while (true)
        {
            if (_i >= _s.Length) throw Error("unterminated string");
            var c = _s[_i++];
            if (c == '"') return sb.ToString();
            if (c == '\n') throw Error("newline in string");
            if (c == '$' && Peek() == '$' && Peek(1) == '{') { sb.Append("${"); _i += 2; continue; } // $${ escapes ${
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
                    sb.Append((char)Convert.ToInt32(_s.Substring(_i, 4), 16));
                    _i += 4;
                    break;
                default: throw Error($"invalid escape '\\{e}'");
            }
        }
    }

    private string Heredoc()
    {
        _i += 2;
        var indent = Peek() == '-';
        if (indent) _i++;
        var start = _i;
        while (_i < _s.Length && _s[_i] != '\n') _i++;
        var marker = _s[start.._i].Trim();
        if (marker.Length == 0) throw Error("heredoc needs a marker");
        _i++; _line++;
        var lines = new List<string>();
        while (true)
        {
            if (_i >= _s.Length) throw Error($"heredoc '{marker}' not terminated");
            var eol = _s.IndexOf('\n', _i);
            if (eol < 0) eol = _s.Length;
            var line = _s[_i..eol];
            _i = Math.Min(eol + 1, _s.Length);
            _line++;
            if (line.Trim() == marker) break;
            lines.Add(line);
        }
        if (indent && lines.Count > 0)
        {
            var min = lines.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
            lines = lines.Select(l => l.Length >= min ? l[min..] : l.TrimStart()).ToList();
        }
        return string.Join('\n', lines) + "\n";
    }
}

/// <summary>Maps a parsed jobspec to the JSON API job shape (what /v1/jobs/parse returns).</summary>
public static class JobSpec
{
    public static JsonObject FromHcl(string hcl)
    {
        var body = HclParser.Parse(hcl);
        var jobs = body.BlocksOf("job").ToList();
        if (jobs.Count != 1) throw new HclException("input.hcl: exactly one 'job' block is required");
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

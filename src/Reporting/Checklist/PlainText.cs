using System.Text;

namespace Acceptance.Reporting.Checklist;

/// <summary>
/// Text for documents read without an emoji font (a ticket system, a PDF viewer, a terminal): pictographs and dingbats
/// become words or go, the typographic characters of the suite's own sentences stay (<see cref="Typographic"/>).
/// </summary>
public static class PlainText
{
    /// <summary>
    /// The characters above U+2000 a document may hold, chosen on purpose: dashes, quotes, the ellipsis, the arrow and
    /// comparison signs of the verdict sentences ("GET /v1/health → 200", "≥ 3"). All are in Liberation Sans.
    /// </summary>
    public const string Typographic = "\u2013\u2014\u2018\u2019\u201C\u201D\u2026\u2192\u2264\u2265";

    /// <summary>The text with every other character above U+2000 replaced by a word ("[ok]", "[x]", "[!]") or removed.</summary>
    public static string Of(string? s)
    {
        if (string.IsNullOrEmpty(s)) return s ?? "";
        var clean = true;
        foreach (var c in s) if (c > '\u2000' && !Typographic.Contains(c)) { clean = false; break; }
        if (clean) return s;
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c <= '\u2000' || Typographic.Contains(c)) { sb.Append(c); continue; }
            var rune = char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]) ? char.ConvertToUtf32(c, s[++i]) : c;
            sb.Append(rune switch
            {
                0x2705 or 0x2714 or 0x2611 => "[ok]",
                0x274C or 0x2716 or 0x2717 => "[x]",
                0x26A0 => "[!]",
                0x2B1C or 0x2610 => "[ ]",
                0x2022 => "-",
                0x2190 => "<-",
                0x2260 => "!=",
                _ when rune is >= 0x2000 and <= 0x200B => " ",
                _ => "",
            });
        }
        return sb.ToString();
    }
}

using System.Text.Json.Nodes;

namespace StandIns.Tests.Support;

public static class Fixture
{
    public static string Path(string rel) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", rel);
    public static string Text(string rel) => File.ReadAllText(Path(rel));
    public static JsonNode Json(string rel) => JsonNode.Parse(Text(rel))!;
}

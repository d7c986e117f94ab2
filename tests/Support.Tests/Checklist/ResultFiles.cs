using System.Text.Json;

namespace Acceptance.Support.Tests.Checklist;

/// <summary>Hand-written Allure result files, as the suite's listener would leave them.</summary>
internal static class ResultFiles
{
    public static string Write(string dir, string name, string status, string feature = "Monitoring and Alerting",
        string? message = null, params string[] checklistIds)
    {
        Directory.CreateDirectory(dir);
        var uuid = Guid.NewGuid().ToString();
        var labels = new List<object> { new { name = "suite", value = feature }, new { name = "tag", value = "monitoring" } };
        labels.AddRange(checklistIds.Select(id => new { name = "tag", value = "checklist:" + id }));
        var result = new Dictionary<string, object?>
        {
            ["uuid"] = uuid, ["name"] = name, ["fullName"] = $"{feature}: {name}", ["testCaseId"] = uuid, ["status"] = status,
            ["stage"] = "finished", ["start"] = 1, ["stop"] = 2, ["steps"] = Array.Empty<object>(), ["labels"] = labels,
        };
        // the suite's writer omits null fields; so do these files
        if (message is not null) result["statusDetails"] = new { message, trace = "at Somewhere()" };
        var path = Path.Combine(dir, $"{uuid}-result.json");
        File.WriteAllText(path, JsonSerializer.Serialize(result));
        return path;
    }
}

using Acceptance.Reporting.Allure;
using Acceptance.Reporting.Checklist;

namespace Acceptance.Reporting.Tests.Checklist;

/// <summary>Result files as the suite's listener would leave them, built on the shared model and written by the shared writer.</summary>
internal static class ResultFiles
{
    /// <summary>Writes one scenario result (suite label = <paramref name="feature"/>, a tag per checklist id) and returns its path.</summary>
    public static string Write(string dir, string name, string status, string feature = "Monitoring and Alerting",
        string? message = null, params string[] checklistIds)
    {
        var result = new AllureResult
        {
            Name = name,
            FullName = $"{feature}: {name}",
            Status = status,
            StatusDetails = message is null ? null : new AllureStatusDetails(message, "at Somewhere()"),
            Start = 1,
            Stop = 2,
            Labels =
            [
                new(AllureLabelName.Suite, feature), new(AllureLabelName.Tag, "monitoring"),
                .. checklistIds.Select(id => new AllureLabel(AllureLabelName.Tag, ChecklistCatalog.TagPrefix + id)),
            ],
        };
        result.TestCaseId = result.HistoryId = result.Uuid;
        var writer = new AllureResultsWriter(dir);
        writer.WriteResult(result);
        return Path.Combine(writer.Directory, $"{result.Uuid}-result.json");
    }
}

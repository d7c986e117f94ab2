using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Acceptance.Reporting.Allure;

/// <summary>One &lt;uuid&gt;-result.json file as read back: the result, or why it could not be read.</summary>
/// <param name="Path">Full path of the file.</param>
/// <param name="Result">The result; null when the file could not be read.</param>
/// <param name="Error">Why the file could not be read; null when it was.</param>
public sealed record AllureResultFile(string Path, AllureResult? Result, string? Error)
{
    /// <summary>The file's name (without its folder).</summary>
    public string FileName => System.IO.Path.GetFileName(Path);

    /// <summary>True when <see cref="Result"/> holds the result; false when <see cref="Error"/> says why not.</summary>
    [MemberNotNullWhen(true, nameof(Result))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsReadable => Result is not null;
}

/// <summary>
/// Reads allure-results back into the model <see cref="AllureResultsWriter"/> writes: the one place
/// that parses result files. A file that does not match the model (not JSON, cut short, no name or
/// status, a null or a wrong type where the model has none) is unreadable, never a silent gap.
/// </summary>
public static class AllureResultReader
{
    /// <summary>The file name pattern of result files.</summary>
    public const string ResultFilePattern = "*-result.json";

    // The writer's options (camelCase names, the same model), strict about the shape when reading.
    private static readonly JsonTypeInfo<AllureResult> ResultType = (JsonTypeInfo<AllureResult>)
        new JsonSerializerOptions(AllureJsonContext.Default.Options)
        {
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
        }.GetTypeInfo(typeof(AllureResult));

    /// <summary>
    /// Reads every result file of <paramref name="directory"/>, in file name order (none when the
    /// folder does not exist). Unreadable files are returned with the reason, not thrown.
    /// </summary>
    public static IReadOnlyList<AllureResultFile> ReadFolder(string directory)
    {
        if (!Directory.Exists(directory)) return [];
        return Directory.EnumerateFiles(directory, ResultFilePattern)
            .Order(StringComparer.Ordinal)
            .Select(ReadFile)
            .ToList();
    }

    /// <summary>Reads one result file; an unreadable file is returned with the reason, not thrown.</summary>
    public static AllureResultFile ReadFile(string path)
    {
        try
        {
            return new AllureResultFile(path, Parse(File.ReadAllText(path)), null);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return new AllureResultFile(path, null, e.Message);
        }
    }

    /// <summary>Parses the text of a result file.</summary>
    /// <exception cref="JsonException">The text is not a result of the model's shape.</exception>
    public static AllureResult Parse(string json) =>
        JsonSerializer.Deserialize(json, ResultType) ?? throw new JsonException("the file holds null, not a result");
}

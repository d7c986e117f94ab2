using System.Collections.Concurrent;
using System.Diagnostics;
using System.Xml.Linq;
using Acceptance.ReqnrollNUnit.Tests.Bindings;

namespace Acceptance.ReqnrollNUnit.Tests.Verification;

public sealed record CaseResult(string Fixture, string Name, string FullName, string Result, string? Label,
    string Message, string StackTrace, string[] Categories);

public sealed record NestedRunResult(IReadOnlyList<CaseResult> Cases, IReadOnlyList<Entry> Log, string Stderr)
{
    public CaseResult Case(string name) => Cases.Single(c => c.Name == name);
    public IEnumerable<Entry> Of(string kind) => Log.Where(e => e.Kind == kind);
}

/// <summary>
/// Runs the feature fixtures of this very assembly in a child process (Program.Main, NUnit's own runner) against a
/// chosen features folder, so that red scenarios can be asserted without leaving red tests in this run.
/// </summary>
public static class NestedRun
{
    private static readonly ConcurrentDictionary<string, Lazy<NestedRunResult>> Cache = new();

    public static NestedRunResult Of(string featuresFolder, string? filterXml = null) =>
        Cache.GetOrAdd($"{featuresFolder}|{filterXml}", _ => new Lazy<NestedRunResult>(() => Run(featuresFolder, filterXml))).Value;

    private static NestedRunResult Run(string featuresFolder, string? filterXml)
    {
        var dir = Path.Combine(Path.GetTempPath(), "reqnroll-nunit-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var results = Path.Combine(dir, "results.xml");
            var record = Path.Combine(dir, "record.jsonl");
            var psi = new ProcessStartInfo(DotnetHost()) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            psi.ArgumentList.Add(typeof(Program).Assembly.Location);
            psi.ArgumentList.Add("--nested-run");
            psi.ArgumentList.Add(results);
            psi.ArgumentList.Add(record);
            if (filterXml is not null) psi.ArgumentList.Add(filterXml);
            psi.Environment[FeatureSource.DirectoryVariable] = Path.Combine(AppContext.BaseDirectory, featuresFolder);
            using var process = Process.Start(psi)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(90))) { process.Kill(true); throw new TimeoutException("nested run timed out"); }
            if (process.ExitCode != 0 || !File.Exists(results))
                throw new InvalidOperationException($"nested run failed ({process.ExitCode}): {stderr.Result}\n{stdout.Result}");
            var xml = XDocument.Load(results);
            var cases = xml.Descendants("test-case").Select(tc => new CaseResult(
                Fixture: tc.Ancestors("test-suite").First(s => (string?)s.Attribute("type") == "TestFixture").Attribute("name")!.Value,
                Name: tc.Attribute("name")!.Value,
                FullName: tc.Attribute("fullname")!.Value,
                Result: tc.Attribute("result")!.Value,
                Label: (string?)tc.Attribute("label"),
                Message: (string?)tc.Element("failure")?.Element("message") ?? (string?)tc.Element("reason")?.Element("message") ?? "",
                StackTrace: (string?)tc.Element("failure")?.Element("stack-trace") ?? "",
                Categories: tc.Descendants("property").Where(p => (string?)p.Attribute("name") == "Category")
                    .Select(p => p.Attribute("value")!.Value).ToArray())).ToList();
            return new NestedRunResult(cases, Recorder.Parse(File.ReadAllLines(record)), stderr.Result);
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }

    private static string DotnetHost()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host)) return host;
        var self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }
}

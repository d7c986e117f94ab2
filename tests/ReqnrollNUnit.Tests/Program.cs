using System.Reflection;
using Acceptance.ReqnrollNUnit.Tests.Bindings;
using NUnit.Framework.Api;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;

namespace Acceptance.ReqnrollNUnit.Tests;

/// <summary>
/// Nested run: <c>dotnet Acceptance.ReqnrollNUnit.Tests.dll --nested-run results.xml record.jsonl [nunit-filter-xml]</c>
/// runs the feature fixtures of this assembly (features from ACCEPTANCE_FEATURES_DIR) with NUnit's own runner,
/// writes NUnit's result XML and the binding recorder log. Used by the Verification tests.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length < 3 || args[0] != "--nested-run")
        {
            Console.Error.WriteLine("usage: --nested-run <results.xml> <record.jsonl> [filter-xml]");
            return 2;
        }
        Recorder.Enabled = true;
        var runner = new NUnitTestAssemblyRunner(new DefaultTestAssemblyBuilder());
        var settings = new Dictionary<string, object> { ["NumberOfTestWorkers"] = 4 };
        runner.Load(Assembly.GetExecutingAssembly(), settings);
        var filterXml = args.Length > 3 ? args[3] : "<filter><class>Acceptance.ReqnrollNUnit.Tests.Run.Features</class></filter>";
        var result = runner.Run(TestListener.NULL, TestFilter.FromXml(filterXml));
        File.WriteAllText(args[1], result.ToXml(true).OuterXml);
        File.WriteAllLines(args[2], Recorder.Lines());
        return 0;
    }
}

using System.Text;
using System.Text.Json;
using Acceptance.Reporting.Allure;
using Acceptance.Support.Evidence;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Reporting.Tests.Allure;

public sealed class AllureResultsWriterTests
{
    private TempDir _dir = null!;

    [SetUp] public void SetUp() => _dir = new TempDir("allure");
    [TearDown] public void TearDown() => _dir.Dispose();

    [Test]
    public void A_result_is_valid_json_without_BOM_with_the_fields_Allure_needs_and_redacted_details()
    {
        var secret = Unique.Secret("allure");
        SecretRegistry.Register(secret);
        var writer = new AllureResultsWriter(_dir.Combine("results"));
        var attachment = writer.WriteAttachment(new EvidenceItem("observations", "text/plain", "seen"u8.ToArray(), "txt"));
        var result = new AllureResult
        {
            Name = "Prometheus scrapes every target",
            FullName = "monitoring.feature: Prometheus scrapes every target",
            TestCaseId = "abc123",
            HistoryId = "abc123",
            Status = AllureStatus.Failed,
            StatusDetails = new AllureStatusDetails($"token {secret} rejected", $"at X-Consul-Token: {secret}\nAuthorization: Basic Zm9vOmJhcg=="),
            Start = 1000,
            Stop = 2000,
            Steps = [new AllureStep { Name = "Given a target", Status = AllureStatus.Passed, Attachments = [attachment],
                Steps = [new AllureStep { Name = "nested", Status = AllureStatus.Passed }] }],
            Labels = [new("feature", "Monitoring and Alerting"), new("tag", "checklist:MON-MS-1")],
        };

        writer.WriteResult(result);

        var files = Directory.GetFiles(writer.Directory);
        files.Select(Path.GetFileName).Should().BeEquivalentTo($"{result.Uuid}-result.json", attachment.Source);
        File.ReadAllText(Path.Combine(writer.Directory, attachment.Source)).Should().Be("seen");
        var bytes = File.ReadAllBytes(Path.Combine(writer.Directory, $"{result.Uuid}-result.json"));
        bytes.Take(3).Should().NotEqual(new byte[] { 0xEF, 0xBB, 0xBF }, "Allure's parser does not expect a BOM");
        Encoding.UTF8.GetString(bytes).Should().NotContain(secret).And.NotContain("Zm9vOmJhcg==");

        using var doc = JsonDocument.Parse(bytes);
        var r = doc.RootElement;
        r.GetProperty("uuid").GetString().Should().Be(result.Uuid);
        r.GetProperty("name").GetString().Should().Be(result.Name);
        r.GetProperty("fullName").GetString().Should().Be(result.FullName);
        r.GetProperty("testCaseId").GetString().Should().Be("abc123");
        r.GetProperty("historyId").GetString().Should().Be("abc123");
        r.GetProperty("status").GetString().Should().Be("failed");
        r.GetProperty("stage").GetString().Should().Be("finished");
        r.GetProperty("start").GetInt64().Should().Be(1000);
        r.GetProperty("stop").GetInt64().Should().Be(2000);
        r.GetProperty("statusDetails").GetProperty("message").GetString().Should().Be("token [REDACTED] rejected");
        r.GetProperty("statusDetails").GetProperty("trace").GetString().Should().Be("at X-Consul-Token: [REDACTED]\nAuthorization: [REDACTED]");
        var step = r.GetProperty("steps")[0];
        step.GetProperty("name").GetString().Should().Be("Given a target");
        step.GetProperty("status").GetString().Should().Be("passed");
        step.GetProperty("attachments")[0].GetProperty("source").GetString().Should().Be(attachment.Source);
        step.GetProperty("attachments")[0].GetProperty("type").GetString().Should().Be("text/plain");
        step.GetProperty("steps")[0].GetProperty("name").GetString().Should().Be("nested");
        r.GetProperty("labels").EnumerateArray().Select(l => $"{l.GetProperty("name").GetString()}={l.GetProperty("value").GetString()}")
            .Should().Equal("feature=Monitoring and Alerting", "tag=checklist:MON-MS-1");
        r.TryGetProperty("description", out _).Should().BeFalse("nulls are not written");
    }

    [Test]
    public void Rewriting_a_result_replaces_it_and_leaves_no_temporary_file()
    {
        var writer = new AllureResultsWriter(_dir.Path);
        var result = new AllureResult { Name = "a", Status = AllureStatus.Broken };
        writer.WriteResult(result);
        result.Status = AllureStatus.Passed;
        writer.WriteResult(result);

        Directory.GetFiles(_dir.Path).Should().ContainSingle().Which.Should().EndWith("-result.json");
        AllureResultReader.ReadFile(Directory.GetFiles(_dir.Path)[0]).Result!.Status.Should().Be("passed");
    }

    [Test]
    public void Environment_properties_and_executor_json_are_written()
    {
        var secret = Unique.Secret("env");
        SecretRegistry.Register(secret);
        var writer = new AllureResultsWriter(_dir.Path);

        writer.WriteEnvironment([new("target.name", "prod"), new("consul.url", "https://c:8501"), new("note", $"line1\nline2 {secret}")]);
        writer.WriteExecutor("20260101T000000Z-abcd");

        var env = File.ReadAllBytes(_dir.Combine("environment.properties"));
        env.Take(3).Should().NotEqual(new byte[] { 0xEF, 0xBB, 0xBF });
        Encoding.UTF8.GetString(env).Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().Equal(
            "target.name=prod", @"consul.url=https\://c\:8501", "note=line1 line2 [REDACTED]");

        using var executor = JsonDocument.Parse(File.ReadAllText(_dir.Combine("executor.json")));
        executor.RootElement.GetProperty("name").GetString().Should().NotBeNullOrEmpty();
        executor.RootElement.GetProperty("type").GetString().Should().NotBeNullOrEmpty();
        executor.RootElement.GetProperty("reportName").GetString().Should().Be("Production deployment checklist");
        executor.RootElement.GetProperty("buildName").GetString().Should().NotBeNullOrEmpty();
    }
}

using System.Text;
using Acceptance.Reporting.Allure;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Reporting.Tests.Allure;

public sealed class AllureResultReaderTests
{
    // Written by AllureResultsWriter before reporting moved out of Support: the shape the report must keep.
    private const string WrittenBeforeTheMove = """
        {"uuid":"11111111-2222-3333-4444-555555555555","name":"Prometheus scrapes every target [n=1]","fullName":"monitoring/alerting.feature: Prometheus scrapes every target [n=1]","testCaseId":"abc","historyId":"abc","description":"- **MON-MS-1** (Monitoring / Setup): text \u0022quoted\u0022 \u00FCn\u00EFc\u00F6d\u00E9 \u003Cb\u003E\u0026\u003C/b\u003E\n","status":"failed","statusDetails":{"message":"expected 3 but \u0027found\u0027 1 \u2192 \u2705","trace":"at X()\nat Y()","known":true,"muted":false,"flaky":true},"stage":"finished","start":1700000000000,"stop":1700000001234,"steps":[{"name":"Given a target","status":"passed","stage":"finished","start":1,"stop":2,"steps":[{"name":"nested","status":"skipped","statusDetails":{"trace":"t","known":false,"muted":false,"flaky":false},"stage":"finished","start":0,"stop":0,"steps":[],"attachments":[],"parameters":[]}],"attachments":[{"name":"observations","source":"a-attachment.txt","type":"text/plain"}],"parameters":[{"name":"p","value":"v"}]},{"name":"Then it fails","status":"failed","statusDetails":{"message":"m","known":false,"muted":false,"flaky":false},"stage":"finished","start":0,"stop":0,"steps":[],"attachments":[],"parameters":[]}],"attachments":[{"name":"log","source":"b-attachment.txt","type":"text/plain"}],"parameters":[{"name":"n","value":"1"}],"labels":[{"name":"epic","value":"Post"},{"name":"feature","value":"Monitoring and Alerting"},{"name":"story","value":"Setup"},{"name":"suite","value":"Monitoring"},{"name":"tag","value":"checklist:MON-MS-1"},{"name":"tag","value":"critical"},{"name":"severity","value":"critical"}],"links":[{"name":"ticket","url":"https://t/1","type":"issue"}]}
        """;

    private TempDir _dir = null!;

    [SetUp] public void SetUp() => _dir = new TempDir("allure-reader");
    [TearDown] public void TearDown() => _dir.Dispose();

    [Test]
    public void A_result_reads_into_the_model_and_rewrites_byte_for_byte()
    {
        var file = _dir.File("11111111-2222-3333-4444-555555555555-result.json", WrittenBeforeTheMove);

        var read = AllureResultReader.ReadFile(file);

        read.IsReadable.Should().BeTrue(read.Error);
        var r = read.Result!;
        (r.Uuid, r.Name, r.FullName, r.TestCaseId, r.HistoryId).Should().Be(("11111111-2222-3333-4444-555555555555",
            "Prometheus scrapes every target [n=1]", "monitoring/alerting.feature: Prometheus scrapes every target [n=1]", "abc", "abc"));
        r.Description.Should().Be("- **MON-MS-1** (Monitoring / Setup): text \"quoted\" ünïcödé <b>&</b>\n");
        (r.Status, r.Stage, r.Start, r.Stop).Should().Be((AllureStatus.Failed, "finished", 1700000000000L, 1700000001234L));
        r.StatusDetails.Should().Be(new AllureStatusDetails("expected 3 but 'found' 1 → ✅", "at X()\nat Y()") { Known = true, Flaky = true });
        r.Message.Should().Be("expected 3 but 'found' 1 → ✅");
        r.Steps.Select(s => (s.Name, s.Status)).Should().Equal(("Given a target", "passed"), ("Then it fails", "failed"));
        r.Steps[0].Attachments.Should().Equal(new AllureAttachment("observations", "a-attachment.txt", "text/plain"));
        r.Steps[0].Parameters.Should().Equal(new AllureParameter("p", "v"));
        r.Steps[0].Steps.Should().ContainSingle().Which.StatusDetails.Should().Be(new AllureStatusDetails(null, "t"));
        r.Steps[1].StatusDetails!.Message.Should().Be("m");
        r.Attachments.Should().Equal(new AllureAttachment("log", "b-attachment.txt", "text/plain"));
        r.Parameters.Should().Equal(new AllureParameter("n", "1"));
        r.Links.Should().Equal(new AllureLink("ticket", "https://t/1", "issue"));

        var writer = new AllureResultsWriter(_dir.Combine("again"));
        writer.WriteResult(r);
        File.ReadAllText(_dir.Combine("again", "11111111-2222-3333-4444-555555555555-result.json"), Encoding.UTF8)
            .Should().Be(WrittenBeforeTheMove, "writer and reader share one model, so nothing is lost or reshaped");
    }

    [Test]
    public void The_label_views_give_tags_checklist_ids_and_the_checklist_labels()
    {
        var r = AllureResultReader.Parse(WrittenBeforeTheMove);

        r.Tags.Should().Equal("checklist:MON-MS-1", "critical");
        r.ChecklistIds.Should().Equal("MON-MS-1");
        (r.Epic, r.Feature, r.Story, r.Suite, r.Severity).Should().Be(("Post", "Monitoring and Alerting", "Setup", "Monitoring", "critical"));
        r.LabelValue("parentSuite").Should().BeNull();
        r.LabelValues(AllureLabelName.Tag).Should().Equal(r.Tags);
    }

    [Test]
    public void What_the_writer_writes_the_reader_reads_back_including_absent_optional_fields()
    {
        var writer = new AllureResultsWriter(_dir.Path);
        var written = new AllureResult
        {
            Name = "minimal",
            Status = AllureStatus.Skipped,
            StatusDetails = new AllureStatusDetails("Not verified: no log endpoint"),
            Labels = [new(AllureLabelName.Tag, "checklist:MON-MS-3"), new(AllureLabelName.Tag, "checklist:MON-MS-4")],
        };
        writer.WriteResult(written);

        var read = AllureResultReader.ReadFolder(_dir.Path).Should().ContainSingle().Which;

        read.FileName.Should().Be($"{written.Uuid}-result.json");
        read.Result!.Uuid.Should().Be(written.Uuid);
        read.Result.Description.Should().BeNull();
        read.Result.StatusDetails.Should().Be(new AllureStatusDetails("Not verified: no log endpoint", ""), "the writer writes a missing trace as \"\"");
        read.Result.ChecklistIds.Should().Equal("MON-MS-3", "MON-MS-4");
        read.Result.Suite.Should().BeNull();
        read.Result.Steps.Should().BeEmpty();
    }

    [Test]
    public void A_folder_is_read_in_file_name_order_and_only_its_result_files()
    {
        _dir.File("b-result.json", """{"name":"second","status":"passed"}""");
        _dir.File("a-result.json", """{"name":"first","status":"failed"}""");
        _dir.File("c-attachment.txt", "not a result");
        _dir.File("executor.json", "{}");
        _dir.File("environment.properties", "a=b");
        _dir.File("d-result.json.tmp", "{");

        AllureResultReader.ReadFolder(_dir.Path).Select(f => (f.FileName, f.Result?.Name, f.Result?.Status))
            .Should().Equal(("a-result.json", "first", "failed"), ("b-result.json", "second", "passed"));
    }

    [Test]
    public void A_missing_folder_has_no_results() => AllureResultReader.ReadFolder(_dir.Combine("nowhere")).Should().BeEmpty();

    [TestCase("{\"uuid\":\"dead", "end of data")]
    [TestCase("", "LineNumber: 0")]
    [TestCase("null", "null")]
    [TestCase("[]", "AllureResult")]
    [TestCase("{}", "missing required properties including: 'name', 'status'")]
    [TestCase("{\"name\":\"x\"}", "'status'")]
    [TestCase("{\"name\":null,\"status\":\"passed\"}", "name")]
    [TestCase("{\"name\":\"x\",\"status\":3}", "$.status")]
    [TestCase("{\"name\":\"x\",\"status\":\"passed\",\"start\":\"12\"}", "$.start")]
    [TestCase("{\"name\":\"x\",\"status\":\"passed\",\"labels\":null}", "labels")]
    [TestCase("{\"name\":\"x\",\"status\":\"passed\",\"labels\":[{\"value\":\"v\"}]}", "'name'")]
    [TestCase("{\"name\":\"x\",\"status\":\"failed\",\"statusDetails\":\"oops\"}", "$.statusDetails")]
    public void A_file_that_does_not_match_the_model_is_unreadable_with_the_reason(string json, string reason)
    {
        var file = _dir.File("odd-result.json", json);

        var read = AllureResultReader.ReadFolder(_dir.Path).Should().ContainSingle().Which;

        read.Path.Should().Be(file);
        read.IsReadable.Should().BeFalse();
        read.Result.Should().BeNull();
        read.Error.Should().Contain(reason);
    }

    [Test]
    public void A_null_status_details_and_absent_lists_are_valid()
    {
        var r = AllureResultReader.Parse("""{"name":"x","status":"passed","statusDetails":null}""");

        r.StatusDetails.Should().BeNull();
        r.Message.Should().BeNull();
        r.Labels.Should().BeEmpty();
        r.Tags.Should().BeEmpty();
        r.ChecklistIds.Should().BeEmpty();
    }
}

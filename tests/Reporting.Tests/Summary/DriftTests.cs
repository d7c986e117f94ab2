using Acceptance.Reporting.Summary;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Reporting.Tests.Summary;

/// <summary>Drift between runs of one target: line statuses and the fingerprint (history/runs/&lt;run-id&gt;.json).</summary>
public sealed class DriftTests
{
    private TempDir _dir = null!;

    [SetUp] public void SetUp() => _dir = new TempDir("drift");
    [TearDown] public void TearDown() => _dir.Dispose();

    private static Fingerprint Print(params (string Kind, string Name, string Value)[] items) =>
        new("prod", "2026-11-28T10:00:00Z", items.Select(i => new FingerprintItem(i.Kind, i.Name, i.Value)).ToList());

    private static RunRecord Record(string runId, string finished, string target = "prod", Fingerprint? fingerprint = null,
        params (string Id, string Status)[] lines) => new()
    {
        RunId = runId, Target = target, Environment = "production", Finished = finished, SignOff = "Partial",
        Lines = lines.ToDictionary(l => l.Id, l => l.Status), Fingerprint = fingerprint,
    };

    [Test]
    public void A_line_whose_status_changed_is_drift()
    {
        var before = Record("run-1", "2026-11-27T10:00:00Z", lines: [("MON-MS-1", "verified"), ("MON-MS-3", "not verified"), ("SEC-AC-1", "verified")]);
        var now = Record("run-2", "2026-11-28T10:00:00Z", lines: [("MON-MS-1", "failed"), ("MON-MS-3", "not verified"), ("SEC-AC-1", "verified")]);

        var drift = Drift.Compare(now, before);

        drift.Lines.Should().Equal(new LineChange("MON-MS-1", "verified", "failed"));
        drift.Summary("prod").Should().Be("drift since run run-1 at 2026-11-27 10:00:00 UTC: 1 line changed status (no fingerprint)");
    }

    [Test]
    public void A_new_image_digest_a_changed_leader_and_a_replaced_certificate_are_drift()
    {
        var before = Print(("image-digest", "ml-platform/trainer:1", "sha256:aaa"), ("leader", "consul", "10.0.0.1:8300"),
            ("certificate", "127.0.0.1:18501", "SHA256:11"), ("service-version", "nomad", "1.10.5"), ("config-hash", "prometheus.yml", "x1"));
        var after = Print(("image-digest", "ml-platform/trainer:1", "sha256:bbb"), ("leader", "consul", "10.0.0.2:8300"),
            ("certificate", "127.0.0.1:18501", "SHA256:22"), ("service-version", "nomad", "1.10.5"), ("job-version", "ml-training-nightly", "3"));

        var drift = Drift.Compare(Record("run-2", "2026-11-28T10:00:00Z", fingerprint: after), Record("run-1", "2026-11-27T10:00:00Z", fingerprint: before));

        drift.Lines.Should().BeEmpty();
        drift.Fingerprint.Should().BeEquivalentTo(new[]
        {
            new FingerprintChange("certificate", "127.0.0.1:18501", "SHA256:11", "SHA256:22"),
            new FingerprintChange("config-hash", "prometheus.yml", "x1", null),
            new FingerprintChange("image-digest", "ml-platform/trainer:1", "sha256:aaa", "sha256:bbb"),
            new FingerprintChange("job-version", "ml-training-nightly", null, "3"),
            new FingerprintChange("leader", "consul", "10.0.0.1:8300", "10.0.0.2:8300"),
        });
        drift.Fingerprint.Select(c => c.Change).Should().Equal("changed", "removed", "changed", "added", "changed");
        drift.Summary("prod").Should().Be("drift since run run-1 at 2026-11-27 10:00:00 UTC: 1 certificate changed, 1 config file hash removed, " +
                                          "1 image digest changed, 1 job version added, 1 leader changed");
    }

    [Test]
    public void The_same_lines_and_fingerprint_are_no_drift()
    {
        var print = Print(("leader", "consul", "a"));
        var drift = Drift.Compare(Record("run-2", "2026-11-28T10:00:00Z", fingerprint: print, lines: ("A-1", "verified")),
            Record("run-1", "2026-11-27T10:00:00Z", fingerprint: print, lines: ("A-1", "verified")));

        drift.Lines.Should().BeEmpty();
        drift.Fingerprint.Should().BeEmpty();
        drift.Summary("prod").Should().Be("no drift since run run-1 at 2026-11-27 10:00:00 UTC");
    }

    [Test]
    public void Without_an_earlier_run_there_is_nothing_to_compare()
    {
        var current = Record("run-1", "2026-11-28T10:00:00Z", lines: ("A-1", "verified"));

        RunHistory.Previous(_dir.Path, current).Should().BeNull();
        Drift.Compare(current, null).Summary("prod").Should().Be("no earlier run of prod to compare with");
    }

    [Test]
    public void The_previous_run_is_the_newest_earlier_run_of_the_same_target()
    {
        RunHistory.Write(_dir.Path, Record("run-1", "2026-11-26T10:00:00Z", lines: ("A-1", "failed")));
        RunHistory.Write(_dir.Path, Record("run-2", "2026-11-27T10:00:00Z", lines: ("A-1", "verified")));
        RunHistory.Write(_dir.Path, Record("other-3", "2026-11-27T12:00:00Z", target: "staging", lines: ("A-1", "broken")));
        RunHistory.Write(_dir.Path, Record("run-9", "2026-11-29T10:00:00Z", lines: ("A-1", "broken")));
        File.WriteAllText(Path.Combine(RunHistory.Folder(_dir.Path), "garbage.json"), "{ not json");
        var current = Record("run-4", "2026-11-28T10:00:00Z", lines: ("A-1", "verified"));

        var skipped = new List<string>();
        var previous = RunHistory.Previous(_dir.Path, current, skipped);

        previous!.RunId.Should().Be("run-2", "another target's run (staging) and a later run never count");
        skipped.Should().ContainSingle().Which.Should().Contain("garbage.json");
        RunHistory.Write(_dir.Path, current);
        File.Exists(Path.Combine(_dir.Path, "history", "runs", "run-4.json")).Should().BeTrue();
        RunHistory.Previous(_dir.Path, current)!.RunId.Should().Be("run-2", "the run never compares with itself");
    }

    [Test]
    public void A_run_of_a_different_target_is_not_compared()
    {
        RunHistory.Write(_dir.Path, Record("run-1", "2026-11-27T10:00:00Z", target: "staging", lines: ("A-1", "failed")));

        RunHistory.Previous(_dir.Path, Record("run-2", "2026-11-28T10:00:00Z", lines: ("A-1", "verified"))).Should().BeNull();
    }

    [Test]
    public void A_fingerprint_file_is_read_in_the_shared_format_and_a_bad_one_names_the_file()
    {
        var file = _dir.File("fingerprint.json",
            "{\"target\":\"prod\",\"collected\":\"2026-11-28T10:00:00Z\",\"items\":[{\"kind\":\"image-digest\",\"name\":\"ml-platform/trainer:1\",\"value\":\"sha256:aaa\"}]}");

        Fingerprint.Load(file)!.Items.Should().Equal(new FingerprintItem("image-digest", "ml-platform/trainer:1", "sha256:aaa"));
        Fingerprint.Load(_dir.Combine("absent.json")).Should().BeNull();
        var bad = _dir.File("bad.json", "[1,2]");
        FluentActions.Invoking(() => Fingerprint.Load(bad)).Should().Throw<InvalidDataException>().WithMessage($"{bad}: *");
    }

    [Test]
    public void A_run_record_round_trips_in_the_shared_format()
    {
        var path = RunHistory.Write(_dir.Path, Record("run-1", "2026-11-27T10:00:00Z", fingerprint: Print(("leader", "consul", "a")), lines: ("A-1", "not verified")));
        var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path)).RootElement;

        json.GetProperty("run_id").GetString().Should().Be("run-1");
        json.GetProperty("signoff").GetString().Should().Be("Partial");
        json.GetProperty("lines").GetProperty("A-1").GetString().Should().Be("not verified");
        json.GetProperty("fingerprint").GetProperty("items")[0].GetProperty("kind").GetString().Should().Be("leader");
        json.GetProperty("finished").GetString().Should().Be("2026-11-27T10:00:00Z");
    }
}

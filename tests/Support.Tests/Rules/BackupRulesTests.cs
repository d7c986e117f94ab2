using System.Text.Json;
using Acceptance.Support.Backups;
using Acceptance.Support.Pushgateway;
using Acceptance.TestSupport;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Rules;

/// <summary>
/// Every rule of <see cref="BackupRules"/>, healthy and faulty, on the project's own small facts; the periodic-job parsing on
/// the documented Nomad job read of a periodic job (../shared/fixtures-real/nomad).
/// </summary>
public sealed class BackupRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private static readonly ExpectedBackupJob Consul = ExpectedBackupJob.Parse("consul: backup-consul @ * * * * *");
    private static readonly BackupSection Backups = new() { WindowMinutes = 5, MinSizeBytes = 64 };
    private const string Sha = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string OtherSha = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    private static PeriodicRun Run(int minutesAgo, string status = "dead", int complete = 1, int failed = 0) =>
        new($"backup-consul/periodic-{Now.AddMinutes(-minutesAgo).ToUnixTimeSeconds()}", Now.AddMinutes(-minutesAgo), status, complete, failed, 0, 0);

    private static PeriodicJobFacts Job(string spec = "* * * * *", bool overlap = true, DateTimeOffset? metric = null, params PeriodicRun[] runs) =>
        new(Consul, true, true, spec, true, overlap, false, runs, metric ?? Now.AddSeconds(-50));

    private static StoredBackup Stored(int minutesAgo, long size = 4096, string? sha = Sha, string name = "consul-x.snap.json") =>
        new("backup_store", "consul", name, size, Now.AddMinutes(-minutesAgo), sha);

    [Test]
    public void A_backup_job_entry_is_parsed_and_a_malformed_one_is_named()
    {
        ExpectedBackupJob.Parse("prometheus: backup-prometheus @ 10  */6 * * *").Should().Be(new ExpectedBackupJob("prometheus", "backup-prometheus", "10 */6 * * *"));
        var bad = () => ExpectedBackupJob.Parse("backup-consul every hour");
        bad.Should().Throw<Acceptance.Support.Outcomes.EnvironmentProblemException>().WithMessage("*'backup-consul every hour' is not 'COMPONENT: JOB_ID @ CRON'*");
    }

    [Test]
    public void A_periodic_job_on_its_schedule_with_prohibit_overlap_holds() =>
        BackupRules.JobsScheduled([Job()]).Holds.Should().BeTrue();

    [Test]
    public void A_job_on_another_schedule_without_prohibit_overlap_or_missing_is_named()
    {
        var v = BackupRules.JobsScheduled([Job("0 3 * * *", overlap: false), new PeriodicJobFacts(Consul with { JobId = "backup-x" }, false, false, null, false, false, false, [], null)]);
        v.Shortfalls.Should().Equal(
            "backup-consul runs on '0 3 * * *', expected '* * * * *'",
            "backup-consul: prohibit_overlap is not set (two runs of one backup may overlap)",
            "backup-x is not registered in Nomad");
    }

    [Test]
    public void A_recent_successful_run_with_an_agreeing_metric_holds() =>
        BackupRules.JobsRanAndSucceeded([Job(runs: [Run(1)])], Backups, Now, TimeSpan.FromMinutes(2)).Holds.Should().BeTrue();

    [Test]
    public void A_failed_last_run_is_terminal_and_named()
    {
        var v = BackupRules.JobsRanAndSucceeded([Job(runs: [Run(0, failed: 1, complete: 0), Run(1)])], Backups, Now, TimeSpan.FromMinutes(2));
        v.IsTerminal.Should().BeTrue();
        v.Shortfalls.Should().ContainSingle().Which.Should().Contain("FAILED");
    }

    [Test]
    public void A_job_that_has_not_run_within_the_window_or_whose_metric_disagrees_is_named()
    {
        var v = BackupRules.JobsRanAndSucceeded([Job(metric: Now.AddMinutes(-4), runs: [Run(30)])], Backups, Now, TimeSpan.FromMinutes(2));
        v.Shortfalls.Should().Contain(s => s.Contains("last ran 30.0 min ago, longer than backups.window_minutes (5 min)"));
        var disagree = BackupRules.JobsRanAndSucceeded([Job(metric: Now.AddMinutes(-4.5), runs: [Run(1)])], Backups, Now, TimeSpan.FromMinutes(2));
        disagree.Shortfalls.Should().ContainSingle().Which.Should().Contain("they disagree");
        var absent = BackupRules.JobsRanAndSucceeded([new PeriodicJobFacts(Consul, true, true, "* * * * *", true, true, false, [Run(1)], null)], Backups, Now, TimeSpan.FromMinutes(2));
        absent.Shortfalls.Should().ContainSingle().Which.Should().Contain("is absent");
    }

    [Test]
    public void A_fresh_intact_newest_backup_holds_and_a_corrupt_stale_or_tiny_one_is_named()
    {
        BackupRules.NewestBackupsSound([new NewestBackup("backup_store", "consul", Stored(1), Sha)], Backups, Now).Holds.Should().BeTrue();
        var v = BackupRules.NewestBackupsSound([new NewestBackup("backup_store", "consul", Stored(60 * 24, size: 10), OtherSha),
            new NewestBackup("backup_store", "grafana", null, null)], Backups, Now);
        v.Shortfalls.Should().HaveCount(4);
        v.Shortfalls.Should().Contain(s => s.Contains("checksum mismatch"));
        v.Shortfalls.Should().Contain(s => s.Contains("older than backups.window_minutes"));
        v.Shortfalls.Should().Contain(s => s.Contains("less than backups.min_size_bytes"));
        v.Shortfalls.Should().Contain("backup_store: no backup of grafana");
    }

    [Test]
    public void Retention_names_backups_too_old_and_too_few()
    {
        var r = new RetentionSection { BackupsMaxAgeDays = 7, BackupsMinCount = 3 };
        BackupRules.RetentionKept(new Dictionary<string, IReadOnlyList<StoredBackup>> { ["consul"] = [Stored(3), Stored(2), Stored(1)] }, r, Now).Holds.Should().BeTrue();
        var v = BackupRules.RetentionKept(new Dictionary<string, IReadOnlyList<StoredBackup>> { ["consul"] = [Stored(60 * 24 * 8), Stored(1)] }, r, Now);
        v.Shortfalls.Should().HaveCount(2);
        v.Shortfalls.Should().Contain(s => s.Contains("older than 7 d (not pruned)"));
        v.Shortfalls.Should().Contain("consul: 2 backup(s) kept, fewer than retention.backups_min_count (3)");
    }

    [Test]
    public void A_store_that_refuses_the_write_is_named()
    {
        BackupRules.StoreWritable(new CanaryRoundTrip("backup_store", "/backups/c", "ok", "ok", "ok")).Holds.Should().BeTrue();
        var v = BackupRules.StoreWritable(new CanaryRoundTrip("backup_store", "/backups/c", "Permission denied", null, null));
        v.Shortfalls.Should().Equal("backup_store: write Permission denied", "backup_store: read back not attempted (the write failed)", "backup_store: delete not attempted (the write failed)");
    }

    [Test]
    public void A_dr_copy_missing_or_different_is_named()
    {
        var primary = new NewestBackup("backup_store", "consul", Stored(1), Sha);
        BackupRules.DrCopiesMatch([(primary, primary with { Store = "dr_store" })]).Holds.Should().BeTrue();
        BackupRules.DrCopiesMatch([(primary, null)]).Shortfalls.Should().Equal("consul-x.snap.json: missing in the DR store");
        BackupRules.DrCopiesMatch([(primary, primary with { ActualSha256 = OtherSha })]).Shortfalls.Should().ContainSingle().Which.Should().Contain("the DR copy hashes to bbbbbbbbbbbb");
    }

    [Test]
    public void A_restore_that_did_not_bring_the_data_back_or_was_too_slow_is_named()
    {
        var t = new BackupThresholds { RtoMinutes = 1 };
        BackupRules.RestoresWithinRto([new RestoreResult("consul", "c", true, "same", TimeSpan.FromSeconds(3), "x")], t).Holds.Should().BeTrue();
        var v = BackupRules.RestoresWithinRto([new RestoreResult("consul", "c", false, "KV canary k: 404 (absent)", TimeSpan.FromSeconds(90), "x")], t);
        v.Shortfalls.Should().Equal("consul: the restore did not bring the data back (KV canary k: 404 (absent))",
            "consul: the restore took 1.5 min, more than thresholds.rto_minutes (1)");
        BackupRules.TimingTable([new RestoreResult("consul", "c", true, "same", TimeSpan.FromSeconds(3), "x")], t)
            .Should().Be("component\trestore_seconds\trto_seconds\trestored\nconsul\t3.00\t60\tTrue\n");
    }

    [Test]
    public void An_action_missing_from_the_audit_log_past_the_deadline_is_terminal()
    {
        var a = new AuditSection { MaxDelaySeconds = 10 };
        BackupRules.AuditRecorded([new AuditFinding("sshd", "login", "Invalid user x from 127.0.0.1", TimeSpan.FromSeconds(1))], a).Holds.Should().BeTrue();
        var waiting = BackupRules.AuditRecorded([new AuditFinding("sshd", "login", null, TimeSpan.FromSeconds(2))], a);
        waiting.Holds.Should().BeFalse();
        waiting.IsTerminal.Should().BeFalse();
        var v = BackupRules.AuditRecorded([new AuditFinding("sshd", "login", null, TimeSpan.FromSeconds(11))], a);
        v.IsTerminal.Should().BeTrue();
        v.Shortfalls.Should().ContainSingle().Which.Should().Contain("is not in the audit log after 11 s");
    }

    [Test]
    public void Training_data_and_pushgateway_groups_older_than_the_policy_are_named()
    {
        var r = new RetentionSection { TrainingDataMaxAgeDays = 90, TrainingDataPath = "/data", PushgatewayGroupMaxAgeHours = 24 };
        BackupRules.TrainingDataWithinRetention([("/data/model.bin", Now.AddDays(-1))], r, Now).Holds.Should().BeTrue();
        BackupRules.TrainingDataWithinRetention([("/data/old.bin", Now.AddDays(-400))], r, Now).Shortfalls.Should().Equal("/data/old.bin is 400.0 d old, older than 90 d (not deleted)");
        var g = new HeldGroup(new MetricGroup("ml-training", new Dictionary<string, string>()), Now.AddDays(-3));
        BackupRules.PushgatewayGroupsExpire([g], r, Now).Shortfalls.Should().ContainSingle().Which.Should().Contain("job=ml-training was last pushed 3.0 d ago");
        BackupRules.PushgatewayGroupsExpire([g with { PushedAt = Now.AddHours(-1) }], r, Now).Holds.Should().BeTrue();
    }

    [Test]
    public void Periodic_children_are_read_newest_first_with_their_outcome()
    {
        const string body = """
            [ { "ID": "backup-consul", "ParentID": "", "Status": "running", "JobSummary": { "Summary": {} } },
              { "ID": "backup-consul/periodic-1764331140", "ParentID": "backup-consul", "Status": "dead", "JobSummary": { "Summary": { "backup": { "Complete": 1, "Failed": 0 } } } },
              { "ID": "backup-consul/periodic-1764331200", "ParentID": "backup-consul", "Status": "dead", "JobSummary": { "Summary": { "backup": { "Complete": 0, "Failed": 1 } } } } ]
            """;
        var runs = BackupProbe.ParseRuns(body, "backup-consul");
        runs.Should().HaveCount(2);
        runs[0].Id.Should().Be("backup-consul/periodic-1764331200");
        runs[0].Succeeded.Should().BeFalse();
        runs[0].Finished.Should().BeTrue();
        runs[1].Succeeded.Should().BeTrue();
    }

    [Test]
    public void A_run_s_launch_time_is_its_submit_time_not_a_suffix_of_its_id()
    {
        // Two launches in one second: the later one's id carries a suffix that, read as a time, is in the year 2539.
        const string body = """
            [ { "ID": "backup-grafana/periodic-17643311400", "ParentID": "backup-grafana", "Status": "dead", "SubmitTime": 1764331140100000000,
                "JobSummary": { "Summary": { "backup": { "Complete": 1 } } } },
              { "ID": "backup-grafana/periodic-1764331200", "ParentID": "backup-grafana", "Status": "dead", "SubmitTime": 1764331200500000000,
                "JobSummary": { "Summary": { "backup": { "Complete": 1 } } } } ]
            """;
        var runs = BackupProbe.ParseRuns(body, "backup-grafana");
        runs[0].Id.Should().Be("backup-grafana/periodic-1764331200");
        runs[1].Launched.Should().Be(DateTimeOffset.FromUnixTimeSeconds(1764331140));
    }

    [Test]
    public void The_documented_periodic_job_read_is_parsed()
    {
        using var doc = JsonDocument.Parse(SharedFixtures.RealText("nomad/job-read-periodic-batch-docker-latest-and-untagged-docs-1.3.json"));
        BackupProbe.ParsePeriodic(doc.RootElement).Should().Be((true, "* * * * *", true, true, false));
    }

    [Test]
    public void A_store_address_and_a_sha256sum_line_are_parsed()
    {
        new BackupStoreOptions { Address = "sftp://backup@dr.example:2222/srv/backups" }.Parts.Should().Be(("backup", "dr.example", 2222, "/srv/backups"));
        new BackupStoreOptions { Address = "s3://bucket/backups" }.Parts.Should().BeNull();
        BackupStore.Sha256Line(Sha.ToUpperInvariant() + "  consul-x.snap.json\n").Should().Be(Sha);
        BackupStore.Sha256Line("not a checksum").Should().BeNull();
    }
}

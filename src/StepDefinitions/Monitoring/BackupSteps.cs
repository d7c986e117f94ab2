using Acceptance.StepDefinitions.Infrastructure;
using Acceptance.Support.Backups;
using Acceptance.Support.Evidence;
using Acceptance.Support.Lifecycle;
using Acceptance.Support.Prometheus;
using Reqnroll;

namespace Acceptance.StepDefinitions.Monitoring;

/// <summary>Per-scenario state of the backup steps: the drill's results, the audited action.</summary>
public sealed class BackupScenarioState
{
    /// <summary>The restore drill's results.</summary>
    public IReadOnlyList<RestoreResult> Restores { get; set; } = [];

    /// <summary>The non-existent user of the audited login attempt (run-scoped).</summary>
    public string AuditUser { get; } = $"acceptance-audit-{RunContext.RunId}-{Guid.NewGuid().ToString("N")[..6]}".ToLowerInvariant();

    /// <summary>The run-scoped Docker volume of the audited engine action.</summary>
    public string AuditVolume => AuditUser;

    /// <summary>When the audited action happened.</summary>
    public DateTimeOffset AuditActionAt { get; set; }
}

/// <summary>Scheduled backups, the backup and DR stores, the restore drill, audit logs and retention policies.</summary>
[Binding]
public sealed class BackupSteps(ScenarioServices services, Checks checks, CleanupStack cleanup, BackupScenarioState state, EvidenceLog evidence)
{
    private static readonly TimeSpan MetricLag = TimeSpan.FromMinutes(2);

    [Then("every expected backup job is a periodic job on its expected schedule")]
    public Task ThenBackupJobsScheduled() => checks.EventuallyAsync("backup jobs scheduled",
        ct => services.BackupProbe.JobsAsync(services.BackupJobs, services.Target.Backups.SuccessMetric, ct), BackupRules.JobsScheduled);

    [Then("every backup job ran within its window, its last run succeeded and the backup metric agrees")]
    public Task ThenBackupJobsRan() => checks.EventuallyAsync("backup jobs ran and succeeded",
        ct => services.BackupProbe.JobsAsync(services.BackupJobs, services.Target.Backups.SuccessMetric, ct),
        jobs => BackupRules.JobsRanAndSucceeded(jobs, services.Target.Backups, DateTimeOffset.UtcNow, MetricLag));

    [Then("the newest backup of each component is fresh, plausibly large and matches its checksum")]
    public Task ThenNewestBackupsSound() => checks.EventuallyAsync("newest backups sound",
        services.Backups.NewestAsync, n => BackupRules.NewestBackupsSound(n, services.Target.Backups, DateTimeOffset.UtcNow));

    [Then("the backup store keeps backups by the retention policy")]
    public Task ThenRetentionKept() => checks.EventuallyAsync("backups kept by the retention policy",
        services.Backups.AllAsync, all => BackupRules.RetentionKept(all, services.Target.Retention, DateTimeOffset.UtcNow));

    [Then("a canary object can be written, read back and deleted in the backup store")]
    public async Task ThenBackupStoreWritable() => checks.Assert(BackupRules.StoreWritable(await services.BackupStore.CanaryRoundTripAsync(RunContext.RunId)));

    [Then("a canary object can be written, read back and deleted in the DR store")]
    public async Task ThenDrStoreWritable() => checks.Assert(BackupRules.StoreWritable(await services.DrStore.CanaryRoundTripAsync(RunContext.RunId)));

    [Then("the newest backup of each component is in the DR store with the same checksum")]
    public Task ThenDrCopiesMatch() => checks.EventuallyAsync("DR copies match", services.Backups.DrPairsAsync, BackupRules.DrCopiesMatch);

    [When("the newest backup of each component is restored into scratch instances")]
    public async Task WhenRestoreDrill() => state.Restores = await services.Drill(cleanup).RunAsync(RunContext.RunId);

    [Then("every restore brought its data back within the recovery time objective")]
    public void ThenRestoresWithinRto()
    {
        evidence.AttachText("restore drill timings", BackupRules.TimingTable(state.Restores, services.Target.Thresholds.Backups), "text/tab-separated-values", "tsv");
        checks.Assert(BackupRules.RestoresWithinRto(state.Restores, services.Target.Thresholds.Backups));
    }

    [When("the suite attempts an SSH login as a unique non-existent user")]
    public async Task WhenAuditedLogin() { state.AuditActionAt = DateTimeOffset.UtcNow; await services.RemoteHost.AttemptLoginAsync(state.AuditUser); }

    [Then("sshd's authentication log records the attempt within the audit deadline")]
    public Task ThenSshdAuditRecorded() => checks.EventuallyAsync("sshd audit log records the login attempt",
        ct => services.RemoteHost.AuditAsync(services.Target.Audit, state.AuditUser, state.AuditActionAt, ct),
        f => BackupRules.AuditRecorded([f], services.Target.Audit));

    [When("the suite creates and removes a run-scoped Docker volume")]
    public async Task WhenAuditedVolume()
    {
        services.Target.RequireSetting(services.Target.Audit.DockerEvents ? "true" : null, "audit.docker_events", "the Docker engine is not named as an audit source");
        state.AuditActionAt = DateTimeOffset.UtcNow;
        await (await DockerAudit.CreateVolumeAsync(services.Docker, state.AuditVolume)).DisposeAsync();
    }

    [Then("the Docker engine's events record the volume's creation within the audit deadline")]
    public Task ThenDockerAuditRecorded() => checks.EventuallyAsync("Docker events record the volume",
        ct => DockerAudit.CreateEventAsync(services.Docker, state.AuditVolume, state.AuditActionAt, ct),
        f => BackupRules.AuditRecorded([f], services.Target.Audit));

    [Then("the training-data volume holds nothing older than the retention policy")]
    public async Task ThenTrainingDataWithinRetention() => checks.Assert(BackupRules.TrainingDataWithinRetention(
        await services.RemoteHost.FilesAsync(services.Target.RequireSetting(services.Target.Retention.TrainingDataPath, "retention.training_data_path")),
        services.Target.Retention, DateTimeOffset.UtcNow));

    [Then("Pushgateway keeps no group longer than the retention policy")]
    public async Task ThenPushgatewayGroupsExpire() => checks.Assert(BackupRules.PushgatewayGroupsExpire(
        await services.Pushgateway.GroupsAsync(), services.Target.Retention, DateTimeOffset.UtcNow));
}

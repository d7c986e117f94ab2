@section:monitoring-and-alerting
Feature: Monitoring and Alerting
  Post-deployment phase of the production deployment checklist: Prometheus scrapes every
  configured target and keeps metrics long enough, Grafana shows real data, logs are aggregated,
  critical alerts exist, are routed to the on-call receiver, link runbooks, are not noisy, and a
  synthetic alert really travels the whole pipeline.

  Background:
    Given the target declares Prometheus

  Rule: Monitoring Setup

    @checklist:MON-MS-1 @critical
    Scenario: Prometheus is ready to serve queries
      Then Prometheus reports ready

    @checklist:MON-MS-1 @critical
    Scenario: Prometheus scrapes all its configured targets successfully
      Then every Prometheus target is up within the poll deadline

    @checklist:MON-MS-1 @normal
    Scenario: Prometheus scrapes every job the deployment expects
      Then Prometheus has an active target for every scrape job the target expects

    @checklist:MON-MS-2 @critical
    Scenario: Grafana's expected dashboards show data in every panel
      Given the target declares Grafana
      Then Grafana has every dashboard the target expects
      And every panel of the expected dashboards returns data

    @checklist:MON-MS-3 @normal
    Scenario: Log aggregation returns recent log lines
      Then the log aggregator returns log lines received in the last 15 minutes

    @checklist:MON-MS-4 @normal
    Scenario: Metrics retention is configured appropriately
      Then Prometheus retains metrics for at least the target's minimum retention

  Rule: Alert Configuration

    @checklist:MON-AC-1 @critical
    Scenario: Critical alerts exist for instance down, certificate expiry, backup age, disk and memory
      Then Prometheus has a critical alerting rule for each of instance down, certificate expiry, backup age, disk space and memory

    @checklist:MON-AC-1 @checklist:MON-AC-2 @mutating @critical
    Scenario: A synthetic critical alert travels from Pushgateway to the on-call receiver and resolves
      Given the target declares Pushgateway
      And the target declares Alertmanager
      When a synthetic critical alert is raised through Pushgateway
      Then Prometheus scrapes the synthetic metric
      And the alert fires in Prometheus
      And Alertmanager receives the alert and routes it to the receiver the target names for its severity
      And the receiver is notified of the alert
      When the synthetic metric group is deleted
      Then the alert resolves in Prometheus
      And the receiver is notified of the resolution when it sends resolved notifications
      And the stage latencies of the alert pipeline are reported

    @checklist:MON-AC-2 @critical
    Scenario: Alertmanager routes critical alerts to the on-call receiver
      Given the target declares Alertmanager
      Then Alertmanager routes an alert labelled severity=critical to the receiver the target names for critical alerts

    @checklist:MON-AC-3 @normal
    Scenario: Every critical alert links an escalation runbook that resolves
      Then every critical alert links a runbook that resolves

    @checklist:MON-AC-4 @normal
    Scenario: False-positive alerts are minimised
      Then the alerts firing now and the alerts that flapped in the last 24 hours are within the target's budget

  Rule: Backup Verification

    @checklist:MON-BV-4 @critical
    Scenario: Backup age is monitored by a critical alert
      Then Prometheus has a critical alerting rule for backup age

    @checklist:MON-BV-1 @critical
    Scenario: Every expected backup job is scheduled as a Nomad periodic job
      Given the target declares Nomad
      Then every expected backup job is a periodic job on its expected schedule

    @checklist:MON-BV-1 @critical
    Scenario: Every backup job ran within its window and its last run succeeded
      Given the target declares Nomad
      Then every backup job ran within its window, its last run succeeded and the backup metric agrees

    @checklist:MON-BV-2 @critical
    Scenario: The newest backup of each component is fresh and intact, and backups are kept by the retention policy
      Given the target declares a backup store
      Then the newest backup of each component is fresh, plausibly large and matches its checksum
      And the backup store keeps backups by the retention policy

    @checklist:MON-BV-3 @mutating @critical
    Scenario: The newest backups restore into scratch instances within the recovery time objective
      Given the target declares Nomad
      And the target declares a backup store
      When the newest backup of each component is restored into scratch instances
      Then every restore brought its data back within the recovery time objective

@section:monitoring-and-alerting
Feature: Monitoring and Alerting
  Post-deployment phase of the production deployment checklist: Prometheus is ready, scrapes
  every configured target, keeps metrics long enough, and metrics pushed by batch jobs reach it
  through the Pushgateway.

  Background:
    Given the target declares Prometheus

  Rule: Monitoring Setup

    @checklist:MON-MS-1 @critical
    Scenario: Prometheus is ready to serve queries
      Then Prometheus reports ready

    @checklist:MON-MS-1 @critical
    Scenario: Prometheus scrapes all its configured targets successfully
      Then every Prometheus target is up within the poll deadline

    @checklist:MON-MS-4
    Scenario: Metrics retention is configured appropriately
      Then Prometheus retains metrics for at least the target's minimum retention

  Rule: Pushgateway deployed and accessible

    @checklist:DEPLOY-SD-5 @mutating @normal
    Scenario: A metric pushed to Pushgateway reaches Prometheus and is removed afterwards
      Given the target declares Pushgateway
      When a run-scoped metric is pushed to Pushgateway
      Then Prometheus returns the pushed metric within the poll deadline
      When the pushed group is deleted
      Then Pushgateway no longer holds the group

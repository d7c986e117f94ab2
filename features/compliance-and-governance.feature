@section:compliance-and-governance
Feature: Compliance and Governance
  Post-deployment phase: security compliance and change management.

  Rule: Security Compliance

    @checklist:GOV-SC-3 @critical
    Scenario: sshd's audit log records an action of the suite
      Given the target declares SSH
      When the suite attempts an SSH login as a unique non-existent user
      Then sshd's authentication log records the attempt within the audit deadline

    @checklist:GOV-SC-3 @mutating @normal
    Scenario: The Docker engine's event log records an action of the suite
      Given the target declares a Docker engine
      When the suite creates and removes a run-scoped Docker volume
      Then the Docker engine's events record the volume's creation within the audit deadline

    @checklist:GOV-SC-4 @normal
    Scenario: Data retention policies are implemented for metrics, training data and pushed metric groups
      Given the target declares Prometheus
      And the target declares Pushgateway
      Then Prometheus retains metrics for at least the target's minimum retention
      And the training-data volume holds nothing older than the retention policy
      And Pushgateway keeps no group longer than the retention policy

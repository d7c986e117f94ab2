@section:emergency-rollback
Feature: Emergency Rollback Procedure
  The rollback procedure restores the last known-good deployment when a deployment fails.

  Rule: Emergency Rollback Procedure (Nomad jobs)

    @checklist:ROLLBACK-1 @mutating @critical
    Scenario: A broken Nomad job version is reverted to the last good version, which runs again
      Given the target declares Nomad
      When a good version of an ML training job runs to completion
      And a broken version of the job is registered and its failed allocation is seen
      And the job is reverted to the good version
      Then the good version runs to completion again

  Rule: Emergency Rollback Procedure (docker-compose)

    @checklist:ROLLBACK-1 @mutating @critical
    Scenario: The seed's rollback procedure restores the last known-good compose deployment, with its data
      Given the target declares a Docker engine
      When the rollback drill deploys the known-good version as a scratch copy of the compose project
      And the rollback drill deploys a broken version of its service
      Then the failed deployment is detected within the poll deadline
      When the rollback procedure runs: down, system prune, up with the last known-good version
      Then the known-good version is running and healthy again with the data in its volume

@section:pre-deployment-validation
Feature: Pre-Deployment Validation
  Deployment phase: automated tests and manual validation before the deployment.

  Rule: Automated Tests (the application's own CI results, imported)

    @checklist:PREVAL-AT-3 @critical
    Scenario: Unit tests cover at least the checklist's share of lines, measured in this change window
      Then the imported unit-test coverage reports meet the line coverage threshold and were written in the change window

    @checklist:PREVAL-AT-4 @critical
    Scenario: Integration tests pass, measured in this change window
      Then the imported test results show tests that ran, none failed, written in the change window

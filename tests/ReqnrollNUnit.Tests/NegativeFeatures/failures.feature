Feature: Failures

  Scenario: Undefined step
    Given a defined step
    And the thing 42 is configured
    Then this step must not run

  Scenario: Pending step
    Given a pending step
    Then this step must not run

  Scenario: Failing FluentAssertions step
    Given a defined step
    When a step fails with FluentAssertions
    And a step fails with an NUnit assertion
    Then this step must not run

  Scenario: Failing NUnit assertion step
    When a step fails with an NUnit assertion
    Then this step must not run

  Scenario: Throwing step
    When a step throws an exception
    Then this step must not run

  @ignore
  Scenario: Ignored scenario
    Then this step must not run

  Scenario: Several failing NUnit assertions in one step
    When a step fails with several NUnit assertions
    Then this step must not run

  Scenario: Passing scenario among failures
    Given a defined step

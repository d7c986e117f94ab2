Feature: Malformed

  Scenario: Broken
    Given a defined step
    | unterminated table
  This line is not Gherkin

Feature: Rules
  Background:
    Given the feature background has run

  Rule: First rule
    Background:
      Given the rule background has run

    @rule-scenario
    Scenario: In a rule with its own background
      Then the backgrounds ran in the order "feature,rule"

  @second-rule
  Rule: Second rule
    Scenario: In a rule without background
      Then the backgrounds ran in the order "feature"

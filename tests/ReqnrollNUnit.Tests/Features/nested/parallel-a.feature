@parallel
Feature: Parallel A
  Scenario: Parallel A first
    Given this feature owns the shared state as "A-1"
    When the feature meets its parallel partner
    Then the state still belongs to "A-1"

  Scenario: Parallel A second
    Given this feature owns the shared state as "A-2"
    Then the state still belongs to "A-2"
    Then another binding class sees the same state

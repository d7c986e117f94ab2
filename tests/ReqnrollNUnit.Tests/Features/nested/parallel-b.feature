@parallel
Feature: Parallel B
  Scenario: Parallel B first
    Given this feature owns the shared state as "B-1"
    When the feature meets its parallel partner
    Then the state still belongs to "B-1"

  Scenario: Parallel B second
    Given this feature owns the shared state as "B-2"
    Then the state still belongs to "B-2"
    Then another binding class sees the same state

@basics @checklist:MON-MS-1
Feature: Basics
  Gherkin constructs the bridge must support.

  Background:
    Given the feature background has run

  @smoke
  Scenario: Cucumber expressions and regex
    Given the checklist has 42 items
    But a regex step with 7 and 'quoted text'
    When the operator acknowledges the item "disk, full"
    Then the light is green
    * a step with any keyword runs

  Scenario: Data table and doc string
    Given the following items:
      | id       | owner |
      | SEC-AC-1 | ops   |
      | MON-MS-1 |       |
    And the document:
      """
      line one
        indented | pipe
      """
    Then the backgrounds ran in the order "feature"

  Scenario: Context injection
    Given I remember the injected state
    Then another binding class sees the same state

  @outline
  Scenario Outline: Outline amount <amount>
    Given the amount <amount> for <who>

    Examples: first
      | amount | who   |
      | 1      | alice |
      | 2      | bob   |

    @examples-tag @smoke
    Examples: second
      | amount | who   |
      | 3      | carol |

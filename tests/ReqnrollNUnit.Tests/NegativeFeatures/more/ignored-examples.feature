@ignored-feature-tag
Feature: Ignored examples
  Scenario Outline: Outline with an ignored table <n>
    Given the amount <n> for someone

    Examples:
      | n |
      | 1 |

    @ignore
    Examples:
      | n |
      | 2 |

@section:documentation-and-training
Feature: Documentation and Training
  Post-deployment phase: documentation updated and the team trained.

  Rule: Documentation Updated

    @checklist:DOCS-DU-1 @normal
    Scenario: Architecture documentation was updated for this change
      Then every architecture document the target lists resolves and was updated in the change window

    @checklist:DOCS-DU-2 @normal
    Scenario: Operational procedures were updated for this change
      Then every operations document the target lists resolves and was updated in the change window

    @checklist:DOCS-DU-3 @normal
    Scenario: Troubleshooting guides were updated for this change
      Then every troubleshooting document the target lists resolves and was updated in the change window

    @checklist:DOCS-DU-4 @normal
    Scenario: Emergency contact information is current
      Then every contacts document the target lists resolves and was updated in the change window

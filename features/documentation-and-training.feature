@section:documentation-and-training
Feature: Documentation and Training
  Post-deployment phase: documentation updated and the team trained.

@section:compliance-and-governance
Feature: Compliance and Governance
  Post-deployment phase: security compliance and change management.

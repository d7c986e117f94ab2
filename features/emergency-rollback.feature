@section:emergency-rollback
Feature: Emergency Rollback Procedure
  The rollback procedure restores the last known-good deployment when a deployment fails.

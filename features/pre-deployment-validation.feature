@section:pre-deployment-validation
Feature: Pre-Deployment Validation
  Deployment phase: automated tests and manual validation before the deployment.

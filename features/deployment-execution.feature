@section:deployment-execution
Feature: Deployment Execution
  Deployment phase: infrastructure, services and application deployed and healthy.

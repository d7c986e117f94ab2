@section:post-deployment-validation
Feature: Post-Deployment Validation
  Deployment phase: service health, functional tests and performance after the deployment.

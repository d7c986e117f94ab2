@section:security-configuration
Feature: Security Configuration
  Pre-deployment phase: TLS certificates, access control and secrets management.

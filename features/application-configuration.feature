@section:application-configuration
Feature: Application Configuration
  Pre-deployment phase: environment variables, images and configuration management.

  Rule: Configuration Management

    @checklist:APP-CM-3 @critical
    Scenario: Every expected service is registered in the Consul catalog
      Given the target declares Consul
      Then every expected service is registered in the Consul catalog with an address and port

    @checklist:APP-CM-3 @normal
    Scenario: Consul DNS is configured to answer for every expected service
      Given the target declares DNS
      Then Consul DNS answers SRV and A records for every expected service

@section:application-configuration
Feature: Application Configuration
  Pre-deployment phase: environment variables, images and configuration management.

  Rule: Configuration Management

    @checklist:APP-CM-1 @checklist:PREVAL-AT-1 @critical
    Scenario: Every configuration file passes its own validator
      Then every configuration file the target lists passes its own validator

    @checklist:APP-CM-3 @critical
    Scenario: Every expected service is registered in the Consul catalog
      Given the target declares Consul
      Then every expected service is registered in the Consul catalog with an address and port

    @checklist:APP-CM-3 @normal
    Scenario: Consul DNS is configured to answer for every expected service
      Given the target declares DNS
      Then Consul DNS answers SRV and A records for every expected service

    @checklist:APP-CM-2 @critical
    Scenario: Every job template renders with the target's variables
      Given the target declares Nomad
      Then every job template renders with the target's variables

    @checklist:APP-CM-4 @critical
    Scenario: Every job template validates and plans without placement failures
      Given the target declares Nomad
      Then every job template validates and plans without placement failures

  Rule: Docker Images

    @checklist:APP-DI-1 @critical
    Scenario: Every deployed image has a vulnerability scan report with no unwaived finding at the failing severity
      Given the target declares a Docker engine
      Then every image the compose project runs has a scan report with no unwaived finding at or above the target's fail severity

    @checklist:APP-DI-2 @critical
    Scenario: Every image of the compose project and of every Nomad job is pinned to a version tag or a digest
      Given the target declares a Docker engine
      Then every image of the compose project and of every Nomad job is pinned to a version tag or a digest

    @checklist:APP-DI-3 @critical
    Scenario: The private registry serves only TLS, refuses anonymous pulls and accepts the configured credentials
      Given the target declares a private image registry
      Then the registry does not serve its API over plain http
      And the registry refuses an anonymous pull with 401
      And the registry accepts the configured credentials

    @checklist:APP-DI-3 @critical
    Scenario: Every image comes from a registry the target allows
      Given the target declares a Docker engine
      Then every image of the compose project and of every Nomad job comes from an allowed registry

    @checklist:APP-DI-4 @critical
    Scenario: Pull credentials are configured where images are pulled, and they work
      Given the target declares a Docker engine
      And the target declares a private image registry
      Then the engine's client configuration holds working pull credentials for every registry the workloads pull from

  Rule: Environment Variables

    @checklist:APP-EV-1 @critical
    Scenario: Every required environment variable is present where its workload runs
      Then every required environment variable is present where its workload runs

    @checklist:APP-EV-2 @checklist:SEC-SM-2 @critical
    Scenario: Every required environment variable has a valid value
      Then every required environment variable matches its pattern

    @checklist:APP-EV-3 @critical
    Scenario: The production-specific configuration is applied
      Then every production-specific variable has its production value

    @checklist:APP-EV-4 @critical
    Scenario: Every container and every Nomad task has CPU and memory limits
      Given the target declares a Docker engine
      Then every container of the compose project and every Nomad task has CPU and memory limits

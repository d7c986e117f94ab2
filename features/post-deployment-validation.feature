@section:post-deployment-validation
Feature: Post-Deployment Validation
  Deployment phase: service health, functional tests and performance after the deployment.

  Rule: Service Health Checks

    @checklist:POSTVAL-SHC-1 @critical
    Scenario: Every service and node reports healthy status in Consul
      Given the target declares Consul
      Then no health check in the Consul datacenter is failing

    @checklist:POSTVAL-SHC-1 @critical
    Scenario: Every container of the compose project is running and healthy with a restart policy
      Given the target declares a Docker engine
      Then every container of the compose project is running and its healthcheck passes
      And every container of the compose project has a restart policy

    @checklist:POSTVAL-SHC-2 @critical
    Scenario: Service discovery through Consul DNS agrees with the Consul catalog
      Given the target declares Consul
      And the target declares DNS
      Then every expected service resolves through Consul DNS to an address and port the catalog lists

    @checklist:POSTVAL-SHC-3 @critical
    Scenario: Prometheus scrapes the metrics of Consul and Nomad
      Given the target declares Prometheus
      Then Prometheus scrapes the Consul and Nomad metrics successfully

    @checklist:POSTVAL-SHC-3 @normal
    Scenario: Grafana reaches Prometheus through its datasource
      Given the target declares Grafana
      Then Grafana's Prometheus datasource is healthy

    @checklist:POSTVAL-SHC-4 @critical
    Scenario: The load balancer's health checks pass for every backend server
      Given the target declares the load balancer
      Then every load balancer backend server is up

  Rule: Functional Testing (monitoring UIs)

    @checklist:POSTVAL-FT-3 @critical
    Scenario: The Prometheus UI is accessible and Prometheus is receiving metrics
      Given the target declares Prometheus
      Then the Prometheus web UI answers
      And Prometheus has ingested samples within the last minute

    @checklist:POSTVAL-FT-4 @critical
    Scenario: The Grafana UI is accessible with working dashboards
      Given the target declares Grafana
      Then Grafana answers its health check and serves its web UI
      And Grafana has every dashboard the target expects
      And every panel of the expected dashboards returns data

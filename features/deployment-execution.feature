@section:deployment-execution
Feature: Deployment Execution
  Deployment phase: infrastructure, services and application deployed and healthy.

  Rule: Infrastructure Deployment

    @checklist:DEPLOY-ID-2 @blocker
    Scenario: The Consul cluster has an elected leader that every server agrees on
      Given the target declares Consul
      Then Consul has an elected leader that every server agrees on

    @checklist:DEPLOY-ID-2 @critical
    Scenario: The Consul cluster runs at least the expected number of servers and autopilot reports it healthy
      Given the target declares Consul
      Then Consul has at least the expected number of servers as raft peers
      And Consul autopilot reports every server healthy with a failure tolerance of at least 1

    @checklist:DEPLOY-ID-3 @blocker
    Scenario: The Nomad cluster has an elected leader that every server agrees on
      Given the target declares Nomad
      Then Nomad has an elected leader that every server agrees on

    @checklist:DEPLOY-ID-3 @critical
    Scenario: The Nomad cluster runs at least the expected number of servers and autopilot reports it healthy
      Given the target declares Nomad
      Then Nomad has at least the expected number of servers as raft peers
      And Nomad autopilot reports every server healthy with a failure tolerance of at least 1

    @checklist:DEPLOY-ID-4 @critical
    Scenario: The storage behind the services' host volumes is mounted and accessible
      Given the target declares Nomad
      Then the storage behind every expected host volume is mounted and accessible

    @checklist:DEPLOY-ID-1 @critical
    Scenario: The load balancer is deployed with every backend server up behind its TLS frontend
      Given the target declares the load balancer
      Then every load balancer backend server is up
      And requests through the load balancer reach every backend server

    @checklist:DEPLOY-ID-1 @mutating @normal
    Scenario: A backend server whose health check fails is taken out of rotation and comes back when it passes again
      Through HAProxy's runtime API (services.load_balancer.runtime_socket) one server's health check is pointed at a
      closed port: the real health check fails. The check is pointed back at the end, even on interruption.
      Given the target declares the load balancer
      When one load balancer backend server's health check is made to fail
      Then the load balancer takes that server out of rotation within the health-check interval
      When that server's health check passes again
      Then the load balancer puts that server back within the health-check interval

  Rule: Service Deployment

    @checklist:DEPLOY-SD-1 @critical
    Scenario: Every Consul server and client agent has started and joined the cluster
      Given the target declares Consul
      Then every Consul server and client agent is alive in the cluster membership

    @checklist:DEPLOY-SD-2 @critical
    Scenario: Every Nomad server and client has started and joined the cluster
      Given the target declares Nomad
      Then every Nomad server is alive in the cluster membership
      And every Nomad client node is ready and eligible with the expected drivers healthy

  Rule: Application Deployment

    @checklist:DEPLOY-AD-1 @critical
    Scenario: The ML training image is built and pushed to the registry, and its digest is recorded
      Given the target declares a private image registry
      Then the registry holds the ML training image at its expected tag and its digest is recorded

    @checklist:DEPLOY-AD-2 @critical
    Scenario: The job templates are deployed: every expected job is registered with the spec its template renders
      Given the target declares Nomad
      Then every expected job is registered with the spec its template renders

    @checklist:DEPLOY-AD-3 @checklist:PREVAL-MV-5 @checklist:POSTVAL-FT-5 @mutating @critical
    Scenario: An ML training job submitted to Nomad runs to completion, trains, reports its metrics and writes its model
      Given the target declares Nomad
      And the target declares Prometheus
      When an ML training job is submitted with a run-scoped id
      Then the job appears in Nomad's allocations on a client node
      And the job runs to completion with exit code 0
      And the run's epoch metrics reach Prometheus with the loss decreasing and the final accuracy reaching the threshold
      And the model artifact is written and its SHA-256 recorded

    @checklist:POSTVAL-FT-5 @mutating @normal
    Scenario: A new ML training run shows in the Grafana training panel
      Given the target declares Nomad
      And the target declares Grafana
      When an ML training job is submitted with a run-scoped id
      Then the job runs to completion with exit code 0
      And the Grafana training panel shows the run's loss

    @checklist:DEPLOY-AD-4 @critical
    Scenario: The health checks of every expected service pass in Consul
      Given the target declares Consul
      Then every expected service is registered in Consul with all its health checks passing

  Rule: Service Deployment (Prometheus, Grafana, Pushgateway)

    @checklist:DEPLOY-SD-3 @critical
    Scenario: Prometheus runs its configuration with every expected scrape job
      Given the target declares Prometheus
      Then Prometheus loaded its configuration successfully
      And Prometheus has an active target for every scrape job the target expects

    @checklist:DEPLOY-SD-4 @critical
    Scenario: Grafana is deployed with healthy datasources
      Given the target declares Grafana
      Then every Grafana datasource is healthy

    @checklist:DEPLOY-SD-5 @normal
    Scenario: Pushgateway is healthy and scraped by Prometheus
      Given the target declares Pushgateway
      And the target declares Prometheus
      Then Pushgateway reports healthy
      And Prometheus scrapes Pushgateway successfully

    @checklist:DEPLOY-SD-5 @mutating @normal
    Scenario: A metric pushed to Pushgateway reaches Prometheus and is removed afterwards
      Given the target declares Pushgateway
      And the target declares Prometheus
      When a run-scoped metric is pushed to Pushgateway
      Then Prometheus returns the pushed metric within the poll deadline
      When the pushed group is deleted
      Then Pushgateway no longer holds the group

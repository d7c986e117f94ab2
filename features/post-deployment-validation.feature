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
    The @browser scenarios open each UI in Chromium as a user does, on the products' documented routes; on the sandbox,
    Consul, Nomad and Grafana are stand-ins whose pages say "stand-in UI" (and so do the verdicts and screenshots).

    @checklist:POSTVAL-FT-1 @critical @browser
    Scenario: The Consul UI lists the expected services with passing checks in a browser
      Given the target declares Consul
      Then the Consul UI's services page lists every expected service with passing checks

    @checklist:POSTVAL-FT-1 @critical @browser
    Scenario: The Consul UI shows an anonymous visitor none of the services
      Given the target declares Consul
      Then an anonymous visitor of the Consul UI sees none of the expected services

    @checklist:POSTVAL-FT-2 @critical @browser
    Scenario: The Nomad UI lists the expected jobs and ready client nodes in a browser
      Given the target declares Nomad
      Then the Nomad UI's jobs page lists every expected job
      And the Nomad UI's clients page lists ready client nodes

    @checklist:POSTVAL-FT-2 @critical @browser
    Scenario: The Nomad UI shows an anonymous visitor none of the jobs
      Given the target declares Nomad
      Then an anonymous visitor of the Nomad UI sees none of the expected jobs

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

    @checklist:POSTVAL-FT-3 @critical @browser
    Scenario: The Prometheus UI shows every expected scrape job when a user runs the query up in a browser
      Given the target declares Prometheus
      Then the Prometheus UI shows a result row for every expected scrape job when a user runs the query up

    @checklist:POSTVAL-FT-3 @critical @browser
    Scenario: The Prometheus UI shows an anonymous visitor none of the metrics
      Given the target declares Prometheus
      Then an anonymous visitor of the Prometheus UI sees none of the scrape jobs

    @checklist:POSTVAL-FT-4 @critical @browser
    Scenario: Every expected Grafana dashboard renders its panels without an error badge in a browser
      Given the target declares Grafana
      Then every expected dashboard opens in the Grafana UI with every panel rendered and no error badge

    @checklist:POSTVAL-FT-4 @critical @browser
    Scenario: The Grafana UI shows an anonymous visitor none of the dashboards
      Given the target declares Grafana
      Then an anonymous visitor of the Grafana UI sees none of the expected dashboards
  Rule: Performance Validation

    @checklist:POSTVAL-PV-1 @checklist:POSTVAL-PV-4 @checklist:PREVAL-AT-5 @critical
    Scenario: Every endpoint's load profile meets its response-time, error-rate and throughput thresholds
      Given the target lists load profiles
      When each endpoint's load profile is run
      Then every endpoint meets its load thresholds

    @checklist:POSTVAL-PV-4 @normal @mutating
    Scenario: Load generated from the cluster by Nomad batch runners meets the thresholds over their merged samples
      Given the target lists load profiles
      And the target declares Nomad
      When the first endpoint's load is generated by the target's Nomad runners
      Then every endpoint meets its load thresholds

    @checklist:POSTVAL-PV-2 @critical
    Scenario: Every node's CPU, memory, disk and network stay within their ranges under load
      Given the target lists load profiles
      And the target declares Prometheus
      When each endpoint's load profile is run
      Then every node's CPU, memory, disk and network stay within the target's ranges

    @checklist:POSTVAL-PV-3 @critical
    Scenario: No service leaks memory, exhausts its file descriptors or fills a disk over a soak
      Given the target lists load profiles
      And the target declares Prometheus
      When the soak load runs for the soak window
      Then no service's memory grows beyond the threshold, file descriptors stay under their limit and no disk is predicted full

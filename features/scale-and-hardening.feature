@section:scale-and-hardening
Feature: Next Steps After Deployment
  Scale testing, security hardening, alert and dashboard customisation, runbooks.

  Rule: Configure Alerts

    @checklist:NEXT-ALERT-1 @normal
    Scenario: Prometheus alerting rules are valid and evaluated without errors
      Given the target declares Prometheus
      Then promtool accepts the target's rule files
      And every Prometheus rule is healthy

    @checklist:NEXT-ALERT-1 @normal
    Scenario: Prometheus alerting rules pass their unit tests
      Given the target declares Prometheus
      Then the target's rule unit tests pass under promtool

  Rule: Customize Dashboards

    @checklist:NEXT-DASH-1 @normal
    Scenario: Every panel of every Grafana dashboard queries metrics that exist
      Given the target declares Grafana
      Then every panel of every Grafana dashboard returns data

  Rule: Scale Testing

    @checklist:NEXT-SCALE-1 @mutating @normal
    Scenario: Concurrent ML training jobs all complete within the deadline, spread over the client nodes
      Given the target declares Nomad
      When the target's number of concurrent ML training jobs is submitted at once
      Then every concurrent job completes within the scale deadline, spread over the client nodes

  Rule: Documentation

    @checklist:NEXT-DOCS-1 @normal
    Scenario: Every operational runbook the team relies on exists
      Then every runbook the target lists resolves

  Rule: Security Hardening

    @checklist:NEXT-HARD-1 @critical
    Scenario: No endpoint answers without authentication and every service is served over TLS
      Every HTTP(S) endpoint of every service is called without credentials over the documented sensitive paths of
      its kind (docs/target-file.md, exposure); only exposure.anonymous_allowed may answer. A service over plain http
      fails unless tls.plain_http_allowed names it, and every such allowance is named in the verdict as a lowered bar.
      Then no endpoint answers a sensitive path without credentials and every service is served over TLS

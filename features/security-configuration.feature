@section:security-configuration
Feature: Security Configuration
  Pre-deployment phase: TLS certificates, access control and secrets management.

  Rule: Access Control

    @checklist:SEC-AC-1 @critical
    Scenario: Consul denies anonymous requests as its default-deny policy documents
      Given the target declares Consul
      Then an anonymous request to the Consul agent API is denied as the default-deny policy documents

    @checklist:SEC-AC-1 @critical
    Scenario: The configured Consul token works and is not a management token
      Given the target declares Consul
      Then the configured Consul token is accepted
      And the configured Consul token is not a management token unless the target allows it

    @checklist:SEC-AC-2 @critical
    Scenario: Nomad denies anonymous requests to protected endpoints
      Given the target declares Nomad
      Then an anonymous request to a protected Nomad endpoint is denied

    @checklist:SEC-AC-2 @critical
    Scenario: The configured Nomad token works and is not a management token
      Given the target declares Nomad
      Then the configured Nomad token is accepted
      And the configured Nomad token is not a management token unless the target allows it

    @checklist:SEC-AC-3 @critical
    Scenario: Grafana refuses anonymous callers and its default admin login
      Given the target declares Grafana
      Then Grafana refuses callers without credentials
      And Grafana refuses its default admin login

    @checklist:SEC-AC-3 @critical
    Scenario: Grafana accounts hold no more than the roles the target allows
      Given the target declares Grafana
      Then the suite's Grafana account holds no more than the role its checks need
      And every Grafana user and service account holds at most the role the target allows it

    @checklist:SEC-AC-5 @critical
    Scenario: Grafana admins log in only through the identity provider that enforces MFA
      Given the target declares Grafana
      Then Grafana admins log in only through the MFA-enforcing identity provider the target names

    @checklist:SEC-AC-4 @critical
    Scenario: Every node's SSH server offers key login only, with a pinned host key
      Given the target declares SSH
      Then every node's SSH server offers key login only and presents the host key known_hosts pins

    @checklist:SEC-AC-4 @critical
    Scenario: Every node's SSH server has the root-login policy the target names
      Given the target declares SSH
      Then the root-login policy in effect on every node is the one the target names

  Rule: TLS/SSL Certificates (certificate monitoring)

    @checklist:SEC-TSC-1 @critical
    Scenario: Every TLS endpoint presents a valid certificate with a strong key that does not expire soon
      Then every TLS endpoint presents a certificate trusted by the target's CA, for its name, with a strong key, valid for at least the target's minimum days and no longer than its maximum lifetime

    @checklist:SEC-TSC-1 @critical
    Scenario: Every TLS endpoint refuses TLS 1.0 and 1.1 and every weak cipher suite
      Then every TLS endpoint accepts TLS 1.2 or later only and no weak cipher suite

    @checklist:SEC-TSC-2 @normal
    Scenario: Certificate renewal is automated: the renewal job exists and its last run succeeded
      Then the certificate renewal job is registered, periodic and enabled, and its last run succeeded

    @checklist:SEC-TSC-4 @critical
    Scenario: The CA private key is not on the service nodes (the automated half; the CA backup is attested)
      The line has two halves: this scenario checks over SSH that no CA private key lies at the paths the target
      names (tls.ca_key_paths) on the service node; the CA backup cannot be probed and counts only with an attestation
      of id SEC-TSC-4 (docs/attestations.md).
      Given the target declares SSH
      Then no CA private key is found at the target's CA key paths on the service node

    @checklist:SEC-TSC-3 @critical
    Scenario: Certificate expiry is watched by a critical alert
      Given the target declares Prometheus
      Then Prometheus has a critical alerting rule for certificate expiry

  Rule: Secrets Management

    @checklist:SEC-SM-3 @checklist:SEC-SM-1 @critical
    Scenario: No literal credential is written in the deployed job specs, KV values, container environments or configuration files
      Then no literal credential is found in the job specs, Consul KV values, container environments or configuration files

    @checklist:PREVAL-AT-2 @critical
    Scenario: The release's security scans pass with no critical issues
      Then the release's security scan reports have no unwaived finding at or above the failing severity

    @checklist:SEC-SM-4 @normal
    Scenario: The service certificates are re-issued on schedule
      Then every certificate the services present is valid no longer than the target's maximum certificate lifetime

    @checklist:SEC-SM-4 @normal
    Scenario: The credentials the suite holds are rotated on schedule
      Then every credential the suite can see is younger than the target's maximum secret age

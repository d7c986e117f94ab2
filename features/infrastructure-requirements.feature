@section:infrastructure-requirements
Feature: Infrastructure Requirements
  Pre-deployment phase: hardware, network and storage of the nodes that run the platform.

  Rule: Hardware Resources

    @checklist:INFRA-HR-1 @critical
    Scenario: Consul runs at least the minimum number of servers for high availability
      Given the target declares Consul
      Then Consul has at least the expected number of servers as raft peers

    @checklist:INFRA-HR-1 @critical
    Scenario: Nomad runs at least the minimum number of servers for high availability
      Given the target declares Nomad
      Then Nomad has at least the expected number of servers as raft peers

    @checklist:INFRA-HR-1 @minor @recommendation
    Scenario: Consul and Nomad run the recommended number of servers (recommendation)
      Given the target declares Consul
      And the target declares Nomad
      Then Consul runs the recommended number of servers
      And Nomad runs the recommended number of servers

    @checklist:INFRA-HR-2 @critical
    Scenario: Every node has the minimum CPU cores, memory and disk
      Given the target declares Nomad
      Then every Nomad client node has at least the minimum CPU cores, memory and disk

    @checklist:INFRA-HR-3 @normal
    Scenario: Every node's network connectivity meets the minimum speed
      Given the target declares Nomad
      Then every Nomad client node's network speed is at least the target's minimum

    @checklist:INFRA-HR-4 @normal
    Scenario: Nodes are placed on dedicated management and data network segments
      Given the target declares Nomad
      Then the Nomad client nodes are placed on dedicated management and data network segments

  Rule: Storage Configuration

    @checklist:INFRA-SC-1 @critical
    Scenario: Persistent host volumes are configured for every service that needs storage
      Given the target declares Nomad
      Then every expected host volume is configured on a Nomad client node and writable

    @checklist:INFRA-SC-1 @critical
    Scenario: Every compose service that keeps data mounts a named volume or a writable host path
      Given the target declares a Docker engine
      Then every stateful compose service mounts a named volume or a writable host path

    @checklist:INFRA-SC-3 @normal @mutating
    Scenario: Every data volume meets the storage benchmark thresholds
      Then every data volume meets the storage thresholds in a bounded fio benchmark

    @checklist:INFRA-SC-2 @mutating @critical
    Scenario: The backup store accepts writes and holds a sound newest backup of each component
      Given the target declares a backup store
      Then a canary object can be written, read back and deleted in the backup store
      And the newest backup of each component is fresh, plausibly large and matches its checksum

    @checklist:INFRA-SC-4 @mutating @critical
    Scenario: The disaster-recovery store accepts writes and holds a copy of every newest backup
      Given the target declares a DR store
      And the target declares a backup store
      Then a canary object can be written, read back and deleted in the DR store
      And the newest backup of each component is in the DR store with the same checksum

  Rule: Network Configuration (load balancer and firewall)

    @checklist:INFRA-NC-1 @critical
    Scenario: The load balancer's TLS frontend presents a valid certificate and speaks TLS 1.2 or later only
      Given the target declares the load balancer
      Then the load balancer's TLS frontend presents a valid certificate and accepts TLS 1.2 or later only

    @checklist:INFRA-NC-1 @critical
    Scenario: Traffic through the load balancer reaches every backend server, and plain http is redirected to https
      Given the target declares the load balancer
      Then every load balancer backend server is up
      And requests through the load balancer reach every backend server
      And the load balancer redirects plain http to https

    @checklist:INFRA-NC-3 @critical
    Scenario: The firewall lets through exactly the ports that must be open
      The runner connects to every port firewall.must_be_open and firewall.must_be_closed list (nmap, TCP connect,
      bounded): each is reported open, closed or filtered; a must-be-closed port that answers fails, naming host and port.
      Then every port the target lists answers or not as the firewall rules say

  Rule: Network Configuration (network monitoring)

    @checklist:INFRA-NC-2 @critical
    Scenario: Every expected service has DNS records at every resolver, agreeing with the Consul catalog
      Given the target declares DNS
      And the target declares Consul
      Then every expected service has A and SRV records at every resolver of the target, agreeing with the Consul catalog

    @checklist:INFRA-NC-4 @critical
    Scenario: The private nodes are reached through the bastion and only through it
      Given the target declares SSH
      Then the suite logs in to every private node through the bastion with its key
      And no private node accepts a direct connection from the runner

    @checklist:INFRA-NC-5 @normal
    Scenario: Network metrics are collected and unreachable instances raise a critical alert
      Given the target declares Prometheus
      Then Prometheus collects network metrics from the nodes
      And Prometheus has a critical alerting rule for instance down

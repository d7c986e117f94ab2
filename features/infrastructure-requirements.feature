@section:infrastructure-requirements
Feature: Infrastructure Requirements
  Pre-deployment phase: hardware, network and storage of the nodes that run the platform.

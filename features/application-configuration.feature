@section:application-configuration
Feature: Application Configuration
  Pre-deployment phase: environment variables, images and configuration management.

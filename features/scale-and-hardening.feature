@section:scale-and-hardening
Feature: Next Steps After Deployment
  Scale testing, security hardening, alert and dashboard customisation, runbooks.

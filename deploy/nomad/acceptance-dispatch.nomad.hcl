# The production deployment checklist on request: a parameterized batch job of the suite's image
# (deploy/image/build), dispatched once per change with the change ticket as meta:
#   nomad job dispatch -meta change_ticket=CHG-1234 acceptance-dispatch
#   nomad job dispatch -meta change_ticket=CHG-1234 -meta tags="@critical" acceptance-dispatch
# (POST /v1/job/acceptance-dispatch/dispatch {"Meta": {"change_ticket": "CHG-1234"}}). Each dispatch is a child
# job acceptance-dispatch/dispatch-<time>-<id>; its run writes the reports to the host volume acceptance-reports
# (history kept there: drift between runs) and copies the evidence (sealed bundle + signature, summary, checklist)
# to <evidence store>/<run id>/. The allocation fails when a check failed or broke (run-tests.sh exit 1) or the run
# could not start (exit 2): the evidence is still copied. See docs/nightly.md. HCL2, valid for Nomad 1.10.
#
# The target file and everything it names (CA bundle, token files, SSH keys) come from the client host, mounted
# read-only at the same paths (docker plugin option volumes.enabled = true on the clients that run it), or give the
# tokens as environment (CONSUL_HTTP_TOKEN, NOMAD_TOKEN, GRAFANA_TOKEN...) from Nomad Variables in a template:
# never in the image, never in this file.

variable "image" {
  type        = string
  description = "the suite's image, e.g. registry.example.com/ml-platform/acceptance:<commit> (deploy/image/build)"
}
variable "job_id" {
  type    = string
  default = "acceptance-dispatch"
}
variable "datacenter" {
  type    = string
  default = "dc1"
}
variable "target_file" {
  type        = string
  default     = "/etc/acceptance/target.yaml"
  description = "the target file, as the container sees it"
}
variable "target_mounts" {
  type        = list(string)
  default     = ["/etc/acceptance:/etc/acceptance:ro"]
  description = "host_path:container_path:ro binds holding the target file and the files it names"
}
variable "run_args" {
  type        = string
  default     = ""
  description = "more run-tests.sh options, e.g. \"--read-only\" (nothing written to the target) or \"--strict\""
}
variable "cpu" {
  type    = number
  default = 1000
}
variable "memory" {
  type        = number
  default     = 2048
  description = "MB: the .NET test host, the report and the probes' tools"
}

job "acceptance-dispatch" {
  id          = var.job_id
  name        = var.job_id
  type        = "batch"
  datacenters = [var.datacenter]

  # the container reads NOMAD_META_change_ticket, NOMAD_META_tags (a tag selection, default every scenario) and
  # NOMAD_META_operator (who asked for the run, default the job and allocation)
  parameterized {
    meta_required = ["change_ticket"]
    meta_optional = ["tags", "operator"]
    payload       = "forbidden"
  }

  group "acceptance" {
    count = 1

    # a run is evidence: never repeated behind the reader's back (a new run is a new dispatch)
    restart {
      attempts = 0
      mode     = "fail"
    }
    reschedule {
      attempts  = 0
      unlimited = false
    }

    volume "reports" {
      type      = "host"
      source    = "acceptance-reports"
      read_only = false
    }
    volume "evidence" {
      type      = "host"
      source    = "acceptance-evidence"
      read_only = false
    }

    task "checklist" {
      driver = "docker"

      # run-tests.sh undoes what the running checks created and still writes the evidence when stopped
      kill_signal  = "SIGTERM"
      kill_timeout = "120s"

      config {
        image        = var.image
        network_mode = "host" # the target's endpoints as the client host reaches them
        volumes      = var.target_mounts
      }

      env {
        ACCEPTANCE_TARGET_FILE    = var.target_file
        ACCEPTANCE_REPORTS_DIR    = "/reports"
        ACCEPTANCE_EVIDENCE_STORE = "/evidence"
        ACCEPTANCE_RUN_ARGS       = var.run_args
      }

      volume_mount {
        volume      = "reports"
        destination = "/reports"
        read_only   = false
      }
      volume_mount {
        volume      = "evidence"
        destination = "/evidence"
        read_only   = false
      }

      resources {
        cpu    = var.cpu
        memory = var.memory
      }
    }
  }
}

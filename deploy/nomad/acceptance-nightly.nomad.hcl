# The production deployment checklist every night: a periodic batch job of the suite's image (deploy/image/build),
# the compliance run of the target as it stands, without a change ticket (the target file's change.ticket, if any).
# Each launch is a child job acceptance-nightly/periodic-<unix time>; a run still going at the next launch is not
# doubled (prohibit_overlap). `nomad job periodic force acceptance-nightly` launches one now. Its run writes the
# reports to the host volume acceptance-reports (history kept there: drift between runs) and copies the evidence
# (sealed bundle + signature, summary, checklist) to <evidence store>/<run id>/. The allocation fails when a check failed or broke (run-tests.sh exit 1) or the run
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
  default = "acceptance-nightly"
}
variable "cron" {
  type        = string
  default     = "30 2 * * *"
  description = "when it runs (5-field cron, UTC): 02:30 every night"
}
variable "tags" {
  type        = string
  default     = ""
  description = "a tag selection, e.g. \"not @browser\" (empty: every scenario)"
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

job "acceptance-nightly" {
  id          = var.job_id
  name        = var.job_id
  type        = "batch"
  datacenters = [var.datacenter]

  periodic {
    crons            = [var.cron]
    prohibit_overlap = true
    time_zone        = "UTC"
  }

  # the container reads NOMAD_META_tags (a tag selection; empty: every scenario)
  meta {
    tags = var.tags
  }

  group "acceptance" {
    count = 1

    # a run is evidence: never repeated behind the reader's back (the next night is the next run)
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

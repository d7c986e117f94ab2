# The sandbox's certificate renewal (SEC-TSC-2): a periodic batch job on the raw_exec driver that runs
# sandbox/renew-certs daily: every service certificate that enters its renewal window (renew_days before
# expiry) is re-issued from the sandbox CA; a certificate that cannot be checked or renewed fails the run.
# Registered by sandbox/up (tls.renewal_job: cert-renewal), which forces one launch so a last run exists;
# the stand-in never fires periodic jobs by itself. A failed run is final (no restart, no reschedule).

variable "renew_script" {
  type        = string
  description = "absolute path of sandbox/renew-certs on the client"
}
variable "state_dir" {
  type        = string
  description = "the sandbox's state folder (certificates in <state>/tls)"
}
variable "renew_days" {
  type        = number
  default     = 30
  description = "days before expiry at which a certificate is renewed"
}

job "cert-renewal" {
  datacenters = ["dc1"]
  type        = "batch"

  periodic {
    crons            = ["0 3 * * *"]
    prohibit_overlap = true
    time_zone        = "UTC"
  }

  group "renew" {
    count = 1
    restart {
      attempts = 0
      mode     = "fail"
    }
    reschedule {
      attempts  = 0
      unlimited = false
    }

    task "renew-certs" {
      driver = "raw_exec"
      config {
        command = "/bin/bash"
        args    = ["${var.renew_script}", "${var.renew_days}"]
      }
      env {
        SANDBOX_STATE = "${var.state_dir}"
      }
      resources {
        cpu    = 100
        memory = 64
      }
    }
  }
}

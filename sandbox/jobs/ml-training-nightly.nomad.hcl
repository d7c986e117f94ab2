# The ML platform's nightly training, as the platform ships it: a periodic batch job of the trainer
# image (docker driver), launched at 02:00 UTC (overlap prohibited). Each launch is a child job
# (ml-training-nightly/periodic-<time>) reporting to the Pushgateway group job=<metrics_job>,
# run_id=<run_id> (default "nightly": the group always holds the last night's run, so a failed
# night stays visible until a good one replaces it) and writing <training-data>/<run_id>/model.json.
# Registered by sandbox/up (expected by the target: expect_jobs); the sandbox's stand-in never fires
# periodic jobs by itself (POST /v1/job/ml-training-nightly/periodic/force launches one).
# Variables as in ml-training.nomad.hcl (pull credentials come from the Nomad client's docker plugin auth config, never the job).

variable "registry" {
  type        = string
  description = "registry host[:port] serving ml-platform/trainer (the sandbox: 127.0.0.1:15443)"
}
variable "trainer_version" {
  type        = string
  description = "tag of ml-platform/trainer (follows the image's content)"
}
variable "log_level" {
  type        = string
  default     = "info"
  description = "LOG_LEVEL of the trainer (production: info, warn or error; never debug)"
}
variable "environment" {
  type        = string
  default     = "production"
  description = "ML_PLATFORM_ENV: the environment the job runs in"
}
variable "job_id" {
  type    = string
  default = "ml-training-nightly"
}
variable "datacenter" {
  type    = string
  default = "dc1"
}
variable "count" {
  type        = number
  default     = 1
  description = "parallel training runs (allocations)"
}
variable "cpu" {
  type        = number
  default     = 200
  description = "MHz per run"
}
variable "memory" {
  type        = number
  default     = 128
  description = "MB per run"
}
variable "pushgateway" {
  type    = string
  default = "http://127.0.0.1:19091"
}
variable "metrics_job" {
  type        = string
  default     = "ml-training"
  description = "Pushgateway job label"
}
variable "run_id" {
  type        = string
  default     = "nightly"
  description = "Pushgateway run_id label and artifact subdirectory: each night replaces the last"
}
variable "epochs" {
  type    = number
  default = 30
}
variable "learning_rate" {
  type        = number
  default     = 0.5
  description = "a negative rate is gradient ascent: the loss diverges and the run fails"
}
variable "epoch_delay" {
  type        = number
  default     = 0.05
  description = "seconds slept per epoch, so a run takes visible time"
}

job "ml-training-nightly" {
  id          = var.job_id
  name        = var.job_id
  type        = "batch"
  datacenters = [var.datacenter]

  # every night at 02:00 UTC; a run still going at the next launch is not doubled
  periodic {
    crons            = ["0 2 * * *"]
    prohibit_overlap = true
    time_zone        = "UTC"
  }

  meta {
    trainer_version = var.trainer_version
  }

  group "trainer" {
    count = var.count

    # a failure is final: no restart in place, no rescheduling elsewhere
    restart {
      attempts = 0
      mode     = "fail"
    }
    reschedule {
      attempts  = 0
      unlimited = false
    }

    volume "training-data" {
      type      = "host"
      source    = "training-data"
      read_only = false
    }

    task "train" {
      driver = "docker"

      config {
        image        = "${var.registry}/ml-platform/trainer:${var.trainer_version}"
        network_mode = "host" # the Pushgateway listens on the host's loopback
        args = [
          "--pushgateway", "${var.pushgateway}",
          "--job", "${var.metrics_job}",
          "--run-id", "${var.run_id}",
          "--epochs", "${var.epochs}",
          "--learning-rate", "${var.learning_rate}",
          "--artifact-dir", "/srv/training-data",
          "--epoch-delay", "${var.epoch_delay}",
        ]
      }

      env {

        LOG_LEVEL      = var.log_level

        ML_PLATFORM_ENV = var.environment

      }


      volume_mount {
        volume      = "training-data"
        destination = "/srv/training-data"
        read_only   = false
      }

      resources {
        cpu    = var.cpu
        memory = var.memory
      }
    }
  }
}

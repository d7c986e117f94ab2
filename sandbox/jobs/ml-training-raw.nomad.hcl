# The ML platform's training job for hosts without a container engine: the same run as
# ml-training.nomad.hcl, but on the raw_exec driver running the trainer script with the host's
# python3. raw_exec has no volume mounts, so the training-data host volume's path is passed as the
# artifact directory (variable artifact_dir), and the script's path as trainer_script (both without
# defaults: the target file supplies them). No registry, no credentials.
# A failed run is final (no restart, no reschedule).

variable "trainer_script" {
  type        = string
  description = "absolute path of train.py on the client (the sandbox: sandbox/ml/train.py)"
}
variable "artifact_dir" {
  type        = string
  description = "host path of the training-data volume (the sandbox: $STATE/volumes/training-data)"
}
variable "trainer_version" {
  type        = string
  default     = "unversioned"
  description = "version of the trainer, recorded in the job's meta"
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
  default = "ml-training"
}
variable "datacenter" {
  type    = string
  default = "dc1"
}
variable "count" {
  type    = number
  default = 1
}
variable "cpu" {
  type    = number
  default = 200
}
variable "memory" {
  type    = number
  default = 128
}
variable "pushgateway" {
  type    = string
  default = "http://127.0.0.1:19091"
}
variable "metrics_job" {
  type    = string
  default = "ml-training"
}
variable "run_id" {
  type    = string
  default = "nightly"
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
  type    = number
  default = 0.05
}

job "ml-training" {
  id          = var.job_id
  name        = var.job_id
  type        = "batch"
  datacenters = [var.datacenter]

  meta {
    trainer_version = var.trainer_version
  }

  group "trainer" {
    count = var.count

    restart {
      attempts = 0
      mode     = "fail"
    }
    reschedule {
      attempts  = 0
      unlimited = false
    }

    task "train" {
      driver = "raw_exec"

      config {
        command = "/usr/bin/python3"
        args = [
          "${var.trainer_script}",
          "--pushgateway", "${var.pushgateway}",
          "--job", "${var.metrics_job}",
          "--run-id", "${var.run_id}",
          "--epochs", "${var.epochs}",
          "--learning-rate", "${var.learning_rate}",
          "--artifact-dir", "${var.artifact_dir}",
          "--epoch-delay", "${var.epoch_delay}",
        ]
      }

      env {

        LOG_LEVEL      = var.log_level

        ML_PLATFORM_ENV = var.environment

      }


      resources {
        cpu    = var.cpu
        memory = var.memory
      }
    }
  }
}

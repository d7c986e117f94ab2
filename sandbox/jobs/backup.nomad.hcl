# The platform's backup job: one periodic batch job per component (consul, nomad, prometheus, grafana), each
# running sandbox/backup/backup.py on raw_exec. It snapshots the component through its API, writes the
# snapshot and its SHA-256 to the backup store and the DR store over SFTP, prunes by the retention policy and
# pushes backup_last_success_timestamp_seconds{component} to Pushgateway. No credentials here: the script
# reads the tokens from the node's secret files (state_dir/secrets), the SFTP key is a path.

variable "component" {
  type = string
}
variable "schedule" {
  type    = string
  default = "* * * * *"
}
variable "backup_script" {
  type = string
}
variable "state_dir" {
  type = string
}
variable "backup_store" {
  type = string
}
variable "dr_store" {
  type = string
}
variable "ssh_key" {
  type = string
}
variable "known_hosts" {
  type = string
}
variable "pushgateway" {
  type    = string
  default = "http://127.0.0.1:19091"
}
variable "max_age_days" {
  type    = number
  default = 7
}
variable "min_count" {
  type    = number
  default = 3
}

job "backup" {
  id          = "backup-${var.component}"
  name        = "backup-${var.component}"
  type        = "batch"
  datacenters = ["dc1"]

  periodic {
    cron             = var.schedule
    prohibit_overlap = true
    time_zone        = "UTC"
  }

  group "backup" {
    restart {
      attempts = 0
      mode     = "fail"
    }
    reschedule {
      attempts  = 0
      unlimited = false
    }

    task "snapshot" {
      driver = "raw_exec"

      config {
        command = "/usr/bin/python3"
        args = [
          "${var.backup_script}",
          "--component", "${var.component}",
          "--state", "${var.state_dir}",
          "--store", "${var.backup_store}",
          "--store", "${var.dr_store}",
          "--key", "${var.ssh_key}",
          "--known-hosts", "${var.known_hosts}",
          "--pushgateway", "${var.pushgateway}",
          "--max-age-days", "${var.max_age_days}",
          "--min-count", "${var.min_count}",
        ]
      }

      resources {
        cpu    = 100
        memory = 64
      }
    }
  }
}

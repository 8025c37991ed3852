# The provider pointed at the moto emulator on loopback (tests/drift.rs). Offline: the
# provider comes from the machine's filesystem mirror (tests/terraform/cli.tfrc, written by
# the test with the mirror's path), and every endpoint is the emulator.

terraform {
  required_version = ">= 1.11"
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}

variable "endpoint" {
  type        = string
  description = "The emulator's URL (http://127.0.0.1:PORT)."
}

variable "db_password" {
  type      = string
  sensitive = true
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = "testing"
  secret_key                  = "testing"
  s3_use_path_style           = true
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  skip_requesting_account_id  = false

  endpoints {
    acm                    = var.endpoint
    applicationautoscaling = var.endpoint
    cloudwatch             = var.endpoint
    ec2                    = var.endpoint
    ecr                    = var.endpoint
    ecs                    = var.endpoint
    elbv2                  = var.endpoint
    iam                    = var.endpoint
    logs                   = var.endpoint
    s3                     = var.endpoint
    secretsmanager         = var.endpoint
    sts                    = var.endpoint
  }
}

# A slice of the reference architecture's Terraform, for the SARIF location tests: findings on
# these resources must point here (by state id, by Name tag, by resource name).

resource "aws_security_group" "ecs" {
  name        = "archaudit-ecs"
  description = "ECS tasks: the application port from the load balancer only"
  vpc_id      = aws_vpc.main.id
}

resource "aws_subnet" "public_b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.2.0/24"
  availability_zone = "us-east-1b"
  tags              = { Name = "archaudit-public-b", Tier = "public" }
}

resource "aws_iam_role" "deploy" {
  name               = "archaudit-app-deploy"
  assume_role_policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [{ "Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity" }]
}
EOF
}

resource "aws_s3_bucket" "state" {
  bucket = "archaudit-terraform-state-123456789012"
}

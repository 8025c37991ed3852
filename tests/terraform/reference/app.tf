# The application of docs/architecture.md: an HTTPS-only load balancer in front of an ECS
# Fargate service in the private subnets, its image in ECR, its secret in Secrets Manager.

resource "aws_acm_certificate" "app" {
  domain_name       = "app.example.com"
  validation_method = "DNS"
}

resource "aws_lb" "app" {
  name               = "archaudit-alb"
  load_balancer_type = "application"
  internal           = false
  ip_address_type    = "ipv4"
  subnets            = [for s in aws_subnet.public : s.id]
  security_groups    = [aws_security_group.alb.id]
  tags               = { Name = "archaudit-alb" }
}

resource "aws_lb_target_group" "app" {
  name        = "archaudit-app"
  port        = 3000
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = aws_vpc.main.id
  health_check {
    enabled  = true
    path     = "/health"
    protocol = "HTTP"
    matcher  = "200"
  }
  tags = { Name = "archaudit-app" }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.app.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = aws_acm_certificate.app.arn
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.app.arn
  port              = 80
  protocol          = "HTTP"
  default_action {
    type = "redirect"
    redirect {
      protocol    = "HTTPS"
      port        = "443"
      status_code = "HTTP_301"
    }
  }
}

resource "aws_ecr_repository" "app" {
  name                 = "archaudit-app"
  image_tag_mutability = "IMMUTABLE"
  image_scanning_configuration {
    scan_on_push = true
  }
}

resource "aws_secretsmanager_secret" "db" {
  name = "archaudit/app/db"
  tags = { Name = "archaudit-db" }
}

resource "aws_secretsmanager_secret_version" "db" {
  secret_id     = aws_secretsmanager_secret.db.id
  secret_string = jsonencode({ password = var.db_password })
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/ecs/archaudit-app"
  retention_in_days = 30
}

resource "aws_ecs_cluster" "main" {
  name = "archaudit"
  setting {
    name  = "containerInsights"
    value = "enabled"
  }
  tags = { Name = "archaudit" }
}

resource "aws_ecs_task_definition" "app" {
  family                   = "archaudit-app"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn
  container_definitions = jsonencode([{
    name                   = "app"
    image                  = "${aws_ecr_repository.app.repository_url}:1.0.0"
    essential              = true
    readonlyRootFilesystem = true
    portMappings           = [{ containerPort = 3000, hostPort = 3000, protocol = "tcp" }]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        "awslogs-group"         = aws_cloudwatch_log_group.app.name
        "awslogs-region"        = "us-east-1"
        "awslogs-stream-prefix" = "app"
      }
    }
    secrets     = [{ name = "DB_PASSWORD", valueFrom = "${aws_secretsmanager_secret.db.arn}:password::" }]
    environment = [{ name = "NODE_ENV", value = "production" }, { name = "PORT", value = "3000" }]
  }])
}

resource "aws_ecs_service" "app" {
  name                              = "archaudit-app"
  cluster                           = aws_ecs_cluster.main.id
  task_definition                   = aws_ecs_task_definition.app.arn
  desired_count                     = 2
  launch_type                       = "FARGATE"
  health_check_grace_period_seconds = 60
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  network_configuration {
    subnets          = [for s in aws_subnet.private : s.id]
    security_groups  = [aws_security_group.ecs.id]
    assign_public_ip = false
  }
  load_balancer {
    target_group_arn = aws_lb_target_group.app.arn
    container_name   = "app"
    container_port   = 3000
  }
  depends_on = [aws_lb_listener.https]
}

resource "aws_cloudwatch_metric_alarm" "app" {
  for_each            = { cpu-high = "CPUUtilization", memory-high = "MemoryUtilization" }
  alarm_name          = "archaudit-app-${each.key}"
  namespace           = "AWS/ECS"
  metric_name         = each.value
  dimensions          = { ClusterName = "archaudit", ServiceName = "archaudit-app" }
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 2
  threshold           = 80
  comparison_operator = "GreaterThanThreshold"
  alarm_actions       = ["arn:aws:sns:us-east-1:123456789012:archaudit-alerts"]
  ok_actions          = ["arn:aws:sns:us-east-1:123456789012:archaudit-alerts"]
}

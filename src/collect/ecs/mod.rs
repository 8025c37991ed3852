//! ECS collector.
//!
//! Calls per region: `ListClusters` (paginated), `DescribeClusters` (100 a call), per cluster
//! `ListServices` (paginated) and `DescribeServices` (10 a call), and one
//! `DescribeTaskDefinition` per task definition that a service runs (no batch form exists).
//!
//! Environment variable values never leave this module: each is reduced to its name and a
//! `looks_like_credential` flag (see [`looks_like_credential`]).

use std::collections::BTreeSet;

use aws_sdk_ecs::types as t;
use aws_sdk_ecs::Client;
use futures::{stream, StreamExt};

use super::ctx::{list_all, sorted, Ctx, Present};
use crate::inventory::ecs::*;

const DESCRIBE_CLUSTERS_BATCH: usize = 100;
const DESCRIBE_SERVICES_BATCH: usize = 10;

fn tags(tags: &[t::Tag]) -> crate::inventory::Tags {
    tags.iter()
        .filter_map(|t| {
            Some((
                t.key()?.to_owned(),
                t.value().unwrap_or_default().to_owned(),
            ))
        })
        .collect()
}

/// Collects clusters, their services, and the task definitions those services run.
pub async fn collect(ctx: &Ctx, client: &Client) -> Ecs {
    let mut cluster_arns = Vec::new();
    list_all!(
        ctx,
        "ListClusters",
        "ecs.clusters",
        client.list_clusters().into_paginator().send(),
        |page| {
            cluster_arns.extend(page.cluster_arns().iter().cloned());
        }
    );

    let mut clusters = Vec::new();
    for chunk in cluster_arns.chunks(DESCRIBE_CLUSTERS_BATCH) {
        let request = client
            .describe_clusters()
            .set_clusters(Some(chunk.to_vec()))
            .include(t::ClusterField::Tags)
            .include(t::ClusterField::Settings)
            .send();
        match ctx.call("DescribeClusters", request).await {
            Ok(out) => clusters.extend(out.clusters().iter().map(|c| cluster(ctx, c))),
            Err(f) => ctx.kind_gap("DescribeClusters", "ecs.clusters", f),
        }
    }

    let services: Vec<Service> = stream::iter(cluster_arns.iter())
        .map(|arn| services(ctx, client, arn))
        .buffer_unordered(ctx.concurrency)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .flatten()
        .collect();

    let wanted: BTreeSet<&str> = services
        .iter()
        .map(|s| s.task_definition.as_str())
        .filter(|a| !a.is_empty())
        .collect();
    let task_definitions: Vec<TaskDefinition> = stream::iter(wanted)
        .map(|arn| async move {
            let request = client
                .describe_task_definition()
                .task_definition(arn)
                .include(t::TaskDefinitionField::Tags)
                .send();
            match ctx.call("DescribeTaskDefinition", request).await {
                Ok(out) => out
                    .task_definition()
                    .map(|td| task_definition(ctx, td, out.tags())),
                Err(f) => {
                    let mut meta = ctx.meta_untagged(
                        arn.to_owned(),
                        arn.rsplit('/').next().unwrap_or(arn).to_owned(),
                    );
                    ctx.attribute_gap(
                        "DescribeTaskDefinition",
                        "ecs.task_definitions",
                        &mut meta,
                        "containers",
                        f,
                    );
                    None
                }
            }
        })
        .buffer_unordered(ctx.concurrency)
        .filter_map(|td| async move { td })
        .collect()
        .await;

    Ecs {
        clusters,
        services,
        task_definitions,
    }
}

fn cluster(ctx: &Ctx, c: &t::Cluster) -> Cluster {
    let arn = c.cluster_arn().unwrap_or_default().to_owned();
    Cluster {
        meta: ctx.meta(
            arn,
            c.cluster_name().unwrap_or_default().to_owned(),
            tags(c.tags()),
        ),
        status: c.status().unwrap_or_default().to_owned(),
        container_insights: c
            .settings()
            .iter()
            .find(|s| s.name().is_some_and(|n| n.as_str() == "containerInsights"))
            .and_then(|s| s.value())
            .map(str::to_owned),
        capacity_providers: sorted(Some(c.capacity_providers())),
    }
}

async fn services(ctx: &Ctx, client: &Client, cluster_arn: &str) -> Vec<Service> {
    let mut arns = Vec::new();
    list_all!(
        ctx,
        "ListServices",
        "ecs.services",
        client
            .list_services()
            .cluster(cluster_arn)
            .into_paginator()
            .send(),
        |page| {
            arns.extend(page.service_arns().iter().cloned());
        }
    );
    let mut out = Vec::new();
    for chunk in arns.chunks(DESCRIBE_SERVICES_BATCH) {
        let request = client
            .describe_services()
            .cluster(cluster_arn)
            .set_services(Some(chunk.to_vec()))
            .include(t::ServiceField::Tags)
            .send();
        match ctx.call("DescribeServices", request).await {
            Ok(resp) => out.extend(resp.services().iter().map(|s| service(ctx, s, cluster_arn))),
            Err(f) => ctx.kind_gap("DescribeServices", "ecs.services", f),
        }
    }
    out
}

fn service(ctx: &Ctx, s: &t::Service, cluster_arn: &str) -> Service {
    let arn = s.service_arn().unwrap_or_default().to_owned();
    let breaker = s
        .deployment_configuration()
        .and_then(|d| d.deployment_circuit_breaker());
    Service {
        meta: ctx.meta(
            arn,
            s.service_name().unwrap_or_default().to_owned(),
            tags(s.tags()),
        ),
        cluster_arn: s.cluster_arn().unwrap_or(cluster_arn).to_owned(),
        status: s.status().unwrap_or_default().to_owned(),
        launch_type: s.launch_type().map(|l| l.as_str().to_owned()),
        capacity_providers: sorted(Some(
            &s.capacity_provider_strategy()
                .iter()
                .map(|c| c.capacity_provider())
                .collect::<Vec<_>>(),
        )),
        platform_version: s.platform_version().present().map(str::to_owned),
        desired_count: s.desired_count(),
        running_count: s.running_count(),
        task_definition: s.task_definition().unwrap_or_default().to_owned(),
        network: s
            .network_configuration()
            .and_then(|n| n.awsvpc_configuration())
            .map(|a| NetworkConfiguration {
                subnets: sorted(Some(a.subnets())),
                security_groups: sorted(Some(a.security_groups())),
                assign_public_ip: a
                    .assign_public_ip()
                    .is_some_and(|p| p.as_str() == "ENABLED"),
            }),
        load_balancers: s
            .load_balancers()
            .iter()
            .map(|lb| ServiceLoadBalancer {
                target_group_arn: lb.target_group_arn().present().map(str::to_owned),
                container_name: lb.container_name().present().map(str::to_owned),
                container_port: lb.container_port(),
            })
            .collect(),
        deployment: Deployment {
            controller: s
                .deployment_controller()
                .map(|c| c.r#type().as_str().to_owned())
                .unwrap_or_else(|| "ECS".to_owned()),
            circuit_breaker_enabled: breaker.is_some_and(|b| b.enable()),
            circuit_breaker_rollback: breaker.is_some_and(|b| b.rollback()),
            minimum_healthy_percent: s
                .deployment_configuration()
                .and_then(|d| d.minimum_healthy_percent()),
            maximum_percent: s
                .deployment_configuration()
                .and_then(|d| d.maximum_percent()),
        },
        health_check_grace_period_seconds: s.health_check_grace_period_seconds(),
    }
}

fn task_definition(ctx: &Ctx, td: &t::TaskDefinition, tag_list: &[t::Tag]) -> TaskDefinition {
    let arn = td.task_definition_arn().unwrap_or_default().to_owned();
    let family = td.family().unwrap_or_default().to_owned();
    TaskDefinition {
        meta: ctx.meta(arn, format!("{family}:{}", td.revision()), tags(tag_list)),
        revision: td.revision(),
        family,
        status: td
            .status()
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
        network_mode: td.network_mode().map(|m| m.as_str().to_owned()),
        requires_compatibilities: sorted(Some(
            &td.requires_compatibilities()
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>(),
        )),
        cpu: td.cpu().present().map(str::to_owned),
        memory: td.memory().present().map(str::to_owned),
        task_role_arn: td.task_role_arn().present().map(str::to_owned),
        execution_role_arn: td.execution_role_arn().present().map(str::to_owned),
        containers: td.container_definitions().iter().map(container).collect(),
    }
}

fn container(c: &t::ContainerDefinition) -> Container {
    Container {
        name: c.name().unwrap_or_default().to_owned(),
        image: c.image().unwrap_or_default().to_owned(),
        essential: c.essential().unwrap_or(true),
        port_mappings: c
            .port_mappings()
            .iter()
            .map(|p| PortMapping {
                container_port: p.container_port().unwrap_or_default(),
                host_port: p.host_port(),
                protocol: p
                    .protocol()
                    .map(|p| p.as_str().to_owned())
                    .unwrap_or_else(|| "tcp".to_owned()),
            })
            .collect(),
        log_configuration: c.log_configuration().map(|l| LogConfiguration {
            driver: l.log_driver().as_str().to_owned(),
            options: l
                .options()
                .map(|o| o.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default(),
        }),
        secrets: c
            .secrets()
            .iter()
            .map(|s| SecretRef {
                name: s.name().to_owned(),
                value_from: s.value_from().to_owned(),
                source: secret_source(s.value_from()).to_owned(),
            })
            .collect(),
        environment: c
            .environment()
            .iter()
            .map(|kv| {
                let name = kv.name().unwrap_or_default().to_owned();
                let looks_like_credential =
                    looks_like_credential(&name, kv.value().unwrap_or_default());
                EnvVar {
                    name,
                    looks_like_credential,
                }
            })
            .collect(),
        privileged: c.privileged().unwrap_or(false),
        readonly_root_filesystem: c.readonly_root_filesystem().unwrap_or(false),
        user: c.user().present().map(str::to_owned),
    }
}

/// Where a container secret comes from, judged from its `valueFrom`.
fn secret_source(value_from: &str) -> &'static str {
    if value_from.contains(":secretsmanager:") {
        "secretsmanager"
    } else if value_from.contains(":ssm:")
        || value_from.starts_with('/')
        || !value_from.starts_with("arn:")
    {
        "ssm"
    } else {
        "unknown"
    }
}

/// Name fragments that mark a variable as holding a credential.
const CREDENTIAL_NAMES: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "TOKEN",
    "API_KEY",
    "APIKEY",
    "ACCESS_KEY",
    "PRIVATE_KEY",
    "CREDENTIAL",
    "DATABASE_URL",
    "DB_URL",
    "CONNECTION_STRING",
];

/// Whether a value only names where a secret is kept (a Secrets Manager secret or SSM
/// parameter ARN, e.g. `DB_SECRET_ARN`): a reference the application resolves, not a credential.
fn is_secret_reference(value: &str) -> bool {
    let mut parts = value.splitn(6, ':');
    let (arn, _partition, service) = (parts.next(), parts.next(), parts.next());
    arn == Some("arn")
        && matches!(service, Some("secretsmanager" | "ssm"))
        && parts.nth(2).is_some_and(|resource| {
            resource.starts_with("secret:") || resource.starts_with("parameter/")
        })
}

/// Whether a plain environment variable looks like it carries a credential.
///
/// True when the name suggests one and the value is not empty, or when the value itself has
/// the shape of a credential whatever the name: an AWS access key id, a PEM private key, a
/// JWT, or a URL with an embedded password. Only this verdict is kept; the value is dropped.
pub fn looks_like_credential(name: &str, value: &str) -> bool {
    let value = value.trim();
    if value.is_empty() || is_secret_reference(value) {
        return false;
    }
    let upper = name.to_ascii_uppercase();
    if CREDENTIAL_NAMES.iter().any(|n| upper.contains(n)) {
        return true;
    }
    let aws_key = (value.starts_with("AKIA") || value.starts_with("ASIA"))
        && value.len() == 20
        && value
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    let pem = value.contains("-----BEGIN") && value.contains("PRIVATE KEY");
    let jwt = value.starts_with("eyJ") && value.matches('.').count() == 2;
    let url_password = value
        .split_once("://")
        .and_then(|(_, rest)| rest.split(['/', '?']).next())
        .is_some_and(|authority| {
            authority.contains('@') && authority.split('@').next().is_some_and(|u| u.contains(':'))
        });
    aws_key || pem || jwt || url_password
}

#[cfg(test)]
mod tests;

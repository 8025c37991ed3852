//! Gather: reads the live account through the AWS SDK into an [`Inventory`].
//!
//! One task per (service, region) — plus IAM and the S3 bucket list, which are global — all
//! run concurrently. Each task gets a [`ctx::Ctx`] that counts its calls, spaces them under
//! the service's client-side rate limit (shared by all regions of the service), and records
//! every failed call as a [`Gap`](crate::inventory::Gap) instead of guessing a value. The
//! SDK itself retries throttling and transient errors in its adaptive retry mode.
//!
//! This module and `fix` are the only ones that talk to AWS.

pub mod acm;
pub mod autoscaling;
pub mod cloudwatch;
pub mod ctx;
pub mod ec2;
pub mod ecr;
pub mod ecs;
pub mod elbv2;
pub mod iam;
pub mod logs;
pub mod s3;
pub mod secretsmanager;

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use futures::stream::{FuturesUnordered, StreamExt};

use crate::inventory::{self, CollectStatus, Gap, Inventory, ScanMeta, ServiceStatus};
use ctx::{Ctx, Failure, RateLimiter};

/// A service archaudit can collect; the names are the inventory's keys under `aws`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum Service {
    /// VPCs, subnets, route tables, gateways, Elastic IPs, security groups.
    Ec2,
    /// Load balancers, listeners, rules, target groups.
    Elbv2,
    /// Clusters, services, task definitions.
    Ecs,
    /// Roles, policies, users, OIDC providers (global).
    Iam,
    /// Buckets and the account public access block (global list).
    S3,
    /// Metric alarms.
    Cloudwatch,
    /// Log groups.
    Logs,
    /// Secrets (metadata only).
    Secretsmanager,
    /// Repositories.
    Ecr,
    /// Application Auto Scaling targets and policies.
    Autoscaling,
    /// Certificates.
    Acm,
}

impl Service {
    /// Every service, in inventory order.
    pub const ALL: [Service; 11] = [
        Service::Ec2,
        Service::Elbv2,
        Service::Ecs,
        Service::Iam,
        Service::S3,
        Service::Cloudwatch,
        Service::Logs,
        Service::Secretsmanager,
        Service::Ecr,
        Service::Autoscaling,
        Service::Acm,
    ];

    /// The inventory key (`ec2`).
    pub fn key(self) -> &'static str {
        match self {
            Service::Ec2 => "ec2",
            Service::Elbv2 => "elbv2",
            Service::Ecs => "ecs",
            Service::Iam => "iam",
            Service::S3 => "s3",
            Service::Cloudwatch => "cloudwatch",
            Service::Logs => "logs",
            Service::Secretsmanager => "secretsmanager",
            Service::Ecr => "ecr",
            Service::Autoscaling => "autoscaling",
            Service::Acm => "acm",
        }
    }

    /// The inventory kinds (`service.kind`) this service fills.
    pub fn kinds(self) -> &'static [&'static str] {
        match self {
            Service::Ec2 => &[
                "ec2.vpcs",
                "ec2.subnets",
                "ec2.route_tables",
                "ec2.internet_gateways",
                "ec2.nat_gateways",
                "ec2.elastic_ips",
                "ec2.security_groups",
            ],
            Service::Elbv2 => &[
                "elbv2.load_balancers",
                "elbv2.listeners",
                "elbv2.listener_rules",
                "elbv2.target_groups",
            ],
            Service::Ecs => &["ecs.clusters", "ecs.services", "ecs.task_definitions"],
            Service::Iam => &[
                "iam.roles",
                "iam.policies",
                "iam.users",
                "iam.oidc_providers",
            ],
            Service::S3 => &["s3.buckets", "s3.account_public_access_block"],
            Service::Cloudwatch => &["cloudwatch.alarms"],
            Service::Logs => &["logs.log_groups"],
            Service::Secretsmanager => &["secretsmanager.secrets"],
            Service::Ecr => &["ecr.repositories"],
            Service::Autoscaling => &["autoscaling.targets", "autoscaling.policies"],
            Service::Acm => &["acm.certificates"],
        }
    }

    fn is_global(self) -> bool {
        matches!(self, Service::Iam | Service::S3)
    }
}

/// How to reach AWS and what to collect.
#[derive(Debug, Clone)]
pub struct Options {
    /// Named profile from the shared config files.
    pub profile: Option<String>,
    /// Regions; empty means the configured default, `all` every region enabled for the account.
    pub regions: Vec<String>,
    /// Endpoint override for every service (an emulator); S3 then uses path-style addressing.
    pub endpoint_url: Option<String>,
    /// Services to collect; empty means all.
    pub services: Vec<Service>,
    /// Client-side limit of calls per second per service (0 disables it).
    pub max_rps: f64,
    /// Per-resource calls in flight per (service, region).
    pub concurrency: usize,
    /// Attempts per call, including the first, in the SDK's adaptive retry mode.
    pub max_attempts: u32,
    /// Show a progress bar on stderr.
    pub progress: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            profile: None,
            regions: Vec::new(),
            endpoint_url: None,
            services: Vec::new(),
            max_rps: 20.0,
            concurrency: 8,
            max_attempts: 5,
            progress: false,
        }
    }
}

/// Why collection could not start at all. Failures of single calls are gaps, not errors.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    /// No region is configured.
    #[error(
        "no AWS region configured: pass --region, set AWS_REGION, or set a region in the profile"
    )]
    NoRegion,
    /// The credentials could not be used.
    #[error("sts:GetCallerIdentity failed ({code}): {message}\n  archaudit needs working credentials: check --profile, AWS_PROFILE or the AWS_* variables")]
    Identity {
        /// AWS error code or SDK failure class.
        code: String,
        /// Message.
        message: String,
    },
    /// `--region all` could not list the account's regions.
    #[error("ec2:DescribeRegions failed ({code}) while resolving `--region all`: {message}")]
    Regions {
        /// AWS error code or SDK failure class.
        code: String,
        /// Message.
        message: String,
    },
}

async fn load_config(opts: &Options) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::adaptive().with_max_attempts(opts.max_attempts.max(1)))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(5))
                .operation_attempt_timeout(Duration::from_secs(30))
                .build(),
        );
    if let Some(profile) = &opts.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(url) = &opts.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    loader.load().await
}

fn in_region(base: &SdkConfig, region: &str) -> SdkConfig {
    base.to_builder()
        .region(Region::new(region.to_owned()))
        .build()
}

struct S3Clients {
    base: SdkConfig,
    path_style: bool,
}

impl s3::RegionalClients for S3Clients {
    fn s3(&self, region: &str) -> aws_sdk_s3::Client {
        let conf = aws_sdk_s3::config::Builder::from(&in_region(&self.base, region))
            .force_path_style(self.path_style)
            .build();
        aws_sdk_s3::Client::from_conf(conf)
    }
}

/// Gap code for the kinds of services left out with `--services`.
pub const NOT_COLLECTED: &str = "NotCollected";

/// What one collector task produced.
enum Part {
    Ec2(inventory::ec2::Ec2),
    Elbv2(inventory::elbv2::Elbv2),
    Ecs(inventory::ecs::Ecs),
    Iam(inventory::iam::Iam),
    S3(
        Vec<inventory::s3::Bucket>,
        Option<inventory::s3::PublicAccessBlock>,
    ),
    Cloudwatch(inventory::cloudwatch::CloudWatch),
    Logs(inventory::logs::Logs),
    Secretsmanager(inventory::secretsmanager::SecretsManager),
    Ecr(inventory::ecr::Ecr),
    Autoscaling(inventory::autoscaling::AutoScaling),
    Acm(inventory::acm::Acm),
}

struct Finished {
    key: String,
    part: Part,
    status: ServiceStatus,
    gaps: Vec<Gap>,
}

/// Collector tasks are polled together on the caller's task (they wait on I/O, not CPU), so
/// they need not be `Send`.
type Task<'a> = Pin<Box<dyn Future<Output = Finished> + 'a>>;

/// Builds a [`Task`] from a context and a body that uses it as `&Ctx` under the same name.
macro_rules! task {
    ($ctx:ident, $body:expr) => {{
        let shared = Arc::new($ctx);
        let inner = shared.clone();
        run(shared, async move {
            let $ctx: &Ctx = &inner;
            $body
        })
    }};
}

/// Collects the inventory of the account the credentials belong to.
pub async fn collect(opts: &Options) -> Result<Inventory, CollectError> {
    let collected_at = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default();
    let base = load_config(opts).await;
    let home = base
        .region()
        .map(|r| r.to_string())
        .ok_or(CollectError::NoRegion)?;

    let identity = aws_sdk_sts::Client::new(&base)
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| {
            let f = Failure::from_sdk(e);
            CollectError::Identity {
                code: f.code,
                message: f.message,
            }
        })?;
    let account_id = identity.account().unwrap_or_default().to_owned();
    let partition = identity
        .arn()
        .and_then(|a| a.split(':').nth(1))
        .unwrap_or("aws")
        .to_owned();

    let regions = resolve_regions(opts, &base, &home).await?;
    let services: Vec<Service> = if opts.services.is_empty() {
        Service::ALL.to_vec()
    } else {
        opts.services.clone()
    };

    let limiters: BTreeMap<Service, Arc<RateLimiter>> = services
        .iter()
        .map(|s| (*s, Arc::new(RateLimiter::new(opts.max_rps))))
        .collect();
    let new_ctx = |service: Service, region: &str| {
        Ctx::new(
            service.key(),
            region,
            &account_id,
            &partition,
            opts.concurrency,
            limiters[&service].clone(),
        )
    };

    let mut tasks: Vec<Task<'_>> = Vec::new();
    for &service in &services {
        if service.is_global() {
            let ctx = new_ctx(service, "global");
            let conf = in_region(&base, &home);
            tasks.push(match service {
                Service::Iam => task!(
                    ctx,
                    Part::Iam(iam::collect(ctx, &aws_sdk_iam::Client::new(&conf)).await)
                ),
                _ => {
                    let overridden = opts.endpoint_url.is_some();
                    let clients = S3Clients {
                        base: base.clone(),
                        path_style: overridden,
                    };
                    task!(ctx, {
                        let global = s3::RegionalClients::s3(&clients, &home_of(&conf));
                        let control = (!overridden).then(|| aws_sdk_s3control::Client::new(&conf));
                        let (buckets, account) = tokio::join!(
                            s3::collect(ctx, &global, &clients),
                            s3::account_public_access_block(ctx, control.as_ref())
                        );
                        Part::S3(buckets, account)
                    })
                }
            });
            continue;
        }
        for region in &regions {
            let ctx = new_ctx(service, region);
            let conf = in_region(&base, region);
            tasks.push(match service {
                Service::Ec2 => task!(
                    ctx,
                    Part::Ec2(ec2::collect(ctx, &aws_sdk_ec2::Client::new(&conf)).await)
                ),
                Service::Elbv2 => task!(ctx, {
                    Part::Elbv2(
                        elbv2::collect(ctx, &aws_sdk_elasticloadbalancingv2::Client::new(&conf))
                            .await,
                    )
                }),
                Service::Ecs => task!(
                    ctx,
                    Part::Ecs(ecs::collect(ctx, &aws_sdk_ecs::Client::new(&conf)).await)
                ),
                Service::Cloudwatch => task!(ctx, {
                    Part::Cloudwatch(
                        cloudwatch::collect(ctx, &aws_sdk_cloudwatch::Client::new(&conf)).await,
                    )
                }),
                Service::Logs => {
                    task!(
                        ctx,
                        Part::Logs(
                            logs::collect(ctx, &aws_sdk_cloudwatchlogs::Client::new(&conf)).await
                        )
                    )
                }
                Service::Secretsmanager => task!(ctx, {
                    Part::Secretsmanager(
                        secretsmanager::collect(ctx, &aws_sdk_secretsmanager::Client::new(&conf))
                            .await,
                    )
                }),
                Service::Ecr => task!(
                    ctx,
                    Part::Ecr(ecr::collect(ctx, &aws_sdk_ecr::Client::new(&conf)).await)
                ),
                Service::Autoscaling => task!(ctx, {
                    Part::Autoscaling(
                        autoscaling::collect(
                            ctx,
                            &aws_sdk_applicationautoscaling::Client::new(&conf),
                        )
                        .await,
                    )
                }),
                Service::Acm => task!(
                    ctx,
                    Part::Acm(acm::collect(ctx, &aws_sdk_acm::Client::new(&conf)).await)
                ),
                Service::Iam | Service::S3 => continue,
            });
        }
    }

    let progress = progress_bar(opts.progress, tasks.len());
    let mut inventory = Inventory {
        schema_version: inventory::SCHEMA_VERSION,
        meta: ScanMeta {
            account_id: account_id.clone(),
            partition: partition.clone(),
            regions: regions.clone(),
            collected_at,
            tool_version: env!("CARGO_PKG_VERSION").to_owned(),
            services: BTreeMap::new(),
        },
        ..Inventory::default()
    };
    let mut pending: FuturesUnordered<Task<'_>> = tasks.into_iter().collect();
    while let Some(done) = pending.next().await {
        progress.set_message(done.key.clone());
        progress.inc(1);
        merge(&mut inventory, done.part);
        inventory.gaps.extend(done.gaps);
        inventory.meta.services.insert(done.key, done.status);
    }
    progress.finish_and_clear();
    // Services left out with --services are unknown, not empty: say so, so that a scan of this
    // inventory reports the rules that need them as not evaluated instead of passing them.
    for service in Service::ALL.iter().filter(|s| !services.contains(s)) {
        for kind in service.kinds() {
            inventory.gaps.push(Gap {
                service: service.key().to_owned(),
                region: "all".to_owned(),
                operation: "(not collected)".to_owned(),
                kind: (*kind).to_owned(),
                resource: None,
                attribute: None,
                code: NOT_COLLECTED.to_owned(),
                message: "left out with --services".to_owned(),
            });
        }
    }
    inventory.sort();
    Ok(inventory)
}

fn home_of(conf: &SdkConfig) -> String {
    conf.region()
        .map(|r| r.to_string())
        .unwrap_or_else(|| "us-east-1".to_owned())
}

/// Wraps a collector in timing and status bookkeeping.
fn run<'a>(ctx: Arc<Ctx>, collector: impl Future<Output = Part> + 'a) -> Task<'a> {
    Box::pin(async move {
        let started = Instant::now();
        let part = collector.await;
        let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let key = format!("{}/{}", ctx.service, ctx.region);
        let (api_calls, succeeded, gaps) = ctx.finish();
        let status = if gaps.is_empty() {
            CollectStatus::Ok
        } else if succeeded == 0 {
            CollectStatus::Failed
        } else {
            CollectStatus::Incomplete
        };
        tracing::debug!(%key, api_calls, duration_ms, ?status, "collected");
        Finished {
            key,
            part,
            status: ServiceStatus {
                status,
                api_calls,
                duration_ms,
            },
            gaps,
        }
    })
}

fn merge(inv: &mut Inventory, part: Part) {
    let aws = &mut inv.aws;
    match part {
        Part::Ec2(p) => {
            aws.ec2.vpcs.extend(p.vpcs);
            aws.ec2.subnets.extend(p.subnets);
            aws.ec2.route_tables.extend(p.route_tables);
            aws.ec2.internet_gateways.extend(p.internet_gateways);
            aws.ec2.nat_gateways.extend(p.nat_gateways);
            aws.ec2.elastic_ips.extend(p.elastic_ips);
            aws.ec2.security_groups.extend(p.security_groups);
        }
        Part::Elbv2(p) => {
            aws.elbv2.load_balancers.extend(p.load_balancers);
            aws.elbv2.listeners.extend(p.listeners);
            aws.elbv2.listener_rules.extend(p.listener_rules);
            aws.elbv2.target_groups.extend(p.target_groups);
        }
        Part::Ecs(p) => {
            aws.ecs.clusters.extend(p.clusters);
            aws.ecs.services.extend(p.services);
            aws.ecs.task_definitions.extend(p.task_definitions);
        }
        Part::Iam(p) => aws.iam = p,
        Part::S3(buckets, account) => {
            aws.s3.buckets = buckets;
            aws.s3.account_public_access_block = account;
        }
        Part::Cloudwatch(p) => aws.cloudwatch.alarms.extend(p.alarms),
        Part::Logs(p) => aws.logs.log_groups.extend(p.log_groups),
        Part::Secretsmanager(p) => aws.secretsmanager.secrets.extend(p.secrets),
        Part::Ecr(p) => aws.ecr.repositories.extend(p.repositories),
        Part::Autoscaling(p) => {
            aws.autoscaling.targets.extend(p.targets);
            aws.autoscaling.policies.extend(p.policies);
        }
        Part::Acm(p) => aws.acm.certificates.extend(p.certificates),
    }
}

async fn resolve_regions(
    opts: &Options,
    base: &SdkConfig,
    home: &str,
) -> Result<Vec<String>, CollectError> {
    if opts.regions.is_empty() {
        return Ok(vec![home.to_owned()]);
    }
    let mut out: Vec<String> = opts
        .regions
        .iter()
        .filter(|r| r.as_str() != "all")
        .cloned()
        .collect();
    if opts.regions.iter().any(|r| r == "all") {
        let client = aws_sdk_ec2::Client::new(base);
        let resp = client.describe_regions().send().await.map_err(|e| {
            let f = Failure::from_sdk(e);
            CollectError::Regions {
                code: f.code,
                message: f.message,
            }
        })?;
        out.extend(
            resp.regions()
                .iter()
                .filter_map(|r| r.region_name().map(str::to_owned)),
        );
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn progress_bar(enabled: bool, len: usize) -> indicatif::ProgressBar {
    if !enabled {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{spinner} collecting [{bar:30}] {pos}/{len} {msg}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

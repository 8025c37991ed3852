//! Gather: reads the live account through the AWS SDK into an [`Inventory`].
//!
//! One task per (service, region) — plus IAM and the S3 bucket list, which are global — all
//! run concurrently. Each task gets a [`ctx::Ctx`] that counts its calls, spaces them under
//! the service's client-side rate limit (shared by all regions of the service), and records
//! every failed call as a [`Gap`](crate::inventory::Gap) instead of guessing a value. The
//! SDK itself retries throttling and transient errors in its adaptive retry mode. The
//! connection (credentials, regions, endpoint, limiter) is the shared [`crate::aws::Session`].
//!
//! Which collector fills which service is the exhaustive `match` in [`task`]; the services
//! and kinds themselves are declared once, in the registry (`crate::inventory::registry`).
//! Only `aws`, this module and `fix` talk to AWS.

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
pub mod org;
pub mod rds;
pub mod s3;
pub mod secretsmanager;
pub mod state_object;

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::stream::{FuturesUnordered, StreamExt};

use crate::aws::{Session, SessionError};
use crate::inventory::{self, Aws, CollectStatus, Gap, Inventory, ScanMeta, ServiceStatus};
pub use crate::inventory::{Service, NOT_COLLECTED};
use ctx::Ctx;

/// What to collect, and how to reach AWS.
#[derive(Debug, Clone)]
pub struct Options {
    /// Connection settings (credentials, regions, endpoint, retries, rate limit).
    pub aws: crate::aws::Options,
    /// Services to collect; empty means all.
    pub services: Vec<Service>,
    /// Per-resource calls in flight per (service, region).
    pub concurrency: usize,
    /// Show a progress bar on stderr.
    pub progress: bool,
    /// Deadline for the whole run (credential check included): what is not finished by then
    /// becomes a gap.
    pub timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            aws: crate::aws::Options::default(),
            services: Vec::new(),
            concurrency: 8,
            progress: false,
            timeout: Duration::from_secs(900),
        }
    }
}

/// Why collection could not start at all. Failures of single calls are gaps, not errors.
pub type CollectError = SessionError;

impl s3::RegionalClients for Session {
    fn s3(&self, region: &str) -> aws_sdk_s3::Client {
        Session::s3(self, region)
    }
}

/// The gap code of work the run's deadline cut off.
pub const DEADLINE_EXCEEDED: &str = "DeadlineExceeded";

/// What one collector task produced: its part of the inventory, and how it went.
struct Finished {
    key: String,
    part: Aws,
    status: ServiceStatus,
    gaps: Vec<Gap>,
}

/// Collector tasks are polled together on the caller's task (they wait on I/O, not CPU), so
/// they need not be `Send`.
type Task<'a> = Pin<Box<dyn Future<Output = Finished> + 'a>>;

/// Collects the inventory of the account the credentials in `opts` belong to.
pub async fn collect(opts: &Options) -> Result<Inventory, CollectError> {
    let deadline = tokio::time::Instant::now() + opts.timeout;
    let session = tokio::time::timeout_at(deadline, Session::connect(&opts.aws))
        .await
        .map_err(|_| SessionError::Deadline {
            seconds: opts.timeout.as_secs(),
        })??;
    collect_until(&session, opts, deadline).await
}

/// Collects the inventory through an open session (e.g. one with assumed-role credentials).
pub async fn collect_with(session: &Session, opts: &Options) -> Result<Inventory, CollectError> {
    collect_until(session, opts, tokio::time::Instant::now() + opts.timeout).await
}

/// Collects until `deadline`: tasks still running then are dropped and recorded as gaps.
async fn collect_until(
    session: &Session,
    opts: &Options,
    deadline: tokio::time::Instant,
) -> Result<Inventory, CollectError> {
    let collected_at = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default();
    let regions = tokio::time::timeout_at(deadline, session.resolve_regions(&opts.aws.regions))
        .await
        .map_err(|_| SessionError::Deadline {
            seconds: opts.timeout.as_secs(),
        })??;
    let services: Vec<Service> = if opts.services.is_empty() {
        Service::ALL.to_vec()
    } else {
        opts.services.clone()
    };

    let mut tasks: Vec<Task<'_>> = Vec::new();
    // Tasks not finished yet, by key (`ec2/us-east-1`): the deadline turns them into gaps.
    let mut unfinished: BTreeMap<String, (Service, String)> = BTreeMap::new();
    for &service in &services {
        let regions: Vec<&str> = if service.is_global() {
            vec!["global"]
        } else {
            regions.iter().map(String::as_str).collect()
        };
        for region in regions {
            tasks.push(task(session, opts, service, region));
            unfinished.insert(
                format!("{}/{region}", service.key()),
                (service, region.to_owned()),
            );
        }
    }

    let progress = progress_bar(opts.progress, tasks.len());
    let mut inventory = Inventory {
        schema_version: inventory::SCHEMA_VERSION,
        meta: ScanMeta {
            account_id: session.account_id.clone(),
            partition: session.partition.clone(),
            regions: regions.clone(),
            collected_at,
            tool_version: env!("CARGO_PKG_VERSION").to_owned(),
            services: BTreeMap::new(),
        },
        ..Inventory::default()
    };
    session.stats.take(); // count this collection only
    let mut pending: FuturesUnordered<Task<'_>> = tasks.into_iter().collect();
    loop {
        match tokio::time::timeout_at(deadline, pending.next()).await {
            Ok(Some(done)) => {
                progress.set_message(done.key.clone());
                progress.inc(1);
                unfinished.remove(&done.key);
                inventory.aws.merge(done.part);
                inventory.gaps.extend(done.gaps);
                inventory.meta.services.insert(done.key, done.status);
            }
            Ok(None) => break,
            Err(_) => {
                // What ran out of time is unknown, not empty: every kind of it is a gap.
                let message = format!(
                    "the run's deadline (--timeout {} s) passed before this finished",
                    opts.timeout.as_secs()
                );
                for (key, (service, region)) in std::mem::take(&mut unfinished) {
                    inventory.gaps.extend(inventory::service_gaps(
                        service,
                        &region,
                        "(deadline)",
                        DEADLINE_EXCEEDED,
                        &message,
                    ));
                    inventory.meta.services.insert(
                        key,
                        ServiceStatus {
                            status: CollectStatus::Failed,
                            api_calls: 0,
                            duration_ms: u64::try_from(opts.timeout.as_millis())
                                .unwrap_or(u64::MAX),
                            ..ServiceStatus::default()
                        },
                    );
                }
                break;
            }
        }
    }
    progress.finish_and_clear();
    // Retries and throttles, as the HTTP layer saw them.
    for ((service, region), a) in session.stats.take() {
        if let Some(s) = inventory
            .meta
            .services
            .get_mut(&format!("{service}/{region}"))
        {
            s.retries = a.sent.saturating_sub(s.api_calls);
            s.throttled = a.throttled;
        }
    }
    // Services left out with --services are unknown, not empty: say so, so that a scan of this
    // inventory reports the rules that need them as not evaluated instead of passing them.
    for service in Service::ALL.iter().filter(|s| !services.contains(s)) {
        inventory
            .gaps
            .extend(inventory::not_collected_gaps(*service));
    }
    inventory.sort();
    Ok(inventory)
}

/// The collector task of `service` in `region` (`global` for global services). The `match` is
/// exhaustive: a service added to the registry without a collector does not compile.
fn task<'a>(session: &'a Session, opts: &Options, service: Service, region: &str) -> Task<'a> {
    let ctx = Arc::new(Ctx::new(
        service.key(),
        region,
        &session.account_id,
        &session.partition,
        opts.concurrency,
        session.limiter(service.key(), region),
    ));
    let home = session.home_region().to_owned();
    let conf = session.config(if service.is_global() { &home } else { region });
    let inner = ctx.clone();
    run(ctx, async move {
        let ctx: &Ctx = &inner;
        let mut part = Aws::default();
        match service {
            Service::Ec2 => part.ec2 = ec2::collect(ctx, &aws_sdk_ec2::Client::new(&conf)).await,
            Service::Elbv2 => {
                let client = aws_sdk_elasticloadbalancingv2::Client::new(&conf);
                part.elbv2 = elbv2::collect(ctx, &client).await;
            }
            Service::Ecs => part.ecs = ecs::collect(ctx, &aws_sdk_ecs::Client::new(&conf)).await,
            Service::Iam => part.iam = iam::collect(ctx, &aws_sdk_iam::Client::new(&conf)).await,
            Service::S3 => {
                let global = session.s3(&home);
                // S3 Control cannot be addressed through an IP endpoint override (emulators).
                let control =
                    (!session.endpoint_overridden()).then(|| aws_sdk_s3control::Client::new(&conf));
                let (buckets, account) = tokio::join!(
                    s3::collect(ctx, &global, session),
                    s3::account_public_access_block(ctx, control.as_ref())
                );
                part.s3 = inventory::s3::S3 {
                    buckets,
                    account_public_access_block: account,
                };
            }
            Service::Cloudwatch => {
                let client = aws_sdk_cloudwatch::Client::new(&conf);
                part.cloudwatch = cloudwatch::collect(ctx, &client).await;
            }
            Service::Logs => {
                let client = aws_sdk_cloudwatchlogs::Client::new(&conf);
                part.logs = logs::collect(ctx, &client).await;
            }
            Service::Secretsmanager => {
                let client = aws_sdk_secretsmanager::Client::new(&conf);
                part.secretsmanager = secretsmanager::collect(ctx, &client).await;
            }
            Service::Ecr => part.ecr = ecr::collect(ctx, &aws_sdk_ecr::Client::new(&conf)).await,
            Service::Autoscaling => {
                let client = aws_sdk_applicationautoscaling::Client::new(&conf);
                part.autoscaling = autoscaling::collect(ctx, &client).await;
            }
            Service::Acm => part.acm = acm::collect(ctx, &aws_sdk_acm::Client::new(&conf)).await,
            Service::Rds => part.rds = rds::collect(ctx, &aws_sdk_rds::Client::new(&conf)).await,
        }
        part
    })
}

/// Wraps a collector in timing and status bookkeeping.
fn run<'a>(ctx: Arc<Ctx>, collector: impl Future<Output = Aws> + 'a) -> Task<'a> {
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
                ..ServiceStatus::default()
            },
            gaps,
        }
    })
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

//! What every collector shares: call counting, the rate limit, and gap recording.

use std::collections::BTreeSet;
use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use aws_smithy_async::future::pagination_stream::PaginationStream;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

pub use crate::aws::{Failure, RateLimiter};

use crate::inventory::{Gap, ResourceMeta};

/// `Some("")` in an AWS response means absent: some APIs (and the emulator) send empty
/// strings for fields that are not set (an unassociated Elastic IP's `NetworkInterfaceId`).
/// Every optional string a collector reads goes through [`Present::present`].
pub trait Present<'a> {
    /// The value, or `None` when it is missing or empty.
    fn present(self) -> Option<&'a str>;
}

impl<'a> Present<'a> for Option<&'a str> {
    fn present(self) -> Option<&'a str> {
        self.filter(|s| !s.is_empty())
    }
}

/// The context one collector runs in: one service in one region.
#[derive(Debug)]
pub struct Ctx {
    /// Service key in the inventory (`ec2`).
    pub service: &'static str,
    /// Region (`global` for IAM and the S3 bucket list).
    pub region: String,
    /// The account being collected.
    pub account_id: String,
    /// The partition (`aws`).
    pub partition: String,
    /// How many per-resource calls run at once.
    pub concurrency: usize,
    limiter: Arc<RateLimiter>,
    calls: AtomicU32,
    succeeded: AtomicU32,
    gaps: Mutex<Vec<Gap>>,
}

impl Ctx {
    /// A context for `service` in `region`.
    pub fn new(
        service: &'static str,
        region: &str,
        account_id: &str,
        partition: &str,
        concurrency: usize,
        limiter: Arc<RateLimiter>,
    ) -> Ctx {
        Ctx {
            service,
            region: region.to_owned(),
            account_id: account_id.to_owned(),
            partition: partition.to_owned(),
            concurrency: concurrency.max(1),
            limiter,
            calls: AtomicU32::new(0),
            succeeded: AtomicU32::new(0),
            gaps: Mutex::new(Vec::new()),
        }
    }

    /// Runs one API call under the rate limit and counts it.
    pub async fn call<T, E, R>(
        &self,
        operation: &'static str,
        send: impl Future<Output = Result<T, SdkError<E, R>>>,
    ) -> Result<T, Failure>
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        self.limiter.acquire().await;
        self.calls.fetch_add(1, Ordering::Relaxed);
        let result = send.await;
        self.outcome(operation, result)
    }

    /// Fetches the next page of a paginated list under the rate limit, counting the call.
    pub async fn next_page<T, E, R>(
        &self,
        operation: &'static str,
        pages: &mut PaginationStream<Result<T, SdkError<E, R>>>,
    ) -> Option<Result<T, Failure>>
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        self.limiter.acquire().await;
        let page = pages.next().await?;
        self.calls.fetch_add(1, Ordering::Relaxed);
        Some(self.outcome(operation, page))
    }

    fn outcome<T, E, R>(
        &self,
        operation: &'static str,
        result: Result<T, SdkError<E, R>>,
    ) -> Result<T, Failure>
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        match result {
            Ok(value) => {
                self.succeeded.fetch_add(1, Ordering::Relaxed);
                Ok(value)
            }
            Err(err) => {
                let failure = Failure::from_sdk(err);
                tracing::debug!(service = self.service, region = %self.region, operation, code = %failure.code, "call failed");
                Err(failure)
            }
        }
    }

    /// Records that a whole kind (`kind`, e.g. `ec2.vpcs`) could not be listed.
    pub fn kind_gap(&self, operation: &str, kind: &str, failure: Failure) {
        self.push(Gap {
            service: self.service.to_owned(),
            region: self.region.clone(),
            operation: operation.to_owned(),
            kind: kind.to_owned(),
            resource: None,
            attribute: None,
            code: failure.code,
            message: failure.message,
            account_id: self.account_id.clone(),
        });
    }

    /// Records that `attribute` of one resource could not be read, and marks it unknown there.
    pub fn attribute_gap(
        &self,
        operation: &str,
        kind: &str,
        meta: &mut ResourceMeta,
        attribute: &str,
        failure: Failure,
    ) {
        meta.unknown.insert(attribute.to_owned());
        self.push(Gap {
            service: self.service.to_owned(),
            region: self.region.clone(),
            operation: operation.to_owned(),
            kind: kind.to_owned(),
            resource: Some(meta.arn.clone()),
            attribute: Some(attribute.to_owned()),
            code: failure.code,
            message: failure.message,
            account_id: self.account_id.clone(),
        });
    }

    /// Records a failed call that left `attributes` unknown on every resource of `kind` in this
    /// region (one gap per attribute, with no `resource`), and marks each resource.
    pub fn attributes_gap<'a>(
        &self,
        operation: &str,
        kind: &str,
        metas: impl IntoIterator<Item = &'a mut ResourceMeta>,
        attributes: &[&str],
        failure: &Failure,
    ) {
        for meta in metas {
            meta.unknown
                .extend(attributes.iter().map(|a| (*a).to_owned()));
        }
        for attribute in attributes {
            self.push(Gap {
                service: self.service.to_owned(),
                region: self.region.clone(),
                operation: operation.to_owned(),
                kind: kind.to_owned(),
                resource: None,
                attribute: Some((*attribute).to_owned()),
                code: failure.code.clone(),
                message: failure.message.clone(),
                account_id: self.account_id.clone(),
            });
        }
    }

    /// A value a successful response must carry: when it leaves it out, `attribute` is unknown
    /// on the resource, with a `NotReturned` gap — never a default (a missing
    /// `PubliclyAccessible` is not `false`).
    pub fn required<T: Default>(
        &self,
        operation: &str,
        kind: &str,
        meta: &mut ResourceMeta,
        attribute: &str,
        value: Option<T>,
    ) -> T {
        value.unwrap_or_else(|| {
            let failure = Failure {
                code: "NotReturned".to_owned(),
                message: format!("{operation} did not return {attribute}"),
            };
            self.attribute_gap(operation, kind, meta, attribute, failure);
            T::default()
        })
    }

    fn push(&self, gap: Gap) {
        if let Ok(mut gaps) = self.gaps.lock() {
            gaps.push(gap);
        }
    }

    /// Builds an ARN in this context's partition, region and account.
    pub fn arn(&self, service: &str, resource: &str) -> String {
        format!(
            "arn:{}:{}:{}:{}:{}",
            self.partition, service, self.region, self.account_id, resource
        )
    }

    /// Metadata for a resource of this context with observed tags.
    pub fn meta(&self, arn: String, id: String, tags: crate::inventory::Tags) -> ResourceMeta {
        ResourceMeta::new(arn, id, &self.region, &self.account_id, tags)
    }

    /// Metadata for a resource of this context whose tags are not collected.
    pub fn meta_untagged(&self, arn: String, id: String) -> ResourceMeta {
        ResourceMeta::untagged(arn, id, &self.region, &self.account_id)
    }

    /// Finishes the context: calls made, calls that succeeded, and the gaps.
    pub fn finish(&self) -> (u32, u32, Vec<Gap>) {
        let gaps = self
            .gaps
            .lock()
            .map(|mut g| std::mem::take(&mut *g))
            .unwrap_or_default();
        (
            self.calls.load(Ordering::Relaxed),
            self.succeeded.load(Ordering::Relaxed),
            gaps,
        )
    }
}

/// Sorted, de-duplicated strings from an optional SDK list.
pub fn sorted<S: AsRef<str>>(items: Option<&[S]>) -> Vec<String> {
    let set: BTreeSet<String> = items
        .unwrap_or_default()
        .iter()
        .map(|s| s.as_ref().to_owned())
        .collect();
    set.into_iter().collect()
}

/// Formats an SDK timestamp as RFC 3339.
pub fn rfc3339(t: Option<&aws_smithy_types::DateTime>) -> Option<String> {
    t.and_then(|t| t.fmt(aws_smithy_types::date_time::Format::DateTime).ok())
}

/// Runs a paginated list to the end; on failure records a kind-level gap and returns what was
/// read before it (the gap says the list is not complete).
macro_rules! list_all {
    ($ctx:expr, $op:literal, $kind:expr, $pages:expr, |$page:ident| $body:block) => {{
        let mut pages = $pages;
        while let Some(result) = $ctx.next_page($op, &mut pages).await {
            match result {
                Ok($page) => $body,
                Err(failure) => {
                    $ctx.kind_gap($op, $kind, failure);
                    break;
                }
            }
        }
    }};
}
pub(crate) use list_all;

//! The applier: the only code that changes the account. It makes exactly the calls the plan
//! names, in order, one at a time, each under its service's rate limit; a failed call is
//! recorded and the next one still runs; on an interrupt (Ctrl-C) the caller lets the call in
//! flight finish and makes no further one.
//!
//! Every call that can change the account is in this folder, to be read and reviewed
//! together: here the exhaustive dispatch on the action, then one function per service in
//! [`network`] (EC2, load balancers) and [`account`] (S3, IAM, monitoring, ECS, scaling,
//! secrets).

use serde::Serialize;

use super::action::Action;
use super::plan::Step;

mod account;
mod network;

use crate::aws::{Failure, Session};
use account::{autoscaling, ecs, iam, monitoring, s3, secrets};
use network::{ec2, elbv2};

/// What happened to one step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum StepOutcome {
    /// The call succeeded.
    Applied,
    /// The call failed; nothing was changed by it.
    Failed {
        /// AWS error code.
        code: String,
        /// Message.
        message: String,
    },
    /// Not attempted (interrupted, or an earlier step of the same finding failed).
    NotRun,
}

pub(super) fn built<T, E: std::fmt::Display>(r: Result<T, E>) -> Result<T, Failure> {
    r.map_err(|e| Failure::other("InvalidParameter", e.to_string()))
}

/// The outcome of one sent call: AWS's error code and message when it failed.
pub(super) fn sent<T, E, R>(
    result: Result<T, aws_smithy_runtime_api::client::result::SdkError<E, R>>,
) -> Result<(), Failure>
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata
        + std::error::Error
        + Send
        + Sync
        + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    result.map(|_| ()).map_err(Failure::from_sdk)
}

/// Makes the one call `step` names, under its service's rate limit like every call
/// archaudit makes. The `match` is exhaustive: an action without its call does not compile.
pub async fn apply_step(session: &Session, step: &Step) -> Result<(), Failure> {
    let conf = session.config(&step.region);
    session
        .limiter(step.action.service(), &step.region)
        .acquire()
        .await;
    use Action::*;
    let a = &step.action;
    match a {
        RevokeIngress { .. }
        | AuthorizeIngress { .. }
        | ReleaseAddress { .. }
        | DisableSubnetPublicIp { .. }
        | RouteToNat { .. } => ec2(&conf, a).await,
        SetHttpsRedirect { .. } | SetTlsPolicy { .. } | DeleteListener { .. } => {
            elbv2(&conf, a).await
        }
        EnableVersioning { .. } | PutBucketEncryption { .. } | BlockPublicAccess { .. } => {
            s3(session, &step.region, a).await
        }
        DetachRolePolicy { .. }
        | DeleteRolePolicy { .. }
        | RestoreTrustPolicy { .. }
        | DeactivateAccessKey { .. } => iam(&conf, a).await,
        PutAlarm { .. } | PutRetention { .. } => monitoring(&conf, a).await,
        SetNetworkConfiguration { .. } | SetDesiredCount { .. } | EnableCircuitBreaker { .. } => {
            ecs(&conf, a).await
        }
        RegisterScalableTarget { .. } | PutScalingPolicy { .. } => autoscaling(&conf, a).await,
        DeleteSecretPolicy { .. } => secrets(&conf, a).await,
    }
}

/// An action routed to the wrong service's function (cannot happen: `apply_step` routes by
/// variant).
pub(super) fn misrouted(service: &str, a: &Action) -> Failure {
    Failure::other(
        "InvalidParameter",
        format!("{} is not a {service} action", a.permission()),
    )
}

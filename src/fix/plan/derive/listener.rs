//! Listener fixes: the HTTP listener's redirect and the HTTPS listener's TLS policy, from the
//! finding's own load-balancer component.

use super::{one, Ctx, Planned};
use crate::finding::fix::{Drifted, TlsParams};
use crate::fix::action::Action;

pub(super) fn https_redirect(c: &Ctx<'_>) -> Planned {
    if c.drifted != Drifted::Field("default_actions") {
        return c.unsupported();
    }
    let lb = c.load_balancer()?;
    let (Some(https), Some(status)) = (
        lb.https.as_ref(),
        lb.http.as_ref().and_then(|h| h.redirect_status.clone()),
    ) else {
        return Err("the load balancer's spec documents no redirect to HTTPS".to_owned());
    };
    one(Action::SetHttpsRedirect {
        listener_arn: c.arn(),
        port: https.port,
        status,
    })
}

pub(super) fn tls_policy(c: &Ctx<'_>, p: &TlsParams) -> Planned {
    let Drifted::Field(attr @ ("ssl_policy" | "protocol" | "certificates")) = c.drifted else {
        return c.unsupported();
    };
    let ssl_policy = p
        .ssl_policy
        .clone()
        .or_else(|| {
            let lb = c.load_balancer().ok()?;
            lb.https.as_ref()?.tls_policies.first().cloned()
        })
        .ok_or("no documented TLS policy")?;
    if attr != "ssl_policy" && p.certificate_arn.is_none() {
        return Err(
            "the listener needs a certificate and the account has none issued: request one in ACM"
                .to_owned(),
        );
    }
    one(Action::SetTlsPolicy {
        listener_arn: c.arn(),
        ssl_policy,
        certificate_arn: p.certificate_arn.clone(),
    })
}

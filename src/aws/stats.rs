//! Attempts, retries and throttles per service and region, counted where every attempt passes:
//! an HTTP client wrapped around the SDK's own. The SDK retries inside one call, out of sight
//! of the collectors; this is how a slow, throttled night shows in the inventory's `meta`.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, Weak};

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;

/// What the attempts to one service in one region met.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Attempts {
    /// HTTP requests sent (first tries and retries).
    pub sent: u32,
    /// Answers that said "slow down" (429, 503, or a throttling error type).
    pub throttled: u32,
}

/// Counts shared by every client of a session, keyed by (service key, region) as the
/// inventory's `meta.services` names them (`ec2`, `us-east-1`; `iam`, `global`).
/// They also reach the rate limiters, so that a service that throttles is slowed down.
#[derive(Debug, Default)]
pub struct CallStats {
    counts: Mutex<BTreeMap<(String, String), Attempts>>,
    limiters: Mutex<BTreeMap<(String, String), Weak<super::RateLimiter>>>,
}

impl CallStats {
    /// Takes the counts so far, starting again from zero.
    pub fn take(&self) -> BTreeMap<(String, String), Attempts> {
        std::mem::take(&mut *self.counts.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Slows `limiter` down whenever `service` in `region` answers "slow down".
    pub fn watch(&self, service: &str, region: &str, limiter: &Arc<super::RateLimiter>) {
        self.limiters
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(
                (service.to_owned(), region.to_owned()),
                Arc::downgrade(limiter),
            );
    }

    fn record(&self, key: (String, String), throttled: bool) {
        if throttled {
            let limiter = self
                .limiters
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(&key)
                .and_then(Weak::upgrade);
            if let Some(l) = limiter {
                l.throttled();
            }
        }
        let mut map = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        let a = map.entry(key).or_default();
        a.sent += 1;
        a.throttled += u32::from(throttled);
    }
}

/// The inventory's service key and region of a signed request, from its SigV4 credential
/// scope (`Credential=AKID/20261126/us-east-1/ec2/aws4_request`).
fn scope(request: &HttpRequest) -> (String, String) {
    let auth = request.headers().get("authorization").unwrap_or_default();
    let mut parts = auth
        .split("Credential=")
        .nth(1)
        .unwrap_or_default()
        .split([',', ' '])
        .next()
        .unwrap_or_default()
        .split('/')
        .skip(2);
    let region = parts.next().unwrap_or("unknown");
    let service = match parts.next().unwrap_or("unknown") {
        "elasticloadbalancing" => "elbv2",
        "monitoring" => "cloudwatch",
        "application-autoscaling" => "autoscaling",
        other => other,
    };
    let region = if matches!(service, "iam" | "s3") {
        "global"
    } else {
        region
    };
    (service.to_owned(), region.to_owned())
}

/// An HTTP client that counts, around the SDK's own.
#[derive(Debug, Clone)]
pub struct Counting {
    inner: SharedHttpClient,
    stats: Arc<CallStats>,
}

impl Counting {
    /// Wraps `inner`, counting into `stats`.
    pub fn new(inner: SharedHttpClient, stats: Arc<CallStats>) -> Counting {
        Counting { inner, stats }
    }

    /// The SDK's default HTTPS client (rustls with aws-lc, proxies from the environment),
    /// built as the SDK builds it, counting into `stats`.
    pub fn default_https(stats: Arc<CallStats>) -> Counting {
        use aws_smithy_http_client::{proxy::ProxyConfig, tls, Builder, ConnectorBuilder};
        let inner = Builder::new().build_with_connector_fn(|settings, components| {
            let mut conn = ConnectorBuilder::default().tls_provider(tls::Provider::Rustls(
                tls::rustls_provider::CryptoMode::AwsLc,
            ));
            conn.set_connector_settings(settings.cloned());
            if let Some(c) = components {
                conn.set_sleep_impl(c.sleep_impl());
            }
            conn.set_proxy_config(Some(ProxyConfig::from_env()));
            conn.build()
        });
        Counting::new(inner, stats)
    }
}

impl HttpClient for Counting {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(CountingConnector {
            inner: self.inner.http_connector(settings, components),
            stats: self.stats.clone(),
        })
    }
}

#[derive(Debug)]
struct CountingConnector {
    inner: SharedHttpConnector,
    stats: Arc<CallStats>,
}

impl HttpConnector for CountingConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let key = scope(&request);
        let stats = self.stats.clone();
        let sent = self.inner.call(request);
        HttpConnectorFuture::new(async move {
            let response = sent.await;
            let throttled = response.as_ref().is_ok_and(|r| {
                let status = r.status().as_u16();
                let kind = r.headers().get("x-amzn-errortype").unwrap_or_default();
                status == 429
                    || status == 503
                    || kind.contains("Throttl")
                    || kind.contains("TooManyRequests")
            });
            stats.record(key, throttled);
            response
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::{default_limit, RateLimiter};

    #[test]
    fn a_throttled_answer_slows_the_limiter_of_its_service_and_region_only() {
        let stats = CallStats::default();
        let ec2 = Arc::new(RateLimiter::with_limit(default_limit("ec2").0));
        let other = Arc::new(RateLimiter::with_limit(default_limit("ec2").0));
        stats.watch("ec2", "us-east-1", &ec2);
        stats.watch("ec2", "eu-west-1", &other);
        let key = ("ec2".to_owned(), "us-east-1".to_owned());
        stats.record(key.clone(), false);
        assert_eq!(ec2.factor(), 1.0);
        stats.record(key.clone(), true);
        assert_eq!(ec2.factor(), 0.75);
        assert_eq!(other.factor(), 1.0);
        let counts = stats.take();
        assert_eq!((counts[&key].sent, counts[&key].throttled), (2, 1));
        assert!(stats.take().is_empty());
    }
}

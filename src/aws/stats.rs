//! Attempts, retries and throttles per service and region, counted where every attempt passes:
//! an HTTP client wrapped around the SDK's own. The SDK retries inside one call, out of sight
//! of the collectors; this is how a slow, throttled night shows in the inventory's `meta`.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

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
    /// Other server errors (5xx).
    pub server_errors: u32,
}

/// Counts shared by every client of a session, keyed by (service key, region) as the
/// inventory's `meta.services` names them (`ec2`, `us-east-1`; `iam`, `global`).
#[derive(Debug, Default)]
pub struct CallStats(Mutex<BTreeMap<(String, String), Attempts>>);

impl CallStats {
    /// Takes the counts so far, starting again from zero.
    pub fn take(&self) -> BTreeMap<(String, String), Attempts> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }

    fn record(&self, key: (String, String), f: impl FnOnce(&mut Attempts)) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        f(map.entry(key).or_default());
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
            let (throttled, server_error) = match &response {
                Ok(r) => {
                    let status = r.status().as_u16();
                    let kind = r.headers().get("x-amzn-errortype").unwrap_or_default();
                    let throttled = status == 429
                        || status == 503
                        || kind.contains("Throttl")
                        || kind.contains("TooManyRequests");
                    (throttled, !throttled && status >= 500)
                }
                Err(_) => (false, false),
            };
            stats.record(key, |a| {
                a.sent += 1;
                a.throttled += u32::from(throttled);
                a.server_errors += u32::from(server_error);
            });
            response
        })
    }
}

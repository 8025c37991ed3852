//! The AWS session: how archaudit reaches an account, shared by everything that talks to AWS
//! (`collect` today, `fix` next).
//!
//! A [`Session`] holds the SDK configuration (credential chain or profile, retries, timeouts,
//! endpoint override), the home region, the caller's account and partition, and one
//! [`RateLimiter`] per service so that every caller of a service shares its quota. It is the
//! seam for other credentials: [`Session::from_sdk_config`] accepts any `SdkConfig` (e.g. one
//! whose credentials come from an assumed role in another account).
//!
//! Only this module, `collect` and `fix` may use the AWS SDK crates (a test enforces it).

mod failure;
mod hint;
mod limit;
mod stats;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};

pub use failure::Failure;
use hint::identity_hint;
pub use limit::{default_limit, Limit, RateLimiter};
pub use stats::{Attempts, CallStats};

/// How to reach AWS.
#[derive(Debug, Clone)]
pub struct Options {
    /// Named profile from the shared config files.
    pub profile: Option<String>,
    /// Regions; empty means the configured default, `all` every region enabled for the account.
    pub regions: Vec<String>,
    /// Endpoint override for every service (an emulator); S3 then uses path-style addressing.
    pub endpoint_url: Option<String>,
    /// Client-side limit of calls per second per service and region, overriding the
    /// per-service table ([`default_limit`]); `Some(0)` disables it.
    pub max_rps: Option<f64>,
    /// Attempts per call, including the first (standard retry mode, jittered backoff).
    pub max_attempts: u32,
    /// A cap on calls per second across every service, region and account of the run
    /// (`--max-rps-total`), on top of the per-service limits; `None`: no cap.
    pub max_rps_total: Option<f64>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            profile: None,
            regions: Vec::new(),
            endpoint_url: None,
            max_rps: None,
            max_attempts: 5,
            max_rps_total: None,
        }
    }
}

/// Why a session could not be opened. Failures of single calls later on are gaps, not errors.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// No region is configured.
    #[error(
        "no AWS region configured: pass --region, set AWS_REGION, or set a region in the profile"
    )]
    NoRegion,
    /// The first call (`sts:GetCallerIdentity`) failed: `hint` says what that means.
    #[error("sts:GetCallerIdentity failed ({code}): {message}\n  {hint}")]
    Identity {
        /// AWS error code or SDK failure class.
        code: String,
        /// Message.
        message: String,
        /// What the failure means and what to check.
        hint: String,
    },
    /// The run's deadline passed before the account could even be identified.
    #[error("no answer from AWS within the run's deadline (--timeout {seconds} s) while checking the credentials or listing regions: the endpoint accepts connections but does not respond (a firewall, a proxy or a wrong port?)")]
    Deadline {
        /// The deadline.
        seconds: u64,
    },
    /// A role in another account could not be assumed.
    #[error("sts:AssumeRole {role} failed ({code}): {message}")]
    AssumeRole {
        /// The role.
        role: String,
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

/// A connection to one account.
#[derive(Debug)]
pub struct Session {
    base: SdkConfig,
    /// The configuration as loaded (before attempts are counted): assumed-role sessions are
    /// built on it.
    raw: SdkConfig,
    /// The cap shared by every limiter of the run (`--max-rps-total`), across accounts.
    global: Option<Arc<RateLimiter>>,
    home: String,
    /// The account the credentials belong to.
    pub account_id: String,
    /// Its partition (`aws`, `aws-cn`, `aws-us-gov`).
    pub partition: String,
    endpoint_overridden: bool,
    max_rps: Option<f64>,
    limiters: Mutex<BTreeMap<(&'static str, String), Arc<RateLimiter>>>,
    /// Attempts per service and region, counted under the SDK's retries.
    pub stats: Arc<CallStats>,
}

/// Loads the SDK configuration: credential chain (or `profile`), standard retries (jittered
/// exponential backoff; adaptive mode's client-side rate collapse made throttled scans 35–60×
/// slower), timeouts in seconds as AWS answers in milliseconds, endpoint override.
pub async fn load_sdk_config(opts: &Options) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(opts.max_attempts.max(1))
                .with_initial_backoff(Duration::from_millis(100))
                .with_max_backoff(Duration::from_secs(5)),
        )
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(3))
                .read_timeout(Duration::from_secs(10))
                .operation_attempt_timeout(Duration::from_secs(15))
                .build(),
        );
    if let Some(profile) = &opts.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(url) = &opts.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    // `--region X` alone must be enough: the first named region is the home region when
    // neither the environment nor the profile names one.
    if let Some(first) = opts.regions.iter().find(|r| r.as_str() != "all") {
        let fallback = aws_config::meta::region::RegionProviderChain::default_provider()
            .or_else(Region::new(first.clone()));
        loader = loader.region(fallback);
    }
    loader.load().await
}

impl Session {
    /// Opens a session with the standard credential chain and checks the credentials with
    /// `sts:GetCallerIdentity`.
    pub async fn connect(opts: &Options) -> Result<Session, SessionError> {
        let base = load_sdk_config(opts).await;
        Session::from_sdk_config(base, opts).await
    }

    /// `base` with its HTTP client (or the SDK's default one) wrapped to count attempts into
    /// `stats`.
    fn counting(base: SdkConfig, stats: &Arc<CallStats>) -> SdkConfig {
        let client = match base.http_client() {
            Some(inner) => stats::Counting::new(inner, stats.clone()),
            None => stats::Counting::default_https(stats.clone()),
        };
        base.to_builder().http_client(client).build()
    }

    /// Opens a session on an existing SDK configuration (the seam for assumed-role or other
    /// credentials); `opts` supplies the endpoint override and the rate limit.
    pub async fn from_sdk_config(base: SdkConfig, opts: &Options) -> Result<Session, SessionError> {
        let stats = Arc::new(CallStats::default());
        let raw = base.clone();
        let base = Session::counting(base, &stats);
        let home = base
            .region()
            .map(|r| r.to_string())
            .ok_or(SessionError::NoRegion)?;
        let identity = aws_sdk_sts::Client::new(&base)
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| {
                let f = Failure::from_sdk(e);
                SessionError::Identity {
                    hint: identity_hint(&f).to_owned(),
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
        let global = opts
            .max_rps_total
            .filter(|r| *r > 0.0)
            .map(|r| Arc::new(RateLimiter::new(r)));
        Ok(Session {
            base,
            raw,
            global,
            home,
            account_id,
            partition,
            endpoint_overridden: opts.endpoint_url.is_some(),
            max_rps: opts.max_rps,
            limiters: Mutex::new(BTreeMap::new()),
            stats,
        })
    }

    /// The home region (the configured one): where global services are called.
    pub fn home_region(&self) -> &str {
        &self.home
    }

    /// Whether every call goes to an endpoint override (an emulator).
    pub fn endpoint_overridden(&self) -> bool {
        self.endpoint_overridden
    }

    /// The SDK configuration for `region`.
    pub fn config(&self, region: &str) -> SdkConfig {
        self.base
            .to_builder()
            .region(Region::new(region.to_owned()))
            .build()
    }

    /// An S3 client for `region`; path-style addressing with an endpoint override (otherwise
    /// the SDK would resolve `<bucket>.<host>` through DNS).
    pub fn s3(&self, region: &str) -> aws_sdk_s3::Client {
        let conf = aws_sdk_s3::config::Builder::from(&self.config(region))
            .force_path_style(self.endpoint_overridden)
            .build();
        aws_sdk_s3::Client::from_conf(conf)
    }

    /// The rate limiter of `service` (`ec2`) in `region` (`global` for IAM and the S3 bucket
    /// list), shared by every caller: AWS throttles per account and region.
    pub fn limiter(&self, service: &'static str, region: &str) -> Arc<RateLimiter> {
        let mut limiters = self.limiters.lock().unwrap_or_else(|e| e.into_inner());
        limiters
            .entry((service, region.to_owned()))
            .or_insert_with(|| {
                let limiter = Arc::new(
                    match self.max_rps {
                        Some(rate) => RateLimiter::new(rate),
                        None => RateLimiter::with_limit(default_limit(service).0),
                    }
                    .under(self.global.clone()),
                );
                self.stats.watch(service, region, &limiter);
                limiter
            })
            .clone()
    }

    /// A session in another account: `role_arn` assumed with this session's credentials
    /// (session name `archaudit`, `external_id` when the role's trust asks for one). It has
    /// rate limiters of its own (AWS throttles per account) under this run's shared cap, and
    /// counts its own calls. The credentials last an hour, the default a role allows.
    pub async fn assume(
        &self,
        role_arn: &str,
        external_id: Option<&str>,
        opts: &Options,
    ) -> Result<Session, SessionError> {
        let failed = |code: String, message: String| SessionError::AssumeRole {
            role: role_arn.to_owned(),
            code,
            message,
        };
        self.limiter("sts", "global").acquire().await;
        let out = aws_sdk_sts::Client::new(&self.base)
            .assume_role()
            .role_arn(role_arn)
            .role_session_name("archaudit")
            .set_external_id(external_id.map(str::to_owned))
            .send()
            .await
            .map_err(|e| {
                let f = Failure::from_sdk(e);
                failed(f.code, f.message)
            })?;
        let c = out.credentials().ok_or_else(|| {
            failed(
                "NoCredentials".to_owned(),
                "the answer holds no credentials".to_owned(),
            )
        })?;
        let credentials = aws_sdk_sts::config::Credentials::new(
            c.access_key_id(),
            c.secret_access_key(),
            Some(c.session_token().to_owned()),
            std::time::SystemTime::try_from(*c.expiration()).ok(),
            "archaudit-assume-role",
        );
        let conf = self
            .raw
            .to_builder()
            .credentials_provider(aws_sdk_sts::config::SharedCredentialsProvider::new(
                credentials,
            ))
            .build();
        let mut session = Session::from_sdk_config(conf, opts).await?;
        session.global = self.global.clone();
        Ok(session)
    }

    /// The regions `requested` names (sorted, deduplicated): none means the home region, and
    /// `all` adds every region enabled for the account (`ec2:DescribeRegions`).
    pub async fn resolve_regions(&self, requested: &[String]) -> Result<Vec<String>, SessionError> {
        if requested.is_empty() {
            return Ok(vec![self.home.clone()]);
        }
        let mut out: Vec<String> = requested
            .iter()
            .filter(|r| r.as_str() != "all")
            .cloned()
            .collect();
        if requested.iter().any(|r| r == "all") {
            let client = aws_sdk_ec2::Client::new(&self.base);
            let resp = client.describe_regions().send().await.map_err(|e| {
                let f = Failure::from_sdk(e);
                SessionError::Regions {
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
}

//! Client-side rate limits: one token bucket per service and region, sized to what AWS
//! enforces on the calls archaudit makes (AWS throttles per account and region).

use std::time::{Duration, Instant};

/// A service's limit: `rate` calls per second sustained, `burst` at once.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limit {
    /// Refill rate, calls per second (`0` or less: no limit).
    pub rate: f64,
    /// Bucket size: calls that may start at once after a quiet period.
    pub burst: f64,
}

/// The default limit of `service` (its key in the inventory, or `sts`), and where the figure
/// comes from. The table is documented in docs/performance.md; `--max-rps` overrides it.
pub fn default_limit(service: &str) -> (Limit, &'static str) {
    let l = |rate: f64, burst: f64| Limit { rate, burst };
    match service {
        // EC2 API request throttling: non-mutating (Describe*) bucket of 100, refilled 20/s.
        "ec2" => (
            l(20.0, 100.0),
            "EC2 API throttling: Describe* bucket 100, refill 20/s",
        ),
        // ECS API throttling: cluster read actions bucket 50, refill 20/s.
        "ecs" => (
            l(20.0, 50.0),
            "ECS API throttling: read actions bucket 50, refill 20/s",
        ),
        // CloudWatch quotas: DescribeAlarms 9 TPS.
        "cloudwatch" => (l(9.0, 9.0), "CloudWatch quotas: DescribeAlarms 9 TPS"),
        // S3 serves thousands of GETs per second per prefix; bucket-configuration reads are
        // GETs on each bucket: no 20/s limit applies, 500/s keeps archaudit a polite client.
        "s3" => (
            l(500.0, 500.0),
            "S3: 5,500 GET/s per prefix; capped at 500/s",
        ),
        "logs" => (
            l(10.0, 10.0),
            "CloudWatch Logs quotas: DescribeLogGroups 10 TPS",
        ),
        // Not published per action: conservative.
        "iam" => (
            l(10.0, 20.0),
            "not published (IAM is global, shared by the account): conservative",
        ),
        "elbv2" => (l(10.0, 20.0), "not published: conservative"),
        "secretsmanager" => (
            l(20.0, 20.0),
            "not published for ListSecrets/GetResourcePolicy here: conservative",
        ),
        "ecr" => (l(10.0, 10.0), "not published: conservative"),
        "autoscaling" => (l(10.0, 10.0), "not published: conservative"),
        "acm" => (l(8.0, 8.0), "not published: conservative"),
        "rds" => (
            l(10.0, 10.0),
            "not published for Describe* calls: conservative",
        ),
        // Organizations throttles its whole API at a few requests per second per account.
        "organizations" => (l(2.0, 4.0), "Organizations API throttling: conservative"),
        "sts" => (l(10.0, 20.0), "not published for AssumeRole: conservative"),
        _ => (l(10.0, 10.0), "conservative"),
    }
}

/// A token bucket shared by every caller of one service in one region, so that a scan never
/// takes more than its share of the account's API quota. When the service throttles anyway
/// (other clients share the quota), the rate drops by a quarter, down to a quarter of the
/// limit; each call after that wins back 10% until the full rate is restored. (Gentle on
/// purpose: the SDK's own retry already waits, and a limiter that collapsed — as the SDK's
/// adaptive mode did — made a scan with 20% throttling 35–60× slower.)
#[derive(Debug)]
pub struct RateLimiter {
    limit: Limit,
    state: std::sync::Mutex<State>,
    /// A cap shared with other limiters (`--max-rps-total`, across accounts): each call
    /// waits for a slot there too.
    parent: Option<std::sync::Arc<RateLimiter>>,
}

#[derive(Debug)]
struct State {
    tokens: f64,
    last: Instant,
    /// Share of the rate in force (1 = the full limit).
    factor: f64,
}

/// The lowest share of its rate a throttled limiter falls to.
const MIN_FACTOR: f64 = 0.25;

/// The longest a call waits for a slot; rates so low they would wait longer are capped here
/// rather than overflowing (the command line rejects such rates before they get here).
const MAX_WAIT: Duration = Duration::from_secs(86_400);

impl RateLimiter {
    /// An evenly spaced limit of `rate` calls per second, no burst (`0` or less: none).
    pub fn new(rate: f64) -> RateLimiter {
        RateLimiter::with_limit(Limit { rate, burst: 1.0 })
    }

    /// A token bucket of `limit`, full at the start.
    pub fn with_limit(limit: Limit) -> RateLimiter {
        let burst = if limit.burst.is_finite() {
            limit.burst.max(1.0)
        } else {
            1.0
        };
        RateLimiter {
            limit: Limit {
                rate: limit.rate,
                burst,
            },
            state: std::sync::Mutex::new(State {
                tokens: burst,
                last: Instant::now(),
                factor: 1.0,
            }),
            parent: None,
        }
    }

    /// This limiter, under a cap shared with others (when `parent` is given).
    pub fn under(mut self, parent: Option<std::sync::Arc<RateLimiter>>) -> RateLimiter {
        self.parent = parent;
        self
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The share of its rate in force now (1 when not throttled).
    #[cfg(test)]
    pub(super) fn factor(&self) -> f64 {
        self.lock().factor
    }

    /// The service answered "slow down": lower the rate (not below [`MIN_FACTOR`]).
    pub fn throttled(&self) {
        let mut s = self.lock();
        s.factor = (s.factor * 0.75).max(MIN_FACTOR);
    }

    /// How long the next caller must wait, reserving its token.
    fn reserve(&self, s: &mut State, now: Instant) -> Duration {
        if !(self.limit.rate > 0.0 && self.limit.rate.is_finite()) {
            return Duration::ZERO;
        }
        let rate = self.limit.rate * s.factor;
        let elapsed = now.saturating_duration_since(s.last).as_secs_f64();
        s.tokens = (s.tokens + elapsed * rate).min(self.limit.burst);
        s.last = now;
        s.tokens -= 1.0;
        s.factor = (s.factor * 1.1).min(1.0);
        if s.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::try_from_secs_f64(-s.tokens / rate).map_or(MAX_WAIT, |d| d.min(MAX_WAIT))
        }
    }

    /// Waits for the next slot (and for one under the shared cap, if any).
    pub async fn acquire(&self) {
        let wait = self.reserve(&mut self.lock(), Instant::now());
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        if let Some(p) = &self.parent {
            Box::pin(p.acquire()).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn waits(l: &RateLimiter, n: usize) -> Vec<Duration> {
        let now = Instant::now();
        let mut state = State {
            tokens: l.limit.burst,
            last: now,
            factor: 1.0,
        };
        (0..n).map(|_| l.reserve(&mut state, now)).collect()
    }

    #[test]
    fn absurd_rates_do_not_panic() {
        assert_eq!(waits(&RateLimiter::new(1e-20), 2)[1], MAX_WAIT);
        assert_eq!(waits(&RateLimiter::new(0.0), 3), vec![Duration::ZERO; 3]);
        assert_eq!(
            waits(&RateLimiter::new(f64::INFINITY), 3),
            vec![Duration::ZERO; 3]
        );
        assert_eq!(
            waits(&RateLimiter::new(f64::NAN), 3),
            vec![Duration::ZERO; 3]
        );
        assert_eq!(
            waits(&RateLimiter::new(4.0), 2)[1],
            Duration::from_millis(250)
        );
    }

    #[test]
    fn a_bucket_allows_its_burst_then_spaces_calls_at_its_rate() {
        let ec2 = RateLimiter::with_limit(default_limit("ec2").0);
        let w = waits(&ec2, 102);
        assert!(w[..100].iter().all(Duration::is_zero), "{w:?}");
        assert_eq!(w[100], Duration::from_millis(50));
        assert_eq!(w[101], Duration::from_millis(100));
    }

    #[tokio::test]
    async fn a_shared_cap_bounds_every_limiter_under_it() {
        let cap = std::sync::Arc::new(RateLimiter::new(100.0));
        let a = RateLimiter::new(0.0).under(Some(cap.clone()));
        let b = RateLimiter::new(0.0).under(Some(cap));
        let start = Instant::now();
        for _ in 0..5 {
            a.acquire().await;
            b.acquire().await;
        }
        // Ten calls at 100/s through one cap (the two limiters alone would not wait): the
        // last starts at least 0.09 s after the first.
        let took = start.elapsed().as_secs_f64();
        assert!(took >= 0.089, "{took}");
    }

    #[test]
    fn throttling_slows_the_rate_and_calls_win_it_back() {
        let l = RateLimiter::with_limit(Limit {
            rate: 10.0,
            burst: 1.0,
        });
        l.throttled();
        l.throttled();
        assert_eq!(l.factor(), 0.5625);
        for _ in 0..10 {
            l.throttled();
        }
        assert_eq!(l.factor(), MIN_FACTOR);
        let now = Instant::now();
        let mut s = l.lock();
        s.tokens = 0.0;
        s.last = now;
        // Empty bucket at a quarter of 10/s: the next call waits 0.4 s.
        let w = l.reserve(&mut s, now);
        assert!((w.as_secs_f64() - 0.4).abs() < 1e-9, "{w:?}");
        for _ in 0..100 {
            l.reserve(&mut s, now);
        }
        assert_eq!(s.factor, 1.0);
    }
}

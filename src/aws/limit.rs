//! The client-side rate limit shared by every caller of one service.

use std::time::{Duration, Instant};

/// A client-side rate limit: at most `rate` calls per second, evenly spaced.
///
/// One limiter is shared by every collector task of one service (across regions), so that a
/// scan never takes more than its share of the account's API quota.
#[derive(Debug)]
pub struct RateLimiter {
    interval: Duration,
    next: tokio::sync::Mutex<Instant>,
}

impl RateLimiter {
    /// A limiter allowing `rate` calls per second (`0` or less disables it). A rate so low
    /// that its interval does not fit a [`Duration`] is capped at one call a day rather than
    /// panicking; the command line rejects such values before they get here.
    pub fn new(rate: f64) -> RateLimiter {
        const DAY: Duration = Duration::from_secs(86_400);
        let interval = if rate > 0.0 {
            Duration::try_from_secs_f64(1.0 / rate).map_or(DAY, |d| d.min(DAY))
        } else {
            Duration::ZERO
        };
        RateLimiter {
            interval,
            next: tokio::sync::Mutex::new(Instant::now()),
        }
    }

    /// Waits for the next slot.
    pub async fn acquire(&self) {
        if self.interval.is_zero() {
            return;
        }
        let wait = {
            let mut next = self.next.lock().await;
            let now = Instant::now();
            let slot = (*next).max(now);
            *next = slot + self.interval;
            slot - now
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absurd_rates_do_not_panic() {
        assert_eq!(
            RateLimiter::new(1e-20).interval,
            Duration::from_secs(86_400)
        );
        assert_eq!(RateLimiter::new(0.0).interval, Duration::ZERO);
        assert_eq!(RateLimiter::new(f64::INFINITY).interval, Duration::ZERO);
        assert_eq!(RateLimiter::new(4.0).interval, Duration::from_millis(250));
    }
}

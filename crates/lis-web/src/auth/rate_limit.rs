//! A small fixed-window rate limit for the sign-in routes, per client address.
//!
//! It lives in memory and so limits each LIS instance separately: it exists to slow down guessing and flooding, not
//! to count precisely, and losing it on restart is harmless.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many requests one client may make per window.
#[derive(Debug)]
pub struct RateLimiter {
    limit: u32,
    window: Duration,
    counts: Mutex<HashMap<Option<IpAddr>, (Instant, u32)>>,
}

impl RateLimiter {
    /// A limit of `limit` requests per `window`.
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit,
            window,
            counts: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one request from `client` and says whether it is within the limit.
    pub fn allow(&self, client: Option<IpAddr>) -> bool {
        let now = Instant::now();
        let Ok(mut counts) = self.counts.lock() else {
            // A poisoned lock means a panic elsewhere; failing open here keeps sign-in possible.
            return true;
        };
        if counts.len() > 10_000 {
            counts.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        }
        let entry = counts.entry(client).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= self.limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_client_within_a_window() {
        let limiter = RateLimiter::new(2, Duration::from_secs(60));
        let a = Some(IpAddr::from([127, 0, 0, 1]));
        let b = Some(IpAddr::from([127, 0, 0, 2]));
        assert!(limiter.allow(a) && limiter.allow(a));
        assert!(!limiter.allow(a), "the third request in the window is refused");
        assert!(limiter.allow(b), "another client has its own count");
        let short = RateLimiter::new(1, Duration::ZERO);
        assert!(short.allow(a) && short.allow(a), "a new window starts the count again");
    }
}

//! Exponential backoff with jitter: 1 s doubling up to a 60 s cap, each wait drawn from its
//! upper half so that many workers dropped at once do not come back at once.

use std::time::Duration;

use rand::Rng;

#[derive(Clone, Debug)]
pub struct Backoff {
    base: Duration,
    cap: Duration,
    attempt: u32,
}

impl Backoff {
    pub const BASE: Duration = Duration::from_secs(1);
    pub const CAP: Duration = Duration::from_secs(60);

    pub fn new() -> Self {
        Self {
            base: Self::BASE,
            cap: Self::CAP,
            attempt: 0,
        }
    }

    /// The wait before the next attempt; never shorter than what the server asked for.
    pub fn next(&mut self, retry_after: Option<Duration>) -> Duration {
        let ceiling = self
            .base
            .saturating_mul(1u32 << self.attempt.min(16))
            .min(self.cap);
        self.attempt = self.attempt.saturating_add(1);
        let half = ceiling / 2;
        let wait = half + rand::thread_rng().gen_range(Duration::ZERO..=half);
        wait.max(retry_after.unwrap_or_default().min(self.cap))
    }

    /// After a connection that worked: the next failure waits the shortest time again.
    pub fn reset(&mut self) {
        self.attempt = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_from_one_second_to_the_cap_with_jitter() {
        let mut backoff = Backoff::new();
        let waits: Vec<Duration> = (0..10).map(|_| backoff.next(None)).collect();
        let secs = |s: f64| Duration::from_secs_f64(s);
        assert!(waits[0] >= secs(0.5) && waits[0] <= secs(1.0), "{waits:?}");
        assert!(waits[1] >= secs(1.0) && waits[1] <= secs(2.0), "{waits:?}");
        assert!(waits[3] >= secs(4.0) && waits[3] <= secs(8.0), "{waits:?}");
        assert!(
            waits[9] >= secs(30.0) && waits[9] <= secs(60.0),
            "{waits:?}"
        );
        backoff.reset();
        assert!(backoff.next(None) <= secs(1.0));
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_cap() {
        let mut backoff = Backoff::new();
        assert!(backoff.next(Some(Duration::from_secs(5))) >= Duration::from_secs(5));
        assert_eq!(
            backoff.next(Some(Duration::from_secs(3600))),
            Duration::from_secs(60)
        );
    }
}

// Taskscope's "circuit-breaker" scenario in Tokio, the robust way: a failure *rate*
// over a window of recent calls, a minimum number of calls, and a fixed number of
// half-open probes.
use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

enum State { Closed, Open { since: Instant }, HalfOpen { admitted: u32, succeeded: u32 } }

pub struct Breaker {
    inner: Mutex<(State, VecDeque<bool>)>, // state, outcomes (true = failed)
    window: usize, minimum_calls: usize, rate_threshold: f64,
    recovery: Duration, probes: u32,
}

pub enum CallError<E> { Rejected, Failed(E) }

impl Breaker {
    fn admit(&self) -> bool {
        let mut guard = self.inner.lock().unwrap();
        let (state, _) = &mut *guard;
        match state {
            State::Closed => true,
            State::Open { since } if since.elapsed() >= self.recovery => {
                *state = State::HalfOpen { admitted: 1, succeeded: 0 };
                true
            }
            State::Open { .. } => false,
            State::HalfOpen { admitted, .. } if *admitted < self.probes => { *admitted += 1; true }
            State::HalfOpen { .. } => false, // only `probes` calls test the service
        }
    }

    fn record(&self, failed: bool) {
        let mut guard = self.inner.lock().unwrap();
        let (state, outcomes) = &mut *guard;
        match state {
            // Any failed probe reopens; all probes succeeding closes.
            State::HalfOpen { .. } if failed => *state = State::Open { since: Instant::now() },
            State::HalfOpen { succeeded, .. } => {
                *succeeded += 1;
                if *succeeded == self.probes { *state = State::Closed; outcomes.clear(); }
            }
            State::Closed => {
                outcomes.push_back(failed);
                if outcomes.len() > self.window { outcomes.pop_front(); } // old failures age out
                let failures = outcomes.iter().filter(|&&f| f).count();
                if outcomes.len() >= self.minimum_calls
                    && failures as f64 / outcomes.len() as f64 >= self.rate_threshold {
                    *state = State::Open { since: Instant::now() };
                }
            }
            State::Open { .. } => {}
        }
    }

    pub async fn call<T, E, F>(&self, f: F) -> Result<T, CallError<E>>
    where F: std::future::Future<Output = Result<T, E>> {
        if !self.admit() {
            return Err(CallError::Rejected); // fail fast, the service is not called
        }
        let result = f.await;
        self.record(result.is_err());
        result.map_err(CallError::Failed)
    }
}

// Taskscope's "retry" scenario in Tokio: capped exponential backoff with full jitter.
use std::time::Duration;
use rand::Rng;
use tokio::time::sleep;

#[derive(Clone, Copy)]
pub enum Jitter { Full, None }

pub struct Backoff { pub attempts: u32, pub base: Duration, pub max: Duration, pub jitter: Jitter }

impl Backoff {
    /// The wait before retry `n` (0 for the first retry): min(max, base × 2^n),
    /// or a uniformly random part of it with full jitter.
    fn delay(&self, n: u32) -> Duration {
        let ceiling = self.base.saturating_mul(2u32.saturating_pow(n)).min(self.max);
        match self.jitter {
            Jitter::None => ceiling,
            Jitter::Full => ceiling.mul_f64(rand::thread_rng().gen_range(0.0..=1.0)),
        }
    }
}

/// Calls `operation` until it succeeds or `attempts` tries have failed; the last error wins.
pub async fn retry<T, E, F, Fut>(policy: &Backoff, mut operation: F) -> Result<T, E>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, E>>,
{
    let mut attempt = 0;
    loop {
        match operation().await {
            Ok(value) => return Ok(value),
            Err(error) if attempt + 1 >= policy.attempts => return Err(error), // gave up
            Err(_) => {
                sleep(policy.delay(attempt)).await; // spreads callers that failed together
                attempt += 1;
            }
        }
    }
}

#[tokio::main]
async fn main() {
    let policy = Backoff {
        attempts: 3, base: Duration::from_millis(50), max: Duration::from_millis(2000), jitter: Jitter::Full,
    };
    let result: Result<&str, &str> = retry(&policy, || async {
        sleep(Duration::from_millis(20)).await; // the downstream call
        if rand::thread_rng().gen_bool(0.5) { Err("downstream failed") } else { Ok("ok") }
    }).await;
    println!("{result:?}");
}

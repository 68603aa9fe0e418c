// Taskscope's "rate-limiter" scenario in Tokio, the robust way: one lock around
// refill-and-take, lazy refill from the clock, and waiting exactly as long as needed.
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::{sleep, Instant};

struct TokenBucket {
    state: Mutex<(f64, Instant)>, // (tokens, last refill)
    capacity: f64,
    refill_per_s: f64,
}

impl TokenBucket {
    fn new(capacity: u32, refill_per_s: u32) -> Self {
        let capacity = capacity as f64;
        TokenBucket { state: Mutex::new((capacity, Instant::now())), capacity, refill_per_s: refill_per_s as f64 }
    }

    /// Takes `cost` tokens if they are there; otherwise says how long until they will be.
    fn try_acquire(&self, cost: f64) -> Result<(), Duration> {
        let mut state = self.state.lock().unwrap();
        let now = Instant::now();
        let (tokens, last) = &mut *state;
        // Fractions of a token carry over: no rounding down, no 100 ms steps.
        *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * self.refill_per_s).min(self.capacity);
        *last = now;
        if *tokens >= cost {
            *tokens -= cost; // checked and taken under the same lock
            Ok(())
        } else if self.refill_per_s > 0.0 {
            Err(Duration::from_secs_f64((cost - *tokens) / self.refill_per_s))
        } else {
            Err(Duration::MAX)
        }
    }

    async fn acquire(&self, cost: f64) {
        while let Err(wait) = self.try_acquire(cost) {
            sleep(wait).await; // sleeps until enough tokens exist, not a 10 ms poll
        }
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 4)]
async fn main() {
    let bucket = std::sync::Arc::new(TokenBucket::new(10, 5));
    let deadline = Instant::now() + Duration::from_secs(2);
    let clients: Vec<_> = (0..8).map(|_| {
        let bucket = bucket.clone();
        tokio::spawn(async move {
            let mut admitted = 0u64;
            while Instant::now() < deadline {
                admitted += bucket.try_acquire(1.0).is_ok() as u64;
                tokio::task::yield_now().await;
            }
            admitted
        })
    }).collect();
    for client in clients {
        println!("{:?}", client.await.unwrap()); // admitted in all <= 10 + 5 × 2
    }
    bucket.acquire(1.0).await; // wait mode: about 200 ms for the next token
}

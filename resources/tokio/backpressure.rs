// Taskscope's "backpressure" scenario in Tokio: a bounded channel holds the producer
// back, and a semaphore caps how many items are processed at once.
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, Semaphore};
use tokio::task::JoinSet;
use tokio::time::{interval, sleep, Instant};

#[tokio::main]
async fn main() {
    let (producer_rate_per_s, queue_capacity, max_concurrent, items) = (100.0, 16, 4, 200);
    let work = Duration::from_millis(50);

    let (tx, mut rx) = mpsc::channel::<(u32, Instant)>(queue_capacity);
    let producer = tokio::spawn(async move {
        let mut ticks = interval(Duration::from_secs_f64(1.0 / producer_rate_per_s));
        let mut waited = Duration::ZERO;
        for item in 0..items {
            ticks.tick().await;
            let before = Instant::now();
            // Waits here while the queue is full: this is the backpressure.
            if tx.send((item, Instant::now())).await.is_err() {
                break;
            }
            waited += before.elapsed();
        }
        waited
    });

    let permits = Arc::new(Semaphore::new(max_concurrent));
    let mut workers = JoinSet::new();
    while let Some((item, queued_at)) = rx.recv().await {
        // Take a permit before spawning, so at most max_concurrent run at once.
        let permit = permits.clone().acquire_owned().await.expect("semaphore closed");
        workers.spawn(async move {
            sleep(work).await;
            drop(permit);
            (item, queued_at.elapsed())
        });
        while let Some(done) = workers.try_join_next() {
            let (item, latency) = done.expect("worker panicked");
            println!("item {item}: {latency:?}");
        }
    }
    while let Some(done) = workers.join_next().await {
        let (item, latency) = done.expect("worker panicked");
        println!("item {item}: {latency:?}");
    }
    println!("producer waited {:?}", producer.await.unwrap());
}

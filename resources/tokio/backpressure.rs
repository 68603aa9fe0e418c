// Taskscope's "backpressure" scenario in Tokio, the robust way: a bounded channel holds the
// producer back, a semaphore caps the items in flight, and a JoinSet keeps every item's
// task, so the processor returns only after the last one and hears of each panic.
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, Semaphore};
use tokio::task::JoinSet;
use tokio::time::{interval, sleep};

async fn process_with_backpressure<T, F, Fut>(mut input: mpsc::Receiver<T>, processor: F, max_concurrent: usize) -> usize
where
    F: Fn(T) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
    T: Send + 'static,
{
    let semaphore = Arc::new(Semaphore::new(max_concurrent));
    let processor = Arc::new(processor);
    let mut running = JoinSet::new();
    let mut panics = 0;
    while let Some(item) = input.recv().await {
        let permit = semaphore.clone().acquire_owned().await.expect("semaphore closed");
        let processor = processor.clone();
        running.spawn(async move {
            processor(item).await;
            drop(permit); // also dropped if processor(item) panics
        });
        // Finished items leave the set as the loop goes.
        while let Some(done) = running.try_join_next() {
            if done.is_err_and(|error| error.is_panic()) {
                panics += 1;
            }
        }
    }
    // The seed returned here, with up to max_concurrent items still running.
    while let Some(done) = running.join_next().await {
        if done.is_err_and(|error| error.is_panic()) {
            panics += 1;
        }
    }
    panics
}

#[tokio::main]
async fn main() {
    let (producer_rate_per_s, queue_capacity, max_concurrent, items) = (100.0, 16, 4, 200u32);
    let (tx, rx) = mpsc::channel::<u32>(queue_capacity);
    tokio::spawn(async move {
        let mut ticks = interval(Duration::from_secs_f64(1.0 / producer_rate_per_s));
        for item in 0..items {
            ticks.tick().await;
            // Waits here while the queue is full: this is the backpressure.
            if tx.send(item).await.is_err() {
                break;
            }
        }
    });
    let panics = process_with_backpressure(
        rx,
        |item| async move {
            sleep(Duration::from_millis(50)).await;
            assert!(item % 50 != 7, "item {item} failed");
        },
        max_concurrent,
    )
    .await;
    println!("every item has ended; {panics} panicked");
}

// Taskscope's "tracing" scenario in Tokio: a timing wrapper around each task and an
// instrumented operation with its own span (tracing + tracing-subscriber).
use std::time::{Duration, Instant};
use tokio::task::JoinSet;
use tracing::{info, instrument};

/// Runs `future` and reports how long it took, as a tracing event.
async fn timed<F: std::future::Future>(name: String, future: F) -> (F::Output, Duration) {
    let start = Instant::now();
    let output = future.await;
    let took = start.elapsed();
    info!(task = %name, ?took, "task completed");
    (output, took)
}

/// Entering and leaving this span is recorded at every await, so its time on the
/// workers and its time waiting are both visible.
#[instrument]
async fn expensive_operation(id: u64, op: Duration) -> String {
    info!("starting");
    tokio::time::sleep(op).await;
    format!("result for {id}")
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt().init();
    let (tasks, op) = (100u64, Duration::from_millis(100));

    let mut set = JoinSet::new();
    for i in 0..tasks {
        set.spawn(timed(format!("task-{i}"), expensive_operation(i, op)));
    }
    let mut durations = Vec::new();
    while let Some(joined) = set.join_next().await {
        let (_result, took) = joined.expect("task panicked");
        durations.push(took);
    }
    durations.sort();
    let percentile = |p: f64| durations[((durations.len() - 1) as f64 * p).round() as usize];
    println!("p50 {:?}  p99 {:?}", percentile(0.50), percentile(0.99));
}

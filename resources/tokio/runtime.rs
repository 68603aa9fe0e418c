// Taskscope's "runtime" scenario in Tokio: named workers, background tasks,
// and one slow operation racing a timeout.
use std::time::Duration;
use tokio::runtime::Builder;
use tokio::time::{sleep, timeout};

async fn slow_operation(work: Duration) -> &'static str {
    sleep(work).await;
    "done"
}

async fn background(index: u64) {
    for _ in 0..10 {
        sleep(Duration::from_millis(20 + 10 * (index % 4))).await;
    }
}

fn main() {
    let runtime = Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("ts-worker")
        .enable_time()
        .build()
        .expect("runtime");

    runtime.block_on(async {
        let work_ms = 3000;
        let timeout_ms = 5000;
        let background_tasks = 8;

        let helpers: Vec<_> = (0..background_tasks)
            .map(|i| tokio::spawn(background(i)))
            .collect();

        match timeout(Duration::from_millis(timeout_ms), slow_operation(Duration::from_millis(work_ms))).await {
            Ok(value) => println!("completed: {value}"),
            // The slow operation is dropped here, at its pending sleep.
            Err(_elapsed) => println!("timed out after {timeout_ms} ms"),
        }
        for helper in helpers {
            helper.await.expect("background task panicked");
        }
    });
}

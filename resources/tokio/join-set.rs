// Taskscope's "join-set" scenario in Tokio: results in finishing order, then abort_all.
use std::time::Duration;
use tokio::task::JoinSet;
use tokio::time::sleep;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let tasks = 5u64;
    let step = Duration::from_millis(100);

    let mut set = JoinSet::new();
    // Spawned in reverse, so spawn order and completion order differ.
    for i in (0..tasks).rev() {
        set.spawn(async move {
            sleep(step * i as u32).await;
            i
        });
    }
    let mut completion_order = Vec::new();
    while let Some(result) = set.join_next().await {
        match result {
            Ok(i) => completion_order.push(i),
            Err(error) => eprintln!("task failed: {error}"),
        }
    }
    println!("completion order: {completion_order:?}");

    // A second batch, cancelled before it can finish.
    for i in 0..tasks {
        set.spawn(async move {
            sleep(Duration::from_secs(60)).await;
            i
        });
    }
    set.abort_all();
    let mut aborted = 0;
    while let Some(result) = set.join_next().await {
        if matches!(result, Err(ref e) if e.is_cancelled()) {
            aborted += 1;
        }
    }
    println!("aborted: {aborted}");
}

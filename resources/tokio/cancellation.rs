// Taskscope's "cancellation" scenario in Tokio: a tree of tasks, each holding a
// child token of its parent's; cancelling the root stops them all.
use std::time::Duration;
use tokio::task::JoinSet;
use tokio::time::sleep;
use tokio_util::sync::CancellationToken;

/// Runs one node: spawns its children, then races its own work against its token.
/// Returns (completed, cancelled) counts for its subtree.
fn node(token: CancellationToken, children: usize, depth: usize, work: Duration)
    -> std::pin::Pin<Box<dyn std::future::Future<Output = (usize, usize)> + Send>>
{
    Box::pin(async move {
        let mut set = JoinSet::new();
        if depth > 0 {
            for _ in 0..children {
                set.spawn(node(token.child_token(), children, depth - 1, work));
            }
        }
        let mut tally = tokio::select! {
            _ = sleep(work) => (1, 0),
            _ = token.cancelled() => (0, 1), // clean-up would go here
        };
        while let Some(Ok((done, cancelled))) = set.join_next().await {
            tally.0 += done;
            tally.1 += cancelled;
        }
        tally
    })
}

#[tokio::main]
async fn main() {
    let root = CancellationToken::new();
    let tree = tokio::spawn(node(root.clone(), 3, 2, Duration::from_millis(5000)));

    sleep(Duration::from_millis(2000)).await;
    root.cancel(); // reaches every child and grandchild token

    let (completed, cancelled) = tree.await.expect("tree panicked");
    println!("completed: {completed}, cancelled: {cancelled}");
}

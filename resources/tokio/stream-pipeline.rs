// Taskscope's "stream-pipeline" scenario in Tokio: iter -> map -> filter -> collect,
// then a hand-written Stream.
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use futures::stream::{self, Stream, StreamExt};

/// Counts 0..max, one value per poll.
struct NumberStream {
    current: usize,
    max: usize,
}

impl Stream for NumberStream {
    type Item = usize;

    fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<usize>> {
        if self.current == self.max {
            return Poll::Ready(None);
        }
        self.current += 1;
        Poll::Ready(Some(self.current - 1))
    }
}

#[tokio::main]
async fn main() {
    let (items, multiply, keep_above) = (10i64, 2i64, 5i64);
    let stage_delay = Duration::from_millis(0);

    // Lazy: nothing runs until collect() pulls, one item at a time.
    let result: Vec<i64> = stream::iter(1..=items)
        .then(move |x| async move {
            tokio::time::sleep(stage_delay).await;
            x * multiply
        })
        .filter(|&x| futures::future::ready(x > keep_above))
        .collect()
        .await;
    println!("result: {result:?}, sum: {}", result.iter().sum::<i64>());

    let mut numbers = NumberStream { current: 0, max: items as usize };
    while let Some(n) = numbers.next().await {
        println!("number: {n}");
    }
}

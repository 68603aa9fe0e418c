// Taskscope's "fan-out" scenario in Tokio: many HTTP requests in flight, handled in
// the order they complete, with an optional concurrency limit.
use std::time::{Duration, Instant};
use futures::stream::{self, StreamExt};

async fn fetch(client: &reqwest::Client, url: String) -> Result<u16, reqwest::Error> {
    let response = client.get(url).send().await?;
    Ok(response.status().as_u16())
}

#[tokio::main]
async fn main() {
    let base = "http://127.0.0.1:8080";
    let (requests, base_delay_ms, concurrency) = (3u64, 1000u64, 0usize);
    let limit = if concurrency == 0 { requests as usize } else { concurrency }.max(1);

    // One client for all requests: it pools connections.
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    let started = Instant::now();

    // buffer_unordered keeps at most `limit` requests in flight and yields each
    // answer as it lands (FuturesUnordered underneath).
    let mut answers = stream::iter(0..requests)
        .map(|i| {
            let url = format!("{base}/delay/{}", (i + 1) * base_delay_ms);
            let client = &client;
            async move { (i, fetch(client, url).await) }
        })
        .buffer_unordered(limit);

    let mut completion_order = Vec::new();
    while let Some((i, result)) = answers.next().await {
        match result {
            Ok(status) => println!("request {i}: HTTP {status}"),
            Err(error) => println!("request {i}: failed: {error}"), // not silently dropped
        }
        completion_order.push(i);
    }
    println!("order {completion_order:?} in {:?}", started.elapsed());
}

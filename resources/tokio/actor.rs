// Taskscope's "actor" scenario in Tokio: one task owns the store; clients talk to it
// through a bounded mailbox and get answers on oneshot channels.
use std::collections::HashMap;
use tokio::sync::{mpsc, oneshot};

enum Message {
    Get { key: String, reply: oneshot::Sender<Option<String>> },
    Set { key: String, value: String, reply: oneshot::Sender<()> },
    Delete { key: String, reply: oneshot::Sender<bool> },
}

async fn actor(mut mailbox: mpsc::Receiver<Message>) {
    let mut store = HashMap::new();
    // Ends when every handle is dropped.
    while let Some(message) = mailbox.recv().await {
        match message {
            Message::Get { key, reply } => { let _ = reply.send(store.get(&key).cloned()); }
            Message::Set { key, value, reply } => { store.insert(key, value); let _ = reply.send(()); }
            Message::Delete { key, reply } => { let _ = reply.send(store.remove(&key).is_some()); }
        }
    }
}

#[derive(Clone)]
struct Handle(mpsc::Sender<Message>);

impl Handle {
    fn spawn(mailbox_capacity: usize) -> Self {
        let (tx, rx) = mpsc::channel(mailbox_capacity);
        tokio::spawn(actor(rx));
        Handle(tx)
    }

    /// Sends the message `make` builds around a fresh reply channel, then awaits the reply.
    async fn ask<T>(&self, make: impl FnOnce(oneshot::Sender<T>) -> Message) -> T {
        let (reply, answer) = oneshot::channel();
        // send() waits while the mailbox is full: that is the backpressure.
        self.0.send(make(reply)).await.expect("actor gone");
        answer.await.expect("actor dropped the reply")
    }

    async fn get(&self, key: &str) -> Option<String> { self.ask(|reply| Message::Get { key: key.into(), reply }).await }
    async fn set(&self, key: &str, value: &str) { self.ask(|reply| Message::Set { key: key.into(), value: value.into(), reply }).await }
    async fn delete(&self, key: &str) -> bool { self.ask(|reply| Message::Delete { key: key.into(), reply }).await }
}

#[tokio::main]
async fn main() {
    let kv = Handle::spawn(8);
    let clients: Vec<_> = (0..4).map(|c| {
        let kv = kv.clone();
        tokio::spawn(async move {
            let key = format!("client{c}-key");
            kv.set(&key, "value").await;
            assert_eq!(kv.get(&key).await.as_deref(), Some("value"));
            assert!(kv.delete(&key).await);
        })
    }).collect();
    for client in clients { client.await.unwrap(); }
}

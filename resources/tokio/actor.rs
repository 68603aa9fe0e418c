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

    async fn get(&self, key: &str) -> Option<String> {
        let (reply, answer) = oneshot::channel();
        // send() waits while the mailbox is full: that is the backpressure.
        self.0.send(Message::Get { key: key.into(), reply }).await.expect("actor gone");
        answer.await.expect("actor dropped the reply")
    }

    async fn set(&self, key: &str, value: &str) {
        let (reply, answer) = oneshot::channel();
        self.0.send(Message::Set { key: key.into(), value: value.into(), reply }).await.expect("actor gone");
        answer.await.expect("actor dropped the reply")
    }

    async fn delete(&self, key: &str) -> bool {
        let (reply, answer) = oneshot::channel();
        self.0.send(Message::Delete { key: key.into(), reply }).await.expect("actor gone");
        answer.await.expect("actor dropped the reply")
    }
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

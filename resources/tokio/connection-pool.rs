// Taskscope's "connection-pool" scenario in Tokio, the robust way: the connection goes
// back on the idle stack *before* the permit is released.
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

struct Connection(u32);

struct Pool {
    idle: Mutex<Vec<Connection>>, // held only for a push or a pop, never across .await
    permits: Arc<Semaphore>,
    created: Mutex<u32>,
}

struct Pooled {
    connection: Option<Connection>,
    pool: Arc<Pool>,
    _permit: OwnedSemaphorePermit, // dropped after Drop::drop below has run
}

impl Drop for Pooled {
    fn drop(&mut self) {
        if let Some(connection) = self.connection.take() {
            self.pool.idle.lock().unwrap().push(connection); // synchronously, no spawn
        }
    }
}

impl Pool {
    fn new(size: usize) -> Arc<Self> {
        Arc::new(Pool { idle: Mutex::default(), permits: Arc::new(Semaphore::new(size)), created: Mutex::default() })
    }

    async fn get(self: &Arc<Self>) -> Pooled {
        let permit = self.permits.clone().acquire_owned().await.expect("pool closed");
        let reused = self.idle.lock().unwrap().pop();
        let connection = match reused {
            Some(connection) => connection,
            None => self.connect().await, // outside any lock
        };
        Pooled { connection: Some(connection), pool: self.clone(), _permit: permit }
    }

    async fn connect(&self) -> Connection {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let mut created = self.created.lock().unwrap();
        *created += 1;
        Connection(*created)
    }
}

#[tokio::main]
async fn main() {
    let pool = Pool::new(4);
    let clients: Vec<_> = (0..16).map(|_| {
        let pool = pool.clone();
        tokio::spawn(async move {
            for _ in 0..10 {
                let connection = pool.get().await;
                tokio::time::sleep(Duration::from_millis(20)).await; // use it
                drop(connection);
            }
        })
    }).collect();
    for client in clients { client.await.unwrap(); }
    println!("connections created: {}", pool.created.lock().unwrap()); // never above 4
}

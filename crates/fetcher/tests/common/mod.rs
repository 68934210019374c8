//! Helpers shared by the integration tests: a server on 127.0.0.1, fast retry settings,
//! and a capture of the fetcher's log messages.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fetcher::server::Server;
use fetcher::{Fetcher, FetcherConfig, RetryConfig, RetryPolicy};
use tracing::field::{Field, Visit};
use tracing::subscriber::DefaultGuard;
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::{Context, SubscriberExt};

/// A test server on a free loopback port.
pub async fn server() -> Server {
    Server::start(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
        .await
        .expect("bind 127.0.0.1:0")
}

/// The seed's doubling schedule scaled down to milliseconds: 10, 20, 40 … capped at 1 s.
pub fn fast_retry(policy: RetryPolicy) -> RetryConfig {
    RetryConfig {
        base: Duration::from_millis(10),
        cap: Duration::from_secs(1),
        policy,
        ..RetryConfig::default()
    }
}

/// A fetcher with `max_concurrent` slots and fast back-off under `policy`.
pub fn fetcher(max_concurrent: usize, policy: RetryPolicy) -> Fetcher {
    Fetcher::new(FetcherConfig {
        max_concurrent,
        retry: fast_retry(policy),
        ..FetcherConfig::default()
    })
    .unwrap()
}

/// Log lines `(level, message)` captured while the guard lives (this thread only, which
/// is where a current-thread `#[tokio::test]` runs everything).
#[derive(Clone, Default)]
pub struct Logs(Arc<Mutex<Vec<(Level, String)>>>);

impl Logs {
    pub fn capture() -> (Logs, DefaultGuard) {
        let logs = Logs::default();
        let subscriber = tracing_subscriber::registry().with(logs.clone());
        let guard = tracing::subscriber::set_default(subscriber);
        (logs, guard)
    }

    pub fn at(&self, level: Level) -> Vec<String> {
        let lines = self.0.lock().unwrap();
        lines
            .iter()
            .filter(|(l, _)| *l == level)
            .map(|(_, m)| m.clone())
            .collect()
    }
}

impl<S: Subscriber> Layer<S> for Logs {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        struct Message(String);
        impl Visit for Message {
            fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
                if field.name() == "message" {
                    self.0 = format!("{value:?}");
                }
            }
        }
        if !event.metadata().target().starts_with("fetcher") {
            return;
        }
        let mut message = Message(String::new());
        event.record(&mut message);
        self.0
            .lock()
            .unwrap()
            .push((*event.metadata().level(), message.0));
    }
}

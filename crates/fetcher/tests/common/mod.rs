//! Helpers shared by the integration tests: a server on 127.0.0.1, fast retry settings,
//! and a capture of the fetcher's log messages.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::cell::RefCell;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, Once};
use std::time::Duration;

use fetcher::server::Server;
use fetcher::{Fetcher, FetcherConfig, RetryConfig, RetryPolicy};
use tracing::field::{Field, Visit};
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

/// Log lines `(level, message)` captured on this thread while the guard lives (a
/// current-thread `#[tokio::test]` runs everything on the test's thread).
///
/// One global subscriber is installed for the whole test binary and never removed:
/// per-test scoped subscribers race with each other over tracing's global level filter
/// (one test's guard dropping can switch logging off for another running test).
#[derive(Clone, Default)]
pub struct Logs(Arc<Mutex<Vec<(Level, String)>>>);

thread_local! {
    static SINK: RefCell<Option<Logs>> = const { RefCell::new(None) };
}

/// Stops capturing on this thread when dropped.
pub struct CaptureGuard;

impl Drop for CaptureGuard {
    fn drop(&mut self) {
        SINK.with(|sink| sink.borrow_mut().take());
    }
}

impl Logs {
    pub fn capture() -> (Logs, CaptureGuard) {
        static INSTALL: Once = Once::new();
        INSTALL.call_once(|| {
            let subscriber = tracing_subscriber::registry().with(ThreadSink);
            tracing::subscriber::set_global_default(subscriber)
                .expect("no other global subscriber");
        });
        let logs = Logs::default();
        SINK.with(|sink| *sink.borrow_mut() = Some(logs.clone()));
        (logs, CaptureGuard)
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

/// Sends each event of the `fetcher` crate to this thread's [`Logs`], if any.
struct ThreadSink;

impl<S: Subscriber> Layer<S> for ThreadSink {
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
        SINK.with(|sink| {
            if let Some(logs) = sink.borrow().as_ref() {
                let mut message = Message(String::new());
                event.record(&mut message);
                logs.0
                    .lock()
                    .unwrap()
                    .push((*event.metadata().level(), message.0));
            }
        });
    }
}

//! Three async pitfalls a Python programmer meets in tokio, each with the fix (the book's
//! "Async pitfalls" page; each function is asserted by `tests/asyncio.rs`).
//!
//! - **Cancellation safety in `select!`.** `tokio::select!` drops the branches that lose.
//!   A branch whose future had already done part of its work loses that work: here a
//!   future that receives *two* messages before it returns drops the first one when a
//!   timer wins in between ([`pairs_restarted_each_round`]). asyncio's `wait(...,
//!   FIRST_COMPLETED)` leaves the losers running; `select!` cancels them. The fix is to
//!   create the future once, `pin!` it, and poll `&mut` it in every round, so a round that
//!   loses resumes it instead of restarting it ([`pairs_resumed_across_rounds`]). tokio's
//!   docs list which methods are cancel-safe (`mpsc::Receiver::recv` is; `read_exact` is not).
//! - **Why `pin!` a stream.** `StreamExt::next` needs `Self: Unpin`; a stream built from
//!   async blocks (`futures::stream::unfold`, `async_stream::stream!` — async generators)
//!   holds their state machines inline and is not `Unpin`, because an async block may hold
//!   references into itself and must not move once polled. So `stream.next().await` does
//!   not compile (E0277,
//!   `tests/ui/unpinned_stream.rs`). `std::pin::pin!(stream)` pins it on the stack — it
//!   will never move again — and the pinned reference is `Unpin` ([`sum_of_stream`]).
//!   Python's async generators live on the heap and never move, so the question never comes
//!   up there; `Box::pin` is the heap form in Rust.
//! - **Blocking the executor.** A task that blocks its thread (`std::thread::sleep`, a
//!   blocking read, a long computation) stops every other task on that thread, as
//!   `time.sleep` inside a coroutine stops the whole asyncio loop. On a current-thread
//!   runtime a ticker gets no turn while another task blocks ([`ticks_while_blocking`]);
//!   moving the blocking work to `spawn_blocking` lets it run.

use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use futures::{Stream, StreamExt};
use tokio::sync::mpsc;
use tokio::time::{interval, sleep};

/// Receives two messages and returns them together (not cancel-safe: after the first
/// message it holds state that a drop loses).
pub async fn recv_pair(rx: &mut mpsc::Receiver<u32>) -> Option<(u32, u32)> {
    let first = rx.recv().await?;
    let second = rx.recv().await?;
    Some((first, second))
}

/// Sends `1..=count`, one every `gap`.
fn send_slowly(count: u32, gap: Duration) -> mpsc::Receiver<u32> {
    let (tx, rx) = mpsc::channel(16);
    tokio::spawn(async move {
        for n in 1..=count {
            sleep(gap).await;
            if tx.send(n).await.is_err() {
                return;
            }
        }
    });
    rx
}

// ANCHOR: restarted
/// The pitfall: every round of the loop builds a new `recv_pair` future and races it
/// against a 15 ms tick. Messages come every 10 ms, so a tick often lands between the two
/// receives of a pair and the dropped future takes its first message with it. Returns the
/// pairs that arrived.
pub async fn pairs_restarted_each_round(count: u32) -> Vec<(u32, u32)> {
    let mut rx = send_slowly(count, Duration::from_millis(10));
    let mut ticks = interval(Duration::from_millis(15));
    let mut pairs = Vec::new();
    loop {
        tokio::select! {
            pair = recv_pair(&mut rx) => match pair {
                Some(pair) => pairs.push(pair),
                None => return pairs,
            },
            _ = ticks.tick() => {} // e.g. a progress report
        }
    }
}
// ANCHOR_END: restarted

// ANCHOR: resumed
/// The fix: one `recv_pair` future, pinned, polled by reference in every round, and
/// replaced only when it has finished. A tick no longer drops it, so no message is lost.
pub async fn pairs_resumed_across_rounds(count: u32) -> Vec<(u32, u32)> {
    let mut rx = send_slowly(count, Duration::from_millis(10));
    let mut ticks = interval(Duration::from_millis(15));
    let mut pairs = Vec::new();
    loop {
        let mut pending = pin!(recv_pair(&mut rx));
        let pair = loop {
            tokio::select! {
                pair = &mut pending => break pair,
                _ = ticks.tick() => {}
            }
        };
        match pair {
            Some(pair) => pairs.push(pair),
            None => return pairs,
        }
    }
}
// ANCHOR_END: resumed

// ANCHOR: pinned_stream
/// Sums a stream that is not `Unpin` (an async generator): `pin!` it, then `next()` works.
pub async fn sum_of_stream(values: impl Stream<Item = u32>) -> u32 {
    let mut values = pin!(values);
    let mut total = 0;
    while let Some(value) = values.next().await {
        total += value;
    }
    total
}
// ANCHOR_END: pinned_stream

/// Where [`ticks_while_blocking`] puts its 50 ms of blocking work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blocking {
    /// `std::thread::sleep` inside an async task: the runtime's only thread is stuck.
    InTask,
    /// The same sleep inside `tokio::task::spawn_blocking`: on the blocking pool's thread.
    OnBlockingPool,
}

// ANCHOR: blocking
/// On a current-thread runtime, counts how often a ticker (every 1 ms) runs while 50 ms of
/// blocking work happens `where_` says. Blocking in the task gives the ticker no turn at all.
pub fn ticks_while_blocking(where_: Blocking) -> std::io::Result<u32> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    let ticks = Arc::new(AtomicU32::new(0));
    let counter = Arc::clone(&ticks);
    runtime.block_on(async move {
        let ticker = tokio::spawn(async move {
            let mut every = interval(Duration::from_millis(1));
            loop {
                every.tick().await;
                counter.fetch_add(1, Ordering::Relaxed);
            }
        });
        tokio::task::yield_now().await; // let the ticker start
        let before = ticks.load(Ordering::Relaxed);
        let work = || std::thread::sleep(Duration::from_millis(50));
        match where_ {
            Blocking::InTask => work(),
            Blocking::OnBlockingPool => {
                // A failed join means the closure panicked; a sleep does not.
                let _ = tokio::task::spawn_blocking(work).await;
            }
        }
        let during = ticks.load(Ordering::Relaxed) - before;
        ticker.abort();
        Ok(during)
    })
}
// ANCHOR_END: blocking

//! Exercise — async pitfalls: `next()` on a stream that is not `Unpin`.
//!
//! `first_even` returns the first even number a stream yields (or `None` when it ends
//! without one), reading no further than that. The stream may come from an async
//! generator (`async_stream::stream!`), which is not `Unpin`: `values.next()` will not
//! compile until the stream is pinned (`std::pin::pin!`).

use futures::{Stream, StreamExt};

/// The first even value of `values`, if any.
pub async fn first_even(values: impl Stream<Item = u32>) -> Option<u32> {
    let _ = values;
    todo!("pin the stream, then loop over values.next().await")
}

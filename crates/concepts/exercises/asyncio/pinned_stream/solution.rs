//! Solution — async pitfalls: `pin!` makes a `Pin<&mut S>`, which is `Unpin` whatever `S`
//! is, so `StreamExt::next` accepts it; returning early stops reading the stream.

use std::pin::pin;

use futures::{Stream, StreamExt};

/// The first even value of `values`, if any.
pub async fn first_even(values: impl Stream<Item = u32>) -> Option<u32> {
    let mut values = pin!(values);
    while let Some(value) = values.next().await {
        if value % 2 == 0 {
            return Some(value);
        }
    }
    None
}

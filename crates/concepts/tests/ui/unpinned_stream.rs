//! A stream built from an async block is not `Unpin`: `next()` on it needs `pin!` first.
use futures::StreamExt;

fn main() {
    let _ = async {
        let mut values = futures::stream::unfold(0u32, |n| async move {
            (n < 2).then_some((n + 1, n + 1))
        });
        while let Some(value) = values.next().await {
            println!("{value}");
        }
    };
}

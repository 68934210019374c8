//! One large file through chapter 7's streaming code, for `scripts/bench-concepts-http.sh`:
//! writes `MIB` MiB of random bytes into `DIR`, downloads it from the streaming server's
//! `/files/` route into a copy (tokio::fs writes), uploads it to `/upload` (a
//! `ReaderStream` body), checks both against the file's length and SHA-256, and prints one
//! line: `rust MIB down_s up_s`. Peak memory is measured from outside (`/usr/bin/time -v`).
//!
//! `cargo run --release -p concepts --example http_transfer -- 256 /tmp/somewhere`

use std::error::Error;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use concepts::http::streaming::{
    download_non_blocking, streaming_client, summarize_file, upload_file, write_random_file,
};
use concepts::http::streaming_server::StreamingServer;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let mib: u64 = args.next().as_deref().unwrap_or("256").parse()?;
    let dir = PathBuf::from(args.next().unwrap_or_else(|| ".".into()));
    let source = dir.join("source.bin");
    write_random_file(&source, mib << 20).await?;
    let expected = summarize_file(&source).await?;

    let server = StreamingServer::start(Duration::ZERO, Some(&dir)).await?;
    let client = streaming_client()?;

    let start = Instant::now();
    let copy = dir.join("copy.bin");
    let down = download_non_blocking(&client, &server.url("/files/source.bin"), &copy).await?;
    let down_s = start.elapsed().as_secs_f64();

    let start = Instant::now();
    let up = upload_file(&client, &server.url("/upload"), &source).await?;
    let up_s = start.elapsed().as_secs_f64();

    if down != expected || up != expected {
        return Err(
            format!("mismatch: file {expected:?}, download {down:?}, upload {up:?}").into(),
        );
    }
    println!("rust {mib} {down_s:.3} {up_s:.3}");
    std::fs::remove_file(copy)?;
    std::fs::remove_file(source)?;
    Ok(())
}

//! Concurrent HTTP fetching with limits, time-outs, retries and back-off (the seed's
//! AsyncFetcher), a batch CLI, and an embedded httpbin-style test server.

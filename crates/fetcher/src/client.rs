//! The fetcher: the seed's `AsyncHTTPFetcher` (`fetcher/fetch.py`) — `fetch_single`,
//! `fetch_all`, `stats` — on hyper's connections in a pool of its own (`src/transport`,
//! private).
//!
//! The seed opens an aiohttp session in `__aenter__` and closes it in `__aexit__`; here the
//! connection pool lives inside [`Fetcher`] and closes when the last clone is dropped.
//! Each attempt passes the limits of its [`FetcherConfig`] (per host, global, rate) and
//! holds its slots only while it runs: a request sleeping in back-off holds nothing (the
//! seed held its semaphore permit).

use std::borrow::Cow;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use futures::FutureExt;
use futures::future::{Either, join_all};
use http::header::{
    ACCEPT, CONTENT_TYPE, COOKIE, HeaderMap, HeaderName, HeaderValue, IF_RANGE, LOCATION, RANGE,
    RETRY_AFTER, USER_AGENT,
};
use http::{Method, Request, Response, StatusCode};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tracing::{debug, error, info, warn};
use url::Url;

use crate::body::{BodySink, Head};
use crate::cookies::{CookieConfig, CookieJar};
use crate::error::{ConfigError, ErrorKind, FetchError, secs};
use crate::limits::Limits;
use crate::proxy::{self, ProxyConfig};
use crate::redact;
use crate::redirect::{self as hops, Hop};
use crate::request::HttpRequest;
use crate::response::{HttpResponse, is_json_content_type};
use crate::retry::{RetryConfig, parse_retry_after};
use crate::stats::{Counters, Stats};
use crate::tls::{self, TlsConfig};
use crate::transport::{self, RequestBody, ResponseBody, SendError, Transport, TransportConfig};

/// Settings of a [`Fetcher`]. `Default` is the seed's `AsyncHTTPFetcher()` plus the
/// transient retry policy.
#[derive(Debug, Clone, PartialEq)]
pub struct FetcherConfig {
    /// Attempts in flight at once, over all hosts (the seed: 10).
    pub max_concurrent: usize,
    /// Time-out of one attempt (connect, send, whole body) for requests that set none
    /// (the seed's `HTTPRequest.timeout`: 10 s); [`NO_TIMEOUT`] for none.
    pub default_timeout: Duration,
    /// Longest wait for the response head or for the next bytes of the body ("no byte for
    /// this long"); `None` = bounded only by the attempt's time-out.
    pub read_timeout: Option<Duration>,
    /// Attempts in flight at once per `scheme://host:port`; `None` = no per-host limit.
    pub per_host: Option<usize>,
    /// Attempts started per second, over all hosts; `None` = unlimited.
    pub rate_per_sec: Option<f64>,
    /// Time-out for establishing a connection; `None` = bounded only by the attempt's.
    pub connect_timeout: Option<Duration>,
    /// Largest body accepted (after decompression); `None` = unlimited.
    pub max_body_bytes: Option<u64>,
    /// Redirects followed before failing with [`ErrorKind::Redirect`] (0 = none followed).
    pub max_redirects: usize,
    /// Back-off, jitter, `Retry-After` and the retry policy.
    pub retry: RetryConfig,
    /// Headers sent with every request (a request's own headers are added after them).
    pub default_headers: Vec<(String, String)>,
    /// Speak HTTP/2 from the first byte, also over plain `http://` (h2c). Over `https://`
    /// HTTP/2 is negotiated by ALPN anyway; this only forces it.
    pub http2_prior_knowledge: bool,
    /// The `User-Agent` header, [`DEFAULT_USER_AGENT`] by default; empty: none is sent.
    pub user_agent: String,
    /// Trusted certificates, `--insecure`, client certificate ([`TlsConfig`]).
    pub tls: TlsConfig,
    /// Proxy and the hosts that bypass it ([`ProxyConfig`]; default: the environment's).
    pub proxy: ProxyConfig,
    /// Cookie jar ([`CookieConfig`]; default: none kept).
    pub cookies: CookieConfig,
}

/// `fetcher/VERSION`, the default `User-Agent`.
pub const DEFAULT_USER_AGENT: &str = concat!("fetcher/", env!("CARGO_PKG_VERSION"));

impl Default for FetcherConfig {
    fn default() -> Self {
        Self {
            max_concurrent: 10,
            default_timeout: Duration::from_secs(10),
            read_timeout: None,
            per_host: None,
            rate_per_sec: None,
            connect_timeout: None,
            max_body_bytes: None,
            max_redirects: 10,
            retry: RetryConfig::default(),
            default_headers: Vec::new(),
            http2_prior_knowledge: false,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            tls: TlsConfig::default(),
            proxy: ProxyConfig::default(),
            cookies: CookieConfig::default(),
        }
    }
}

impl FetcherConfig {
    /// The default configuration with `max_concurrent` slots.
    pub fn with_max_concurrent(max_concurrent: usize) -> Self {
        Self {
            max_concurrent,
            ..Self::default()
        }
    }
}

/// Concurrent HTTP fetching with limits and retries; cheap to clone (`Arc`s inside), so
/// one fetcher can be shared by many tasks. Its counters are shared by all clones, and so
/// are its connection pool and its slots ([`Fetcher::split`] makes handles with their own,
/// for programs with one runtime per thread).
#[derive(Debug, Clone)]
pub struct Fetcher {
    inner: Arc<Inner>,
    /// The connection pool: per handle, so each runtime of a program can drive its own.
    transport: Transport,
    /// The global slots (per handle) with the per-host slots and the rate (shared).
    limits: Arc<Limits>,
    /// How many global slots `limits` has.
    slots: usize,
}

/// What every handle of one fetcher shares.
#[derive(Debug)]
struct Inner {
    config: FetcherConfig,
    counters: Counters,
    cookies: Option<CookieJar>,
    /// [`FetcherConfig::default_headers`], checked once, with the `User-Agent` and `Accept:
    /// */*` (as curl and reqwest send) unless they set them; a request's own headers of the
    /// same name replace them.
    default_headers: HeaderMap,
}

/// What one attempt produced before the status is judged (its body is in the sink).
struct Answer {
    status: u16,
    headers: HeaderMap,
    retry_after: Option<Duration>,
    is_json: bool,
    final_url: String,
    version: http::Version,
    redirects: u32,
}

/// [`FetcherConfig::default_timeout`] (or [`HttpRequest::timeout`]) meaning "no limit on
/// the whole attempt": for large downloads, bounded by
/// [`read_timeout`](FetcherConfig::read_timeout) instead (`--timeout none`).
pub const NO_TIMEOUT: Duration = Duration::MAX;

impl Fetcher {
    /// Builds a fetcher (its connection pool, TLS with rustls and the `ring` provider).
    ///
    /// # Errors
    /// [`ConfigError`] for a zero limit, a non-positive rate, headers that are not valid, a
    /// TLS file that cannot be used, a malformed proxy URL or an unreadable cookie jar.
    pub fn new(config: FetcherConfig) -> Result<Self, ConfigError> {
        let limits = Limits::new(config.max_concurrent, config.per_host, config.rate_per_sec)?;
        // Another part of the program may have installed a provider already; that is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut default_headers = HeaderMap::new();
        for (name, value) in &config.default_headers {
            let (name, value) = header_pair(name, value).map_err(ConfigError::Client)?;
            default_headers.append(name, value);
        }
        if !config.user_agent.is_empty() && !default_headers.contains_key(USER_AGENT) {
            let (name, value) = header_pair("user-agent", &config.user_agent)
                .map_err(|why| ConfigError::Client(format!("--user-agent: {why}")))?;
            default_headers.insert(name, value);
        }
        if !default_headers.contains_key(ACCEPT) {
            default_headers.insert(ACCEPT, HeaderValue::from_static("*/*"));
        }
        let transport = Transport::new(TransportConfig {
            connect_timeout: config.connect_timeout,
            http2_only: config.http2_prior_knowledge,
            tls: tls::client_config(&config.tls, config.http2_prior_knowledge)?,
            proxies: proxy::matcher(&config.proxy)?,
        });
        let cookies = match (&config.cookies.jar_file, config.cookies.is_enabled()) {
            (Some(path), _) => Some(CookieJar::load(path)?),
            (None, true) => Some(CookieJar::default()),
            (None, false) => None,
        };
        Ok(Self {
            transport,
            limits: Arc::new(limits),
            slots: config.max_concurrent,
            inner: Arc::new(Inner {
                config,
                counters: Counters::default(),
                cookies,
                default_headers,
            }),
        })
    }

    /// Splits this fetcher into `n` handles (at most one per slot) for `n` tokio runtimes,
    /// one per thread, each with a connection pool of its own and its own share of the
    /// [`max_concurrent`](FetcherConfig::max_concurrent) slots; they share the
    /// configuration, the per-host slots, the rate, the counters and the cookie jar. It
    /// takes the fetcher, as the handles replace it (a clone kept from before would have
    /// all the slots again). [`Fetcher::slots`] is a handle's share;
    /// [`config().max_concurrent`](FetcherConfig::max_concurrent) stays the whole.
    ///
    /// Why not share one pool and one set of slots between threads: a connection is driven
    /// by the runtime that opened it, and a slot freed on one thread wakes whichever task
    /// waits for it, so shared ones wake another thread for most responses (a write to its
    /// eventfd, a context switch). On loopback with 2 cores, two runtimes sharing them made
    /// fewer requests per second than one (`scripts/bench-fetcher.sh`).
    ///
    /// ```
    /// # fn main() -> Result<(), fetcher::ConfigError> {
    /// use fetcher::{Fetcher, FetcherConfig};
    ///
    /// let fetcher = Fetcher::new(FetcherConfig::with_max_concurrent(9))?;
    /// let shards = fetcher.split(2);
    /// let slots: Vec<usize> = shards.iter().map(Fetcher::slots).collect();
    /// assert_eq!(slots, [5, 4], "nine attempts in flight at most, in all");
    /// assert_eq!(Fetcher::new(FetcherConfig::with_max_concurrent(1))?.split(4).len(), 1);
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn split(self, n: usize) -> Vec<Fetcher> {
        let n = n.clamp(1, self.slots);
        (0..n)
            .map(|i| {
                let slots = self.slots / n + usize::from(i < self.slots % n);
                Self {
                    inner: Arc::clone(&self.inner),
                    transport: self.transport.with_own_pool(),
                    limits: Arc::new(self.limits.with_slots(slots)),
                    slots,
                }
            })
            .collect()
    }

    /// The global slots of this handle: attempts it runs at once, at most
    /// ([`FetcherConfig::max_concurrent`], or its share after [`Fetcher::split`]).
    pub fn slots(&self) -> usize {
        self.slots
    }

    /// The configuration this fetcher was built with.
    pub fn config(&self) -> &FetcherConfig {
        &self.inner.config
    }

    /// The cookie jar, when [`FetcherConfig::cookies`] keeps one.
    pub fn cookie_jar(&self) -> Option<&CookieJar> {
        self.inner.cookies.as_ref()
    }

    /// Saves the cookie jar to [`CookieConfig::jar_file`] (nothing to do without one).
    ///
    /// # Errors
    /// The I/O error writing the file.
    pub fn save_cookies(&self) -> std::io::Result<()> {
        match (&self.inner.cookies, &self.inner.config.cookies.jar_file) {
            (Some(jar), Some(path)) => jar.save(path),
            _ => Ok(()),
        }
    }

    /// Returns once an attempt could take a global slot ([`FetcherConfig::max_concurrent`])
    /// now, without taking it. A driver that starts a task per request waits for this
    /// before starting the next one, so tasks do not queue inside the fetcher for slots:
    /// each such wait is one more wake-up of the task per request (the batch CLI spent
    /// ~15 % more CPU per request at `-c 64` on loopback). Not a reservation: another task
    /// may take the slot first, and then the new one simply waits for the next.
    pub async fn slot_ready(&self) {
        self.limits.global_ready().await;
    }

    /// Global slots of this handle free now (none reserved: another task may take them).
    pub(crate) fn free_slots(&self) -> usize {
        self.limits.free_global()
    }

    /// A copy of the seed's four counters.
    pub fn stats(&self) -> Stats {
        self.inner.counters.snapshot()
    }

    /// Fetches one request, retrying as the [retry policy](crate::RetryPolicy) says.
    ///
    /// Counts and logs as the seed: `request_made` per attempt; on success
    /// `request_succeeded` and INFO "Success {url} - {status} ({t:.2}s)"; on a failure with
    /// attempts left `total_retries` and WARNING "Warning {url} - Attempt {n} failed ({e}),
    /// retrying in {delay}s", then sleeps holding no slot; on the final failure
    /// `request_failed` and ERROR "Failed {url} after {n} attempts: {e}". A request whose URL
    /// or headers are invalid makes no attempt and counts as failed. Each attempt is also
    /// logged at DEBUG ("Attempt {n} {method} {url}").
    ///
    /// Cancel-safe: dropping the future mid-flight releases its slots.
    ///
    /// # Errors
    /// A [`FetchError`] with the URL, the attempts made and the last attempt's
    /// [`ErrorKind`]; a final status >= 400 is [`ErrorKind::Status`] and carries the response.
    pub async fn fetch_single(&self, req: &HttpRequest) -> Result<HttpResponse, FetchError> {
        let mut sink = BodySink::buffer(self.inner.config.max_body_bytes);
        self.fetch_with(req, &mut sink, &CancellationToken::new())
            .await
    }

    /// Fetches one request as [`fetch_single`](Self::fetch_single) does, handing the body
    /// to `sink` as it arrives instead of keeping it (see [`crate::body`]): memory stays
    /// flat in the body size unless the sink is a buffer. Every attempt whose body is read
    /// starts the sink over (a file sink may continue its partial file with `Range`); the
    /// body of a status that is about to be retried is not read.
    ///
    /// The returned response (or a [`FetchError`]'s) has an empty [`raw`](HttpResponse::raw)
    /// unless `sink` is a [buffer](BodySink::buffer): then `raw` is the body and a JSON
    /// body is parsed; a [file](BodySink::file) with a JSON body is read back to check it
    /// (in constant memory); JSON that does not parse is an [`ErrorKind::Decode`] that
    /// keeps the response (status and bytes) and the file. A discarded body is not checked. Once `stop` is cancelled, a request waiting for a slot
    /// or sleeping in back-off ends with [`ErrorKind::Cancelled`] (an attempt in flight is
    /// not interrupted: drop the future for that).
    ///
    /// # Errors
    /// As [`fetch_single`](Self::fetch_single), plus [`ErrorKind::Sink`] when the sink
    /// cannot store the body and [`ErrorKind::Cancelled`].
    pub async fn fetch_with(
        &self,
        req: &HttpRequest,
        sink: &mut BodySink,
        stop: &CancellationToken,
    ) -> Result<HttpResponse, FetchError> {
        let inner = &*self.inner;
        // What records, errors and logs show: the URL without its password.
        let shown = redact::url(&req.url);
        let checked = parse_url(&req.url).and_then(|url| {
            let headers = request_headers(&req.headers, &inner.default_headers)?;
            if let Some(upload) = &req.upload {
                upload.check()?;
            }
            Ok((url, headers))
        });
        let (url, headers) = match checked {
            Ok(checked) => checked,
            Err(kind) => {
                Counters::bump(&inner.counters.failed);
                error!("Failed {} after 0 attempts: {}", shown, kind);
                return Err(FetchError::new(shown.as_ref(), 0, kind));
            }
        };
        let timeout = req.timeout.unwrap_or(inner.config.default_timeout);
        let retry = &inner.config.retry;
        let mut attempt: u32 = 0;
        loop {
            let retried = |status| {
                attempt < req.max_retries && retry.policy.should_retry(&ErrorKind::Status(status))
            };
            let Some((result, elapsed)) = self
                .limited_attempt(
                    &url,
                    &headers,
                    req,
                    attempt + 1,
                    timeout,
                    sink,
                    &retried,
                    stop,
                )
                .await
            else {
                return Err(self.cancelled(req, attempt));
            };
            attempt += 1;
            let respond = |answer: Answer, sink: &mut BodySink| {
                let mut response = HttpResponse::new(
                    shown.clone().into_owned(),
                    answer.status,
                    answer.headers,
                    sink.take_buffer().unwrap_or_default(),
                    None,
                    elapsed,
                    attempt,
                );
                // Redacted like `url`; copied only when there is a password to mask.
                let masked = match redact::url(&answer.final_url) {
                    Cow::Owned(masked) => Some(masked),
                    Cow::Borrowed(_) => None,
                };
                response.final_url = masked.unwrap_or(answer.final_url);
                response.version = answer.version;
                response.redirects = answer.redirects;
                response
            };
            let (kind, retry_after, response) = match result {
                Ok(answer) => {
                    let status = answer.status;
                    let retry_after = answer.retry_after;
                    let is_json = answer.is_json;
                    let mut response = respond(answer, sink);
                    let json = if !is_json {
                        Ok(None)
                    } else if !response.raw.is_empty() {
                        serde_json::from_slice(&response.raw)
                            .map(Some)
                            .map_err(|e| ErrorKind::Decode(e.to_string()))
                    } else {
                        match sink.check_json_file().await {
                            Some(Err(why)) if sink.bytes() > 0 => Err(ErrorKind::Decode(why)),
                            _ => Ok(None),
                        }
                    };
                    match json {
                        // An error status stays the failure; its body is then text.
                        Err(kind) if status < 400 => (kind, None, Some(response)),
                        Err(_) => (ErrorKind::Status(status), retry_after, Some(response)),
                        Ok(json) => {
                            if let Some(json) = json {
                                response.set_json(json);
                            }
                            if status < 400 {
                                Counters::bump(&inner.counters.succeeded);
                                info!(
                                    "Success {} - {} ({:.2}s)",
                                    shown,
                                    status,
                                    elapsed.as_secs_f64()
                                );
                                return Ok(response);
                            }
                            (ErrorKind::Status(status), retry_after, Some(response))
                        }
                    }
                }
                Err(Failed { kind, head }) => (kind, None, head.map(|h| respond(h, sink))),
            };
            if attempt > req.max_retries || !retry.policy.should_retry(&kind) {
                Counters::bump(&inner.counters.failed);
                error!("Failed {} after {} attempts: {}", shown, attempt, kind);
                return Err(FetchError {
                    url: shown.into_owned(),
                    attempts: attempt,
                    kind,
                    elapsed,
                    response: response.map(Box::new),
                });
            }
            Counters::bump(&inner.counters.retries);
            let delay = retry.delay(attempt - 1, retry_after);
            warn!(
                "Warning {} - Attempt {} failed ({}), retrying in {}s",
                shown,
                attempt,
                kind,
                secs(delay)
            );
            tokio::select! {
                biased;
                () = stop.cancelled() => return Err(self.cancelled(req, attempt)),
                () = tokio::time::sleep(delay) => {}
            }
        }
    }

    /// The error of a request stopped between attempts; counted as failed.
    fn cancelled(&self, req: &HttpRequest, attempts: u32) -> FetchError {
        Counters::bump(&self.inner.counters.failed);
        let shown = redact::url(&req.url);
        warn!("Cancelled {} after {} attempts", shown, attempts);
        FetchError::new(shown.as_ref(), attempts, ErrorKind::Cancelled)
    }

    /// Fetches all requests concurrently (within the limits) and returns the successful
    /// responses in input order, as the seed's `fetch_all`; logs WARNING
    /// "Failed to fetch {n} URLs" when some failed. See [`Fetcher::fetch_all_outcomes`] to
    /// keep the failures.
    pub async fn fetch_all(&self, reqs: Vec<HttpRequest>) -> Vec<HttpResponse> {
        let outcomes = self.fetch_all_outcomes(reqs).await;
        let total = outcomes.len();
        let successes: Vec<HttpResponse> = outcomes.into_iter().filter_map(Result::ok).collect();
        let failed = total - successes.len();
        if failed > 0 {
            warn!("Failed to fetch {failed} URLs");
        }
        successes
    }

    /// Fetches all requests concurrently (within the limits) and returns every request's
    /// outcome, in input order.
    pub async fn fetch_all_outcomes(
        &self,
        reqs: Vec<HttpRequest>,
    ) -> Vec<Result<HttpResponse, FetchError>> {
        join_all(reqs.iter().map(|req| self.fetch_single(req))).await
    }

    /// One attempt within the limits and the time-out: waits for the slots (or `stop`:
    /// then `None`), counts `request_made`, runs [`Fetcher::attempt`], releases the slots;
    /// returns what happened and how long the attempt itself took.
    #[allow(clippy::too_many_arguments)]
    async fn limited_attempt(
        &self,
        url: &Url,
        headers: &HeaderMap,
        req: &HttpRequest,
        number: u32,
        timeout: Duration,
        sink: &mut BodySink,
        retried: &(dyn Fn(u16) -> bool + Sync),
        stop: &CancellationToken,
    ) -> Option<(Result<Answer, Failed>, Duration)> {
        // The slots first: a free one never registers with the stop token.
        let _permit = stop.run_until_cancelled(self.limits.acquire(url)).await?;
        Counters::bump(&self.inner.counters.made);
        debug!(
            "Attempt {} {} {}",
            number,
            req.method,
            redact::url(&req.url)
        );
        let started = Instant::now();
        // Pinned where it is: the time-out holds a reference, not a copy of its 2.4 KB.
        let attempt = std::pin::pin!(self.attempt(url, headers, req, sink, retried));
        let result = if timeout == NO_TIMEOUT {
            attempt.await
        } else {
            match tokio::time::timeout(timeout, attempt).await {
                Err(_) => Err(ErrorKind::Timeout(timeout).into()),
                Ok(result) => result,
            }
        };
        Some((result, started.elapsed()))
    }

    /// One attempt: send (continuing the sink's partial file with `Range` if it has one),
    /// then stream the body into the sink within the size cap and the read time-out —
    /// unless the status is one `retried` says will be retried.
    async fn attempt(
        &self,
        url: &Url,
        headers: &HeaderMap,
        req: &HttpRequest,
        sink: &mut BodySink,
        retried: &(dyn Fn(u16) -> bool + Sync),
    ) -> Result<Answer, Failed> {
        let mut range = sink.range_request().await?;
        let (mut redirects, mut final_url, mut response) = self
            .send_following(url, headers, req, range.as_ref())
            .await?;
        if range.is_some() && response.status() == StatusCode::RANGE_NOT_SATISFIABLE {
            // The partial file is stale, or already whole: start it over.
            sink.forget_part().await;
            range = None;
            (redirects, final_url, response) = self.send_following(url, headers, req, None).await?;
        }
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemTime::now()));
        // A body still encoded (the caller asked for the encoding) is bytes, not JSON.
        let is_json = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(is_json_content_type)
            && !transport::is_encoded(response.headers());
        let headers = std::mem::take(response.headers_mut());
        let answer = Answer {
            status,
            retry_after,
            is_json,
            // The stored text: moved, not formatted.
            final_url: final_url.into(),
            version: response.version(),
            headers,
            redirects,
        };
        if status >= 400 && retried(status) {
            return Ok(answer);
        }
        let from = range.map(|(from, _)| from);
        match self.read_body(response, &answer, from, sink).await {
            Ok(()) => Ok(answer),
            Err(kind) => {
                sink.pause().await;
                Err(Failed {
                    kind,
                    head: Some(answer),
                })
            }
        }
    }

    /// Sends the request and follows its redirects ([`crate::redirect`]), each hop within
    /// the read time-out, keeping and sending cookies when there is a jar; returns the
    /// answer with the number of redirects followed and the URL that answered. `range` (a
    /// `.part` file's offset and validator) goes with every hop.
    async fn send_following(
        &self,
        url: &Url,
        headers: &HeaderMap,
        req: &HttpRequest,
        range: Option<&(u64, Option<String>)>,
    ) -> Result<(u32, Url, Response<ResponseBody>), ErrorKind> {
        let inner = &*self.inner;
        let max = inner.config.max_redirects;
        let mut hop = Hop::first(url.clone(), req.method.clone());
        let mut redirects = 0u32;
        loop {
            let request = self.hop_request(&hop, headers, req, range).await?;
            let response = {
                // Pinned where it is: `within` holds a reference, not a copy of its 1.5 KB.
                let send = std::pin::pin!(self.transport.send(&hop.url, request));
                within(inner.config.read_timeout, send).await?
            }
            .map_err(classify)?;
            if let Some(jar) = &inner.cookies {
                jar.store_from(response.headers(), &hop.url);
            }
            let status = response.status();
            let location = response.headers().get(LOCATION);
            let (true, Some(location)) = (max > 0 && hops::is_followed(status), location) else {
                return Ok((redirects, hop.url, response));
            };
            if redirects as usize >= max {
                return Err(ErrorKind::Redirect(format!("more than {max} redirects")));
            }
            let location = location.to_str().map_err(|_| {
                ErrorKind::Redirect(format!(
                    "{} sent a Location that is not text",
                    redact::url(hop.url.as_str())
                ))
            })?;
            hop = hop.follow(status, location)?;
            redirects += 1;
        }
    }

    /// The request of one hop: its method and URL, the request's headers less what the
    /// hop must not carry, the jar's cookies for its URL, `Range` when continuing a file,
    /// and the body while the hop keeps it (an upload is opened again for each).
    async fn hop_request(
        &self,
        hop: &Hop,
        headers: &HeaderMap,
        req: &HttpRequest,
        range: Option<&(u64, Option<String>)>,
    ) -> Result<Request<RequestBody>, ErrorKind> {
        let inner = &*self.inner;
        let mut own = Cow::Borrowed(headers);
        hop.strip(&mut own);
        if let Some(jar) = &inner.cookies
            && !own.contains_key(COOKIE)
            && let Some(cookies) = jar.header_for(&hop.url)
        {
            own.to_mut().insert(COOKIE, cookies);
        }
        let mut body = RequestBody::EMPTY;
        if hop.with_body {
            let typed = own.contains_key(CONTENT_TYPE);
            let mut kind = None;
            if let Some(upload) = &req.upload {
                // Boxed: opening files is rare, and its future would double the size of
                // every request's state.
                let (upload, upload_kind) = Box::pin(upload.body()).await?;
                (body, kind) = (upload, Some(upload_kind));
            } else if let Some(json) = req.body.as_ref().filter(|_| req.method != Method::GET) {
                let bytes = serde_json::to_vec(json)
                    .map_err(|e| ErrorKind::InvalidRequest(e.to_string()))?;
                body = RequestBody::full(bytes);
                kind = Some(HeaderValue::from_static("application/json"));
            }
            if let (false, Some(kind)) = (typed, kind) {
                own.to_mut().insert(CONTENT_TYPE, kind);
            }
        }
        if let Some((from, validator)) = range {
            let own = own.to_mut();
            own.insert(RANGE, header_value(&format!("bytes={from}-"))?);
            if let Some(validator) = validator {
                own.insert(IF_RANGE, header_value(validator)?);
            }
        }
        let mut request = Request::new(body);
        *request.method_mut() = hop.method.clone();
        *request.headers_mut() = own.into_owned();
        Ok(request)
    }

    /// Streams the body of `response` into `sink` within the size cap and the read
    /// time-out; `from` is the offset this attempt asked for with `Range`.
    async fn read_body(
        &self,
        response: Response<ResponseBody>,
        answer: &Answer,
        from: Option<u64>,
        sink: &mut BodySink,
    ) -> Result<(), ErrorKind> {
        let read_timeout = self.inner.config.read_timeout;
        let limit = self.inner.config.max_body_bytes;
        let mut body = response.into_body();
        // Known only when the body is not being decompressed.
        let declared = body.exact_length();
        if let (Some(limit), Some(declared)) = (limit, declared)
            && declared > limit
        {
            return Err(ErrorKind::BodyTooLarge { limit });
        }
        sink.start(Head {
            status: answer.status,
            headers: &answer.headers,
            requested_from: from,
        })
        .await?;
        let mut received = 0u64;
        loop {
            let chunk = match within(read_timeout, body.chunk()).await? {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                Err(e) => return Err(classify_body(&*e, received, declared)),
            };
            received += chunk.len() as u64;
            if let Some(limit) = limit
                && sink.bytes() + chunk.len() as u64 > limit
            {
                return Err(ErrorKind::BodyTooLarge { limit });
            }
            sink.write(&chunk).await?;
        }
        // Read to its end: its connection goes back to the pool before the sink finishes.
        drop(body);
        if let Some(expected) = declared.filter(|d| received < *d) {
            return Err(ErrorKind::BodyCut {
                received,
                expected: Some(expected),
                why: "the connection closed early".into(),
            });
        }
        sink.finish().await
    }
}

/// A failed attempt, with the response head when one arrived (a body cut short, a body
/// too large, a read time-out mid-body).
struct Failed {
    kind: ErrorKind,
    head: Option<Answer>,
}

impl From<ErrorKind> for Failed {
    fn from(kind: ErrorKind) -> Self {
        Self { kind, head: None }
    }
}

/// `future`, failing with [`ErrorKind::Timeout`] when it takes longer than `limit`.
///
/// Not an `async fn`: that would keep `future` as its argument beside the [`Timeout`]
/// holding it, twice its size in the caller's state, and copied in full (~1.5 KB for a
/// send) every time that state moves.
///
/// [`Timeout`]: tokio::time::Timeout
fn within<F: Future>(
    limit: Option<Duration>,
    future: F,
) -> impl Future<Output = Result<F::Output, ErrorKind>> {
    match limit {
        None => Either::Left(future.map(Ok)),
        Some(limit) => Either::Right(
            tokio::time::timeout(limit, future)
                .map(move |done| done.map_err(|_| ErrorKind::Timeout(limit))),
        ),
    }
}

/// Parses the URL and checks it is `http` or `https` with a host.
fn parse_url(raw: &str) -> Result<Url, ErrorKind> {
    let url = crate::origin_cache::parse(raw).map_err(|e| ErrorKind::InvalidUrl(e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(ErrorKind::InvalidUrl(format!(
            "scheme {:?} is not http or https",
            url.scheme()
        )));
    }
    if url.host_str().is_none() {
        return Err(ErrorKind::InvalidUrl("no host".into()));
    }
    Ok(url)
}

/// The request's own headers, checked once before any attempt, then the fetcher's
/// `defaults` of the names the request does not set.
fn request_headers(
    pairs: &[(String, String)],
    defaults: &HeaderMap,
) -> Result<HeaderMap, ErrorKind> {
    let mut headers = HeaderMap::with_capacity(pairs.len() + defaults.len());
    for (name, value) in pairs {
        let (name, value) = header_pair(name, value).map_err(ErrorKind::InvalidRequest)?;
        headers.append(name, value);
    }
    if headers.is_empty() {
        return Ok(defaults.clone());
    }
    for name in defaults.keys() {
        if !headers.contains_key(name) {
            for value in defaults.get_all(name) {
                headers.append(name.clone(), value.clone());
            }
        }
    }
    Ok(headers)
}

fn header_pair(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), String> {
    let header = HeaderName::from_bytes(name.as_bytes())
        .map_err(|e| format!("invalid header name {name:?}: {e}"))?;
    let value = HeaderValue::from_str(value)
        .map_err(|e| format!("invalid value for header {name}: {e}"))?;
    Ok((header, value))
}

/// A header value the fetcher makes from text it was given (a validator, a range).
fn header_value(text: &str) -> Result<HeaderValue, ErrorKind> {
    HeaderValue::from_str(text).map_err(|e| ErrorKind::InvalidRequest(format!("{text:?}: {e}")))
}

/// Maps an error while reading the body onto an [`ErrorKind`]: a body that does not
/// decompress is [`ErrorKind::Decode`]; anything the connection did (reset, closed early)
/// is [`ErrorKind::BodyCut`].
fn classify_body(
    e: &(dyn std::error::Error + 'static),
    received: u64,
    expected: Option<u64>,
) -> ErrorKind {
    let mut connection = false;
    let mut invalid_data = false;
    let mut source = Some(e);
    while let Some(s) = source {
        if s.is::<hyper::Error>() {
            connection = true;
        }
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind as Io;
            invalid_data |= io.kind() == Io::InvalidData;
            connection |= matches!(
                io.kind(),
                Io::ConnectionReset
                    | Io::ConnectionAborted
                    | Io::UnexpectedEof
                    | Io::BrokenPipe
                    | Io::NotConnected
            );
        }
        source = s.source();
    }
    let why = error_chain(e);
    if invalid_data && !connection {
        ErrorKind::Decode(why)
    } else {
        ErrorKind::BodyCut {
            received,
            expected,
            why,
        }
    }
}

/// Maps an error of [`Transport::send`] onto an [`ErrorKind`].
fn classify(e: SendError) -> ErrorKind {
    match e {
        SendError::Uri(e) => ErrorKind::InvalidUrl(e.to_string()),
        SendError::Connect(e) => ErrorKind::Connect(error_chain(&*e)),
        SendError::Http(e) => ErrorKind::Request(error_chain(&e)),
    }
}

/// The error and its sources on one line.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked() {
        assert!(parse_url("http://Example.com/a?b").is_ok());
        assert!(parse_url("https://127.0.0.1:8443/").is_ok());
        assert!(matches!(
            parse_url("ftp://x/"),
            Err(ErrorKind::InvalidUrl(_))
        ));
        assert!(matches!(
            parse_url("not a url"),
            Err(ErrorKind::InvalidUrl(_))
        ));
    }

    #[test]
    fn zero_concurrency_is_rejected() {
        assert!(Fetcher::new(FetcherConfig::with_max_concurrent(0)).is_err());
        let bad = FetcherConfig {
            default_headers: vec![("bad header".into(), "x".into())],
            ..FetcherConfig::default()
        };
        assert!(matches!(Fetcher::new(bad), Err(ConfigError::Client(_))));
    }
}

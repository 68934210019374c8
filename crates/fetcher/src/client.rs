//! The fetcher: the seed's `AsyncHTTPFetcher` (`fetcher/fetch.py`) — `fetch_single`,
//! `fetch_all`, `stats` — on reqwest.
//!
//! The seed opens an aiohttp session in `__aenter__` and closes it in `__aexit__`; here the
//! connection pool lives inside [`Fetcher`] and closes when the last clone is dropped.
//! Each attempt passes the limits of its [`FetcherConfig`] (per host, global, rate) and
//! holds its slots only while it runs: a request sleeping in back-off holds nothing (the
//! seed held its semaphore permit).

use std::cell::Cell;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::{Bytes, BytesMut};
use futures::future::join_all;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};
use reqwest::{Method, Url, redirect};
use tokio::time::Instant;
use tracing::{debug, error, info, warn};

use crate::cookies::{CookieConfig, CookieJar};
use crate::error::{ConfigError, ErrorKind, FetchError, secs};
use crate::limits::Limits;
use crate::proxy::{self, ProxyConfig};
use crate::redact;
use crate::request::HttpRequest;
use crate::response::{HttpResponse, is_json_content_type};
use crate::retry::{RetryConfig, parse_retry_after};
use crate::stats::{Counters, Stats};
use crate::tls::{self, TlsConfig};

/// Most bytes reserved up front for a body of declared length.
const PREALLOCATE_MAX: u64 = 1 << 20;

/// Settings of a [`Fetcher`]. `Default` is the seed's `AsyncHTTPFetcher()` plus the
/// transient retry policy.
#[derive(Debug, Clone, PartialEq)]
pub struct FetcherConfig {
    /// Attempts in flight at once, over all hosts (the seed: 10).
    pub max_concurrent: usize,
    /// Time-out of one attempt (connect, send, whole body) for requests that set none
    /// (the seed's `HTTPRequest.timeout`: 10 s).
    pub default_timeout: Duration,
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

tokio::task_local! {
    /// Redirects followed by the attempt running in this task (set by the redirect policy).
    static REDIRECTS: Cell<u32>;
}

impl Default for FetcherConfig {
    fn default() -> Self {
        Self {
            max_concurrent: 10,
            default_timeout: Duration::from_secs(10),
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

/// Concurrent HTTP fetching with limits and retries; cheap to clone (an `Arc` inside), so
/// one fetcher can be shared by many tasks. Its counters are shared by all clones.
#[derive(Debug, Clone)]
pub struct Fetcher {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    client: reqwest::Client,
    config: FetcherConfig,
    limits: Limits,
    counters: Counters,
    cookies: Option<Arc<CookieJar>>,
}

/// What one attempt produced before the status is judged.
struct Answer {
    status: u16,
    headers: HeaderMap,
    retry_after: Option<Duration>,
    json: Option<serde_json::Value>,
    raw: Bytes,
    redirects: u32,
}

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
        let mut headers = HeaderMap::new();
        for (name, value) in &config.default_headers {
            let (name, value) = header_pair(name, value).map_err(ConfigError::Client)?;
            headers.append(name, value);
        }
        if !config.user_agent.is_empty() {
            let (name, value) = header_pair("user-agent", &config.user_agent)
                .map_err(|why| ConfigError::Client(format!("--user-agent: {why}")))?;
            headers.entry(name).or_insert(value);
        }
        let mut builder = reqwest::Client::builder()
            .default_headers(headers)
            .redirect(redirect_policy(config.max_redirects))
            .gzip(true)
            .brotli(true)
            .deflate(true);
        if let Some(connect) = config.connect_timeout {
            builder = builder.connect_timeout(connect);
        }
        if config.http2_prior_knowledge {
            builder = builder.http2_prior_knowledge();
        }
        builder = proxy::apply(builder, &config.proxy)?;
        if let Some(tls) = tls::client_config(&config.tls, config.http2_prior_knowledge)? {
            builder = builder.tls_backend_preconfigured(tls);
        }
        let cookies = match (&config.cookies.jar_file, config.cookies.is_enabled()) {
            (Some(path), _) => Some(Arc::new(CookieJar::load(path)?)),
            (None, true) => Some(Arc::new(CookieJar::default())),
            (None, false) => None,
        };
        if let Some(jar) = &cookies {
            builder = builder.cookie_provider(Arc::clone(jar));
        }
        let client = builder
            .build()
            .map_err(|e| ConfigError::Client(error_chain(&e)))?;
        Ok(Self {
            inner: Arc::new(Inner {
                client,
                config,
                limits,
                counters: Counters::default(),
                cookies,
            }),
        })
    }

    /// The configuration this fetcher was built with.
    pub fn config(&self) -> &FetcherConfig {
        &self.inner.config
    }

    /// The cookie jar, when [`FetcherConfig::cookies`] keeps one.
    pub fn cookie_jar(&self) -> Option<&CookieJar> {
        self.inner.cookies.as_deref()
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
        let inner = &*self.inner;
        // What records, errors and logs show: the URL without its password.
        let shown = redact::url(&req.url);
        let checked = parse_url(&req.url).and_then(|url| {
            let headers = request_headers(&req.headers)?;
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
        let mut attempt: u32 = 0;
        loop {
            let (result, elapsed) = self
                .limited_attempt(&url, &headers, req, attempt + 1, timeout)
                .await;
            attempt += 1;
            let (kind, retry_after, response) = match result {
                Ok(answer) => {
                    let status = answer.status;
                    let retry_after = answer.retry_after;
                    let redirects = answer.redirects;
                    let mut response = HttpResponse::new(
                        shown.clone().into_owned(),
                        status,
                        answer.headers,
                        answer.raw,
                        answer.json,
                        elapsed,
                        attempt,
                    );
                    response.redirects = redirects;
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
                Err(kind) => (kind, None, None),
            };
            let retry = &inner.config.retry;
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
            tokio::time::sleep(delay).await;
        }
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

    /// One attempt within the limits and the time-out: waits for the slots, counts
    /// `request_made`, runs [`Fetcher::attempt`], releases the slots; returns what happened
    /// and how long the attempt itself took.
    async fn limited_attempt(
        &self,
        url: &Url,
        headers: &HeaderMap,
        req: &HttpRequest,
        number: u32,
        timeout: Duration,
    ) -> (Result<Answer, ErrorKind>, Duration) {
        let _permit = self.inner.limits.acquire(url).await;
        Counters::bump(&self.inner.counters.made);
        debug!(
            "Attempt {} {} {}",
            number,
            req.method,
            redact::url(&req.url)
        );
        let started = Instant::now();
        let result = match tokio::time::timeout(timeout, self.attempt(url, headers, req)).await {
            Ok(Err(ErrorKind::Timeout(_))) | Err(_) => Err(ErrorKind::Timeout(timeout)),
            Ok(result) => result,
        };
        (result, started.elapsed())
    }

    /// One attempt: send, read the body within the size cap, parse it.
    async fn attempt(
        &self,
        url: &Url,
        headers: &HeaderMap,
        req: &HttpRequest,
    ) -> Result<Answer, ErrorKind> {
        let inner = &*self.inner;
        let mut builder = inner.client.request(req.method.clone(), url.clone());
        if !headers.is_empty() {
            builder = builder.headers(headers.clone());
        }
        if let Some(upload) = &req.upload {
            let typed = headers.contains_key(CONTENT_TYPE)
                || inner
                    .config
                    .default_headers
                    .iter()
                    .any(|(name, _)| name.eq_ignore_ascii_case("content-type"));
            builder = upload.attach(builder, typed).await?;
        } else if let Some(body) = req.body.as_ref().filter(|_| req.method != Method::GET) {
            builder = builder.json(body);
        }
        let (redirects, sent) = REDIRECTS
            .scope(Cell::new(0), async {
                let sent = builder.send().await;
                (REDIRECTS.with(Cell::get), sent)
            })
            .await;
        let mut response = sent.map_err(classify)?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemTime::now()));
        let is_json = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(is_json_content_type);
        let headers = std::mem::take(response.headers_mut());
        let limit = inner.config.max_body_bytes;
        // reqwest knows the length only when the body is not being decompressed.
        let declared = response.content_length();
        if let (Some(limit), Some(declared)) = (limit, declared)
            && declared > limit
        {
            return Err(ErrorKind::BodyTooLarge { limit });
        }
        let capacity = declared.unwrap_or(0).min(PREALLOCATE_MAX);
        let mut raw = BytesMut::with_capacity(usize::try_from(capacity).unwrap_or(0));
        while let Some(chunk) = response.chunk().await.map_err(classify)? {
            if let Some(limit) = limit
                && (raw.len() + chunk.len()) as u64 > limit
            {
                return Err(ErrorKind::BodyTooLarge { limit });
            }
            raw.extend_from_slice(&chunk);
        }
        let raw = raw.freeze();
        let json = if is_json && !raw.is_empty() {
            Some(serde_json::from_slice(&raw).map_err(|e| ErrorKind::Decode(e.to_string()))?)
        } else {
            None
        };
        Ok(Answer {
            status,
            headers,
            retry_after,
            json,
            raw,
            redirects,
        })
    }
}

/// Follows at most `max` redirects (more is an error); with `max` 0 a 3xx is the answer
/// itself, as curl without `-L`. Counts what it follows for the attempt's record.
fn redirect_policy(max: usize) -> redirect::Policy {
    if max == 0 {
        return redirect::Policy::none();
    }
    redirect::Policy::custom(move |attempt| {
        let followed = attempt.previous().len();
        if followed > max {
            attempt.error(format!("more than {max} redirects"))
        } else {
            let _ = REDIRECTS.try_with(|n| n.set(u32::try_from(followed).unwrap_or(u32::MAX)));
            attempt.follow()
        }
    })
}

/// Parses the URL and checks it is `http` or `https` with a host.
fn parse_url(raw: &str) -> Result<Url, ErrorKind> {
    let url = Url::parse(raw).map_err(|e| ErrorKind::InvalidUrl(e.to_string()))?;
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

/// The request's own headers, checked once before any attempt.
fn request_headers(pairs: &[(String, String)]) -> Result<HeaderMap, ErrorKind> {
    let mut headers = HeaderMap::with_capacity(pairs.len());
    for (name, value) in pairs {
        let (name, value) = header_pair(name, value).map_err(ErrorKind::InvalidRequest)?;
        headers.append(name, value);
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

/// Maps a reqwest error onto an [`ErrorKind`].
fn classify(e: reqwest::Error) -> ErrorKind {
    let e = e.without_url();
    let why = error_chain(&e);
    if e.is_redirect() {
        ErrorKind::Redirect(why)
    } else if e.is_connect() {
        ErrorKind::Connect(why)
    } else if e.is_timeout() {
        ErrorKind::Timeout(Duration::ZERO)
    } else if e.is_decode() {
        ErrorKind::Decode(why)
    } else if e.is_builder() {
        ErrorKind::InvalidRequest(why)
    } else {
        ErrorKind::Request(why)
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

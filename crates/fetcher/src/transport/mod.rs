//! The HTTP stack under the [`Fetcher`](crate::Fetcher): hyper's HTTP/1.1 and HTTP/2
//! connections in the fetcher's own [pool](pool), opened by its own [connector](connect)
//! (proxies, rustls), and the response body, decompressed on the fly (`gzip`, `br`,
//! `deflate`).
//!
//! The fetcher needs of an HTTP client only what this module gives: send one request, read
//! its body chunk by chunk. Redirects, cookies, time-outs and retries are the fetcher's own
//! (`crate::redirect`, `crate::cookies`, `crate::client`), so a general client's layers for
//! them would only cost: reqwest's, always present, parsed every request's URL twice more
//! (~1.7x the CPU of this stack per request on loopback, `scripts/bench-fetcher.sh`).
//!
//! What a request gets here, as reqwest and curl do: `Accept-Encoding: gzip, br, deflate`
//! unless it has its own or asks for a `Range` (a range of the encoded bytes would not
//! decode); `Authorization: Basic` from a URL's `user:password@` unless it has its own; the
//! `Proxy-Authorization` of a forwarding proxy. A `deflate` body is read as zlib (RFC 9110)
//! or, without a zlib header, as raw deflate, as curl and browsers read it. A decoded
//! response loses its `Content-Encoding` and `Content-Length` headers (they describe the
//! bytes on the wire).

mod connect;
mod pool;

use std::io;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;

use async_compression::tokio::bufread::{BrotliDecoder, DeflateDecoder, GzipDecoder, ZlibDecoder};
use base64::Engine;
use bytes::Bytes;
use futures::{Stream, StreamExt, TryStreamExt};
use http::header::{
    ACCEPT_ENCODING, AUTHORIZATION, CONTENT_ENCODING, CONTENT_LENGTH, HeaderValue,
    PROXY_AUTHORIZATION, RANGE,
};
use http::{Method, Request, Response, Uri};
use http_body::{Body as _, Frame, SizeHint};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::proxy::matcher::Matcher;
use tokio_util::io::{ReaderStream, StreamReader};
use url::Url;

use self::connect::Connector;
use self::pool::{Checkin, Pool, Target};

/// A boxed error of the stack, with its sources.
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The rustls configurations, for servers and for `https://` proxies (ALPN `http/1.1`
/// only): built when the fetcher is (`--cacert`, `--cert`, `-k`), or for the default (the
/// system's roots) at the first `https://` connection, so a run against plain `http://`
/// never loads the system's certificates.
pub(crate) enum TlsSource {
    Ready(TlsPair),
    Platform {
        http2_only: bool,
        pair: OnceLock<Result<TlsPair, String>>,
    },
}

/// One rustls configuration as it goes to servers and as it goes to proxies.
#[derive(Clone)]
pub(crate) struct TlsPair {
    server: Arc<rustls::ClientConfig>,
    proxy: Arc<rustls::ClientConfig>,
}

impl TlsPair {
    fn new(server: rustls::ClientConfig) -> Self {
        let mut proxy = server.clone();
        proxy.alpn_protocols = vec![b"http/1.1".to_vec()];
        Self {
            server: Arc::new(server),
            proxy: Arc::new(proxy),
        }
    }
}

impl TlsSource {
    fn config(&self, to_proxy: bool) -> Result<Arc<rustls::ClientConfig>, BoxError> {
        let pair = match self {
            TlsSource::Ready(pair) => pair,
            TlsSource::Platform { http2_only, pair } => pair
                .get_or_init(|| {
                    crate::tls::platform_config(*http2_only)
                        .map(TlsPair::new)
                        .map_err(|e| e.to_string())
                })
                .as_ref()
                .map_err(|e| BoxError::from(e.clone()))?,
        };
        Ok(Arc::clone(if to_proxy {
            &pair.proxy
        } else {
            &pair.server
        }))
    }
}

/// What the transport is built from (the parts of
/// [`FetcherConfig`](crate::FetcherConfig) it uses).
pub(crate) struct TransportConfig {
    pub connect_timeout: Option<Duration>,
    pub http2_only: bool,
    pub tls: Option<rustls::ClientConfig>,
    pub proxies: Option<Matcher>,
}

/// The connection pool and what requests need to go through it; cheap to clone.
#[derive(Clone)]
pub(crate) struct Transport {
    pool: Pool,
    proxies: Option<Arc<Matcher>>,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("proxies", &self.proxies)
            .finish_non_exhaustive()
    }
}

impl Transport {
    pub(crate) fn new(config: TransportConfig) -> Self {
        let mut tcp = HttpConnector::new();
        tcp.enforce_http(false);
        tcp.set_nodelay(true);
        tcp.set_connect_timeout(config.connect_timeout);
        // reqwest's defaults: a peer gone without a word (no FIN, no RST) is noticed, and
        // its idle pooled connections are dropped, instead of waiting on it forever.
        tcp.set_keepalive(Some(Duration::from_secs(15)));
        tcp.set_keepalive_interval(Some(Duration::from_secs(15)));
        tcp.set_keepalive_retries(Some(3));
        #[cfg(any(target_os = "android", target_os = "fuchsia", target_os = "linux"))]
        tcp.set_tcp_user_timeout(Some(Duration::from_secs(30)));
        let tls = match config.tls {
            Some(tls) => TlsSource::Ready(TlsPair::new(tls)),
            None => TlsSource::Platform {
                http2_only: config.http2_only,
                pair: OnceLock::new(),
            },
        };
        let proxies = config.proxies.map(Arc::new);
        let connector = Connector::new(tcp, Arc::new(tls), proxies.clone(), config.connect_timeout);
        Self {
            pool: Pool::new(connector, config.http2_only),
            proxies,
        }
    }

    /// The same transport with an empty pool of its own (the connector, and with it the
    /// TLS configuration, shared).
    pub(crate) fn with_own_pool(&self) -> Self {
        Self {
            pool: self.pool.empty_copy(),
            proxies: self.proxies.clone(),
        }
    }

    /// Sends `request` to `url` (its method, headers and body; the URI is made here from
    /// `url`, without its credentials) and returns the response head with its body to read.
    ///
    /// # Errors
    /// The URL makes no request target, no connection could be opened, or the connection
    /// failed before the response head.
    pub(crate) async fn send(
        &self,
        url: &Url,
        mut request: Request<RequestBody>,
    ) -> Result<Response<ResponseBody>, SendError> {
        let headers = request.headers_mut();
        if has_credentials(url) && !headers.contains_key(AUTHORIZATION) {
            headers.insert(AUTHORIZATION, basic_auth(url));
        }
        let decode = !headers.contains_key(ACCEPT_ENCODING) && !headers.contains_key(RANGE);
        if decode {
            headers.insert(
                ACCEPT_ENCODING,
                HeaderValue::from_static("gzip, br, deflate"),
            );
        }
        if let Some(proxies) = &self.proxies
            && url.scheme() == "http"
            && !headers.contains_key(PROXY_AUTHORIZATION)
        {
            let uri = uri_of(url).map_err(SendError::Uri)?;
            if let Some(proxy) = proxies.intercept(&uri)
                && let Some(auth) = proxy.basic_auth()
            {
                headers.insert(PROXY_AUTHORIZATION, auth.clone());
            }
        }
        let head = request.method() == Method::HEAD;
        let key = origin_key(url);
        let target = Target {
            key: &key,
            host: &url[url::Position::BeforeHost..url::Position::AfterPort],
            url,
        };
        let (response, checkin) = self.pool.send(&target, request).await?;
        let (mut parts, body) = response.into_parts();
        let encoding = if head || !decode {
            None
        } else {
            Encoding::of(&parts.headers)
        };
        let body = match encoding {
            None => Body::Plain(body),
            Some(encoding) => {
                parts.headers.remove(CONTENT_ENCODING);
                parts.headers.remove(CONTENT_LENGTH);
                Body::decoded(body, encoding)
            }
        };
        let body = ResponseBody {
            body,
            _checkin: checkin,
        };
        Ok(Response::from_parts(parts, body))
    }
}

/// Why [`Transport::send`] (and the pool under it) failed.
#[derive(Debug)]
pub(crate) enum SendError {
    /// The URL makes no HTTP request target.
    Uri(http::uri::InvalidUri),
    /// No connection could be opened (TCP, proxy, TLS, the HTTP handshake, a host that
    /// makes no `Host` header).
    Connect(BoxError),
    /// The connection failed while the request was sent or its answer awaited.
    Http(hyper::Error),
}

/// The pool's key for `url`'s origin: `scheme://host[:port]` as the URL spells it (the
/// port only when not the scheme's default), without credentials.
fn origin_key(url: &Url) -> std::borrow::Cow<'_, str> {
    if has_credentials(url) {
        let authority = &url[url::Position::BeforeHost..url::Position::AfterPort];
        format!("{}://{authority}", url.scheme()).into()
    } else {
        url[..url::Position::AfterPort].into()
    }
}

/// Whether `url` has a user name or a password (`user:password@`, `:secret@`).
fn has_credentials(url: &Url) -> bool {
    !url.username().is_empty() || url.password().is_some()
}

/// The request target of `url`: its text without `user:password@` and `#fragment`.
fn uri_of(url: &Url) -> Result<Uri, http::uri::InvalidUri> {
    let text = &url[..url::Position::AfterQuery];
    if !has_credentials(url) {
        return Uri::try_from(text);
    }
    let mut plain = url.clone();
    let _ = plain.set_username("");
    let _ = plain.set_password(None);
    Uri::try_from(&plain[..url::Position::AfterQuery])
}

/// `Authorization: Basic` of a URL's percent-decoded `user:password`, its bytes as they are
/// (curl's way; not UTF-8 is not replaced).
fn basic_auth(url: &Url) -> HeaderValue {
    let decode = percent_encoding::percent_decode_str;
    let mut pair: Vec<u8> = decode(url.username()).collect();
    pair.push(b':');
    pair.extend(decode(url.password().unwrap_or_default()));
    let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
    // Base64 is always a valid header value.
    let mut value = HeaderValue::from_str(&format!("Basic {encoded}"))
        .unwrap_or_else(|_| HeaderValue::from_static("Basic"));
    value.set_sensitive(true);
    value
}

/// The body of a request: bytes in memory (`None`: none, or none left to send), or a
/// stream (a file, a multipart form).
pub(crate) enum RequestBody {
    Full(Option<Bytes>),
    Stream {
        stream: Pin<Box<dyn Stream<Item = io::Result<Bytes>> + Send>>,
        length: Option<u64>,
    },
}

impl RequestBody {
    /// No body.
    pub(crate) const EMPTY: Self = RequestBody::Full(None);

    pub(crate) fn full(bytes: impl Into<Bytes>) -> Self {
        RequestBody::Full(Some(bytes.into()))
    }

    /// A body streamed from `stream`, of `length` bytes when known.
    pub(crate) fn stream(
        stream: impl Stream<Item = io::Result<Bytes>> + Send + 'static,
        length: Option<u64>,
    ) -> Self {
        RequestBody::Stream {
            stream: Box::pin(stream),
            length,
        }
    }
}

impl http_body::Body for RequestBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        match self.get_mut() {
            RequestBody::Full(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            RequestBody::Stream { stream, .. } => stream
                .as_mut()
                .poll_next(cx)
                .map(|chunk| chunk.map(|chunk| chunk.map(Frame::data))),
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            RequestBody::Full(None) => true,
            RequestBody::Full(Some(_)) | RequestBody::Stream { .. } => false,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            RequestBody::Full(None) => SizeHint::with_exact(0),
            RequestBody::Full(Some(bytes)) => SizeHint::with_exact(bytes.len() as u64),
            RequestBody::Stream {
                length: Some(length),
                ..
            } => SizeHint::with_exact(*length),
            RequestBody::Stream { length: None, .. } => SizeHint::default(),
        }
    }
}

#[derive(Clone, Copy)]
enum Encoding {
    Gzip,
    Brotli,
    Deflate,
}

/// The codings a response's `Content-Encoding` names, read as curl reads it: case does
/// not matter, `identity` and empty entries are no coding.
fn codings(headers: &http::HeaderMap) -> impl Iterator<Item = &[u8]> {
    headers
        .get_all(CONTENT_ENCODING)
        .iter()
        .flat_map(|value| value.as_bytes().split(|&b| b == b','))
        .map(<[u8]>::trim_ascii)
        .filter(|coding| !coding.is_empty() && !coding.eq_ignore_ascii_case(b"identity"))
}

/// Whether a response's body is still encoded: after [`Transport::send`] (which drops the
/// header of a body it decodes), whether its `Content-Encoding` names a coding.
pub(crate) fn is_encoded(headers: &http::HeaderMap) -> bool {
    codings(headers).next().is_some()
}

impl Encoding {
    /// The one coding a response's `Content-Encoding` names ([`codings`]); `None` for no
    /// coding, one the fetcher does not decode, or more than one (left encoded, as reqwest
    /// did).
    fn of(headers: &http::HeaderMap) -> Option<Encoding> {
        let mut codings = codings(headers);
        let coding = codings.next()?;
        if codings.next().is_some() {
            return None;
        }
        let is = |name: &str| coding.eq_ignore_ascii_case(name.as_bytes());
        if is("gzip") || is("x-gzip") {
            Some(Encoding::Gzip)
        } else if is("br") {
            Some(Encoding::Brotli)
        } else if is("deflate") {
            Some(Encoding::Deflate)
        } else {
            None
        }
    }
}

type Decoding = Pin<Box<dyn Stream<Item = io::Result<Bytes>> + Send>>;

/// A response body, read with [`ResponseBody::chunk`]; an HTTP/1.1 connection goes back
/// to the pool when it is dropped.
pub(crate) struct ResponseBody {
    body: Body,
    /// Declared after `body`, so dropped after it.
    _checkin: Option<Checkin>,
}

/// A response body as it came, or decompressed.
enum Body {
    Plain(Incoming),
    Decoded(Decoding),
}

impl Body {
    fn decoded(body: Incoming, encoding: Encoding) -> Self {
        let wire = body.into_data_stream().map_err(io::Error::other);
        let decoded = futures::stream::once(async move {
            let mut wire = Box::pin(wire);
            // Read ahead to the first two bytes, which tell zlib from raw deflate (however
            // the server cut its first frames); with none, the body stays empty: a decoder
            // would call it a cut stream.
            let (mut ahead, mut first) = (Vec::new(), Vec::with_capacity(2));
            while first.len() < 2 {
                match wire.next().await {
                    None => break,
                    Some(Ok(chunk)) => {
                        first.extend(chunk.iter().take(2 - first.len()));
                        ahead.push(Ok(chunk));
                    }
                    Some(Err(e)) => {
                        ahead.push(Err(e));
                        break;
                    }
                }
            }
            if first.is_empty() && ahead.iter().all(Result::is_ok) {
                return Box::pin(futures::stream::empty()) as Decoding;
            }
            let zlib = has_zlib_header(&first);
            let reader = StreamReader::new(futures::stream::iter(ahead).chain(wire));
            let stream: Decoding = match encoding {
                Encoding::Gzip => Box::pin(ReaderStream::new(GzipDecoder::new(reader))),
                Encoding::Brotli => Box::pin(ReaderStream::new(BrotliDecoder::new(reader))),
                Encoding::Deflate if zlib => Box::pin(ReaderStream::new(ZlibDecoder::new(reader))),
                Encoding::Deflate => Box::pin(ReaderStream::new(DeflateDecoder::new(reader))),
            };
            stream
        })
        .flatten()
        .map_err(decoder_error);
        Body::Decoded(Box::pin(decoded))
    }
}

impl ResponseBody {
    /// The body's length when the server declared it and it is not being decoded (0 for
    /// the answer to `HEAD`, and for 204 and 304).
    pub(crate) fn exact_length(&self) -> Option<u64> {
        match &self.body {
            Body::Plain(body) => body.size_hint().exact(),
            Body::Decoded(_) => None,
        }
    }

    /// The next chunk of the body; `None` at its end.
    ///
    /// # Errors
    /// hyper's error (the connection failed or closed early), or an I/O error (`InvalidData`
    /// for a body that does not decode, else wrapping hyper's).
    pub(crate) async fn chunk(&mut self) -> Result<Option<Bytes>, BoxError> {
        match &mut self.body {
            Body::Plain(body) => loop {
                match body.frame().await {
                    None => return Ok(None),
                    Some(Err(e)) => return Err(e.into()),
                    Some(Ok(frame)) => {
                        if let Ok(data) = frame.into_data()
                            && !data.is_empty()
                        {
                            return Ok(Some(data));
                        }
                    }
                }
            },
            Body::Decoded(stream) => match stream.next().await {
                None => Ok(None),
                Some(Err(e)) => Err(e.into()),
                Some(Ok(data)) => Ok(Some(data)),
            },
        }
    }
}

/// Whether a `deflate` body starts with a zlib header (RFC 1950: method 8, a window of at
/// most 32 KiB, a check that makes the first two bytes a multiple of 31), as RFC 9110 says
/// it must. Some servers send the raw deflate stream instead (RFC 1951, no header); curl
/// and browsers decode both, and so does the fetcher. `first`: the body's first two bytes
/// (fewer for a shorter body, which decodes as neither).
fn has_zlib_header(first: &[u8]) -> bool {
    match first {
        [cmf, flg, ..] => {
            cmf & 0x0f == 8 && cmf >> 4 <= 7 && (u16::from(*cmf) << 8 | u16::from(*flg)) % 31 == 0
        }
        _ => true,
    }
}

/// An error of a decoding body as the fetcher classifies it: bytes that do not decompress
/// are `InvalidData` (a decode error; the decoders call most of theirs `Other`), while the
/// wire's errors (hyper's) and a compressed stream that stops short (`UnexpectedEof`) stay
/// as they are (a cut body).
fn decoder_error(e: io::Error) -> io::Error {
    let from_wire = e.get_ref().is_some_and(|inner| inner.is::<hyper::Error>());
    if from_wire
        || matches!(
            e.kind(),
            io::ErrorKind::InvalidData | io::ErrorKind::UnexpectedEof
        )
    {
        e
    } else {
        io::Error::new(io::ErrorKind::InvalidData, e)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::has_zlib_header;

    #[test]
    fn zlib_and_raw_deflate_are_told_apart() {
        let text = b"{\"deflated\": true}".repeat(50);
        for level in 0..=9 {
            let level = flate2::Compression::new(level);
            let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), level);
            zlib.write_all(&text).unwrap();
            assert!(has_zlib_header(&zlib.finish().unwrap()), "{level:?}");
            let mut raw = flate2::write::DeflateEncoder::new(Vec::new(), level);
            raw.write_all(&text).unwrap();
            assert!(!has_zlib_header(&raw.finish().unwrap()), "{level:?}");
        }
        // Too short to tell: zlib, as RFC 9110 says `deflate` is.
        assert!(has_zlib_header(&[0x78]));
    }
}

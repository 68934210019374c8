//! The connector under the pool: a TCP connection (hyper-util's `HttpConnector`: happy
//! eyeballs, `TCP_NODELAY`, the connect time-out), then — as the destination and the
//! [proxy](crate::proxy) decide — straight to the server, to an HTTP proxy that forwards
//! the request (absolute-form), through an HTTP `CONNECT` tunnel or a SOCKS5 proxy
//! (hyper-util's `Tunnel` and `SocksV5`), with TLS (rustls) to an `https://` proxy and to an
//! `https://` server, ALPN choosing HTTP/2 or HTTP/1.1. The connect time-out bounds all of
//! it (TCP, proxy handshake, TLS), as reqwest's and curl's `--connect-timeout` do.

use std::future::Future;
use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http::Uri;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::proxy::{SocksV5, Tunnel};
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tower_service::Service;

use super::TlsSource;

type BoxError = Box<dyn std::error::Error + Send + Sync>;
type Connecting<T> = Pin<Box<dyn Future<Output = Result<T, BoxError>> + Send>>;

/// Opens the connections of the [pool](super::pool); cheap to clone.
#[derive(Clone)]
pub(crate) struct Connector {
    direct: Direct,
    proxies: Option<Arc<Matcher>>,
    /// The longest a whole connection may take to open, handshakes included.
    timeout: Option<Duration>,
}

impl Connector {
    pub(crate) fn new(
        tcp: HttpConnector,
        tls: Arc<TlsSource>,
        proxies: Option<Arc<Matcher>>,
        timeout: Option<Duration>,
    ) -> Self {
        Self {
            direct: Direct {
                tcp,
                tls,
                to_proxy: false,
            },
            proxies,
            timeout,
        }
    }

    /// [`Connector::connect`] within the connect time-out.
    pub(crate) async fn connect_within(self, dst: Uri) -> Result<Conn, BoxError> {
        let Some(timeout) = self.timeout else {
            return self.connect(dst).await;
        };
        match tokio::time::timeout(timeout, self.connect(dst)).await {
            Ok(connected) => connected,
            Err(_) => Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("no connection within {timeout:?}"),
            )
            .into()),
        }
    }

    async fn connect(self, dst: Uri) -> Result<Conn, BoxError> {
        let https = dst.scheme_str() == Some("https");
        let Some(proxy) = self.proxies.as_deref().and_then(|m| m.intercept(&dst)) else {
            return Ok(Conn::new(self.direct.open(dst).await?, false));
        };
        let proxy_uri = proxy.uri().clone();
        let to_proxy = Direct {
            to_proxy: true,
            ..self.direct.clone()
        };
        let scheme = proxy_uri.scheme_str().unwrap_or_default().to_owned();
        let stream = match scheme.as_str() {
            "socks5" | "socks5h" => {
                // socks5h: the proxy resolves the name; socks5: we do (curl's meanings).
                // Resolved here rather than by hyper-util's `local_dns`, which calls the
                // blocking resolver on the runtime's thread.
                let target = if scheme == "socks5" {
                    resolved(&dst).await?
                } else {
                    dst.clone()
                };
                let mut socks = SocksV5::new(proxy_uri, to_proxy);
                if let Some((user, password)) = proxy.raw_auth() {
                    socks = socks.with_auth(user.to_owned(), password.to_owned());
                }
                socks.call(target).await?.into_inner()
            }
            _ if https => {
                let mut tunnel = Tunnel::new(proxy_uri, to_proxy);
                if let Some(auth) = proxy.basic_auth() {
                    tunnel = tunnel.with_auth(auth.clone());
                }
                tunnel.call(dst.clone()).await?.into_inner()
            }
            // An `http://` destination: the proxy gets the request itself, in absolute
            // form, with the `Proxy-Authorization` the transport adds.
            _ => return Ok(Conn::new(to_proxy.open(proxy_uri).await?, true)),
        };
        let stream = if https {
            self.direct.tls.handshake(stream, &dst, false).await?
        } else {
            stream
        };
        Ok(Conn::new(stream, false))
    }
}

/// `dst` with its host name replaced by the first address the system resolves it to (on
/// tokio's blocking pool), for a SOCKS5 proxy that is to be given addresses.
async fn resolved(dst: &Uri) -> Result<Uri, BoxError> {
    let bare = bare_host(dst);
    if bare.parse::<IpAddr>().is_ok() {
        return Ok(dst.clone());
    }
    let port = dst.port_u16().unwrap_or(match dst.scheme_str() {
        Some("https") => 443,
        _ => 80,
    });
    let address = tokio::net::lookup_host((bare, port))
        .await?
        .next()
        .ok_or_else(|| format!("{bare:?} resolves to no address"))?;
    let mut parts = dst.clone().into_parts();
    parts.authority = Some(address.to_string().parse()?);
    Ok(Uri::from_parts(parts)?)
}

/// `uri`'s host without the brackets of an IPv6 literal: `[::1]` in a URI is `::1` to a
/// resolver and in a certificate.
fn bare_host(uri: &Uri) -> &str {
    let host = uri.host().unwrap_or_default();
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
}

/// A connection straight to `uri`'s host and port, with TLS when its scheme is `https`:
/// to a server, or to a proxy (then also the inner connector of a tunnel or SOCKS).
#[derive(Clone)]
struct Direct {
    tcp: HttpConnector,
    tls: Arc<TlsSource>,
    /// The other end is a proxy: TLS offers it HTTP/1.1 only (curl's default), the
    /// language of `CONNECT` and of forwarding.
    to_proxy: bool,
}

impl Direct {
    async fn open(mut self, uri: Uri) -> Result<Stream, BoxError> {
        let tcp = self.tcp.call(uri.clone()).await?.into_inner();
        if uri.scheme_str() == Some("https") {
            self.tls
                .handshake(Stream::Tcp(tcp), &uri, self.to_proxy)
                .await
        } else {
            Ok(Stream::Tcp(tcp))
        }
    }
}

impl Service<Uri> for Direct {
    type Response = TokioIo<Stream>;
    type Error = BoxError;
    type Future = Connecting<TokioIo<Stream>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let direct = self.clone();
        Box::pin(async move { Ok(TokioIo::new(direct.open(uri).await?)) })
    }
}

impl TlsSource {
    /// The TLS handshake with `uri`'s host over `stream`; `to_proxy`: ALPN offers
    /// HTTP/1.1 only.
    async fn handshake(
        &self,
        stream: Stream,
        uri: &Uri,
        to_proxy: bool,
    ) -> Result<Stream, BoxError> {
        let host = bare_host(uri);
        let name = ServerName::try_from(host.to_owned())
            .map_err(|e| format!("{host:?} is no TLS server name: {e}"))?;
        let connector = tokio_rustls::TlsConnector::from(self.config(to_proxy)?);
        let tls = connector.connect(name, stream).await?;
        Ok(Stream::Tls(Box::new(tls)))
    }
}

/// A byte stream: TCP, or TLS over another stream (TLS to a server through a TLS proxy is
/// TLS over TLS).
pub(crate) enum Stream {
    Tcp(TcpStream),
    Tls(Box<tokio_rustls::client::TlsStream<Stream>>),
}

impl Stream {
    /// Whether ALPN chose HTTP/2.
    fn is_h2(&self) -> bool {
        match self {
            Stream::Tcp(_) => false,
            Stream::Tls(tls) => tls.get_ref().1.alpn_protocol() == Some(b"h2"),
        }
    }
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Tcp(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Tcp(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Tcp(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Stream::Tcp(s) => s.is_write_vectored(),
            Stream::Tls(s) => s.is_write_vectored(),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Tcp(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Tcp(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// An open connection: the stream, and what the [pool](super::pool) must know of it (a
/// forwarding proxy at the other end, HTTP/2 chosen by ALPN).
pub(crate) struct Conn {
    io: TokioIo<Stream>,
    proxied: bool,
    h2: bool,
}

impl Conn {
    fn new(stream: Stream, proxied: bool) -> Self {
        Self {
            h2: stream.is_h2(),
            io: TokioIo::new(stream),
            proxied,
        }
    }
}

impl Conn {
    /// Whether ALPN chose HTTP/2, whether a forwarding proxy is at the other end, and
    /// the stream.
    pub(crate) fn into_parts(self) -> (bool, bool, TokioIo<Stream>) {
        (self.h2, self.proxied, self.io)
    }
}

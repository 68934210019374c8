//! Loopback proxies for the tests, small and on tokio: an HTTP forward proxy (absolute-form
//! requests and `CONNECT` tunnels), also over TLS (an `https://` proxy), and a SOCKS5 proxy
//! (no auth or username/password). Each records what it was asked for, so a test can show
//! the traffic went through it.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// What a proxy was asked: `"GET http://h:p/path"`, `"CONNECT h:p"`, `"SOCKS5 h:p"`, with
/// the credentials it was given (`Proxy-Authorization` value, or SOCKS `user:password`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub request: String,
    pub auth: Option<String>,
}

/// A proxy listening on 127.0.0.1; stops when dropped.
pub struct Proxy {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    task: JoinHandle<()>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Proxy {
    /// An HTTP forward proxy.
    pub async fn http() -> Proxy {
        Self::start(|stream, seen| Box::pin(forward(stream, seen))).await
    }

    /// An HTTP forward proxy spoken to over TLS (`https://` proxy URLs), with `tls`.
    pub async fn https(tls: rustls::ServerConfig) -> Proxy {
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(tls));
        Self::start(move |stream, seen| {
            let acceptor = acceptor.clone();
            Box::pin(async move { forward(acceptor.accept(stream).await?, seen).await })
        })
        .await
    }

    /// A SOCKS5 proxy; with `credentials`, only that `user:password` is accepted.
    pub async fn socks5(credentials: Option<(&'static str, &'static str)>) -> Proxy {
        Self::start(move |stream, seen| Box::pin(socks5(stream, seen, credentials))).await
    }

    async fn start<F>(handle: F) -> Proxy
    where
        F: Fn(
                TcpStream,
                Arc<Mutex<Vec<Seen>>>,
            ) -> std::pin::Pin<Box<dyn Future<Output = std::io::Result<()>> + Send>>
            + Send
            + Sync
            + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let shared = Arc::clone(&seen);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(handle(stream, Arc::clone(&shared)));
            }
        });
        Proxy { addr, seen, task }
    }

    /// `127.0.0.1:port`.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// What it was asked so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// One connection of the HTTP proxy: `CONNECT host:port` opens a tunnel; an absolute-form
/// request is sent on in origin form (with `Connection: close`, so each connection
/// carries one request).
async fn forward<S>(stream: S, seen: Arc<Mutex<Vec<Seen>>>) -> std::io::Result<()>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let mut client = BufReader::new(stream);
    let mut head = Vec::new();
    loop {
        let mut line = String::new();
        if client.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let end = line == "\r\n";
        head.push(line);
        if end {
            break;
        }
    }
    let request_line = head[0].trim_end().to_owned();
    let mut parts = request_line.split(' ');
    let (method, target) = (
        parts.next().unwrap_or("").to_owned(),
        parts.next().unwrap_or("").to_owned(),
    );
    let auth = head.iter().find_map(|h| {
        let (name, value) = h.split_once(':')?;
        name.eq_ignore_ascii_case("proxy-authorization")
            .then(|| value.trim().to_owned())
    });
    seen.lock().unwrap().push(Seen {
        request: format!("{method} {target}"),
        auth,
    });
    if method == "CONNECT" {
        let mut upstream = TcpStream::connect(&target).await?;
        client
            .get_mut()
            .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            .await?;
        tokio::io::copy_bidirectional(&mut client, &mut upstream).await?;
        return Ok(());
    }
    let url = url::Url::parse(&target).map_err(std::io::Error::other)?;
    let host = format!(
        "{}:{}",
        url.host_str().unwrap_or("127.0.0.1"),
        url.port_or_known_default().unwrap_or(80)
    );
    let mut upstream = TcpStream::connect(&host).await?;
    let path = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    };
    let mut out = format!("{method} {path} HTTP/1.1\r\n");
    for h in &head[1..head.len() - 1] {
        let name = h.split(':').next().unwrap_or("").to_ascii_lowercase();
        if !matches!(
            name.as_str(),
            "proxy-authorization" | "proxy-connection" | "connection"
        ) {
            out.push_str(h);
        }
    }
    out.push_str("Connection: close\r\n\r\n");
    upstream.write_all(out.as_bytes()).await?;
    tokio::io::copy_bidirectional(&mut client, &mut upstream).await?;
    Ok(())
}

/// One connection of the SOCKS5 proxy (RFC 1928, RFC 1929 for username/password).
async fn socks5(
    mut stream: TcpStream,
    seen: Arc<Mutex<Vec<Seen>>>,
    credentials: Option<(&'static str, &'static str)>,
) -> std::io::Result<()> {
    let mut greeting = [0u8; 2];
    stream.read_exact(&mut greeting).await?;
    let mut methods = vec![0u8; usize::from(greeting[1])];
    stream.read_exact(&mut methods).await?;
    let mut auth = None;
    if let Some((user, password)) = credentials {
        if !methods.contains(&2) {
            stream.write_all(&[5, 0xff]).await?;
            return Ok(());
        }
        stream.write_all(&[5, 2]).await?;
        let mut version_len = [0u8; 2];
        stream.read_exact(&mut version_len).await?;
        let mut name = vec![0u8; usize::from(version_len[1])];
        stream.read_exact(&mut name).await?;
        let mut len = [0u8; 1];
        stream.read_exact(&mut len).await?;
        let mut pass = vec![0u8; usize::from(len[0])];
        stream.read_exact(&mut pass).await?;
        let given = format!(
            "{}:{}",
            String::from_utf8_lossy(&name),
            String::from_utf8_lossy(&pass)
        );
        let ok = given == format!("{user}:{password}");
        stream.write_all(&[1, if ok { 0 } else { 1 }]).await?;
        if !ok {
            return Ok(());
        }
        auth = Some(given);
    } else {
        stream.write_all(&[5, 0]).await?;
    }
    let mut request = [0u8; 4];
    stream.read_exact(&mut request).await?;
    let host = match request[3] {
        1 => {
            let mut ip = [0u8; 4];
            stream.read_exact(&mut ip).await?;
            std::net::Ipv4Addr::from(ip).to_string()
        }
        3 => {
            let mut len = [0u8; 1];
            stream.read_exact(&mut len).await?;
            let mut name = vec![0u8; usize::from(len[0])];
            stream.read_exact(&mut name).await?;
            String::from_utf8_lossy(&name).into_owned()
        }
        _ => {
            let mut ip = [0u8; 16];
            stream.read_exact(&mut ip).await?;
            format!("[{}]", std::net::Ipv6Addr::from(ip))
        }
    };
    let mut port = [0u8; 2];
    stream.read_exact(&mut port).await?;
    let target = format!("{host}:{}", u16::from_be_bytes(port));
    seen.lock().unwrap().push(Seen {
        request: format!("SOCKS5 {target}"),
        auth,
    });
    let mut upstream = TcpStream::connect(&target).await?;
    stream.write_all(&[5, 0, 0, 1, 0, 0, 0, 0, 0, 0]).await?;
    tokio::io::copy_bidirectional(&mut stream, &mut upstream).await?;
    Ok(())
}

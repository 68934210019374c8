//! HTTPS for the test server: certificates made on the spot with rcgen (a private CA that
//! signs the server's certificate, and client certificates for mutual TLS), and a TLS
//! accept loop (tokio-rustls) that serves the same routes over HTTP/1.1 or h2, chosen by
//! ALPN.
//!
//! Over TLS every route works except `/reset`, which needs the plain listener's
//! connection handle (it answers 500).
//!
//! ```
//! use fetcher::server::Server;
//! use fetcher::server::tls::{CertAuthority, ServerTls};
//! use fetcher::tls::TlsConfig;
//! use fetcher::{Fetcher, FetcherConfig, HttpRequest};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let ca = CertAuthority::new("fetcher test CA")?;
//! let server = Server::start_tls("127.0.0.1:0".parse()?, &ServerTls::new(ca.issue_server()?)).await?;
//! assert!(server.url("/get").starts_with("https://127.0.0.1:"));
//!
//! let dir = tempfile::tempdir()?;
//! let ca_file = dir.path().join("ca.pem");
//! std::fs::write(&ca_file, ca.cert_pem())?;
//! let tls = TlsConfig { ca_files: vec![ca_file], ..TlsConfig::default() };
//! let fetcher = Fetcher::new(FetcherConfig { tls, ..FetcherConfig::default() })?;
//! let response = fetcher.fetch_single(&HttpRequest::get(server.url("/get"))).await?;
//! assert_eq!(response.status, 200);
//! # Ok(()) }
//! ```

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_util::task::TaskTracker;

use super::{Server, ServerState, router};

/// Names a generated server certificate is valid for.
pub const SERVER_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// A certificate and its private key, both PEM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The certificate (chain), PEM.
    pub cert_pem: String,
    /// The private key, PEM (PKCS#8).
    pub key_pem: String,
}

/// A private certificate authority made on the spot, to issue server and client
/// certificates for tests and `fetcher serve --tls`.
pub struct CertAuthority {
    issuer: Issuer<'static, KeyPair>,
    cert_pem: String,
}

impl std::fmt::Debug for CertAuthority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertAuthority").finish_non_exhaustive()
    }
}

fn tls_error(e: rcgen::Error) -> io::Error {
    io::Error::other(format!("cannot make a certificate: {e}"))
}

impl CertAuthority {
    /// A new CA with a fresh key, named `name`.
    ///
    /// # Errors
    /// rcgen's error, as an I/O error.
    pub fn new(name: &str) -> io::Result<Self> {
        let mut params = CertificateParams::new(Vec::<String>::new()).map_err(tls_error)?;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let key = KeyPair::generate().map_err(tls_error)?;
        let cert = params.self_signed(&key).map_err(tls_error)?;
        Ok(Self {
            issuer: Issuer::new(params, key),
            cert_pem: cert.pem(),
        })
    }

    /// The CA's certificate, PEM: what a client trusts (`--cacert`).
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// A server certificate for [`SERVER_NAMES`].
    ///
    /// # Errors
    /// rcgen's error, as an I/O error.
    pub fn issue_server(&self) -> io::Result<Identity> {
        self.issue(&SERVER_NAMES, ExtendedKeyUsagePurpose::ServerAuth)
    }

    /// A client certificate for mutual TLS, with common name `name`.
    ///
    /// # Errors
    /// rcgen's error, as an I/O error.
    pub fn issue_client(&self, name: &str) -> io::Result<Identity> {
        self.issue(&[name], ExtendedKeyUsagePurpose::ClientAuth)
    }

    fn issue(&self, names: &[&str], usage: ExtendedKeyUsagePurpose) -> io::Result<Identity> {
        let sans: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let mut params = CertificateParams::new(sans).map_err(tls_error)?;
        params.distinguished_name.push(
            DnType::CommonName,
            names.first().copied().unwrap_or("fetcher"),
        );
        params.extended_key_usages = vec![usage];
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ];
        let key = KeyPair::generate().map_err(tls_error)?;
        let cert = params.signed_by(&key, &self.issuer).map_err(tls_error)?;
        Ok(Identity {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        })
    }
}

/// How the server speaks TLS: its certificate and, to require client certificates, the
/// CA that must have issued them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerTls {
    /// The server's certificate and key.
    pub identity: Identity,
    /// PEM certificates of the CAs whose client certificates are accepted; `None` = no
    /// client certificate asked for.
    pub client_ca_pem: Option<String>,
}

impl ServerTls {
    /// TLS with `identity` and no client certificates.
    pub fn new(identity: Identity) -> Self {
        Self {
            identity,
            client_ca_pem: None,
        }
    }

    /// The rustls configuration (ALPN: h2, then HTTP/1.1), for a server of one's own
    /// (the tests' HTTPS proxy).
    ///
    /// # Errors
    /// A certificate or key that cannot be used.
    pub fn rustls_config(&self) -> io::Result<rustls::ServerConfig> {
        let invalid = |what: &str, e: &dyn std::fmt::Display| {
            io::Error::new(io::ErrorKind::InvalidInput, format!("{what}: {e}"))
        };
        let chain = certs(&self.identity.cert_pem).map_err(|e| invalid("certificate", &e))?;
        let key = PrivateKeyDer::from_pem_slice(self.identity.key_pem.as_bytes())
            .map_err(|e| invalid("private key", &e))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ServerConfig::builder_with_provider(Arc::clone(&provider))
            .with_safe_default_protocol_versions()
            .map_err(|e| invalid("TLS versions", &e))?;
        let builder = match &self.client_ca_pem {
            None => builder.with_no_client_auth(),
            Some(pem) => {
                let mut roots = rustls::RootCertStore::empty();
                for cert in certs(pem).map_err(|e| invalid("client CA", &e))? {
                    roots.add(cert).map_err(|e| invalid("client CA", &e))?;
                }
                let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                    Arc::new(roots),
                    provider,
                )
                .build()
                .map_err(|e| invalid("client CA", &e))?;
                builder.with_client_cert_verifier(verifier)
            }
        };
        let mut config = builder
            .with_single_cert(chain, key)
            .map_err(|e| invalid("certificate and key", &e))?;
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(config)
    }
}

fn certs(pem: &str) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs = CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    if certs.is_empty() {
        return Err("no PEM certificate".into());
    }
    Ok(certs)
}

impl Server {
    /// Like [`Server::start`], over TLS: HTTPS with HTTP/1.1 or h2 by ALPN, and client
    /// certificates required when `tls` names a client CA.
    ///
    /// # Errors
    /// A certificate or key that cannot be used, or the bind error.
    pub async fn start_tls(addr: SocketAddr, tls: &ServerTls) -> io::Result<Server> {
        let acceptor = TlsAcceptor::from(Arc::new(tls.rustls_config()?));
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(ServerState::default());
        let app = router(Arc::clone(&state));
        let token = state.shutdown.clone();
        let counted = Arc::clone(&state);
        let task = tokio::spawn(async move {
            let connections = TaskTracker::new();
            loop {
                let accepted = tokio::select! {
                    () = token.cancelled() => break,
                    accepted = listener.accept() => accepted,
                };
                let Ok((tcp, _peer)) = accepted else {
                    continue;
                };
                counted.connections.fetch_add(1, Ordering::SeqCst);
                let (acceptor, app, token) = (acceptor.clone(), app.clone(), token.clone());
                connections.spawn(async move {
                    let stream = match acceptor.accept(tcp).await {
                        Ok(stream) => stream,
                        Err(e) => {
                            tracing::debug!("test server: TLS handshake failed: {e}");
                            return;
                        }
                    };
                    let builder = auto::Builder::new(TokioExecutor::new());
                    let connection = builder.serve_connection_with_upgrades(
                        TokioIo::new(stream),
                        TowerToHyperService::new(app),
                    );
                    tokio::pin!(connection);
                    tokio::select! {
                        _ = connection.as_mut() => {}
                        () = token.cancelled() => {
                            connection.as_mut().graceful_shutdown();
                            let _ = connection.await;
                        }
                    }
                });
            }
            connections.close();
            connections.wait().await;
        });
        Ok(Server {
            addr,
            scheme: "https",
            state,
            task: Some(task),
        })
    }
}

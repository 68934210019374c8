//! TLS trust and identity of the client, with curl's meanings: extra trusted certificates
//! (`--cacert`), no verification at all (`-k/--insecure`), and a client certificate for
//! mutual TLS (`--cert`/`--key`).
//!
//! Certificates given as CA files are added to the system's roots (the platform verifier
//! rustls-platform-verifier, as reqwest's default). As curl does, a
//! certificate given as a CA file is also trusted *as itself*: a server presenting exactly
//! that certificate (a self-signed one made by `openssl req -x509`, which is marked CA:TRUE
//! and which webpki therefore rejects as `CaUsedAsEndEntity`) is accepted, provided it names
//! the host. Everything else goes through the usual chain verification.
//!
//! ```
//! use fetcher::{Fetcher, FetcherConfig};
//! use fetcher::tls::TlsConfig;
//!
//! // The same as `curl --cacert ca.pem --cert client.pem --key client.key`:
//! let tls = TlsConfig {
//!     ca_files: vec!["ca.pem".into()],
//!     client_cert: Some(("client.pem".into(), "client.key".into())),
//!     ..TlsConfig::default()
//! };
//! // Files are read when the fetcher is built; a missing one is an error naming the flag.
//! let err = Fetcher::new(FetcherConfig { tls, ..FetcherConfig::default() }).unwrap_err();
//! assert!(err.to_string().contains("--cacert ca.pem"));
//! ```

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

use crate::error::ConfigError;

/// TLS settings of a [`Fetcher`](crate::Fetcher); the default trusts the system's roots.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlsConfig {
    /// PEM files of certificates to trust besides the system's roots (curl `--cacert`); a
    /// certificate in them is also accepted when a server presents exactly it.
    pub ca_files: Vec<PathBuf>,
    /// Accept any server certificate (curl `-k/--insecure`). The CLI warns once.
    pub insecure: bool,
    /// Client certificate chain and private key, both PEM (curl `--cert` and `--key`), for
    /// servers that require mutual TLS.
    pub client_cert: Option<(PathBuf, PathBuf)>,
}

impl TlsConfig {
    /// Whether this is the default (system roots, no client certificate).
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

/// The rustls configuration for `config`, or `None` for the default, which the transport
/// builds with [`platform_config`] when it first needs it. ALPN offers h2 and HTTP/1.1 (h2
/// only with `http2_only`).
pub(crate) fn client_config(
    config: &TlsConfig,
    http2_only: bool,
) -> Result<Option<rustls::ClientConfig>, ConfigError> {
    if config.is_default() {
        return Ok(None);
    }
    build(config, http2_only).map(Some)
}

/// The default configuration: the system's roots (rustls-platform-verifier), no client
/// certificate.
pub(crate) fn platform_config(http2_only: bool) -> Result<rustls::ClientConfig, ConfigError> {
    build(&TlsConfig::default(), http2_only)
}

fn build(config: &TlsConfig, http2_only: bool) -> Result<rustls::ClientConfig, ConfigError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut extra = Vec::new();
    for path in &config.ca_files {
        extra.extend(read_certs(path, "--cacert")?);
    }
    let verifier: Arc<dyn ServerCertVerifier> = if config.insecure {
        Arc::new(AcceptAny(Arc::clone(&provider)))
    } else {
        let platform = rustls_platform_verifier::Verifier::new_with_extra_roots(
            extra.iter().cloned(),
            Arc::clone(&provider),
        )
        .map_err(|e| ConfigError::Tls {
            flag: "--cacert",
            path: joined(&config.ca_files),
            why: e.to_string(),
        })?;
        Arc::new(PinnedOrChain {
            pinned: extra,
            chain: Arc::new(platform),
        })
    };
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ConfigError::Client(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let mut tls = match &config.client_cert {
        None => builder.with_no_client_auth(),
        Some((cert, key)) => {
            let chain = read_certs(cert, "--cert")?;
            let key_der = PrivateKeyDer::from_pem_file(key).map_err(|e| ConfigError::Tls {
                flag: "--key",
                path: key.display().to_string(),
                why: format!("no PEM private key ({e})"),
            })?;
            builder
                .with_client_auth_cert(chain, key_der)
                .map_err(|e| ConfigError::Tls {
                    flag: "--key",
                    path: key.display().to_string(),
                    why: format!("does not fit --cert {} ({e})", cert.display()),
                })?
        }
    };
    tls.alpn_protocols = if http2_only {
        vec![b"h2".to_vec()]
    } else {
        vec![b"h2".to_vec(), b"http/1.1".to_vec()]
    };
    Ok(tls)
}

/// The certificates of a PEM file; none at all is an error.
fn read_certs(
    path: &Path,
    flag: &'static str,
) -> Result<Vec<CertificateDer<'static>>, ConfigError> {
    let error = |why: String| ConfigError::Tls {
        flag,
        path: path.display().to_string(),
        why,
    };
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|e| error(format!("cannot read it ({e})")))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| error(format!("not PEM certificates ({e})")))?;
    if certs.is_empty() {
        return Err(error("holds no PEM certificate".into()));
    }
    Ok(certs)
}

fn joined(paths: &[PathBuf]) -> String {
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    names.join(", ")
}

/// Chain verification, except that a server certificate byte-equal to one given as a CA
/// file is accepted as itself (when it names the host), as curl and OpenSSL do.
#[derive(Debug)]
struct PinnedOrChain {
    pinned: Vec<CertificateDer<'static>>,
    chain: Arc<dyn ServerCertVerifier>,
}

impl ServerCertVerifier for PinnedOrChain {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verdict = self.chain.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        );
        match verdict {
            Err(_)
                if self
                    .pinned
                    .iter()
                    .any(|c| c.as_ref() == end_entity.as_ref()) =>
            {
                let parsed = rustls::server::ParsedCertificate::try_from(end_entity)?;
                rustls::client::verify_server_name(&parsed, server_name)?;
                Ok(ServerCertVerified::assertion())
            }
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.chain.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.chain.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.chain.supported_verify_schemes()
    }
}

/// `--insecure`: any certificate, any name; the handshake signatures are still checked.
#[derive(Debug)]
struct AcceptAny(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAny {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

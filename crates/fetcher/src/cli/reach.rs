//! Flags that decide how a request reaches its server, with curl's names: TLS trust
//! (`--cacert`, `-k`, `--cert`/`--key`), proxies (`-x/--proxy`, `--noproxy`), cookies
//! (`--cookies`, `--cookie-jar`), `-A/--user-agent`, and the request body (`-d`,
//! `--data-binary`, `--data-raw`, `-F/--form`).
//!
//! They are converted once, in [`ReachArgs::apply`], into the library's
//! [`FetcherConfig`] fields and the body of the run's request template; files are read
//! when the fetcher is built, before any request, so a bad one is one error line naming
//! its flag.

use std::path::PathBuf;

use clap::Args;

use super::CliError;
use crate::FetcherConfig;
use crate::cookies::CookieConfig;
use crate::proxy::{ProxyConfig, ProxySource};
use crate::tls::TlsConfig;
use crate::upload::{FormValue, Upload};

/// TLS, proxy, cookie, User-Agent and body flags of a fetch run, as typed.
#[derive(Debug, Args)]
pub struct ReachArgs {
    /// PEM file of certificates to trust besides the system's (repeatable); a
    /// self-signed server certificate given here is trusted as itself, as curl does.
    #[arg(long, value_name = "FILE", help_heading = "TLS")]
    pub cacert: Vec<PathBuf>,
    /// Do not verify server certificates (warns once on stderr).
    #[arg(short = 'k', long, help_heading = "TLS")]
    pub insecure: bool,
    /// Client certificate (PEM) for servers that require one; it may hold the key too.
    #[arg(long, value_name = "FILE", help_heading = "TLS")]
    pub cert: Option<PathBuf>,
    /// Private key (PEM) of --cert.
    #[arg(long, value_name = "FILE", requires = "cert", help_heading = "TLS")]
    pub key: Option<PathBuf>,

    /// Proxy for every request: http://, https://, socks5:// or socks5h:// (DNS through
    /// the proxy), with user:password@ if needed; '' for none. Default: the http_proxy,
    /// https_proxy, all_proxy variables.
    #[arg(short = 'x', long, value_name = "URL", help_heading = "Proxy")]
    pub proxy: Option<String>,
    /// Hosts that bypass the proxy: names (and their subdomains), IPs, networks, or *;
    /// overrides no_proxy.
    #[arg(long, value_name = "LIST", help_heading = "Proxy")]
    pub noproxy: Option<String>,

    /// Keep the cookies servers set and send them back, across redirects and requests.
    #[arg(long, help_heading = "Cookies")]
    pub cookies: bool,
    /// Load cookies from FILE (Netscape format, as curl -b/-c) and save them there at the
    /// end; implies --cookies.
    #[arg(long, value_name = "FILE", help_heading = "Cookies")]
    pub cookie_jar: Option<PathBuf>,

    /// User-Agent header (default fetcher/VERSION; '' for none).
    #[arg(short = 'A', long, value_name = "TEXT")]
    pub user_agent: Option<String>,

    /// Body of requests that give none, sent as it is: @FILE streamed from disk, or text.
    #[arg(long, value_name = "@FILE|TEXT", conflicts_with_all = ["data", "data_raw", "form"], help_heading = "Request body")]
    pub data_binary: Option<String>,
    /// Text body of requests that give none (no @FILE meaning).
    #[arg(long, value_name = "TEXT", conflicts_with_all = ["data", "form"], help_heading = "Request body")]
    pub data_raw: Option<String>,
    /// Form field NAME=VALUE, or NAME=@FILE for a file (repeatable): URL-encoded, or
    /// multipart as soon as one field is a file.
    #[arg(
        short = 'F',
        long,
        value_name = "NAME=VALUE",
        conflicts_with = "data",
        help_heading = "Request body"
    )]
    pub form: Vec<String>,
}

/// The body of the run's request template: a JSON value (`-d JSON`) or another upload.
pub type TemplateBody = (Option<serde_json::Value>, Option<Upload>);

fn usage(message: impl Into<String>) -> CliError {
    CliError::Usage(message.into())
}

/// Splits `NAME=VALUE` of a form field.
pub fn parse_form_field(text: &str) -> Result<(String, FormValue), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_owned(), FormValue::parse(value))),
        _ => Err(format!(
            "invalid form field '{text}': write it as NAME=VALUE or NAME=@FILE"
        )),
    }
}

impl ReachArgs {
    /// Sets the TLS, proxy, cookie and User-Agent fields of `config`, and returns the body
    /// of the request template from these flags and `-d` (`data`).
    ///
    /// # Errors
    /// A usage error for `-d` text that is not JSON or a form field without `=`.
    pub fn apply(
        self,
        data: Option<&str>,
        config: &mut FetcherConfig,
    ) -> Result<TemplateBody, CliError> {
        let key = self.key.or_else(|| self.cert.clone());
        config.tls = TlsConfig {
            ca_files: self.cacert,
            insecure: self.insecure,
            client_cert: self.cert.zip(key),
        };
        config.proxy = ProxyConfig {
            source: match self.proxy {
                None => ProxySource::Env,
                Some(url) if url.trim().is_empty() => ProxySource::Off,
                Some(url) => ProxySource::Url(url),
            },
            no_proxy: self.noproxy,
        };
        config.cookies = CookieConfig {
            enabled: self.cookies,
            jar_file: self.cookie_jar,
        };
        if let Some(agent) = self.user_agent {
            config.user_agent = agent;
        }
        let file = |text: &str, json: bool| {
            text.strip_prefix('@').map(|path| Upload::File {
                path: PathBuf::from(path),
                json,
            })
        };
        Ok(if let Some(text) = data {
            match file(text, true) {
                Some(upload) => (None, Some(upload)),
                None => (
                    Some(serde_json::from_str(text).map_err(|e| {
                        usage(format!(
                            "--data is not JSON ({e}); quote a string as '\"text\"', send text with --data-raw, or a file with -d @FILE"
                        ))
                    })?),
                    None,
                ),
            }
        } else if let Some(text) = self.data_binary {
            let upload = file(&text, false).unwrap_or(Upload::Text(text));
            (None, Some(upload))
        } else if let Some(text) = self.data_raw {
            (None, Some(Upload::Text(text)))
        } else if !self.form.is_empty() {
            let fields = self
                .form
                .iter()
                .map(|f| parse_form_field(f))
                .collect::<Result<Vec<_>, _>>()
                .map_err(usage)?;
            (None, Some(Upload::Form(fields)))
        } else {
            (None, None)
        })
    }
}

//! Proxies, with curl's names: `--proxy URL` (`http://`, `https://`, `socks5://`,
//! `socks5h://`, credentials as `user:password@`), `--noproxy LIST`, `--proxy ''` for none,
//! and by default the standard environment variables.
//!
//! The variables are `http_proxy`, `https_proxy`, `all_proxy` and `no_proxy`, each also in
//! upper case (upper case wins, as in reqwest). `HTTP_PROXY` in upper case is honoured
//! except when `REQUEST_METHOD` is set, that is inside a CGI script, where a client's
//! `Proxy:` header arrives as `HTTP_PROXY` ("httpoxy"); curl ignores upper-case
//! `HTTP_PROXY` always, reqwest and Go do what we do. `no_proxy` (and `--noproxy`) is a
//! comma-separated list of host names (matching subdomains too), IP addresses or networks
//! (`10.0.0.0/8`), or `*` for every host. When no `no_proxy` variable is set at all, the
//! environment's proxies skip `localhost`, `127.0.0.1` and `::1` (as Go's `net/http`
//! does), so a shell's proxy settings never break a run against a local server; set
//! `no_proxy=` (empty) to send loopback traffic through them too. A proxy given with
//! `--proxy` applies to every host not in `--noproxy` (or `no_proxy`), loopback included.
//!
//! ```
//! use fetcher::{Fetcher, FetcherConfig};
//! use fetcher::proxy::{ProxyConfig, ProxySource};
//!
//! // curl -x socks5h://user:secret@127.0.0.1:1080 --noproxy internal.example
//! let proxy = ProxyConfig {
//!     source: ProxySource::Url("socks5h://user:secret@127.0.0.1:1080".into()),
//!     no_proxy: Some("internal.example".into()),
//! };
//! assert!(Fetcher::new(FetcherConfig { proxy, ..FetcherConfig::default() }).is_ok());
//!
//! let bad = ProxyConfig { source: ProxySource::Url("ftp://h:1".into()), no_proxy: None };
//! let err = Fetcher::new(FetcherConfig { proxy: bad, ..FetcherConfig::default() }).unwrap_err();
//! assert!(err.to_string().starts_with("--proxy"));
//! ```

use hyper_util::client::proxy::matcher::{Builder, Matcher};
use url::Url;

use crate::error::ConfigError;

/// Which proxy a [`Fetcher`](crate::Fetcher) uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ProxySource {
    /// The environment's `http_proxy`, `https_proxy`, `all_proxy` (the default).
    #[default]
    Env,
    /// No proxy, whatever the environment says (`--proxy ''`).
    Off,
    /// This proxy for every request (`--proxy URL`); an empty string means [`Self::Off`].
    Url(String),
}

/// Proxy settings: where the proxy comes from and which hosts bypass it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxyConfig {
    /// The proxy.
    pub source: ProxySource,
    /// Hosts that go direct (`--noproxy`); `None` = the `no_proxy` variable.
    pub no_proxy: Option<String>,
}

impl ProxyConfig {
    /// No proxy at all: what a client of a local test server wants.
    pub fn off() -> Self {
        Self {
            source: ProxySource::Off,
            no_proxy: None,
        }
    }
}

/// hyper-util's matcher setter of a proxy for some destinations (`Builder::http`, ..).
type SetProxy = fn(Builder, String) -> Builder;

/// What the environment's proxies skip when no `no_proxy` variable is set.
const LOOPBACK: &str = "localhost,127.0.0.1,::1";

/// The first of `names` that is set in the environment, with its name.
fn env_first(names: &[&'static str]) -> Option<(&'static str, String)> {
    names
        .iter()
        .find_map(|name| std::env::var(name).ok().map(|value| (*name, value)))
}

/// The proxies of `config` as hyper-util's matcher, `None` when every request goes direct
/// (hyper-util's own environment lookup is not used, so what is used is exactly what this
/// module decides).
pub(crate) fn matcher(config: &ProxyConfig) -> Result<Option<Matcher>, ConfigError> {
    let env_no_proxy = || env_first(&["NO_PROXY", "no_proxy"]).map(|(_, value)| value);
    match &config.source {
        ProxySource::Off => Ok(None),
        ProxySource::Url(url) if url.trim().is_empty() => Ok(None),
        ProxySource::Url(url) => {
            let bypass = config.no_proxy.clone().or_else(env_no_proxy);
            let proxy_url = checked(url, "--proxy")?;
            if bypass.as_deref().is_some_and(bypasses_all) {
                return Ok(None);
            }
            let builder = Matcher::builder().all(proxy_url);
            Ok(Some(builder.no(bypass.unwrap_or_default()).build()))
        }
        ProxySource::Env => {
            let bypass = config
                .no_proxy
                .clone()
                .or_else(env_no_proxy)
                .unwrap_or_else(|| LOOPBACK.to_owned());
            let all_direct = bypasses_all(&bypass);
            let cgi = std::env::var_os("REQUEST_METHOD").is_some();
            let http_names: &[&'static str] = if cgi {
                &["http_proxy"]
            } else {
                &["HTTP_PROXY", "http_proxy"]
            };
            let kinds: [(&[&'static str], SetProxy); 3] = [
                (http_names, Builder::http),
                (&["HTTPS_PROXY", "https_proxy"], Builder::https),
                (&["ALL_PROXY", "all_proxy"], Builder::all),
            ];
            let mut builder = Matcher::builder().no(bypass);
            let mut any = false;
            for (names, set) in kinds {
                let Some((name, value)) = env_first(names) else {
                    continue;
                };
                if value.trim().is_empty() {
                    continue;
                }
                let proxy_url = checked(&value, name)?;
                builder = set(builder, proxy_url);
                any = true;
            }
            Ok((any && !all_direct).then(|| builder.build()))
        }
    }
}

/// Whether a no-proxy list holds `*`, which sends every host direct (hyper-util's matcher
/// applies `*` to names only, not to IP addresses).
fn bypasses_all(list: &str) -> bool {
    list.split(',').any(|entry| entry.trim() == "*")
}

/// Parses a proxy URL (a bare `host:port` is `http://host:port`, as curl reads it), checks
/// its scheme and host and gives a SOCKS proxy its port (1080, as curl; `http` and
/// `https` have theirs); `source` names the flag or variable in the error.
fn checked(text: &str, source: &'static str) -> Result<String, ConfigError> {
    let text = text.trim();
    let full = if text.contains("://") {
        text.to_owned()
    } else {
        format!("http://{text}")
    };
    let mut url = Url::parse(&full).map_err(|e| invalid(source, text, &e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https" | "socks5" | "socks5h") {
        return Err(invalid(
            source,
            text,
            &format!(
                "scheme {:?} is not http, https, socks5 or socks5h",
                url.scheme()
            ),
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid(source, text, "no host"));
    }
    if url.port_or_known_default().is_none() {
        url.set_port(Some(1080))
            .map_err(|()| invalid(source, text, "no port can be set"))?;
    }
    Ok(url.into())
}

fn invalid(source: &'static str, value: &str, why: &str) -> ConfigError {
    ConfigError::Proxy {
        source_name: source,
        value: crate::redact::url(value).into_owned(),
        why: why.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_urls_are_checked() {
        assert_eq!(
            checked("127.0.0.1:3128", "--proxy").unwrap(),
            "http://127.0.0.1:3128/"
        );
        assert_eq!(
            checked("socks5h://u:p@h", "--proxy").unwrap(),
            "socks5h://u:p@h:1080"
        );
        assert_eq!(checked("https://h", "--proxy").unwrap(), "https://h/");
        assert!(checked("socks5h://u:p@h:1080", "--proxy").is_ok());
        for bad in ["ftp://h:1", "http://", "http://[::1"] {
            let err = checked(bad, "--proxy").unwrap_err().to_string();
            assert!(err.starts_with("--proxy"), "{bad}: {err}");
        }
        let err = checked("gopher://u:secret@h", "--proxy").unwrap_err();
        assert!(!err.to_string().contains("secret"), "{err}");
    }
}

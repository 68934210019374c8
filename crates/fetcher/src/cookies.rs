//! Cookies: a jar kept for a fetcher's lifetime (`--cookies`), optionally loaded from and
//! saved to a file in the Netscape format that curl's `-b`/`-c` read and write
//! (`--cookie-jar FILE`).
//!
//! Cookies set by a server are sent back by domain and path (RFC 6265, with
//! [`cookie_store`]), on redirects and on later requests to the same site. A jar file
//! holds one cookie per line, seven tab-separated fields: domain (a leading `.` or the
//! second field `TRUE` means subdomains match too), include-subdomains, path, secure,
//! expiry (Unix seconds, `0` for a session cookie), name, value; `#HttpOnly_` before the
//! domain marks an HTTP-only cookie. Other lines starting with `#` and blank lines are
//! comments. Expired cookies are dropped on load and on save; session cookies are saved,
//! as curl does.
//!
//! ```
//! use fetcher::cookies::CookieJar;
//! let jar = CookieJar::from_netscape(
//!     "# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t0\tsession\tabc\n",
//! ).unwrap();
//! assert_eq!(jar.len(), 1);
//! assert!(jar.to_netscape().contains("127.0.0.1\tFALSE\t/\tFALSE\t0\tsession\tabc"));
//! ```

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cookie_store::{CookieDomain, CookieExpiration, CookieStore, RawCookie};
use http::header::{HeaderMap, HeaderValue, SET_COOKIE};
use url::Url;

use crate::error::ConfigError;

/// Cookie settings of a [`Fetcher`](crate::Fetcher); the default keeps no cookies (as
/// curl).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CookieConfig {
    /// Keep the cookies servers set and send them back (`--cookies`).
    pub enabled: bool,
    /// Load the jar from this Netscape-format file when the fetcher is built (a missing
    /// file is an empty jar) and save it there with
    /// [`Fetcher::save_cookies`](crate::Fetcher::save_cookies) (`--cookie-jar`; implies
    /// `enabled`).
    pub jar_file: Option<PathBuf>,
}

impl CookieConfig {
    /// Whether a jar is kept at all.
    pub fn is_enabled(&self) -> bool {
        self.enabled || self.jar_file.is_some()
    }
}

/// A thread-safe cookie jar, filled from every `Set-Cookie` a fetcher receives (on each
/// redirect hop too) and read for the `Cookie` of every request it sends.
pub struct CookieJar {
    store: Mutex<CookieStore>,
}

impl fmt::Debug for CookieJar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CookieJar")
            .field("cookies", &self.len())
            .finish()
    }
}

impl Default for CookieJar {
    fn default() -> Self {
        Self {
            store: Mutex::new(CookieStore::new()),
        }
    }
}

impl CookieJar {
    fn lock(&self) -> MutexGuard<'_, CookieStore> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Cookies held that have not expired.
    pub fn len(&self) -> usize {
        self.lock().iter_unexpired().count()
    }

    /// Whether the jar holds no unexpired cookie.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `name=value` pairs that a request to `url` would send.
    pub fn matching(&self, url: &str) -> Vec<(String, String)> {
        let Ok(url) = Url::parse(url) else {
            return Vec::new();
        };
        self.lock()
            .get_request_values(&url)
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
            .collect()
    }

    /// A jar from Netscape-format text.
    ///
    /// # Errors
    /// Which line is not a cookie line, and why.
    pub fn from_netscape(text: &str) -> Result<Self, String> {
        let jar = Self::default();
        {
            let mut store = jar.lock();
            for (at, line) in text.lines().enumerate() {
                let (http_only, line) = match line.strip_prefix("#HttpOnly_") {
                    Some(rest) => (true, rest),
                    None => (false, line),
                };
                if line.trim().is_empty() || line.starts_with('#') {
                    continue;
                }
                let fields: Vec<&str> = line.split('\t').collect();
                let [domain, subdomains, path, secure, expires, name, value] = fields[..] else {
                    return Err(format!(
                        "line {}: not 7 tab-separated fields (domain, subdomains, path, secure, expires, name, value)",
                        at + 1
                    ));
                };
                let expires: i64 = expires
                    .trim()
                    .parse()
                    .map_err(|_| format!("line {}: expiry {expires:?} is not a number", at + 1))?;
                let host = domain.trim_start_matches('.');
                let secure = secure.eq_ignore_ascii_case("TRUE");
                let mut set_cookie = format!("{name}={value}; Path={path}");
                if subdomains.eq_ignore_ascii_case("TRUE") || domain.starts_with('.') {
                    set_cookie.push_str(&format!("; Domain={host}"));
                }
                if expires > 0 {
                    let at = UNIX_EPOCH + Duration::from_secs(expires.unsigned_abs());
                    if at <= SystemTime::now() {
                        continue;
                    }
                    set_cookie.push_str(&format!("; Expires={}", httpdate::fmt_http_date(at)));
                }
                if secure {
                    set_cookie.push_str("; Secure");
                }
                if http_only {
                    set_cookie.push_str("; HttpOnly");
                }
                let scheme = if secure { "https" } else { "http" };
                let url = Url::parse(&format!("{scheme}://{host}{path}"))
                    .map_err(|e| format!("line {}: domain {domain:?}: {e}", at + 1))?;
                store
                    .parse(&set_cookie, &url)
                    .map_err(|e| format!("line {}: {e}", at + 1))?;
            }
        }
        Ok(jar)
    }

    /// The jar as Netscape-format text (what curl's `-c` writes).
    pub fn to_netscape(&self) -> String {
        let mut out = String::from(
            "# Netscape HTTP Cookie File\n# Written by fetcher; curl -b reads it.\n\n",
        );
        for cookie in self.lock().iter_unexpired() {
            let (domain, subdomains) = match &cookie.domain {
                CookieDomain::HostOnly(host) => (host.clone(), "FALSE"),
                CookieDomain::Suffix(suffix) => (format!(".{suffix}"), "TRUE"),
                CookieDomain::NotPresent | CookieDomain::Empty => continue,
            };
            let expires = match &cookie.expires {
                CookieExpiration::AtUtc(at) => at.unix_timestamp().max(1),
                CookieExpiration::SessionEnd => 0,
            };
            if cookie.http_only() == Some(true) {
                out.push_str("#HttpOnly_");
            }
            let secure = if cookie.secure() == Some(true) {
                "TRUE"
            } else {
                "FALSE"
            };
            out.push_str(&format!(
                "{domain}\t{subdomains}\t{}\t{secure}\t{expires}\t{}\t{}\n",
                String::from(&cookie.path),
                cookie.name(),
                cookie.value()
            ));
        }
        out
    }

    /// Loads a jar file; a file that does not exist is an empty jar.
    pub(crate) fn load(path: &Path) -> Result<Self, ConfigError> {
        let error = |why: String| ConfigError::CookieJar {
            path: path.display().to_string(),
            why,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => Self::from_netscape(&text).map_err(error),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(error(format!("cannot read it ({e})"))),
        }
    }

    /// Writes the jar to `path` (through a temporary file beside it, renamed into place, so
    /// a crash never leaves half a jar).
    ///
    /// # Errors
    /// The I/O error.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let mut part = path.as_os_str().to_owned();
        part.push(".part");
        let part = PathBuf::from(part);
        std::fs::write(&part, self.to_netscape())?;
        std::fs::rename(&part, path)
    }
}

impl CookieJar {
    /// Keeps the cookies of the `Set-Cookie` headers of a response from `url`.
    pub(crate) fn store_from(&self, headers: &HeaderMap, url: &Url) {
        let mut cookies = headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| std::str::from_utf8(v.as_bytes()).ok())
            .filter_map(|text| RawCookie::parse(text.to_owned()).ok())
            .peekable();
        if cookies.peek().is_some() {
            self.lock().store_response_cookies(cookies, url);
        }
    }

    /// The `Cookie` header a request to `url` sends, if any cookie matches.
    pub(crate) fn header_for(&self, url: &Url) -> Option<HeaderValue> {
        let store = self.lock();
        let mut header = String::new();
        for (name, value) in store.get_request_values(url) {
            if !header.is_empty() {
                header.push_str("; ");
            }
            header.push_str(name);
            header.push('=');
            header.push_str(value);
        }
        (!header.is_empty())
            .then(|| HeaderValue::from_str(&header).ok())
            .flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn netscape_round_trip_keeps_flags_and_drops_expired() {
        let text = "# Netscape HTTP Cookie File\n\
            .example.org\tTRUE\t/\tTRUE\t4102444800\twide\t1\n\
            #HttpOnly_example.org\tFALSE\t/app\tFALSE\t0\thost\t2\n\
            example.org\tFALSE\t/\tFALSE\t1000\told\t3\n";
        let jar = CookieJar::from_netscape(text).unwrap();
        assert_eq!(jar.len(), 2);
        let out = jar.to_netscape();
        assert!(
            out.contains(".example.org\tTRUE\t/\tTRUE\t4102444800\twide\t1\n"),
            "{out}"
        );
        assert!(
            out.contains("#HttpOnly_example.org\tFALSE\t/app\tFALSE\t0\thost\t2\n"),
            "{out}"
        );
        assert!(!out.contains("old"));
        assert_eq!(
            jar.matching("https://www.example.org/app/x"),
            vec![("wide".to_owned(), "1".to_owned())]
        );
        assert_eq!(jar.matching("http://example.org/app/x").len(), 1);
    }

    #[test]
    fn bad_lines_are_named() {
        let err = CookieJar::from_netscape("a\tb\n").unwrap_err();
        assert!(err.starts_with("line 1:"), "{err}");
        let err = CookieJar::from_netscape("h\tFALSE\t/\tFALSE\tsoon\tn\tv\n").unwrap_err();
        assert!(err.contains("not a number"), "{err}");
    }
}

//! Redirects, followed by the fetcher itself rather than inside an HTTP client: every hop is a
//! request of its own, so the cookie jar sees each `Set-Cookie` on the way and sends what
//! matches the next URL, an upload is opened again for a 307 or 308, and the hops are
//! counted exactly for the record.
//!
//! The rules are curl's `-L` (and the browsers'): a 301, 302 or 303 turns any method but
//! `HEAD` into a `GET` without a body (RFC 9110 §15.4 allows it for 301/302 and everyone
//! does it); a 307 or 308 repeats the method and the body. Credentials given by the caller
//! (`Authorization`, `Cookie`, `Proxy-Authorization`) are not sent on once a hop leaves the
//! first origin (scheme, host, port), as curl without `--location-trusted`; cookies from the
//! jar are chosen again for every hop. No `Referer` is added (curl adds none without
//! `--referer`). Other 3xx statuses (300, 304, ...) and a 3xx without `Location` are
//! answers, as are all of them with `max_redirects` 0.
//!
//! ```
//! use fetcher::redirect::Hop;
//! use http::{Method, StatusCode};
//! use url::Url;
//! let first = Hop::first(Url::parse("http://a.test/form").unwrap(), Method::POST);
//! let next = first.follow(StatusCode::SEE_OTHER, "/done?x=1").unwrap();
//! assert_eq!(next.url.as_str(), "http://a.test/done?x=1");
//! assert_eq!(next.method, Method::GET);
//! assert!(!next.with_body && !next.cross_origin);
//! let moved = next.follow(StatusCode::PERMANENT_REDIRECT, "https://b.test/").unwrap();
//! assert!(moved.cross_origin);
//! assert!(first.follow(StatusCode::FOUND, "ftp://c.test/").is_err());
//! ```

use std::borrow::Cow;

use http::header::{
    AUTHORIZATION, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, COOKIE, HeaderMap,
    PROXY_AUTHORIZATION, TRANSFER_ENCODING,
};
use http::{Method, StatusCode};
use url::Url;

use crate::error::ErrorKind;
use crate::redact;

/// One request of a chain of redirects: where it goes, with which method, and what of the
/// original request it still carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    /// The URL this hop requests.
    pub url: Url,
    /// Its method.
    pub method: Method,
    /// Whether the request's body is sent (dropped once a 301/302/303 turned it into a GET).
    pub with_body: bool,
    /// Whether some hop left the first URL's origin: the caller's credentials stay behind.
    pub cross_origin: bool,
}

/// Whether `status` is one that is followed when it carries a `Location`.
pub fn is_followed(status: StatusCode) -> bool {
    matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308)
}

impl Hop {
    /// The first request of a chain.
    pub fn first(url: Url, method: Method) -> Self {
        Self {
            url,
            method,
            with_body: true,
            cross_origin: false,
        }
    }

    /// The hop a `status` (one [`is_followed`] accepts) with this `Location` leads to.
    ///
    /// # Errors
    /// [`ErrorKind::Redirect`] when the location is not a URL, or not `http`/`https`.
    pub fn follow(&self, status: StatusCode, location: &str) -> Result<Self, ErrorKind> {
        let url = self.url.join(location).map_err(|e| {
            ErrorKind::Redirect(format!(
                "{} sent Location {location:?}, which is not a URL ({e})",
                redact::url(self.url.as_str())
            ))
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(ErrorKind::Redirect(format!(
                "{} redirects to {}, which is not http or https",
                redact::url(self.url.as_str()),
                redact::url(url.as_str())
            )));
        }
        let to_get = matches!(status.as_u16(), 301..=303) && self.method != Method::HEAD;
        let cross_origin = self.cross_origin || url.origin() != self.url.origin();
        Ok(Self {
            url,
            method: if to_get {
                Method::GET
            } else {
                self.method.clone()
            },
            with_body: self.with_body && !to_get,
            cross_origin,
        })
    }

    /// Takes out of `headers` what this hop must not send: the body's headers once the
    /// body is dropped, the caller's credentials once the chain left its origin. A hop that
    /// carries everything (the first, a same-origin 307/308) leaves a borrowed map
    /// borrowed: nothing is copied.
    pub fn strip(&self, headers: &mut Cow<'_, HeaderMap>) {
        if self.with_body && !self.cross_origin {
            return;
        }
        let headers = headers.to_mut();
        if !self.with_body {
            for name in [
                CONTENT_TYPE,
                CONTENT_LENGTH,
                CONTENT_ENCODING,
                TRANSFER_ENCODING,
            ] {
                headers.remove(name);
            }
        }
        if self.cross_origin {
            for name in [AUTHORIZATION, COOKIE, PROXY_AUTHORIZATION] {
                headers.remove(name);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hop(url: &str, method: Method) -> Hop {
        Hop::first(Url::parse(url).unwrap(), method)
    }

    #[test]
    fn methods_change_as_curl_changes_them() {
        for code in [301, 302, 303] {
            let status = StatusCode::from_u16(code).unwrap();
            let next = hop("http://a.test/", Method::POST)
                .follow(status, "/b")
                .unwrap();
            assert_eq!(
                (next.method, next.with_body),
                (Method::GET, false),
                "{code}"
            );
            let head = hop("http://a.test/", Method::HEAD)
                .follow(status, "/b")
                .unwrap();
            assert_eq!(head.method, Method::HEAD, "{code}");
        }
        for code in [307, 308] {
            let status = StatusCode::from_u16(code).unwrap();
            let next = hop("http://a.test/", Method::PUT)
                .follow(status, "/b")
                .unwrap();
            assert_eq!((next.method, next.with_body), (Method::PUT, true), "{code}");
        }
        assert!(is_followed(StatusCode::FOUND));
        assert!(!is_followed(StatusCode::NOT_MODIFIED));
        assert!(!is_followed(StatusCode::MULTIPLE_CHOICES));
    }

    #[test]
    fn credentials_stay_with_their_origin() {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, "Bearer x".parse().unwrap());
        headers.insert(COOKIE, "a=1".parse().unwrap());
        headers.insert(CONTENT_TYPE, "text/plain".parse().unwrap());
        headers.insert("x-keep", "1".parse().unwrap());
        let start = hop("http://a.test:8080/p", Method::POST);
        let same = start.follow(StatusCode::TEMPORARY_REDIRECT, "/q").unwrap();
        let mut kept = Cow::Borrowed(&headers);
        same.strip(&mut kept);
        assert_eq!(*kept, headers);
        assert!(
            matches!(kept, Cow::Borrowed(_)),
            "nothing to strip, nothing copied"
        );
        // Another port is another origin; once left, the chain stays "cross origin".
        let other = start
            .follow(StatusCode::FOUND, "http://a.test:9090/")
            .unwrap();
        let back = other
            .follow(StatusCode::FOUND, "http://a.test:8080/")
            .unwrap();
        assert!(back.cross_origin);
        let mut stripped = Cow::Borrowed(&headers);
        back.strip(&mut stripped);
        assert_eq!(stripped.len(), 1, "{stripped:?}");
        assert!(stripped.contains_key("x-keep"));
    }

    #[test]
    fn bad_locations_are_redirect_errors() {
        let start = hop("http://u:secret@a.test/", Method::GET);
        let err = start.follow(StatusCode::FOUND, "http://[::1").unwrap_err();
        assert!(
            matches!(&err, ErrorKind::Redirect(why) if !why.contains("secret")),
            "{err}"
        );
        assert!(
            start
                .follow(StatusCode::FOUND, "file:///etc/passwd")
                .is_err()
        );
        let rel = start.follow(StatusCode::FOUND, "../x?y#z").unwrap();
        assert_eq!(rel.url.as_str(), "http://u:secret@a.test/x?y#z");
    }
}
